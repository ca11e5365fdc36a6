"""A reply the GS owes, over signed HTTP against the fake Slack (issue 11, "both sides
measured"): the partner asks on Friday 16:00 JST and the GS stays silent across the weekend and
the substitute holiday of Monday 24 November. The GS is reminded in the thread when 24 business
hours are left (Tuesday 16:00) and by DM when 4 are left (Wednesday 12:00); at the due time the
spec gives (Wednesday 16:00) the breach is the GS's: a thread notice without the partner-breach
buttons, a DM to the GS, one to the partner's PDM (or the region's configured contact), nothing
on the partner organisation's record. The reply shows overdue on the card and the Home tabs and
counts in the digests until the GS answers. The Japanese readers see Japanese only."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.usecases.periodic import gs_digests, pdm_digests
from bot.usecases.sweep import sweep
from storage.directory import import_directory
from storage.models import Breach, Party
from tests.e2e.conftest import Clock as FakeClock
from tests.e2e.followup_support import (
    CHANNEL,
    SAKURA,
    clocks,
    dms,
    make_deal,
    outbox_idle,
    query,
    thread_event,
    thread_messages,
)
from tests.e2e.roe_support import open_home
from tests.e2e.support import Harness
from tests.e2e.test_japanese_complete import _english_in, _for_japanese_readers
from tests.english_words import texts as _texts

ROOT = Path(__file__).resolve().parents[2]
AIKO, HIRO, KEN, ADMIN = "U0AIKO01", "U0GSHIRO", "U0PDMKEN", "U0ADMIN1"
REMIND_24 = datetime(2025, 11, 25, 7, 0, tzinfo=UTC)  # Tue 25 Nov 16:00 JST
REMIND_4 = datetime(2025, 11, 26, 3, 0, tzinfo=UTC)  # Wed 26 Nov 12:00 JST
DUE = datetime(2025, 11, 26, 7, 0, tzinfo=UTC)  # Wed 26 Nov 16:00 JST (Mon 24 is a holiday)


def _gs_clock(harness: Harness, deal_id: int) -> Any:
    return next((c for c in clocks(harness, deal_id) if c.owed_by is Party.GS), None)


def _at(harness: Harness, clock: FakeClock, moment: datetime) -> None:
    """Time moves to `moment`; the sweep runs, and what it said is delivered."""
    clock.now = moment
    sweep(harness.services)
    harness.wait_for(lambda: outbox_idle(harness))


def _said(messages: list[dict[str, Any]]) -> str:
    return json.dumps(messages, ensure_ascii=False)


def _to_hiro(harness: Harness, thread: str) -> list[dict[str, Any]]:
    """What reached Hiroshi: his DMs and the thread's messages that mention him."""
    return [*dms(harness, HIRO), *[m for m in thread_messages(harness, thread)
                                   if f"<@{HIRO}>" in m.get("text", "")]]


def _card(harness: Harness, thread: str) -> str:
    updates = [c.args for c in harness.slack.calls_of("chat.update")
               if c.args.get("channel") == CHANNEL and c.args.get("ts") == thread]
    return json.dumps(updates[-1]["blocks"], ensure_ascii=False) if updates else ""


def _home_text(harness: Harness, user: str) -> str:
    return " ".join(_texts(open_home(harness, user)))


def _partner_asks(harness: Harness) -> tuple[int, str]:
    deal_id, thread = make_deal(harness, SAKURA)
    harness.event(thread_event(AIKO, thread, text="見積もりの件、ご確認いただけますか"))
    harness.wait_for(lambda: _gs_clock(harness, deal_id))
    return deal_id, thread


