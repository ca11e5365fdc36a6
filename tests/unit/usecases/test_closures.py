"""Calendar changes at run time on the fake world: an admin adds a closure day to a region, the
region's running clocks are recomputed and each thread whose due time moved is told (old, new,
why); removing it moves them back; only admins; the closure syntax reads dates as people type
them; stored closures come back into the calendars at start."""

from __future__ import annotations

from datetime import date

import pytest

from bot.messages import Refused, Text, ToThread, Typed
from bot.syntax import UsageError
from bot.syntax.closure import parse_closure
from bot.usecases.closures import ChangeClosure, change_closure, load_closures
from rules.regions import RegionDirectory
from storage.models import CalendarClosure, Party

from .followup_world import clocks, say, world
from .world import World, utc

__all__ = ["world"]

TUESDAY = date(2025, 12, 2)  # inside a reply clock started Mon 1 Dec 09:00 JST (due Wed 09:00)


def _moved(world: World) -> list[Text]:
    return [m.lines[0] for m in world.queued() if m.lines[0].key == "moves.moved"]


def test_a_closure_moves_the_regions_running_clocks_and_tells_each_thread(world: World) -> None:
    jp, us = world.deal(), world.deal(partner="northwind", gs="maya", registrant="dana",
                                      region="US")
    say(world, jp, "hiro")
    say(world, us, "maya")
    [row] = clocks(world, jp, Party.PARTNER)
    [us_row] = clocks(world, us, Party.PARTNER)
    due, us_due = row.due_at, us_row.due_at
    reply = change_closure(world.services, world.actor("ada"),
                           ChangeClosure("jp", TUESDAY, "Office move"))
    assert reply.ok and reply.lines[0].key == "calendar.added"
    assert reply.lines[0].params["count"] == 1
    [after] = clocks(world, jp, Party.PARTNER)
    assert after.due_at == utc(2025, 12, 4, 0)  # a business day later: Thu 09:00 JST
    assert clocks(world, us, Party.PARTNER)[0].due_at == us_due  # another region: untouched
    [told] = [m for m in world.queued() if m.lines[0].key == "moves.moved"]
    assert told.to == ToThread(jp.id)
    assert told.lines[0].params["before"] == due
    assert told.lines[0].params["after"] == after.due_at
    assert told.lines[0].params["why"] == Text("moves.reason.calendar")
    assert world.services.regions.calendar("JP").closures[TUESDAY] == "Office move"
    assert jp.id in world.refreshed  # type: ignore[attr-defined]
    [stored] = world.store.rows(CalendarClosure)
    assert (stored.region_code, stored.day, stored.added_by_id) == \
        ("JP", TUESDAY, world.people["ada"].id)

    reply = change_closure(world.services, world.actor("ada"),
                           ChangeClosure("JP", TUESDAY, add=False))
    assert reply.lines[0].key == "calendar.removed" and reply.lines[0].params["count"] == 1
    assert clocks(world, jp, Party.PARTNER)[0].due_at == due  # back where it was
    assert len(_moved(world)) == 2
    assert TUESDAY not in world.services.regions.calendar("JP").closures
    assert world.store.rows(CalendarClosure) == []


def test_a_closure_where_nothing_runs_moves_nothing(world: World) -> None:
    deal = world.deal()
    say(world, deal, "hiro")
    reply = change_closure(world.services, world.actor("ada"),
                           ChangeClosure("JP", date(2026, 1, 6), "Later"))
    assert reply.lines[0].params["count"] == 0
    assert _moved(world) == []


@pytest.mark.parametrize("who", ["hiro", "aiko", "ken"])
def test_only_admins_change_the_calendar(world: World, who: str) -> None:
    with pytest.raises(Refused) as refused:
        change_closure(world.services, world.actor(who), ChangeClosure("JP", TUESDAY, "x"))
    assert refused.value.reply.lines[0].key == "error.not_allowed"
    assert world.store.rows(CalendarClosure) == []


def test_what_cannot_be_changed_is_refused(world: World) -> None:
    ada = world.actor("ada")
    for command, key in ((ChangeClosure("XX", TUESDAY, "x"), "calendar.unknown_region"),
                         (ChangeClosure("JP", TUESDAY, add=False), "calendar.not_closed"),
                         (ChangeClosure("JP", TUESDAY, "Office move"), ""),
                         (ChangeClosure("JP", TUESDAY, "Again"), "calendar.already_closed")):
        if not key:
            change_closure(world.services, ada, command)
            continue
        with pytest.raises(Refused) as refused:
            change_closure(world.services, ada, command)
        assert refused.value.reply.lines[0].key == key
    assert len(world.store.rows(CalendarClosure)) == 1


