"""Clocks in the deal thread over HTTP: a GS's message starts the partner's response clock and
the bot says when the reply is due; the partner's reply stops it and starts the GS's clock, held
to the same rules; Slack's retries and repeated message ts act once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.usecases.response_clocks import ThreadMessage, on_thread_message
from storage.models import ClockState, DealMessage, Party
from tests.e2e.conftest import Clock as FakeClock
from tests.e2e.followup_support import (
    CHANNEL,
    NORTHWIND,
    SAKURA,
    clocks,
    make_deal,
    next_ts,
    query,
    thread_event,
    thread_messages,
)
from tests.e2e.support import TEAM, Harness

DUE_JP = datetime(2025, 11, 26, 7, 0, tzinfo=UTC)  # Wed 26 Nov 16:00 JST


def _partner_clock_started(harness: Harness, deal_id: int) -> bool:
    return any(c.owed_by is Party.PARTNER for c in clocks(harness, deal_id))


def test_gs_message_starts_the_partner_clock_with_the_due_time_in_the_thread(
        harness: Harness) -> None:
    deal_id, thread = make_deal(harness, SAKURA)
    # Fri 21 Nov 2025 16:00 JST; Mon 24 Nov is a substitute holiday -> due Wed 26 Nov 16:00 JST
    assert harness.event(thread_event("U0GSHIRO", thread, text="予算の状況を教えてください")
                         ).status == 200
    harness.wait_for(lambda: _partner_clock_started(harness, deal_id))
    [row] = clocks(harness, deal_id)
    assert row.kind == "response" and row.owed_by is Party.PARTNER
    assert row.state is ClockState.RUNNING and row.version == 1
    assert row.started_at == datetime(2025, 11, 21, 7, 0, tzinfo=UTC)
    assert row.due_at == DUE_JP
    assert row.basis == "business_day"
    # first escalation step: 24 business hours left = Tue 25 Nov 16:00 JST
    assert row.next_action_at == datetime(2025, 11, 25, 7, 0, tzinfo=UTC)
    [posted] = harness.wait_for(lambda: [m for m in thread_messages(harness, thread)
                                         if "<!date^" in m["text"]])
    epoch = int(DUE_JP.timestamp())
    assert f"<!date^{epoch}^{{date_short_pretty}} {{time}}|" in posted["text"]
    assert "返信期限" in posted["text"]  # the card's language: the Japanese partner's
    assert "48" in posted["text"]  # the clock's reason: 48 business hours
    assert "Northwind" not in posted["text"]
    [message] = query(harness, lambda uow: list(uow.session.scalars(select(DealMessage))))
    assert message.side is Party.GS and message.starts_clock


def test_us_deal_speaks_english_and_counts_on_the_us_calendar(harness: Harness,
                                                             clock: FakeClock) -> None:
    deal_id, thread = make_deal(harness, NORTHWIND)
    clock.now = datetime(2025, 7, 3, 19, 0, tzinfo=UTC)  # Thu 3 Jul 15:00 New York
    harness.event(thread_event("U0GSMAYA", thread, text="Any news on the budget?"))
    harness.wait_for(lambda: _partner_clock_started(harness, deal_id))
    [row] = clocks(harness, deal_id)
    assert row.due_at == datetime(2025, 7, 8, 19, 0, tzinfo=UTC)  # Tue 8 Jul 15:00
    [posted] = harness.wait_for(lambda: thread_messages(harness, thread))
    assert "reply is due by" in posted["text"]


def test_partner_reply_stops_the_clock_and_starts_the_gs_clock(
        harness: Harness, clock: FakeClock) -> None:
    deal_id, thread = make_deal(harness, SAKURA)
    harness.event(thread_event("U0GSHIRO", thread))
    harness.wait_for(lambda: _partner_clock_started(harness, deal_id))
    clock.now = datetime(2025, 11, 25, 1, 0, tzinfo=UTC)
    harness.event(thread_event("U0AIKO01", thread, text="予算は確保済みです"))
    harness.wait_for(lambda: len(clocks(harness, deal_id)) == 2)
    partner, gs = clocks(harness, deal_id)
    assert partner.state is ClockState.MET and partner.stopped_at == clock.now
    assert partner.next_action_at is None
    assert gs.owed_by is Party.GS and gs.state is ClockState.RUNNING
    # held to the same rules (issue 11): reminded when 24 business hours are left,
    # Wed 26 Nov 10:00 JST (received Tue 10:00 JST, due Thu 27 Nov 10:00 JST)
    assert gs.due_at == datetime(2025, 11, 27, 1, 0, tzinfo=UTC)
    assert gs.next_action_at == datetime(2025, 11, 26, 1, 0, tzinfo=UTC)
    # the GS answers: their clock is met and the partner owes the next reply
    clock.now = datetime(2025, 11, 25, 2, 0, tzinfo=UTC)
    harness.event(thread_event("U0GSHIRO", thread))
    harness.wait_for(lambda: len(clocks(harness, deal_id)) == 3)
    _, gs, again = clocks(harness, deal_id)
    assert gs.state is ClockState.MET
    assert again.owed_by is Party.PARTNER and again.state is ClockState.RUNNING


def test_a_late_reply_is_a_breach_of_the_clock(harness: Harness, clock: FakeClock) -> None:
    deal_id, thread = make_deal(harness, SAKURA)
    harness.event(thread_event("U0GSHIRO", thread))
    harness.wait_for(lambda: _partner_clock_started(harness, deal_id))
    clock.now = DUE_JP + timedelta(minutes=1)
    harness.event(thread_event("U0AIKO01", thread))
    harness.wait_for(lambda: clocks(harness, deal_id)[0].state is not ClockState.RUNNING)
    assert clocks(harness, deal_id)[0].state is ClockState.BREACHED


def test_bots_edits_other_partners_and_other_threads_start_nothing(harness: Harness) -> None:
    deal_id, thread = make_deal(harness, SAKURA)
    harness.event(thread_event("U0GSHIRO", thread, subtype="message_changed"))
    harness.event(thread_event("U0GSHIRO", thread, bot_id="B0OTHER"))
    harness.event(thread_event("U0DANA01", thread))  # not this deal's partner
    harness.event(thread_event("U0GSHIRO", "1111111111.000001"))  # not a deal thread
    top = next_ts()
    harness.event(thread_event("U0GSHIRO", top, ts=top))  # the thread's parent itself
    services = harness.services
    assert on_thread_message(services, ThreadMessage(TEAM, CHANNEL, thread, next_ts(),
                                                     "U0PDMKEN")) == "ignored"
    # a sentinel that does count, processed after the others were acknowledged
    harness.event(thread_event("U0GSHIRO", thread))
    harness.wait_for(lambda: _partner_clock_started(harness, deal_id))
    assert len(clocks(harness, deal_id)) == 1
    messages = query(harness, lambda uow: list(uow.session.scalars(select(DealMessage))))
    assert [m.side for m in messages] == [Party.GS]


def test_retried_events_and_repeated_message_ts_act_once(harness: Harness) -> None:
    deal_id, thread = make_deal(harness, SAKURA)
    event = thread_event("U0GSHIRO", thread)
    assert harness.event(event, event_id="EvFOLLOWUP1").status == 200
    harness.wait_for(lambda: _partner_clock_started(harness, deal_id))
    # Slack retries the same event (X-Slack-Retry-Num): dropped by event id
    assert harness.event(event, event_id="EvFOLLOWUP1", retry=1).status == 200
    assert harness.event(event, event_id="EvFOLLOWUP1", retry=2).status == 200
    metrics = harness.get("/metrics").body
    assert "coseller_duplicate_events_total 2.0" in metrics
    # the same message under another event id: the message ts makes it a no-op
    assert harness.event(event, event_id="EvFOLLOWUP2").status == 200
    services = harness.services
    again = ThreadMessage(TEAM, CHANNEL, thread, event["ts"], "U0GSHIRO")
    assert on_thread_message(services, again) == "duplicate"
    # a later message that counts (the partner's reply), to be sure the others were handled
    harness.event(thread_event("U0AIKO01", thread))
    harness.wait_for(lambda: len(clocks(harness, deal_id)) == 2)
    partner, gs = clocks(harness, deal_id)
    assert partner.owed_by is Party.PARTNER and gs.owed_by is Party.GS
    messages = query(harness, lambda uow: list(uow.session.scalars(
        select(DealMessage).where(DealMessage.slack_ts == event["ts"]))))
    assert len(messages) == 1
    harness.wait_for(lambda: thread_messages(harness, thread))
    assert len([m for m in thread_messages(harness, thread) if "<!date^" in m["text"]]) == 1
