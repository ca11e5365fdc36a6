"""Calendar changes at run time: an admin adds or removes a closure day of a region. The closure
is stored, the region's calendar is rebuilt with it (`RegionDirectory.with_closures`), every
running clock of the region is recomputed from its inputs, and each thread whose due time moved
is told the old and new time and why (`due_moves.announce_moved`).

    reply = change_closure(services, actor, ChangeClosure("JP", date(2026, 12, 28), "Year end"))
    load_closures(services)        # at start: the stored closures into the region calendars
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.messages import Refused, Reply, Text, Typed
from bot.permissions import Action
from bot.usecases.clock_store import recompute
from bot.usecases.due_moves import announce_moved
from bot.usecases.followup_shared import committed, refresh
from bot.usecases.policy import require
from rules.calendars import CalendarError
from rules.regions import RegionDirectory
from storage.models import OPEN_DEAL_STATUSES, CalendarClosure, DealStatus
from storage.unit_of_work import AbstractUnitOfWork

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services

__all__ = ["ChangeClosure", "change_closure", "load_closures", "recompute_region"]

# the deals whose running clocks follow the calendar: open ones, and won ones (POI, onboarding)
_LIVE = (*OPEN_DEAL_STATUSES, DealStatus.WON)


@dataclass(frozen=True)
class ChangeClosure:
    """Add (with its name) or remove a closure day of a region."""

    region: str
    day: date
    name: str = ""
    add: bool = True


def _apply(regions: RegionDirectory, closures: Iterable[CalendarClosure],
           codes: Iterable[str], directory: Mapping[str, Mapping[date, str]] | None = None
           ) -> None:
    """Rebuild the calendars of `codes` whose closures differ from the stored ones (the
    directory's, then those added with `/deal closure`, with the configured ones), so that
    nothing is rebuilt when nothing changed."""
    stored = list(closures)
    for code in codes:
        added = {**(directory or {}).get(code, {}),
                 **{c.day: c.name for c in stored if c.region_code == code}}
        if regions.spec(code).closures != {**added, **regions.configured(code).closures}:
            regions.with_closures(code, added)


def _directory_closures(uow: AbstractUnitOfWork) -> dict[str, dict[date, str]]:
    """The closures an imported directory file gives its regions (`regions[].closures`)."""
    found: dict[str, dict[date, str]] = {}
    for region in uow.directory.regions():
        days: dict[date, str] = {}
        for day, name in (region.closures or {}).items():
            try:
                days[date.fromisoformat(str(day))] = str(name or "")
            except ValueError:
                continue  # checked on import; a hand-edited row is not worth a crash
        if days:
            found[region.code] = days
    return found


def load_closures(services: Services) -> None:
    """Merge the stored closures (the imported directory's and those added at run time) into
    the region calendars: at start, after a change, and every minute (`scheduler.job_table`) to
    follow a change made by another process."""
    with services.uow(actor="calendar") as uow:
        stored = list(uow.closures.all())
        directory = _directory_closures(uow)
    _apply(services.regions, stored, services.regions.codes(), directory)


def recompute_region(uow: AbstractUnitOfWork, regions: RegionDirectory, code: str, *,
                     now: datetime, detail: Text | None = None) -> int:
    """Recompute every running clock of region `code`'s live deals; each thread whose due time
    moved is told (with `detail`: which day changed). How many due times moved."""
    moved = 0
    for row, deal in uow.clocks.running_in_region(code, statuses=_LIVE):
        try:
            before, _, _ = recompute(uow, regions, row, deal, now=now)
        except ValueError:
            continue  # a clock the calendar does not decide (no close date yet, ...)
        if announce_moved(uow, deal, row, before, "calendar", detail=detail):
            moved += 1
            refresh(uow, deal.id)
    return moved


def change_closure(services: Services, actor: Actor, command: ChangeClosure) -> Reply:
    """Add or remove a closure (admins only): `Refused` for an unknown region, a day already
    closed (adding) or not closed (removing)."""
    require(actor, Action.CHANGE_CALENDAR)
    code = command.region.upper()
    if code not in services.regions.codes():
        raise Refused(Reply.refusal("calendar.unknown_region", region=Typed(command.region),
                                    known=", ".join(services.regions.codes())))
    try:
        return committed(services, actor, lambda uow: _change(services, uow, actor, command,
                                                              code))
    finally:
        # the calendar follows what is stored, whether the change was written or not
        load_closures(services)


def _change(services: Services, uow: AbstractUnitOfWork, actor: Actor, command: ChangeClosure,
            code: str) -> Reply:
    existing = uow.closures.find(code, command.day)
    now = services.now()
    if command.add:
        if existing is not None:
            raise Refused(Reply.refusal("calendar.already_closed", region=code, day=command.day,
                                        name=Typed(existing.name)))
        uow.closures.add(CalendarClosure(region_code=code, day=command.day,
                                         name=command.name.strip(), added_by_id=actor.person_id,
                                         added_at=now))
    else:
        if existing is None:
            raise Refused(Reply.refusal("calendar.not_closed", region=code, day=command.day))
        uow.closures.remove(existing)
    try:
        _apply(services.regions, uow.closures.all(), [code], _directory_closures(uow))
    except CalendarError:
        raise Refused(Reply.refusal("calendar.no_business_day", region=code)) from None
    name = command.name.strip() or (existing.name if existing is not None else "")
    detail = Text("moves.closure_added" if command.add else "moves.closure_removed",
                  {"day": command.day, "region": code, "name": Typed(name or "-")})
    moved = recompute_region(uow, services.regions, code, now=now, detail=detail)
    if command.add:
        return Reply.of("calendar.added", region=code, day=command.day,
                        name=Typed(command.name.strip()), count=moved)
    return Reply.of("calendar.removed", region=code, day=command.day, count=moved)