def test_stored_closures_come_back_into_the_calendars_at_start(world: World) -> None:
    change_closure(world.services, world.actor("ada"),
                   ChangeClosure("US", date(2025, 12, 26), "Winter break"))
    world.services.regions = RegionDirectory()  # a restart: calendars as configured
    assert date(2025, 12, 26) not in world.services.regions.calendar("US").closures
    load_closures(world.services)
    assert world.services.regions.calendar("US").closures[date(2025, 12, 26)] == "Winter break"
    calendar = world.services.regions.calendar("US")
    load_closures(world.services)  # nothing changed: the calendar is not rebuilt
    assert world.services.regions.calendar("US") is calendar


TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(("text", "day", "name"), [
    ("add JP 2026-12-28 Year-end closure", date(2026, 12, 28), "Year-end closure"),
    ("add jp 2026/12/28 年末休業", date(2026, 12, 28), "年末休業"),
    ("追加 JP 2026年12月28日 年末休業", date(2026, 12, 28), "年末休業"),
    ("add US-CA 12/28 Winter break", date(2026, 12, 28), "Winter break"),
    ("add JP 12月28日 年末", date(2026, 12, 28), "年末"),
    ("add US Dec 28 Winter break", date(2026, 12, 28), "Winter break"),
    ("add US 28 December 2027 Winter", date(2027, 12, 28), "Winter"),
    ("add US 1/5 New year", date(2027, 1, 5), "New year"),  # passed this year: next year's
    ("add JP ２０２６－１２－２８ 全角", date(2026, 12, 28), "全角"),
])
def test_closure_dates_are_read_as_people_type_them(text: str, day: date, name: str) -> None:
    parsed = parse_closure(text, TODAY)
    assert parsed.add and parsed.day == day and parsed.name == name


def test_removing_needs_no_name() -> None:
    parsed = parse_closure("remove US-CA 2026-12-28", TODAY)
    assert not parsed.add and parsed.region == "US-CA" and parsed.day == date(2026, 12, 28)


@pytest.mark.parametrize(("text", "problem"), [
    ("", "verb"), ("close JP 2026-12-28 x", "verb"), ("add", "region"),
    ("add 2026-12-28 x", "region"), ("add JP tomorrow x", "date"),
    ("add JP 2026-02-30 x", "date"), ("add JP 2026-12-28", "name"),
    ("remove JP 2026-12-28 extra", "word"),
])
def test_bad_closure_commands_say_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(UsageError) as error:
        parse_closure(text, TODAY)
    assert error.value.problem == problem and error.value.grammar == "calendar"
    assert error.value.usage_key() == "calendar.usage.closure"
    for lang in ("en", "ja"):
        assert "/deal closure add" in error.value.text(lang)


def test_the_imported_directorys_closures_are_in_the_calendar(world: World) -> None:
    """A region's `closures` in the imported directory file count as closure days (they were
    stored and never used), alongside those added with `/deal closure`."""
    from storage.models import Region

    [region] = [r for r in world.store.rows(Region) if r.code == "JP"]
    region.closures = {"2025-12-29": "Year end", "2025-12-30": ""}
    load_closures(world.services)
    calendar = world.services.regions.calendar("JP")
    assert calendar.closures[date(2025, 12, 29)] == "Year end"
    assert not calendar.is_business_day(date(2025, 12, 30))
    change_closure(world.services, world.actor("ada"), ChangeClosure("JP", TUESDAY, "Move"))
    closures = world.services.regions.calendar("JP").closures
    assert set(closures) >= {date(2025, 12, 29), date(2025, 12, 30), TUESDAY}  # both kept


def test_a_closure_announcement_names_the_day_and_the_closure(world: World) -> None:
    deal = world.deal()
    say(world, deal, "hiro")
    change_closure(world.services, world.actor("ada"), ChangeClosure("JP", TUESDAY, "Office move"))
    [told] = [m for m in world.queued() if m.lines[0].key == "moves.moved"]
    assert told.lines[1] == Text("moves.closure_added", {"day": TUESDAY, "region": "JP",
                                                         "name": Typed("Office move")})
