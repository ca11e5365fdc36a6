"""Over signed HTTP (issue 11): the Extend button of a breach notice extends the breached clock
(not a newer one) and excuses its breach; the thread is told the old and new due time and why,
in its language; an older notice's buttons (the deal alone) still work; `/deal closure` (admins)
adds and removes a closure day, the region's running clocks move and the thread is told."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.usecases.sweep import sweep
from storage.models import Breach, CalendarClosure, ClockState, Party
from tests.e2e.conftest import Clock as FakeClock
from tests.e2e.followup_support import (
    SAKURA,
    block_action,
    clocks,
    make_deal,
    opened_view,
    outbox_idle,
    query,
    text,
    thread_event,
    thread_messages,
    view_submission,
)
from tests.e2e.support import Harness

DUE = datetime(2025, 11, 26, 7, 0, tzinfo=UTC)  # Wed 26 Nov 16:00 JST (Mon 24 is a holiday)
ADMIN, HIRO = "U0ADMIN1", "U0GSHIRO"


def _buttons(message: dict[str, Any]) -> dict[str, str]:
    return {element["action_id"]: element.get("value", "")
            for block in message.get("blocks") or []
            for element in block.get("elements") or [] if element.get("action_id")}


def _partner_clocks(harness: Harness, deal_id: int) -> list[Any]:
    return [c for c in clocks(harness, deal_id) if c.owed_by is Party.PARTNER]


def _breaches(harness: Harness) -> list[Breach]:
    return list(query(harness, lambda uow: list(uow.session.scalars(select(Breach)))))


def _start(harness: Harness) -> tuple[int, str]:
    deal_id, thread = make_deal(harness, SAKURA)
    harness.event(thread_event(HIRO, thread, text="予算の状況を教えてください"))
    harness.wait_for(lambda: _partner_clocks(harness, deal_id))
    return deal_id, thread


def test_the_breach_notices_extend_button_extends_the_breached_clock(
        harness: Harness, clock: FakeClock) -> None:
    deal_id, thread = _start(harness)
    clock.now = DUE + timedelta(hours=1)
    assert sweep(harness.services).breaches == 1
    [breached] = _partner_clocks(harness, deal_id)
    notice = harness.wait_for(lambda: next((m for m in thread_messages(harness, thread)
                                            if "breach_extend" in _buttons(m)), None))
    assert set(_buttons(notice).values()) == {f"{deal_id}:{breached.id}"}
    # the GS writes again: a newer clock runs for the partner
    harness.event(thread_event(HIRO, thread, text="ご確認をお願いします"))
    harness.wait_for(lambda: len(_partner_clocks(harness, deal_id)) == 2)
    newer = _partner_clocks(harness, deal_id)[1]
    # Extend on the notice: the modal is about the breached clock, its due time shown
    harness.interaction(block_action(harness, HIRO, "breach_extend",
                                     _buttons(notice)["breach_extend"]))
    view = opened_view(harness, "followup_extension")
    assert json.loads(view["private_metadata"])["clock_id"] == breached.id
    harness.interaction(view_submission(
        HIRO, "followup_extension",
        {"ext_hours": {"type": "number_input", "value": "24"},
         "ext_reason": text("顧客側の祝日のため")},
        private_metadata=view["private_metadata"]))
    # 24 business hours from Wed 16:00 JST: Thu 16:00 JST
    new_due = datetime(2025, 11, 27, 7, 0, tzinfo=UTC)
    harness.wait_for(lambda: _partner_clocks(harness, deal_id)[0].due_at == new_due)
    first, second = _partner_clocks(harness, deal_id)
    # one reply answers both: only the clock due later (the newer message's) runs on
    assert first.state is ClockState.CANCELLED and first.next_action_at is None
    assert second.due_at == newer.due_at > new_due and second.state is ClockState.RUNNING
    assert _breaches(harness) == []  # the breach left the partner's record
    # the thread (Japanese: the partner's) hears the old and new due time and why
    found = harness.wait_for(lambda: [m for m in thread_messages(harness, thread)
                                      if "顧客側の祝日のため" in m["text"]])
    [moved] = found
    assert f"<!date^{int(DUE.timestamp())}^" in moved["text"]
    assert f"<!date^{int(new_due.timestamp())}^" in moved["text"]
    assert "延長" in moved["text"] and "期限" in moved["text"]
    words = re.sub(r"<[^>]*>|:[a-z_]+:|顧客側の祝日のため|Hiroshi Sato", "", moved["text"])
    assert not re.search(r"[A-Za-z]{3,}", words), moved["text"]
    harness.wait_for(lambda: [m for m in thread_messages(harness, thread)
                              if "免除" in m["text"]])
    # the notice's Dismiss, pressed now: that breach is no longer on the record
    answered = len(harness.wait_for(lambda: harness.responses(HIRO)))  # "extended"
    harness.interaction(block_action(harness, HIRO, "breach_dismiss",
                                     _buttons(notice)["breach_dismiss"]))
    [answer] = harness.wait_for(lambda: harness.responses(HIRO)[answered:])
    assert "記録にありません" in answer["text"]


def test_an_older_notices_buttons_carry_the_deal_and_still_work(
        harness: Harness, clock: FakeClock) -> None:
    deal_id, _ = _start(harness)
    clock.now = DUE + timedelta(hours=1)
    assert sweep(harness.services).breaches == 1
    harness.interaction(block_action(harness, HIRO, "breach_dismiss", str(deal_id)))
    harness.wait_for(lambda: not _breaches(harness))
    harness.interaction(block_action(harness, HIRO, "breach_extend", str(deal_id)))
    view = opened_view(harness, "followup_extension")
    assert json.loads(view["private_metadata"]).get("clock_id") is None


def test_closure_command_moves_the_regions_clocks_and_tells_the_thread(
        harness: Harness) -> None:
    deal_id, thread = _start(harness)
    harness.wait_for(lambda: outbox_idle(harness))  # the due time announced, before counting
    before = len(thread_messages(harness, thread))
    # a GS (Japanese) is refused in Japanese; a typo gets the usage line in their language
    harness.command("/deal", "closure add JP 2025-11-25 臨時休業", user=HIRO)
    harness.command("/deal", "closure add JP 11月31日 臨時休業", user=HIRO)
    refused, usage = harness.wait_for(lambda: len(harness.responses(HIRO)) >= 2 and
                                      harness.responses(HIRO))
    assert "管理者" in refused["text"] + usage["text"]
    assert "/deal closure add" in refused["text"] + usage["text"]
    assert query(harness, lambda uow: list(uow.session.scalars(select(CalendarClosure)))) == []
    # the admin closes Tuesday 25 November in Japan: the reply is due a business day later
    harness.command("/deal", "closure add jp 11/25 Office move", user=ADMIN)
    [done] = harness.wait_for(lambda: harness.responses(ADMIN))
    assert "JP" in done["text"] and "Office move" in done["text"] and "1" in done["text"]
    moved_due = DUE + timedelta(days=1)
    harness.wait_for(lambda: _partner_clocks(harness, deal_id)[0].due_at == moved_due)
    [told] = harness.wait_for(lambda: thread_messages(harness, thread)[before:])
    assert f"<!date^{int(DUE.timestamp())}^" in told["text"]
    assert f"<!date^{int(moved_due.timestamp())}^" in told["text"]
    assert "休業日" in told["text"]  # why, in the thread's Japanese
    # removed: the due time moves back, and the thread is told again
    harness.command("/deal", "closure remove JP 2025-11-25", user=ADMIN)
    harness.wait_for(lambda: _partner_clocks(harness, deal_id)[0].due_at == DUE)
    harness.wait_for(lambda: len(thread_messages(harness, thread)) >= before + 2)
    assert query(harness, lambda uow: list(uow.session.scalars(select(CalendarClosure)))) == []
