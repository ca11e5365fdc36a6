"""A scripted month in the console for each role: four weeks of console time, a day at a time,
across weekends, a Japanese holiday (Mon 24 Nov 2025, the substitute holiday of Labour
Thanksgiving Day) and a US one (Thu 27 Nov 2025, Thanksgiving), with what each person sees:
reminders and due times in their own zone and language, digests once per due day, and no other
partner's deals."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from bot.config import Settings
from bot.console import ConsoleClock, open_console
from tests.e2e.test_console import START
from tests.english_words import ENGLISH, KEPT
from tests.english_words import TOKEN as _TOKEN
from tests.english_words import WORD as _WORD

DAYS = 28                                  # Fri 21 Nov 2025 07:00 UTC to Fri 19 Dec 07:00 UTC
_HEADER = re.compile(r"^── \[\d+\] (.*) ──$")
_CLICK = re.compile(r"\(/click [^)]*\)")


def month(tmp_path: Path, user: str, *, then: tuple[str, ...] = ()) -> tuple[list[list[str]],
                                                                           list[str]]:
    """What `user` sees on each of 28 `/advance 1d` (day i: from START + i days), and after the
    lines of `then`."""
    out: list[str] = []
    days: list[list[str]] = []
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'month.db'}")
    with open_console(settings, write=out.append, clock=ConsoleClock(START)) as console:
        console.choose(user)
        for _ in range(DAYS):
            start = len(out)
            console.handle("/advance 1d")
            days.append(out[start:])
        start = len(out)
        for line in then:
            console.handle(line)
        return days, out[start:]


def messages(lines: list[str], label: str) -> Iterator[str]:
    """The bodies of the printed messages whose label contains `label`."""
    body: list[str] | None = None
    for line in [*lines, "── [0] end ──"]:
        header = _HEADER.match(line)
        if header is not None:
            if body is not None:
                yield "\n".join(body)
            body = [] if label in header.group(1) else None
        elif body is not None and line.startswith("  "):
            body.append(line.strip())


def english_words(lines: list[str], names: str) -> set[str]:
    """English catalog words in Japanese output (names, command hints and the Japanese text's
    own terms aside)."""
    found: set[str] = set()
    allowed = {w.lower() for w in _WORD.findall(names)}
    for line in lines:
        cleaned = _TOKEN.sub(" ", _CLICK.sub(" ", line))
        found |= {w.lower() for w in _WORD.findall(cleaned) if w not in KEPT} & ENGLISH
    return found - allowed


def test_partner_aiko_in_japanese(tmp_path: Path) -> None:
    days, _ = month(tmp_path, "aiko")
    everything = [line for day in days for line in day]
    # the first BANT prompt waits for the first business morning: not the Monday holiday
    assert [i for i, day in enumerate(days) if any("新しい共有取引" in x for x in day)] == [3]
    prompt = next(messages(days[3], "案件 1 のスレッド"))
    assert "返信期限:11月27日(木) 09:30 JST" in prompt
    # weekly prompts on Tuesdays, each due two business days later at 09:30 Tokyo time
    weekly = [(i, m) for i, day in enumerate(days) for m in messages(day, "案件 1 のスレッド")
              if "週次BANT更新" in m]
    assert [i for i, _ in weekly] == [10, 17, 24]
    assert [re.findall(r"返信期限:([^\n]*)", m)[0] for _, m in weekly] == [
        "12月4日(木) 09:30 JST", "12月11日(木) 09:30 JST", "12月18日(木) 09:30 JST"]
    # her own direct messages: the last-hours reminder of each, in her zone
    dms = list(messages(everything, "Aiko Tanakaさんへのダイレクトメッセージ"))
    assert [dm.splitlines()[0] for dm in dms] == [
        f"*Hoshino Foods* の返信期限まで営業日のみを数えて残り4時間です(期限:{due} 09:30 JST)。"
        for due in ("11月27日(木)", "12月4日(木)", "12月11日(木)", "12月18日(木)")]
    # only her organisation's deal 1; nothing of Northwind's or Kaze's
    labels = {h.group(1) for x in everything if (h := _HEADER.match(x))}
    assert labels == {"Coseller · 案件 1 のスレッド", "案件 1 のカード",
                      "Coseller · Aiko Tanakaさんへのダイレクトメッセージ"}
    text = "\n".join(everything)
    for other in ("Bluebird", "Acme", "Northwind", "Kaze", "案件 3", "案件 4", "案件 5"):
        assert other not in text, other
    assert english_words(everything, "Aiko Tanaka Hiroshi Sato Hoshino Foods "
                                     "hoshino-foods.co.jp Sakura Digital KK Coseller JST") == set()


def test_partner_dana_in_english(tmp_path: Path) -> None:
    days, _ = month(tmp_path, "dana")
    everything = [line for day in days for line in day]
    dms = list(messages(everything, "direct message to Dana Reyes"))
    assert [dm.splitlines()[0] for dm in dms] == [
        "HubSpot offered you *Acme Outdoor*: accept it by Mon 24 Nov 02:00 EST (72 hours after "
        "the first notification), or the GS will manage it alone.",
        "No answer within 72 hours of the first notification: the offer of *Acme Outdoor* "
        "lapsed and the GS manages the deal alone.",
        *(f"Only 4 business hours left to reply on *Bluebird Health*: due {due} 09:30 EST."
          for due in ("Tue 25 Nov", "Tue 2 Dec", "Tue 9 Dec", "Tue 16 Dec"))]
    # the prompts come on Friday mornings in New York, the one after Thanksgiving too
    prompts = [i for i, day in enumerate(days)
               for m in messages(day, "thread of deal 3") if m.startswith("📋")]
    assert prompts == [0, 7, 14, 21]
    breaches = [m for m in messages(everything, "thread of deal 3") if "a breach is recorded" in m]
    assert len(breaches) == 4
    labels = {h.group(1) for x in everything if (h := _HEADER.match(x))}
    assert labels == {"Coseller in the thread of deal 3", "Coseller in the thread of deal 4",
                      "card of deal 3", "card of deal 4", "Coseller · direct message to Dana Reyes"}
    text = "\n".join(everything)
    for other in ("Hoshino", "Tsubame", "Sakura", "Kaze", "deal 1", "deal 2", "deal 5"):
        assert other not in text, other
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text)   # no Japanese


def test_gs_hiroshi_gets_a_digest_each_business_morning(tmp_path: Path) -> None:
    days, later = month(tmp_path, "hiroshi", then=("/as maya",))
    digests = [[m for m in messages(day, "Hiroshi Satoさんへのダイレクトメッセージ")
                if m.startswith("おはようございます。")] for day in days]
    # 08:30 Tokyo time on each business day: day i brings the morning of 22 Nov + i
    business = [3, 4, 5, 6, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20, 23, 24, 25, 26, 27]
    assert [i for i, found in enumerate(digests) if found] == business
    assert all(len(found) == 1 for found in digests if found)     # once per due morning
    # Tue 25 Nov: the BANT prompt comes at 09:30, after the digest; Wed 26 Nov: both clocks
    assert digests[3][0].splitlines() == [
        "おはようございます。担当取引で進行中の期限が1件あります:",
        "• Hoshino Foods:顧客によって署名されたPOI(期限 1月5日(月)終了時)"]
    assert digests[4][0].splitlines() == [
        "おはようございます。担当取引で進行中の期限が2件あります:",
        "• Hoshino Foods:BANT条件の更新(期限 11月27日(木) 09:30 JST)",
        "• Hoshino Foods:顧客によって署名されたPOI(期限 1月5日(月)終了時)"]
    mine = [line for day in days for line in day]
    assert not [x for x in mine if _HEADER.match(x) and "Maya Brooks" in x]   # not hers
    dms = [x for x in mine if "ダイレクトメッセージ" in x]
    assert len(dms) == 19 and all("Hiroshi Sato" in x for x in dms)
    assert english_words([x for m in messages(mine, "Hiroshi Satoさんへの") for x in
                          m.splitlines()], "Hoshino Foods Coseller JST") == set()
    # Maya's digests waited for her: US business mornings, not Thanksgiving (Thu 27 Nov)
    # (and the notice that her offer to Northwind lapsed)
    assert "20 message(s) came for you meanwhile:" in later
    maya = [m.splitlines()[0] for m in messages(later, "direct message to Maya Brooks")]
    assert len(maya) == 20
    assert [m for m in maya if not m.startswith("Good morning!")] == [
        "No answer within 72 hours of the first notification: the offer of *Acme Outdoor* "
        "lapsed and the GS manages the deal alone."]
    mornings = [m for m in messages(later, "direct message to Maya Brooks")
                if m.startswith("Good morning!")]
    assert len(mornings) == 19                      # 20 business mornings, less Thanksgiving


def test_pdm_ken_gets_a_weekly_summary_on_mondays(tmp_path: Path) -> None:
    days, _ = month(tmp_path, "U0PDMKEN")
    summaries = [[m for m in messages(day, "direct message to Ken Ito")
                  if m.startswith("Weekly summary")] for day in days]
    # Monday 09:00 UTC: day i brings 22 Nov + i's Monday; one summary per partner, once
    assert [i for i, found in enumerate(summaries) if found] == [3, 10, 17, 24]
    assert summaries[3] == [
        "Weekly summary for Kaze Marketing GK: no replies to GSs, "
        "0 breaches in the last 7 days.",
        "Weekly summary for Northwind Growth LLC: no replies to GSs, "
        "0 breaches in the last 7 days.",
        "Weekly summary for Sakura Digital KK: no replies to GSs, "
        "0 breaches in the last 7 days."]
    assert [len(found) for found in summaries if found] == [3, 3, 3, 3]
    assert "Sakura Digital KK: no replies to GSs, 1 breach in the last" in \
        summaries[10][2]
    # the third and fourth breach of each partner (Tuesdays 09:30 New York, Thursdays 09:30
    # Tokyo) bring the consequence ladder
    ladder = [(i, m) for i, day in enumerate(days) for m in messages(day, "direct message to Ken")
              if "consequence ladder" in m]
    assert [(i, m.split(" has ")[0], m.split(" has ")[1][:1]) for i, m in ladder] == [
        (18, "Northwind Growth LLC", "3"), (19, "Sakura Digital KK", "3"),
        (25, "Northwind Growth LLC", "4"), (26, "Sakura Digital KK", "4")]
