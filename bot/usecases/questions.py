"""Free-text rule questions, in English or Japanese: which rule they are about, and the facts in them.

    found = classify("is a starter-only deal eligible?")
    found.topic           # "eligibility"
    found.facts.starter_only   # True

Pure keyword and phrase scoring over both languages (the Japanese phrases are the official terms of
the Japanese Rules of Engagement), no network and no model: each topic has phrases with weights,
the text scores the sum of the phrases it contains, and the best topic wins. Facts (products and
editions, amounts, months, dates, regions, motion, POI) are read with patterns that accept both
languages' ways of writing them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation

from rules.money import Money, MoneyError, check_currency
from rules.questions import by_topic
from rules.revenue_share import YearMonth
from rules.sections import Section
from rules.vocabulary import HUBS, Edition, LineCredit, Motion

__all__ = [
    "TOPICS",
    "Classified",
    "Facts",
    "Topic",
    "classify",
    "clean_mention",
    "is_japanese",
    "question_lang",
]

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


@dataclass(frozen=True)
class Topic:
    """A rule topic: the sections that answer it, the `/roe` command for it, and its phrases."""

    name: str
    sections: tuple[Section, ...]
    command: str | None
    phrases: tuple[tuple[str, int], ...]


def _topic(name: str, phrases: dict[str, int]) -> Topic:
    """A topic of the registry (`rules.questions`): its sections and `/roe` example are the
    question's, its phrases are how people ask it."""
    found = by_topic(name)
    if found is None:
        raise LookupError(f"mention topic {name!r} is not a registered rule question")
    return Topic(name, found.sections, found.example, tuple(phrases.items()))


TOPICS: tuple[Topic, ...] = (
    _topic("eligibility", {
               "eligible": 3, "eligibility": 3, "qualify": 3, "qualifies": 3, "qualifying": 2,
               "starter-only": 2, "starter only": 2, "only starter": 2, "just starter": 2,
               "does it count": 2, "counts": 1,
               "対象": 2, "対象となる": 1, "対象ですか": 2, "対象になりますか": 2, "適格": 3,
               "取引の条件": 3, "starterだけ": 2, "starterのみ": 2, "starter製品のみ": 2,
           }),
    _topic("earnings", {
               "earn": 3, "earns": 3, "earning": 3, "commission": 3, "commissions": 3,
               "get paid": 2, "sold mrr credit": 2, "credit": 1, "what do we get": 2,
               "コミッション": 3, "獲得": 2, "クレジット": 1, "販売ポイント": 2,
           }),
    _topic("revenue_share", {
               "revenue share": 4, "rev share": 4, "revshare": 4, "revenue-share": 4, "20%": 2,
               "quarterly": 1, "payout": 2, "payouts": 2, "paid out": 2, "per month": 1,
               "レベニューシェア": 4, "四半期": 1, "支払": 1, "毎月": 1,
           }),
    _topic("upmarket", {
               "upmarket": 5, "referral program": 3, "3,000": 1, "3000": 1,
               "アップマーケット": 5, "リファーラル": 3, "3,000米ドル": 2,
           }),
    _topic("bpw", {
        "best partner wins": 6, "bpw": 6, "another partner": 2, "other partner": 2,
        "two partners": 3, "multiple partners": 3, "several partners": 3, "both partners": 3,
        "competing": 3, "who wins": 3, "same customer": 2,
        "best partner winsのプロセス": 2, "複数のパートナー": 3, "他のパートナー": 2,
        "別のパートナー": 2, "競合": 3, "2社": 2, "同じ顧客": 2,
    }),
    _topic("upsell", {
        "upsell": 4, "upselling": 4, "upgrade": 3, "upgrading": 3, "more seats": 3, "seats": 1,
        "starter to professional": 3, "starter to enterprise": 3,
        "professional to enterprise": 3,
        "アップセル": 4, "アップグレード": 3, "シート": 1, "エディション": 1,
    }),
    _topic("cross_sell", {
        "cross-sell": 5, "cross sell": 5, "crosssell": 5, "new product line": 2,
        "another hub": 2, "product line": 1, "クロスセル": 5, "製品ライン": 1,
    }),
    _topic("waive", {
        "waive": 5, "waiver": 5, "waiving": 5, "skip onboarding": 4, "instead of hubspot": 2,
        "免除": 5, "代替": 2,
    }),
    _topic("onboarding", {
        "onboarding": 2, "10 business days": 3, "ten business days": 3, "kickoff": 1,
        "start onboarding": 2, "implementation": 1,
        "導入支援": 2, "10営業日": 3, "オンボーディング": 2,
    }),
    _topic("due", {
        "reply": 3, "respond": 3, "response": 2, "answer the gs": 2, "how long": 2,
        "deadline": 3, "due": 2, "48 hours": 3, "48h": 3, "holiday": 2, "weekend": 2,
        "out of office": 2, "ooo": 2, "vacation": 2,
        "返信": 3, "期限": 2, "返信期限": 3, "48時間": 3, "祝祭日": 2, "祝日": 2, "週末": 1,
        "不在": 2, "休暇": 2, "いつまで": 2, "何時間": 2,
    }),
    _topic("poi", {
        "poi": 3, "proof of involvement": 4, "confirmation link": 3, "signed": 1,
        "signature": 1, "関与の証明": 4, "確認リンク": 3, "署名": 2,
    }),
    _topic("discount", {
        "discount": 5, "discounts": 5, "discounting": 5, "price reduction": 3,
        "割引": 5, "値引き": 5,
    }),
    _topic("incentive", {
        "gift": 4, "gifts": 4, "incentive": 4, "incentives": 4, "kickback": 5, "reward": 3,
        "gift card": 5, "dinner": 2, "謝礼": 5, "報酬": 3, "贈呈": 4, "インセンティブ": 4,
        "ギフト": 4, "報奨": 4,
    }),
    _topic("collaboration", {
        "72 hours": 5, "72h": 5, "hubspot-owned": 3, "offered": 2, "invited": 2,
        "collaborate": 3, "accept the deal": 3, "72時間": 5, "共有取引への参加": 4, "招待": 2,
    }),
    _topic("registration", {
        "register": 3, "registration": 3, "domain": 2, "expire": 3, "expires": 3,
        "取引登録": 4, "登録": 2, "ドメイン": 2, "有効期限": 3,
    }),
    _topic("managed_mrr", {
        "managed mrr": 5, "log in": 2, "login": 2, "logging in": 2, "portal": 1,
        "管理によるmrr": 5, "管理による月間経常収益": 5, "ログイン": 2,
    }),
    _topic("sold_mrr", {
        "sold mrr": 4, "12 months ago": 3, "twelve months ago": 3, "販売によるmrr": 4,
        "販売による月間経常収益": 4, "12か月前": 3,
    }),
    _topic("review", {
        "breach": 4, "breaches": 4, "consequence": 4, "consequences": 4, "warning": 2,
        "suspend": 3, "suspension": 3, "terminated": 2, "penalty": 3, "removed from": 2,
        "違反": 4, "警告": 3, "参加停止": 3, "参加解除": 3, "措置": 2,
    }),
    _topic("account_team", {
        "pdm": 3, "growth specialist": 3, "account team": 4, "who do i contact": 3,
        "who is my": 3, "パートナーチーム": 4, "グローススペシャリスト": 3,
        "パートナー デベロップメント マネージャー": 4, "担当": 1,
    }),
)
_BY_NAME = {topic.name: topic for topic in TOPICS}