def test_a_silent_gs_is_reminded_breached_escalated_and_counted(
        harness: Harness, clock: FakeClock) -> None:
    deal_id, thread = _partner_asks(harness)
    row = _gs_clock(harness, deal_id)
    assert (row.kind, row.due_at, row.next_action_at) == ("response", DUE, REMIND_24)
    # the weekend and the holiday pause the clock: nothing until 24 business hours are left
    for moment in (datetime(2025, 11, 22, 1, tzinfo=UTC), datetime(2025, 11, 24, 1, tzinfo=UTC),
                   REMIND_24 - timedelta(minutes=1)):
        _at(harness, clock, moment)
        assert _to_hiro(harness, thread) == []
    _at(harness, clock, REMIND_24)
    [reminder] = _to_hiro(harness, thread)
    assert reminder["thread_ts"] == thread  # in the deal thread, addressed to the GS
    assert "パートナーへの返信期限" in reminder["text"]
    assert f"<!date^{int(DUE.timestamp())}^" in reminder["text"]
    assert "24" in reminder["text"]
    assert not reminder.get("blocks") or "bant_open" not in json.dumps(reminder["blocks"])
    _at(harness, clock, REMIND_4 - timedelta(minutes=1))
    assert dms(harness, HIRO) == []
    _at(harness, clock, REMIND_4)
    [dm] = dms(harness, HIRO)
    assert "営業日のみを数えて残り4時間" in dm["text"]
    _at(harness, clock, DUE - timedelta(minutes=1))
    assert query(harness, lambda uow: list(uow.session.scalars(select(Breach)))) == []
    # the due time the spec gives: Wednesday 16:00 JST
    _at(harness, clock, DUE)
    [breach] = query(harness, lambda uow: list(uow.session.scalars(select(Breach))))
    assert (breach.owed_by, breach.partner_org_id, breach.clock_id) == (Party.GS, None, row.id)
    notices = [m for m in thread_messages(harness, thread) if "GSの規則違反" in m.get("text", "")]
    [notice] = notices
    actions = {e.get("action_id") for b in notice.get("blocks") or []
               for e in b.get("elements") or []}
    assert actions == {"breach_timeline"}  # no Extend, no Remove partner, no Dismiss
    assert "あなたの規則違反" in _said(dms(harness, HIRO))
    [escalation] = [m for m in dms(harness, KEN) if "Hiroshi Sato" in m.get("text", "")]
    assert "has not replied to Sakura Digital KK" in escalation["text"]
    assert "not on the partner's record" in escalation["text"]
    # nothing on the partner organisation's record, nor its three-breaches alert
    with harness.services.uow() as uow:
        org = uow.directory.partner(SAKURA["partner"])
        assert org is not None
        assert uow.breaches.count_since(org.id, DUE - timedelta(days=90)) == 0
    assert not [m for m in dms(harness, KEN) if "breaches recorded" in m.get("text", "")]
    assert "規則違反はありません" in _home_text(harness, AIKO)
    # overdue until the GS replies: the card, the GS's and the PDM's Home tabs
    harness.wait_for(lambda: "期限超過" in _card(harness, thread))
    assert "返信待ち・期限超過" in _card(harness, thread)
    assert "*期限超過*" in _home_text(harness, HIRO)
    assert "*overdue*" in _home_text(harness, KEN)
    _at(harness, clock, DUE + timedelta(hours=1))
    assert len(notices) == len([m for m in thread_messages(harness, thread)
                                if "GSの規則違反" in m.get("text", "")])  # one notice, ever
    # the digests: the GS's next business morning, the PDM's week
    clock.now = datetime(2025, 11, 26, 23, 30, tzinfo=UTC)  # Thu 27 Nov 08:30 JST
    assert gs_digests(harness.services, "JP").digests == 1
    assert pdm_digests(harness.services).digests == 2
    harness.wait_for(lambda: outbox_idle(harness))
    digest = dms(harness, HIRO)[-1]["text"]
    assert "パートナーへの返信で期限を過ぎたものが1件" in digest
    assert "規則違反が1件" in digest
    [weekly] = [m["text"] for m in dms(harness, KEN) if "Weekly summary for Sakura" in m["text"]]
    assert "0 breaches in the last 7 days" in weekly
    assert "GSs missed 1 reply deadline" in weekly
    # the GS replies at last: the clock stops, the breach stays on the GS's record
    clock.now = datetime(2025, 11, 27, 1, 0, tzinfo=UTC)
    harness.event(thread_event(HIRO, thread, text="大変遅くなりました。見積もりを確認しました"))
    harness.wait_for(lambda: _gs_clock(harness, deal_id).stopped_at is not None)
    harness.wait_for(lambda: outbox_idle(harness))
    harness.wait_for(lambda: "期限超過" not in _card(harness, thread))
    assert "期限超過" not in _home_text(harness, HIRO)
    assert len(query(harness, lambda uow: list(uow.session.scalars(select(Breach))))) == 1
    # Japanese readers (Aiko, Hiroshi, their thread) saw Japanese only
    problems = {" ".join(_texts(payload))[:120]: sorted(_english_in(payload))
                for _, payload in _for_japanese_readers(harness, thread) if _english_in(payload)}
    assert problems == {}


def test_a_regions_configured_contact_hears_of_the_gs_breach(
        harness: Harness, clock: FakeClock) -> None:
    directory = (ROOT / "examples" / "directory.toml").read_text(encoding="utf-8")
    with harness.services.uow(actor="e2e") as uow:
        import_directory(uow, directory.replace('code = "JP"\n',
                                                f'code = "JP"\ngs_escalation = "{ADMIN}"\n'))
        uow.commit()
    _partner_asks(harness)
    _at(harness, clock, DUE)
    [escalation] = dms(harness, ADMIN)
    assert "Hiroshi Sato has not replied to Sakura Digital KK" in escalation["text"]
    assert not [m for m in dms(harness, KEN) if "Hiroshi Sato" in m.get("text", "")]
