"""Recording that onboarding began (finding 2 of issue 11), on the fake world: `/deal onboarding
started [date]` stops the onboarding clock (met when it began by the due time) and tells the
thread; a future day, a deal with no onboarding clock and a second record are refused; who may
not is refused (a partner of another organisation as for a deal that does not exist); a clock
the sweep breached keeps its breach."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.messages import Refused, ToThread
from bot.syntax import UsageError, parse_onboarding
from bot.usecases.deal_support import DealRef
from bot.usecases.onboarding import RecordOnboarding, record_onboarding
from bot.usecases.periodic import ensure_clocks
from bot.usecases.sweep import sweep
from storage.models import Breach, ClockState, Deal, DealStatus

from .followup_world import clocks, world
from .world import World, utc

__all__ = ["world"]


def _won(world: World) -> Deal:
    """A won deal whose subscription starts Mon 1 Dec 2025 (JP): onboarding due by the end of
    Mon 15 Dec."""
    deal = world.deal(status=DealStatus.WON, subscription_start=date(2025, 12, 1))
    assert ensure_clocks(world.services).clocks == 1
    return deal


def _refused(world: World, who: str, command: RecordOnboarding) -> str:
    with pytest.raises(Refused) as refused:
        record_onboarding(world.services, world.actor(who), command)
    line = refused.value.reply.lines[0]
    problem = line.params.get("problem")
    return problem.key if problem is not None and hasattr(problem, "key") else line.key  # type: ignore[union-attr]


def _onboarding(world: World, deal: Deal) -> list:  # type: ignore[type-arg]
    return [c for c in clocks(world, deal) if c.kind == "onboarding"]


def test_the_partner_records_onboarding_began_and_the_clock_is_met(world: World) -> None:
    deal = _won(world)
    world.clock.now = utc(2025, 12, 9, 3)  # Tue 9 Dec 12:00 JST
    done = record_onboarding(world.services, world.actor("aiko"),
                             RecordOnboarding(DealRef(deal.id), date(2025, 12, 8)))
    assert done.reply.lines[0].key == "deals.done.onboarding"
    [row] = _onboarding(world, deal)
    assert row.state is ClockState.MET and row.next_action_at is None
    [told] = [m for m in world.queued() if m.key.endswith(":started")]
    assert told.to == ToThread(deal.id)
    assert told.lines[0].key == "deals.onboarding.thread_in_time"
    assert told.lines[0].params["date"] == date(2025, 12, 8)
    world.clock.now = utc(2025, 12, 20)
    assert sweep(world.services).breaches == 0  # no breach after it was met
    assert _refused(world, "hiro", RecordOnboarding(DealRef(deal.id))) == \
        "deals.problem.onboarding_recorded"


def test_today_by_default_for_the_gs_and_never_a_future_day(world: World) -> None:
    deal = _won(world)
    world.clock.now = utc(2025, 12, 3, 3)
    assert _refused(world, "aiko", RecordOnboarding(DealRef(deal.id), date(2025, 12, 4))) == \
        "deals.problem.onboarding_future"
    assert _onboarding(world, deal)[0].state is ClockState.RUNNING
    record_onboarding(world.services, world.actor("hiro"), RecordOnboarding(DealRef(deal.id)))
    [row] = _onboarding(world, deal)
    assert row.state is ClockState.MET and row.stopped_at == world.clock.now


def test_who_may_not_and_what_has_no_onboarding_clock(world: World) -> None:
    deal = _won(world)
    open_deal = world.deal()
    assert _refused(world, "dana", RecordOnboarding(DealRef(deal.id))) == \
        _refused(world, "dana", RecordOnboarding(DealRef(999_999))) == "error.no_deal_of_yours"
    assert _refused(world, "ken", RecordOnboarding(DealRef(deal.id))) == "error.not_allowed"
    assert _refused(world, "aiko", RecordOnboarding(DealRef(open_deal.id))) == \
        "deals.problem.onboarding_no_clock"
    assert _onboarding(world, deal)[0].state is ClockState.RUNNING


def test_a_breached_clock_keeps_its_breach_and_the_thread_hears_it_began_late(world: World
                                                                             ) -> None:
    deal = _won(world)
    world.clock.now = utc(2025, 12, 16, 3)  # past the due time: the sweep breaches it
    assert sweep(world.services).breaches == 1
    done = record_onboarding(world.services, world.actor("aiko"),
                             RecordOnboarding(DealRef(deal.id)))
    assert done.reply.lines[0].key == "deals.done.onboarding_late"
    [row] = _onboarding(world, deal)
    assert row.state is ClockState.BREACHED and row.stopped_at == world.clock.now
    assert len(world.store.rows(Breach)) == 1
    assert [m.lines[0].key for m in world.queued() if m.key.endswith(":started")] == \
        ["deals.onboarding.thread_late"]


def test_the_command_reads_as_people_type_it() -> None:
    from zoneinfo import ZoneInfo
    tokyo, now = ZoneInfo("Asia/Tokyo"), utc(2026, 12, 31, 3)
    assert parse_onboarding("started") == parse_onboarding("started", tokyo, now)
    assert parse_onboarding("#6 started 12/28", tokyo, now).ref == 6
    assert parse_onboarding("started 12/28", tokyo, now).started_on == date(2026, 12, 28)
    assert parse_onboarding("開始 12月28日", tokyo, now).started_on == date(2026, 12, 28)
    assert parse_onboarding("started yesterday", tokyo, now).started_on == \
        date(2026, 12, 31) - timedelta(days=1)
    for wrong in ("", "done", "started soon", "started 12/28 12/29"):
        with pytest.raises(UsageError) as error:
            parse_onboarding(wrong, tokyo, now)
        assert error.value.command == "onboarding" and error.value.grammar == "deals"