def topic(name: str) -> Topic:
    """A topic by name."""
    return _BY_NAME[name]


@dataclass
class Facts:
    """Facts found in a question (None: not said)."""

    products: list[tuple[str, Edition | None]] = field(default_factory=list)
    editions: list[Edition] = field(default_factory=list)
    line: str | None = None
    starter_only: bool = False
    amounts: list[Money] = field(default_factory=list)
    month: YearMonth | None = None
    day: date | None = None
    at: time | None = None
    region: str | None = None
    motion: Motion | None = None
    poi: bool | None = None
    poi_names_onboarding: bool | None = None
    provider: bool | None = None
    credit: LineCredit | None = None


@dataclass(frozen=True)
class Classified:
    """A question's best topic (None when nothing matched), every topic's score, and its facts."""

    text: str
    topic: Topic | None
    scores: tuple[tuple[Topic, int], ...]
    facts: Facts
    japanese: bool

    def closest(self, limit: int = 4) -> tuple[list[Section], list[str]]:
        """The sections of the best-scoring topics (at most `limit`), and their `/roe` commands."""
        sections: list[Section] = []
        commands: list[str] = []
        for found, _ in self.scores[:3]:
            for section in found.sections:
                if section not in sections and len(sections) < limit:
                    sections.append(section)
            if found.command and found.command not in commands:
                commands.append(found.command)
        return sections, commands[:2]


def is_japanese(text: str) -> bool:
    """Whether the text is written in Japanese (kana or kanji)."""
    return bool(JAPANESE.search(text))


