"""Both languages, completely (issue 11), a deal's whole life: Japanese readers only (partner
Aiko, her colleague Kenji who stands in for her, GS Hiroshi, a Japanese PDM and a Japanese
admin) register a deal from the modal (a bad value first), answer HubSpot's offers (one accepted,
one ignored until it lapses), send and sign a POI, go out of office with a stand-in, add a
year-end closure, leave a GS reply overdue, and close deals won and lost, over signed HTTP
against the fake Slack. Every payload any of them receives (messages, DMs, ephemeral answers,
modals, the modal submissions' answers) is searched for English words of the English catalogs
(names aside), and every time shown to them is in JST."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.usecases.periodic import ensure_clocks
from bot.usecases.sweep import sweep
from rules.vocabulary import Role
from storage.models import CalendarClosure, Clock, ClockState, DealStatus, Party, Person
from tests.e2e.conftest import Clock as FakeClock
from tests.e2e.deals_support import (
    button,
    card,
    card_ts,
    click,
    deal_row,
    form,
    only_deal,
    org_id,
    settle,
    submit,
    wait_status,
)
from tests.e2e.followup_support import (
    clocks,
    moment,
    opened_view,
    outbox_idle,
    query,
    thread_event,
    view_submission,
)
from tests.e2e.support import TEAM, Harness
from tests.english_words import english_in, name_words, texts

AIKO, HIRO, KENJI, YUI, YUKI = "U0AIKO01", "U0GSHIRO", "U0KENJI1", "U0PDMYUI", "U0ADMJA1"
ENGLISH_READERS = {"U0DANA01", "U0GSMAYA", "U0PDMKEN", "U0ADMIN1"}
SAKURA = "Sakura Digital KK"
NAMES = name_words(SAKURA, "Acme KK acme.co.jp Umbrella KK umbrella.co.jp Hooli KK hooli.co.jp",
                   "Aiko Tanaka Hiroshi Sato Kenji Mori Yui Kato Yuki Mori", "Coseller JST")
T0 = datetime(2025, 11, 21, 7, 0, tzinfo=UTC)  # Fri 21 Nov 2025 16:00 JST
DATE_TOKEN = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]*)>")
CLOCK_TIME = re.compile(r"\d{1,2}:\d{2}(?!\d)")


def _japanese_colleagues(harness: Harness) -> None:
    """Kenji (Sakura, stands in for Aiko), Yui (Sakura's PDM) and Yuki (an admin) read
    Japanese."""
    for user in (KENJI, YUI, YUKI):
        harness.slack.add_user(user, locale="ja-JP", tz="Asia/Tokyo")
    with harness.services.uow(actor="e2e") as uow:
        org = uow.directory.partner(SAKURA)
        assert org is not None
        for user, name, role, partner in ((KENJI, "Kenji Mori", Role.PARTNER, org.id),
                                          (YUI, "Yui Kato", Role.PDM, None),
                                          (YUKI, "Yuki Mori", Role.ADMIN, None)):
            uow.directory.add(Person(slack_team_id=TEAM, slack_user_id=user, name=name,
                                     role=role, partner_org_id=partner, locale="ja",
                                     timezone="Asia/Tokyo"))
        uow.session.flush()
        pdm = uow.directory.person(TEAM, YUI)
        assert pdm is not None
        org.pdm_id = pdm.id
        uow.commit()


def _reader(method: str, args: dict[str, Any]) -> str | None:
    """Who reads a call's payload: a user id, the deal channel, or a modal (opened only by the
    Japanese readers of this story)."""
    if method == "response_url":
        return str(args.get("response_url_id", ""))[:8]
    if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
        if args.get("user"):
            return str(args["user"])
        channel = str(args.get("channel") or "")
        return channel[1:] if channel.startswith("D") else channel
    if method == "views.publish":
        return str(args.get("user_id"))
    if method in ("views.open", "views.update", "views.push"):
        return "modal"
    return None


def _not_jst(payload: dict[str, Any]) -> set[str]:
    """Times shown in another zone than JST: a date token's fallback, or a time of day in the
    text, without "JST"."""
    found: set[str] = set()
    for text in texts(payload):
        for fallback in DATE_TOKEN.findall(text):
            if "JST" not in fallback:
                found.add(fallback)
        bare = DATE_TOKEN.sub(" ", text)
        for match in CLOCK_TIME.finditer(bare):
            if "JST" not in bare[match.end():match.end() + 5]:
                found.add(bare[max(0, match.start() - 20):match.end() + 5])
    return found


class Story:
    """The harness, the injected clock and what the modal submissions answered."""

    def __init__(self, harness: Harness, clock: FakeClock) -> None:
        self.harness, self.clock = harness, clock
        self.answers: list[dict[str, Any]] = []  # HTTP answers to modal submissions

    def at(self, when: datetime) -> None:
        """Time moves to `when`; the sweep runs and what it said is delivered."""
        self.clock.now = when
        sweep(self.harness.services)
        self.harness.wait_for(lambda: outbox_idle(self.harness))

    def command(self, user: str, text: str) -> dict[str, Any]:
        """`/deal <text>` as `user`: the ephemeral answer."""
        before = len(self.harness.responses(user))
        assert self.harness.command("/deal", text, user=user).status == 200
        answers = self.harness.wait_for(lambda: self.harness.responses(user)[before:])
        answer: dict[str, Any] = answers[-1]
        return answer

    def submit(self, user: str, callback_id: str, values: dict[str, Any]) -> dict[str, Any]:
        answer = submit(self.harness, user, callback_id, values)
        self.answers.append(answer)
        return answer

    def say(self, user: str, thread: str, text: str) -> None:
        self.harness.event(thread_event(user, thread, text=text))

    def shown(self, answer: dict[str, Any]) -> str:
        return " ".join(texts(answer))

    def dms(self, user: str) -> list[str]:
        return [" ".join(texts(c.args)) for c in self.harness.slack.calls_of("chat.postMessage")
                if c.args.get("channel") == f"D{user}"]

    def thread(self, ts: str) -> list[str]:
        return [" ".join(texts(c.args)) for c in self.harness.slack.calls_of("chat.postMessage")
                if c.args.get("channel") == "C0DEALS" and c.args.get("thread_ts") == ts]


def _register(story: Story) -> int:
    """Aiko registers Acme KK from the modal: a bad value first, named in Japanese."""
    harness = story.harness
    harness.command("/deal", "register", user=AIKO)
    opened_view(harness, "deal_register")
    bad = story.submit(AIKO, "deal_register", form(
        currency="円", items=[("marketing", "professional", "九万六千")],
        expected_close="2025-11-28"))
    assert bad["response_action"] == "errors" and set(bad["errors"]) == {"currency", "item1_mrr"}
    assert "「円」" in bad["errors"]["currency"] and "通貨コード" in bad["errors"]["currency"], bad
    assert "「九万六千」" in bad["errors"]["item1_mrr"] and "月額" in bad["errors"]["item1_mrr"], bad
    good = story.submit(AIKO, "deal_register", form(company="Acme KK", expected_close="2025-11-28"))
    assert good["response_action"] == "update"
    deal_id = only_deal(harness, "acme.co.jp", SAKURA)
    first = card(harness, deal_id)
    click(harness, HIRO, "deal_accept", str(button(first, "deal_accept")), message_ts=first["ts"])
    wait_status(harness, deal_id, DealStatus.ACCEPTED)
    return deal_id


def _offers(story: Story) -> tuple[int, int]:
    """Hiroshi offers two HubSpot-owned deals to Sakura; Aiko accepts one an hour later."""
    harness = story.harness
    sakura = org_id(harness, SAKURA)
    for domain, company, close in (("umbrella.co.jp", "Umbrella KK", "2025-12-19"),
                                   ("hooli.co.jp", "Hooli KK", "2026-01-30")):
        answer = story.submit(HIRO, "deal_offer", form(domain=domain, company=company,
                                                      qualified=(), partner=sakura,
                                                      expected_close=close))
        assert answer["response_action"] == "update"
    ignored = only_deal(harness, "umbrella.co.jp", SAKURA)
    accepted = only_deal(harness, "hooli.co.jp", SAKURA)
    settle(harness)
    story.clock.now = T0 + timedelta(hours=1)
    click(harness, AIKO, "offer_accept", str(button(card(harness, accepted), "offer_accept")))
    wait_status(harness, accepted, DealStatus.ACCEPTED)
    return ignored, accepted


def _ooo_with_kenji(story: Story) -> None:
    """Aiko is away Tue 25 Nov 09:00 to Sat 29 Nov 00:00 JST; Kenji stands in."""
    harness = story.harness
    harness.command("/deal", "ooo", user=AIKO)
    view = opened_view(harness, "followup_ooo")
    before = len(harness.responses(AIKO))
    values = {"ooo_start": moment(datetime(2025, 11, 25, 0, 0, tzinfo=UTC)),
              "ooo_end": moment(datetime(2025, 11, 28, 15, 0, tzinfo=UTC)),
              "ooo_delegate": {"type": "static_select",
                               "selected_option": {"value": KENJI,
                                                   "text": {"type": "plain_text",
                                                            "text": "Kenji Mori"}}}}
    reply = harness.interaction(view_submission(AIKO, "followup_ooo", values,
                                                private_metadata=view["private_metadata"]))
    assert reply.status == 200
    [answer] = harness.wait_for(lambda: harness.responses(AIKO)[before:])
    assert "Kenji Mori" in answer["text"] and KENJI not in answer["text"]


def _partner_clock(harness: Harness, deal_id: int) -> Clock | None:
    return next((c for c in clocks(harness, deal_id)
                 if c.owed_by is Party.PARTNER and c.kind == "response"), None)


def _gs_clock(harness: Harness, deal_id: int) -> Clock | None:
    return next((c for c in clocks(harness, deal_id) if c.owed_by is Party.GS), None)


def _story(story: Story) -> None:
    harness = story.harness
    _japanese_colleagues(harness)
    acme = _register(story)
    umbrella, hooli = _offers(story)
    ensure_clocks(harness.services)
    assert "送付" in story.command(AIKO, f"poi {acme} sent")["text"]
    _ooo_with_kenji(story)
    acme_thread = card_ts(harness, acme)
    story.say(HIRO, acme_thread, "予算の状況を教えてください")
    harness.wait_for(lambda: _partner_clock(harness, acme))
    settle(harness)

    # the ignored offer: reminded, then lapsed (both told); its timeline
    story.at(T0 + timedelta(hours=48))
    story.at(T0 + timedelta(hours=72))
    assert deal_row(harness, umbrella).status is DealStatus.LAPSED
    for user in (AIKO, HIRO):
        assert any("Umbrella KK" in m and "失効" in m for m in story.dms(user)), story.dms(user)
    for user in (AIKO, HIRO):
        timeline = story.shown(story.command(user, f"timeline {umbrella}"))
        assert f"#{umbrella}" in timeline

    # during the absence: the stand-in is named, and reminded in Japanese
    story.at(datetime(2025, 11, 25, 8, 0, tzinfo=UTC))     # Tue 17:00 JST: 24 hours left
    during = story.shown(story.command(HIRO, f"timeline {acme}"))
    assert "Kenji Mori が代理で対応" in during.replace("が", " が", 1) or \
        "Kenji Moriが代理で対応" in during, during
    assert KENJI not in during
    story.at(datetime(2025, 11, 26, 4, 0, tzinfo=UTC))     # Wed 13:00 JST: 4 hours left
    for left in ("24", "4"):  # the stand-in is reminded (24 hours left, 4 hours left)
        assert any("不在期間中の代理" in m and f"営業日のみを数えて残り{left}時間" in m
                   for m in story.dms(KENJI)), story.dms(KENJI)
    story.clock.now = datetime(2025, 11, 26, 5, 0, tzinfo=UTC)
    story.say(KENJI, acme_thread, "田中に代わってお答えします。予算は確保済みです")
    harness.wait_for(lambda: (_partner_clock(harness, acme) or Clock()).stopped_at is not None)
    story.at(datetime(2025, 11, 27, 0, 0, tzinfo=UTC))     # Thu 09:00 JST: POI, month's end
    story.at(datetime(2025, 11, 28, 0, 0, tzinfo=UTC))     # Fri 09:00 JST: the last day
    assert any("月末" in m and "Acme KK" in m for m in story.dms(HIRO)), story.dms(HIRO)
    story.at(datetime(2025, 11, 28, 15, 0, tzinfo=UTC))    # Sat 00:00 JST: POI due, away no more
    after = story.shown(story.command(HIRO, f"timeline {acme}"))
    assert "代理で対応" not in after, after

    # POI signed: a future date refused, then "12月3日"; after the close date it earns nothing
    story.clock.now = datetime(2025, 12, 4, 1, 0, tzinfo=UTC)
    refused = story.command(AIKO, f"poi {acme} signed 2025年12月24日")["text"]
    assert "署名日" in refused and "未来" in refused, refused
    signed = story.command(AIKO, f"poi {acme} signed 12月3日")["text"]
    assert "12月3日" in signed and "得られません" in signed, signed
    story.clock.now += timedelta(minutes=1)
    won = story.command(HIRO, f"close won {acme}")["text"]
    assert "成約" in won and "報酬は発生しません" in won, won
    wait_status(harness, acme, DealStatus.WON)

    # a GS-owed reply in the year's last days; the admin closes 25 December: the due time moves
    hooli_thread = card_ts(harness, hooli)
    story.clock.now = datetime(2025, 12, 23, 7, 0, tzinfo=UTC)  # Tue 23 Dec 16:00 JST
    story.say(AIKO, hooli_thread, "見積もりの件、ご確認いただけますか")
    harness.wait_for(lambda: _gs_clock(harness, hooli))
    old_due = datetime(2025, 12, 25, 7, 0, tzinfo=UTC)        # Thu 25 Dec 16:00 JST
    assert (_gs_clock(harness, hooli) or Clock()).due_at == old_due
    harness.wait_for(lambda: outbox_idle(harness))
    told_before = len(story.thread(hooli_thread))
    story.clock.now += timedelta(hours=1)
    closed = story.command(YUKI, "closure add JP 12月25日 年末休業")["text"]
    assert "年末休業" in closed, closed
    new_due = datetime(2025, 12, 26, 7, 0, tzinfo=UTC)        # Fri 26 Dec 16:00 JST
    harness.wait_for(lambda: (_gs_clock(harness, hooli) or Clock()).due_at == new_due)
    moved = harness.wait_for(lambda: story.thread(hooli_thread)[told_before:])
    assert any(f"<!date^{int(old_due.timestamp())}^" in m and
               f"<!date^{int(new_due.timestamp())}^" in m and "休業日" in m for m in moved), moved
    assert query(harness, lambda uow: len(list(uow.session.scalars(select(CalendarClosure)))))

    # the GS stays silent: reminded, breached, escalated to the PDM (all in Japanese)
    story.at(datetime(2025, 12, 24, 7, 0, tzinfo=UTC))        # Wed 16:00 JST: 24 hours left
    story.at(datetime(2025, 12, 26, 3, 0, tzinfo=UTC))        # Fri 12:00 JST: 4 hours left
    story.at(new_due)
    assert (_gs_clock(harness, hooli) or Clock()).state is ClockState.BREACHED
    assert any("Hooli KK" in m and "残り4時間" in m for m in story.dms(HIRO))
    assert any("Hooli KK" in m and "規則違反" in m for m in story.dms(HIRO))
    assert any(f"<@{HIRO}>" in m for m in story.thread(hooli_thread))  # the thread reminder
    assert any("Hiroshi Sato" in m and "Hooli KK" in m for m in story.dms(YUI)), story.dms(YUI)
    story.clock.now = new_due + timedelta(hours=1)
    lost = story.command(HIRO, f"close lost {hooli}")["text"]
    assert "失注" in lost, lost
    wait_status(harness, hooli, DealStatus.LOST)


def test_a_japanese_deal_life_shows_no_english(harness: Harness, clock: FakeClock) -> None:
    story = Story(harness, clock)
    _story(story)
    seen = [(call.method, call.args) for call in harness.slack.calls
            if (reader := _reader(call.method, call.args)) and reader not in ENGLISH_READERS]
    readers = {_reader(m, a) for m, a in seen}
    assert {AIKO, HIRO, KENJI, YUI, YUKI, "C0DEALS", "modal"} <= readers, readers
    problems: dict[str, list[str]] = {}
    zones: dict[str, list[str]] = {}
    for method, payload in [*seen, *(("modal answer", a) for a in story.answers)]:
        shown = f"{method}: {' '.join(texts(payload))[:200]}"
        if english := english_in(payload, NAMES):
            problems[shown] = sorted(english)
        if other := _not_jst(payload):
            zones[shown] = sorted(other)
    assert problems == {}
    assert zones == {}, "\n".join(f"{k[:90]!r}: {v}" for k, v in zones.items())


def test_the_jst_check_can_fail() -> None:
    assert _not_jst({"text": "<!date^1^{time}|11月21日(金) 07:00 UTC>"}) == {"11月21日(金) 07:00 UTC"}
    assert _not_jst({"text": "期限 11月21日(金) 16:00 JST、<!date^1^{time}|11月21日 16:00 JST>"}) \
        == set()
    assert _not_jst({"text": "期限 11月21日 02:00 EST"})
