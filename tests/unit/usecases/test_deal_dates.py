"""Clocks follow their deal's dates (fake world): a BANT update that moves the expected close
date moves the running POI clock at once (due time and next reminder, as the rules compute them
for the new date) and the thread is told the old and new time and why, in both languages; a new
subscription start moves the onboarding clock the same way; an unchanged date moves nothing."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.messages import Reader, Text, ToThread
from bot.usecases.bant import BantFields, RecordBant, record_bant
from bot.usecases.clock_store import next_action_at, start_clock
from bot.usecases.deal_dates import change_dates
from bot.usecases.due_moves import CALENDAR, REASONS, announce_moved
from bot.usecases.sweep import sweep
from bot.views.text import render_text
from rules.clocks import onboarding_clock, poi_clock
from storage.models import Clock, ClockState, Deal, DealStatus, Party

from .followup_world import clocks, world
from .world import World

__all__ = ["world"]

TOKYO = ZoneInfo("Asia/Tokyo")


def _start(world: World, deal: Deal, kind: str) -> Clock:
    with world.services.uow("test") as uow:
        row, _, _ = start_clock(uow, world.services.regions, uow.deals.get(deal.id), kind=kind,
                                owed_by=Party.PARTNER, at=world.clock.now)
        uow.commit()
        return row


def _bant(close: date | None) -> BantFields:
    return BantFields("5M JPY", "CFO", "MA tooling", "Q1", None, close)


def test_a_bant_update_moving_the_close_date_moves_the_poi_clock(world: World) -> None:
    deal = world.deal(expected_close=date(2025, 12, 26))
    row = _start(world, deal, "poi")
    started = row.started_at
    calendar = world.services.regions.calendar("JP")
    assert row.due_at == datetime(2025, 12, 27, tzinfo=TOKYO)
    record_bant(world.services, world.actor("aiko"), RecordBant(deal.id, _bant(date(2026, 1, 30))))
    [moved] = clocks(world, deal)
    rules = poi_clock(date(2026, 1, 30), calendar, opened_at=started)
    assert moved.due_at == rules.due_at == datetime(2026, 1, 31, tzinfo=TOKYO)
    assert moved.next_action_at == next_action_at(rules, calendar)
    assert moved.next_action_at is not None and moved.next_action_at.month == 1  # January's
    told = [m for m in world.queued() if m.lines[0].key == "moves.moved"]
    assert len(told) == 1 and told[0].to == ToThread(deal.id)
    params = told[0].lines[0].params
    assert params["before"] == datetime(2025, 12, 27, tzinfo=TOKYO)
    assert params["after"] == rules.due_at
    assert params["why"] == Text("moves.reason.close_date", {"day": date(2026, 1, 30)})
    assert params["what"] == Text("deals.clock.poi")
    # the BANT message comes first in the thread, then the move
    assert world.queued()[-1] is not None and world.queued()[-1].key == told[0].key
    for lang, words in (("en", ("moved from", "expected close date")), ("ja", ("成約予定日",))):
        shown = render_text(told[0].lines[0], Reader(lang, TOKYO, shared=True))
        assert all(w in shown for w in words), shown
        assert "<!date^" in shown  # Slack date tokens: each reader's own zone
    # the same date again moves nothing and says nothing
    record_bant(world.services, world.actor("aiko"), RecordBant(deal.id, _bant(date(2026, 1, 30))))
    record_bant(world.services, world.actor("aiko"), RecordBant(deal.id, _bant(None)))
    assert len([m for m in world.queued() if m.lines[0].key == "moves.moved"]) == 1
    assert clocks(world, deal)[0].due_at == rules.due_at


def _month_end_keys(world: World, row: Clock) -> list[str]:
    return [r.idempotency_key for r in world.outbox()
            if r.idempotency_key.startswith(f"clock:{row.id}:month_end_")]


def test_month_end_reminders_follow_the_close_date_into_another_month(world: World) -> None:
    """December's month-end reminders, then the close date moves to January: January's come
    too (they are not taken as sent), and moving away and back to January sends none twice."""
    deal = world.deal(expected_close=date(2025, 12, 26))
    row = _start(world, deal, "poi")
    world.clock.now = datetime(2025, 12, 25, 9, tzinfo=TOKYO)  # past December's three steps
    sweep(world.services)
    december = _month_end_keys(world, row)
    assert december and all("@2025-12" in key for key in december)
    record_bant(world.services, world.actor("aiko"), RecordBant(deal.id, _bant(date(2026, 1, 30))))
    for day in range(20, 31):
        world.clock.now = datetime(2026, 1, day, 9, tzinfo=TOKYO)
        sweep(world.services)
    january = [k for k in _month_end_keys(world, row) if "@2026-01" in k]
    steps = {key.split(":")[2] for key in january}
    assert steps == {"month_end_5@2026-01", "month_end_2@2026-01", "month_end_1@2026-01"}
    for close in (date(2026, 2, 27), date(2026, 1, 30)):   # away and back: January again
        record_bant(world.services, world.actor("aiko"), RecordBant(deal.id, _bant(close)))
        sweep(world.services)
    keys = _month_end_keys(world, row)
    assert len(keys) == len(set(keys)) == len(december) + len(january)


def test_a_stopped_poi_clock_stays_where_it_stopped(world: World) -> None:
    deal = world.deal(expected_close=date(2025, 12, 26))
    row = _start(world, deal, "poi")
    due = row.due_at
    with world.services.uow("test") as uow:
        stored = uow.clocks.find(row.id)
        assert stored is not None
        stored.state, stored.stopped_at = ClockState.MET, world.clock.now
        uow.commit()
    record_bant(world.services, world.actor("hiro"), RecordBant(deal.id, _bant(date(2026, 2, 27))))
    assert clocks(world, deal)[0].due_at == due
    assert not [m for m in world.queued() if m.lines[0].key == "moves.moved"]
    with world.services.uow("test") as uow:
        assert uow.deals.get(deal.id).expected_close == date(2026, 2, 27)


def test_a_new_subscription_start_moves_the_onboarding_clock(world: World) -> None:
    deal = world.deal(status=DealStatus.WON, subscription_start=date(2025, 12, 1))
    before = _start(world, deal, "onboarding").due_at
    calendar = world.services.regions.calendar("JP")
    with world.services.uow("test") as uow:
        stored = uow.deals.get(deal.id)
        [moved] = change_dates(uow, world.services.regions, stored, now=world.clock.now,
                               subscription_start=date(2025, 12, 15))
        uow.commit()
    expected = onboarding_clock(date(2025, 12, 15), calendar)
    assert moved.due_at == expected.due_at != before
    [told] = [m for m in world.queued() if m.lines[0].key == "moves.moved"]
    assert told.lines[0].params["why"] == Text("moves.reason.subscription_start",
                                              {"day": date(2025, 12, 15)})
    shown = render_text(told.lines[0], Reader("ja", TOKYO, shared=True))
    assert "サブスクリプション開始日" in shown and "導入支援" in shown


@pytest.mark.parametrize("reason", REASONS)
def test_every_reason_reads_in_both_languages(world: World, reason: str) -> None:
    deal = world.deal(expected_close=date(2025, 12, 26), subscription_start=date(2025, 12, 1))
    row = _start(world, deal, "response")
    before = row.due_at
    with world.services.uow("test") as uow:
        assert not announce_moved(uow, uow.deals.get(deal.id), row, before, reason)
        row.due_at = before.replace(day=before.day + 1)
        assert announce_moved(uow, uow.deals.get(deal.id), row, before, reason,
                              detail=Text("deals.clock.bant") if reason == CALENDAR else None)
        uow.commit()
    [told] = [m for m in world.queued() if m.lines[0].key == "moves.moved"]
    for lang in ("en", "ja"):
        for line in told.lines:
            assert render_text(line, Reader(lang, TOKYO, shared=True)).strip()
    with pytest.raises(ValueError), world.services.uow("test") as uow:
        announce_moved(uow, deal, row, before.replace(day=1), "whim")