def question_lang(text: str, fallback: str) -> str:
    """Japanese for a question written in Japanese, English for one in English words, else the
    asker's language."""
    if is_japanese(text):
        return "ja"
    if len(re.findall(r"[A-Za-z]{3,}", text)) >= 2:
        return "en"
    return fallback


def clean_mention(text: str) -> str:
    """A mention's text without `<@U123>` mentions, links shown by their label."""
    text = re.sub(r"<@[A-Z0-9]+(\|[^>]*)?>", " ", text)
    text = re.sub(r"<(?:https?|mailto):[^|>]*\|([^>]*)>", r"\1", text)
    text = re.sub(r"<(?:https?|mailto):([^>]*)>", r"\1", text)
    return " ".join(text.split())


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace("–", "-").replace("—", "-")


def _found(phrase: str, text: str) -> bool:
    if phrase.isascii():
        return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", text) is not None
    return phrase in text


def classify(question: str, *, regions: tuple[str, ...] = ()) -> Classified:
    """The rule topic of a free-text question and the facts it carries."""
    plain = unicodedata.normalize("NFKC", clean_mention(question))
    text = _normal(plain)
    scored = [(candidate, sum(weight for phrase, weight in candidate.phrases
                              if _found(phrase, text)))
              for candidate in TOPICS]
    ranked = sorted(((c, s) for c, s in scored if s > 0),
                    key=lambda pair: (-pair[1], TOPICS.index(pair[0])))
    best = ranked[0][0] if ranked else None
    return Classified(question, best, tuple(ranked), read_facts(text, plain, regions),
                      is_japanese(question))


# -- facts ----------------------------------------------------------------------------------------

_HUB_WORDS = {"marketing": "marketing", "sales": "sales", "service": "service",
              "content": "content", "operations": "operations", "ops": "operations",
              "マーケティング": "marketing", "セールス": "sales", "サービス": "service",
              "コンテンツ": "content", "オペレーションズ": "operations"}
_EDITION_WORDS = {"starter": Edition.STARTER, "スターター": Edition.STARTER,
                  "professional": Edition.PROFESSIONAL, "pro": Edition.PROFESSIONAL,
                  "プロフェッショナル": Edition.PROFESSIONAL, "enterprise": Edition.ENTERPRISE,
                  "エンタープライズ": Edition.ENTERPRISE}
_EDITION_RE = "|".join(sorted(map(re.escape, _EDITION_WORDS), key=len, reverse=True))
_HUB_RE = "|".join(sorted(map(re.escape, _HUB_WORDS), key=len, reverse=True))
_PRODUCT_RE = re.compile(rf"(?<![a-z])({_HUB_RE})(?:\s*hub)?[\s/]*({_EDITION_RE})(?![a-z])")
_LONE_EDITION_RE = re.compile(rf"(?<![a-z])({_EDITION_RE})(?![a-z])")
_AMOUNT_RE = re.compile(
    r"(?P<pre>[$¥€£])\s*(?P<num1>\d[\d,]*(?:\.\d+)?)"
    r"|(?P<num2>\d[\d,]*(?:\.\d+)?)\s*(?P<cur>usd|jpy|eur|gbp|aud|cad|sgd|円|ドル|米ドル)(?![a-z])")
_SYMBOLS = {"$": "USD", "¥": "JPY", "€": "EUR", "£": "GBP", "円": "JPY", "ドル": "USD",
            "米ドル": "USD"}
_MONTH_RE = re.compile(r"(?<!\d)(\d{4})[-/](\d{1,2})(?![-/\d])|(\d{4})年(\d{1,2})月(?!\d{1,2}日)")
_DAY_RE = re.compile(r"(?<!\d)(\d{4})[-/](\d{1,2})[-/](\d{1,2})|(\d{4})年(\d{1,2})月(\d{1,2})日")
_TIME_RE = re.compile(r"(?<![\d.])(\d{1,2}):(\d{2})(?!\d)|(\d{1,2})時(?:(\d{1,2})分)?")
_REGION_NAMES = {"japan": "JP", "日本": "JP", "united states": "US", "america": "US",
                 "アメリカ": "US", "米国": "US", "uk": "GB", "united kingdom": "GB", "イギリス": "GB",
                 "英国": "GB", "germany": "DE", "ドイツ": "DE", "france": "FR", "フランス": "FR",
                 "australia": "AU", "オーストラリア": "AU", "singapore": "SG", "シンガポール": "SG"}


def _money(number: str, currency: str) -> Money | None:
    try:
        value = Decimal(number.replace(",", ""))
        return Money(value, check_currency(currency))
    except (InvalidOperation, MoneyError):
        return None


