"""BANT prompts follow the deal (finding 3 of issue 11), on the fake world: a partner's BANT
update answers the prompt's clock and resets the cadence (no registration prompt after BANT was
given; the next prompt 7 days after the last prompt or update, by the calendar date, however late
the job ran); one BANT clock open at a time (a new prompt supersedes an unanswered one); the card
shows only the BANT clock that still counts, and no reply clock once the deal is closed."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.usecases.bant import BantFields, RecordBant, record_bant
from bot.usecases.cards import card_facts
from bot.usecases.clock_store import BANT
from bot.usecases.closing import CloseDeal, close_deal
from bot.usecases.deal_support import DealRef
from bot.usecases.periodic import bant_prompts
from bot.usecases.sweep import sweep
from bot.views.deal_card import card_blocks
from bot.views.text import slack_date
from rules.answers import Viewer
from rules.vocabulary import Role
from storage.models import Breach, Clock, ClockState, Deal

from .followup_world import clocks, say, world
from .world import World

__all__ = ["world"]

TOKYO = ZoneInfo("Asia/Tokyo")
FIELDS = BantFields("5M JPY", "CFO", "MA tooling", "Q1", None, None)


def _at(day: date, hour: int = 9, minute: int = 30) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TOKYO)


def _prompts(world: World) -> list[tuple[date, str]]:
    """Each BANT prompt posted: the day (Tokyo) and its kind."""
    return [(m.lines[0].params["due"], m.lines[0].key) for m in world.queued()  # type: ignore[misc]
            if m.key.startswith("bant:") and m.lines[0].key.startswith("bant.prompt.")]


def _days(world: World) -> list[date]:
    with world.services.uow("test") as uow:
        return sorted(c.started_at.astimezone(TOKYO).date()
                      for c in uow.clocks.of_kinds([BANT]))


def _bant_clocks(world: World, deal: Deal) -> list[Clock]:
    return [c for c in clocks(world, deal) if c.kind == BANT]


def _each_business_morning(world: World, first: date, last: date, *,
                           late: dict[date, datetime] | None = None) -> None:
    calendar = world.services.regions.calendar("JP")
    day = first
    while day <= last:
        if calendar.is_business_day(day):
            world.clock.now = (late or {}).get(day, _at(day))
            bant_prompts(world.services, "JP")
        day += timedelta(days=1)


def test_no_registration_prompt_when_the_partner_already_gave_bant(world: World) -> None:
    deal = world.deal()  # accepted Mon 1 Dec 2025
    world.clock.now = _at(date(2025, 12, 1), 11, 0)
    record_bant(world.services, world.actor("aiko"), RecordBant(deal.id, FIELDS))
    _each_business_morning(world, date(2025, 12, 2), date(2025, 12, 12))
    # asked again 7 days after the update, not the morning after it
    assert _days(world) == [date(2025, 12, 8)]
    assert [k for _, k in _prompts(world)] == ["bant.prompt.weekly"]


def test_weekly_prompts_come_every_7_days_however_late_the_job_ran(world: World) -> None:
    world.deal()
    # the first morning's job ran late (a console's jump, a replica restarting)
    _each_business_morning(world, date(2025, 12, 2), date(2025, 12, 24),
                           late={date(2025, 12, 2): _at(date(2025, 12, 2), 12, 0)})
    assert _days(world) == [date(2025, 12, 2), date(2025, 12, 9), date(2025, 12, 16),
                            date(2025, 12, 23)]


def test_an_update_resets_the_cadence_and_answers_the_prompt(world: World) -> None:
    deal = world.deal()
    _each_business_morning(world, date(2025, 12, 2), date(2025, 12, 2))
    world.clock.now = _at(date(2025, 12, 5), 15, 0)  # Fri: after its due time, not swept yet
    record_bant(world.services, world.actor("aiko"), RecordBant(deal.id, FIELDS))
    [row] = _bant_clocks(world, deal)
    assert row.state is not ClockState.RUNNING and row.stopped_at == world.clock.now
    _each_business_morning(world, date(2025, 12, 3), date(2025, 12, 15))
    assert _days(world) == [date(2025, 12, 2), date(2025, 12, 12)]  # 7 days after the update


def test_one_bant_clock_at_a_time_and_the_card_shows_only_the_one_that_counts(world: World
                                                                          ) -> None:
    deal = world.deal()
    calendar = world.services.regions.calendar("JP")
    day = date(2025, 12, 2)
    while day <= date(2025, 12, 24):  # never answered: the sweep runs too
        if calendar.is_business_day(day):
            for hour in (9, 12, 18):
                world.clock.now = _at(day, hour)
                bant_prompts(world.services, "JP")
                sweep(world.services)
                assert len([c for c in _bant_clocks(world, deal)
                            if c.state is ClockState.RUNNING]) <= 1
        day += timedelta(days=1)
    rows = _bant_clocks(world, deal)
    assert len(rows) == 4
    breaches = [b for b in world.store.rows(Breach) if b.kind == BANT]
    assert len(breaches) == len({b.clock_id for b in breaches}) <= len(rows)
    shown = _card_text(world, deal)
    # the newest prompt's clock, not four overdue rows
    assert shown.count("BANT update (partner)") == 1, shown
    world.clock.now = _at(date(2025, 12, 24), 19)
    close_deal(world.services, world.actor("hiro"), CloseDeal(DealRef(deal.id), won=True))
    assert not [c for c in _bant_clocks(world, deal) if c.state is ClockState.RUNNING]
    after = _card_text(world, deal)
    assert "BANT update (partner)" not in after and "breached" not in after, after


def test_closing_stops_a_running_bant_clock_and_the_card_shows_none(world: World) -> None:
    deal = world.deal()
    _each_business_morning(world, date(2025, 12, 2), date(2025, 12, 2))
    say(world, deal, "hiro")  # a reply clock too
    close_deal(world.services, world.actor("hiro"), CloseDeal(DealRef(deal.id), won=False))
    assert not [c for c in clocks(world, deal) if c.state is ClockState.RUNNING]
    assert "No clock is running" in _card_text(world, deal)


def _card_text(world: World, deal: Deal) -> str:
    with world.services.uow("test") as uow:
        facts = card_facts(uow, deal.id)
        _, blocks = card_blocks(facts, lang="en", viewer=Viewer(Role.GS, None),
                                when=lambda moment: slack_date(moment, "en"))
    return str(blocks)
