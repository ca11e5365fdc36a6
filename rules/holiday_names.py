"""Japanese names of public holidays for countries whose `holidays` calendar has no Japanese.

The `holidays` package names Japan's holidays in Japanese and English, but a US or European
holiday only in English (or the country's own language). A Japanese reader should read
"独立記念日", not "Independence Day", so the English names (`en_US`) of the default regions'
holidays are translated here. A name the table does not know is kept as it is (a proper name is
better than a wrong one); a test keeps the default regions covered.

    >>> japanese_holiday_name("Independence Day (observed)")
    '独立記念日(振替休日)'
"""

from __future__ import annotations

__all__ = ["JAPANESE_HOLIDAY_NAMES", "japanese_holiday_name"]

JAPANESE_HOLIDAY_NAMES: dict[str, str] = {
    # common to many countries
    "New Year's Day": "元日",
    "Day after New Year's Day": "元日の翌日",
    "Christmas Day": "クリスマス",
    "Christmas": "クリスマス",
    "Christmas Eve": "クリスマス・イブ",
    "Day After Christmas": "クリスマスの翌日",
    "Second Day of Christmas": "クリスマス第2日",
    "Boxing Day": "ボクシング・デー",
    "Saint Stephen's Day": "聖ステファノの日",
    "Good Friday": "聖金曜日",
    "Maundy Thursday": "聖木曜日",
    "Easter Saturday": "聖土曜日",
    "Easter Sunday": "復活祭",
    "Easter Monday": "復活祭の月曜日",
    "Ascension Day": "キリスト昇天祭",
    "Pentecost": "聖霊降臨祭",
    "Pentecost Monday": "聖霊降臨祭の月曜日",
    "Whit Monday": "聖霊降臨祭の月曜日",
    "Corpus Christi": "聖体の祝日",
    "Sacred Heart": "イエスのみ心の祭日",
    "Assumption Day": "聖母被昇天祭",
    "Assumption Of Mary Day": "聖母被昇天祭",
    "All Saints' Day": "諸聖人の日",
    "All Souls' Day": "死者の日",
    "Immaculate Conception": "無原罪の御宿りの祭日",
    "Epiphany": "公現祭",
    "Saint Joseph's Day": "聖ヨセフの日",
    "Saint Peter and Saint Paul's Day": "聖ペトロ・聖パウロの日",
    "Labor Day": "労働者の日",
    "Labour Day": "労働者の日",
    "Worker's Day": "労働者の日",
    "May Day": "メーデー",
    "Independence Day": "独立記念日",
    "National Day": "ナショナル・デー",
    "Republic Day": "共和国記念日",
    "Constitution Day": "憲法記念日",
    "Liberation Day": "解放記念日",
    "Victory Day": "戦勝記念日",
    "Armistice Day": "休戦記念日",
    "Remembrance Day": "戦没者追悼記念日",
    "King's Birthday": "国王誕生日",
    "King's Day": "国王の日",
    "Thanksgiving Day": "感謝祭",
    "Columbus Day": "コロンブス・デー",
    "Election Day": "選挙の日",
    "Polling Day": "投票日",
    "Family Day": "ファミリー・デー",
    "Diwali": "ディーワーリー",
    "Eid al-Fitr": "イード・アル＝フィトル",
    "Eid al-Fitr Holiday": "イード・アル＝フィトル休暇",
    "Eid al-Adha": "イード・アル＝アドハー",
    "Eid al-Adha Holiday": "イード・アル＝アドハー休暇",
    "Day of Arafah": "アラファの日",
    "Islamic New Year": "イスラム暦新年",
    "Prophet's Birthday": "預言者生誕祭",
    "Ashura": "アーシューラー",
    # United States (federal and the default regions' states)
    "Martin Luther King Jr. Day": "キング牧師記念日",
    "Washington's Birthday": "ワシントン誕生日",
    "Presidents' Day": "大統領の日",
    "Washington-Lincoln Day": "ワシントン・リンカーン記念日",
    "Lincoln's Birthday": "リンカーン誕生日",
    "Memorial Day": "戦没将兵追悼記念日",
    "Juneteenth National Independence Day": "奴隷解放記念日",
    "Veterans Day": "退役軍人の日",
    "Day After Thanksgiving": "感謝祭の翌日",
    "Friday After Thanksgiving": "感謝祭の翌金曜日",
    "Native American Heritage Day": "ネイティブ・アメリカン・ヘリテージ・デー",
    "Patriots' Day": "愛国者の日",
    "Casimir Pulaski Day": "カシミール・プラスキ記念日",
    "Cesar Chavez Day": "セサール・チャベス記念日",
    "Confederate Memorial Day": "南軍戦没者追悼記念日",
    "Emancipation Day In Texas": "テキサス奴隷解放記念日",
    "Texas Independence Day": "テキサス独立記念日",
    "San Jacinto Day": "サンハシント記念日",
    "Lyndon Baines Johnson Day": "リンドン・B・ジョンソン記念日",
    "Frances Xavier Cabrini Day": "フランシス・カブリーニ記念日",
    "Susan B. Anthony Day": "スーザン・B・アンソニー記念日",
    # Canada
    "Canada Day": "カナダ・デー",
    "Victoria Day": "ヴィクトリア・デー",
    "British Columbia Day": "ブリティッシュコロンビア・デー",
    "National Day for Truth and Reconciliation": "真実と和解のための国民の日",
    # United Kingdom and Ireland
    "Spring Bank Holiday": "春のバンク・ホリデー",
    "Late Summer Bank Holiday": "夏のバンク・ホリデー",
    "May Bank Holiday": "5月のバンク・ホリデー",
    "June Bank Holiday": "6月のバンク・ホリデー",
    "August Bank Holiday": "8月のバンク・ホリデー",
    "October Bank Holiday": "10月のバンク・ホリデー",
    "Saint Patrick's Day": "聖パトリックの祝日",
    "Saint Brigid's Day": "聖ブリジッドの祝日",
    # Germany, Italy
    "German Unity Day": "ドイツ統一の日",
    "National Unity Day": "国民統一の日",
    "Saint Francis of Assisi, Patron Saint of Italy": "アッシジの聖フランチェスコの日",
    # Australia, New Zealand
    "Australia Day": "オーストラリア・デー",
    "ANZAC Day": "アンザック・デー",
    "Anzac Day": "アンザック・デー",
    "Waitangi Day": "ワイタンギ・デー",
    "Matariki": "マタリキ",
    # Singapore, India
    "Chinese New Year": "旧正月",
    "Vesak Day": "ウェーサーカ祭",
    "Buddha Purnima": "ブッダ・プルニマ",
    "Holi": "ホーリー祭",
    "Dussehra": "ダシャラー祭",
    "Ram Navami": "ラーマ・ナヴァミ",
    "Maha Shivaratri": "マハー・シヴァラートリー",
    "Janmashtami (Vaishnava)": "ジャンマシュタミ",
    "Mahatma Gandhi's Birthday": "ガンジー生誕記念日",
    "Mahavira's Birthday": "マハーヴィーラ生誕祭",
    "Guru Nanak's Birthday": "グル・ナーナク生誕祭",
    "Dr. B. R. Ambedkar's Birthday": "アンベードカル生誕記念日",
    # Latin America
    "Tiradentes' Day": "チラデンテスの日",
    "Our Lady of Aparecida": "アパレシーダの聖母の日",
    "Republic Proclamation Day": "共和国宣言記念日",
    "National Day of Zumbi and Black Awareness": "ズンビと黒人意識の日",
    "Universal Fraternization Day": "世界友愛の日",
    "Benito Juárez's birthday": "ベニート・フアレス生誕記念日",
    "Revolution Day": "革命記念日",
    "Change of Federal Government": "連邦政府交代の日",
    "Battle of Boyacá": "ボヤカの戦い記念日",
    "Independence of Cartagena": "カルタヘナ独立記念日",
    "Day of Our Lady of the Rosary of Chiquinquirá": "チキンキラのロザリオの聖母の日",
    # Middle East
    "Founding Day Holiday": "建国記念日",
    "National Day Holiday": "ナショナル・デー",
    "Pesach": "過越祭",
    "Seventh day of Pesach": "過越祭第7日",
    "Shavuot": "七週祭",
    "Rosh Hashanah": "ユダヤ暦新年",
    "Yom Kippur": "贖罪の日",
    "Sukkot": "仮庵の祭り",
    "Simchat Torah / Shemini Atzeret": "シムハット・トーラー",
}

_SUFFIXES: dict[str, str] = {
    "observed": "振替休日",
    "estimated": "推定",
    "observed, estimated": "振替休日・推定",
}


def _one(name: str) -> str | None:
    base, paren, rest = name.partition(" (")
    if paren and rest.endswith(")") and rest[:-1] in _SUFFIXES:
        known = JAPANESE_HOLIDAY_NAMES.get(base)
        return f"{known}({_SUFFIXES[rest[:-1]]})" if known is not None else None
    return JAPANESE_HOLIDAY_NAMES.get(name)


def japanese_holiday_name(english: str) -> str | None:
    """`english` (one name, or several joined by "; ") in Japanese; None when a part is unknown."""
    parts = [_one(part.strip()) for part in english.split(";")]
    if any(part is None for part in parts):
        return None
    return "・".join(p for p in parts if p is not None)