def read_facts(text: str, plain: str, regions: tuple[str, ...] = ()) -> Facts:
    """The facts in a question: `text` normalised (NFKC, case-folded), `plain` only NFKC (region
    codes are read in capitals, so that the word "us" is not the United States)."""
    facts = Facts()
    _read_products(facts, text)
    _read_amounts(facts, text)
    _read_when(facts, text, plain, regions)
    _read_flags(facts, text)
    return facts


def _any(text: str, *phrases: str) -> bool:
    return any(_found(p, text) for p in phrases)


def _read_products(facts: Facts, text: str) -> None:
    for hub_word, edition_word in _PRODUCT_RE.findall(text):
        product = (_HUB_WORDS[hub_word], _EDITION_WORDS[edition_word])
        if product not in facts.products:
            facts.products.append(product)
    facts.editions = [_EDITION_WORDS[w] for w in _LONE_EDITION_RE.findall(text)]
    for hub in HUBS:
        if _found(hub, text) or _any(text, *(w for w, h in _HUB_WORDS.items() if h == hub)):
            facts.line = hub
            break
    if facts.line is None and _found("hubspot credits", text):
        facts.line = "credits"
    only_starters = bool(facts.products) and all(e is Edition.STARTER for _, e in facts.products)
    facts.starter_only = _any(
        text, "starter-only", "starter only", "only starter", "just starter", "only a starter",
        "starterだけ", "starterのみ", "starter製品のみ", "starter製品だけ", "スターターだけ",
        "スターターのみ") or (only_starters and _any(text, "only", "just", "だけ", "のみ"))


def _read_amounts(facts: Facts, text: str) -> None:
    for match in _AMOUNT_RE.finditer(text):
        if match["pre"]:
            money = _money(match["num1"], _SYMBOLS[match["pre"]])
        else:
            cur = match["cur"]
            money = _money(match["num2"], _SYMBOLS.get(cur, cur.upper()))
        if money is not None:
            facts.amounts.append(money)


def _read_when(facts: Facts, text: str, plain: str, regions: tuple[str, ...]) -> None:
    if (day := _DAY_RE.search(text)) is not None:
        parts = [p for p in day.groups() if p is not None]
        try:
            facts.day = date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            facts.day = None
    if (month := _MONTH_RE.search(text)) is not None:
        parts = [p for p in month.groups() if p is not None]
        try:
            facts.month = YearMonth(int(parts[0]), int(parts[1]))
        except ValueError:
            facts.month = None
    if (at := _TIME_RE.search(text)) is not None:
        try:
            facts.at = time(int(at[1] or at[3]), int(at[2] or at[4] or "0"))
        except ValueError:
            facts.at = None
    for word in re.findall(r"(?<![A-Za-z])[A-Z]{2}(?:-[A-Z0-9]{1,3})?(?![A-Za-z])", plain):
        if word in regions:
            facts.region = word
    for name, code in _REGION_NAMES.items():
        if _found(name, text) and (not regions or code in regions):
            facts.region = code


def _read_flags(facts: Facts, text: str) -> None:
    if _any(text, "assisted", "partner assisted", "hubspot sourced", "hubspot brought",
            "invited us"):
        facts.motion = Motion.PARTNER_ASSISTED
    elif _any(text, "sourced", "partner sourced", "we registered", "we sourced"):
        facts.motion = Motion.PARTNER_SOURCED
    if _any(text, "no poi", "without a poi", "without poi", "unsigned", "not signed", "poiなし",
            "署名なし", "未署名", "署名されていない"):
        facts.poi = False
    elif _any(text, "signed poi", "poi signed", "poi is signed", "with a poi", "with poi",
              "has signed", "poiあり", "署名済み", "署名されたpoi", "poiに署名"):
        facts.poi = True
    if _any(text, "names us", "naming us", "says we", "we provide the onboarding",
            "we do the onboarding", "our onboarding", "当社が導入支援", "自社で導入支援",
            "導入支援を提供"):
        facts.poi_names_onboarding = True
    if _any(text, "provider", "solutions provider", "プロバイダー"):
        facts.provider = True
    if _any(text, "no other partner", "no partner is credited", "nobody", "bought directly",
            "from hubspot directly", "他のパートナーにクレジットが付与されていない",
            "他のパートナーが受け取っていない", "直接購入"):
        facts.credit = LineCredit.NONE
    elif _any(text, "another partner is credited", "other partner is credited",
              "another partner has", "other partner has", "他のパートナーがクレジット",
              "別のパートナーがクレジット"):
        facts.credit = LineCredit.OTHER
    elif _any(text, "we sold", "our line", "we hold the credit", "we are credited", "当社が販売"):
        facts.credit = LineCredit.SELF
