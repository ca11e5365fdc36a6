"""`/deal timeline #id`: the evidence behind a deal's clocks, so that a PDM or a GS can settle a
dispute without asking anyone: each message between the parties and when it was received, and
for each clock its start, the days it skipped and why (weekends, holidays named in the reader's
language, closures), the absences and extensions that moved it, its due time and what happened.

    timeline = deal_timeline(services, actor, ShowTimeline(DealRef(12)))

Who may read it is who may read the deal's card (`policy.require(..., VIEW_DEAL, deal)`): a
partner naming another organisation's deal is told what it is told of a deal that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.permissions import Action
from bot.usecases.clock_facts import load_clock_facts, rules_clock
from bot.usecases.deal_support import DealRef, named_deal
from bot.usecases.policy import require
from rules.answers import Reason
from rules.calendars import RegionCalendar
from rules.clocks import Basis
from rules.response_clock import reasons_at
from storage.models import Clock, ClockState, Deal, Party

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services
    from storage.unit_of_work import AbstractUnitOfWork

__all__ = ["ClockEvidence", "DayOff", "DealTimeline", "Outcome", "ShowTimeline", "TimelineAbsence",
           "TimelineMessage", "deal_timeline"]

# a day-by-day list is evidence for a clock counted in business time; a 90-day POI clock counts
# calendar days, and its weekends explain nothing
_MAX_DAYS = 31


@dataclass(frozen=True)
class ShowTimeline:
    """Show a deal's timeline to the person asking."""

    deal: DealRef


class Outcome(StrEnum):
    """What happened to a clock, as the timeline says it."""

    RUNNING = "running"
    OVERDUE = "overdue"      # running, and its due time has passed
    MET = "met"
    BREACHED = "breached"
    EXCUSED = "excused"      # breached, and the breach taken off the partner's record
    CANCELLED = "cancelled"
    LAPSED = "lapsed"        # an offer not answered in its 72 hours: not a breach


@dataclass(frozen=True)
class TimelineMessage:
    """A message between the parties: who wrote it, when it was received, what it moved."""

    received_at: datetime
    side: Party
    author: str
    started_clock: bool
    stopped_clock: bool


@dataclass(frozen=True)
class DayOff:
    """A day a clock did not count: `kind` is `weekend`, `holiday` or `closure`; `name` is the
    holiday's name in the reader's language, or the closure's."""

    day: date
    kind: str
    name: str | None


@dataclass(frozen=True)
class ClockEvidence:
    """One clock: when it started and was due, what happened, and why it is due then."""

    clock_id: int
    kind: str
    owed_by: Party
    started_at: datetime
    due_at: datetime
    outcome: Outcome
    stopped_at: datetime | None
    days_off: tuple[DayOff, ...]
    reasons: tuple[Reason, ...]   # the rulebook's reasons, true at the time of asking
    today: date | None = None     # a running clock's local today: later days off are to come


@dataclass(frozen=True)
class TimelineAbsence:
    """An out of office of someone on the deal (the partner's people, the GS): it moves clocks
    owed by their side, and its stand-in hears the reminders."""

    person: str
    side: Party
    starts_at: datetime
    ends_at: datetime
    stand_in: str | None


@dataclass(frozen=True)
class DealTimeline:
    """A deal's evidence: its messages and its clocks, oldest first."""

    deal_id: int
    company: str
    region: str
    messages: tuple[TimelineMessage, ...]
    clocks: tuple[ClockEvidence, ...]
    zone: str = "UTC"  # the region's: a POI or onboarding clock is due at the end of a day there
    absences: tuple[TimelineAbsence, ...] = ()


def deal_timeline(services: Services, actor: Actor, command: ShowTimeline) -> DealTimeline:
    """The deal's timeline as `actor` may see it (`Refused` as for its card)."""
    require(actor, Action.VIEW_DEAL)
    with services.uow(actor=actor.user_id) as uow:
        deal = named_deal(uow, actor, command.deal, usage="timeline")
        require(actor, Action.VIEW_DEAL, deal)
        now = services.now()
        clocks = _clocks(services, uow, deal, actor.lang, now)
        since = min((c.started_at for c in clocks), default=now)
        return DealTimeline(deal.id, deal.company, deal.region_code,
                            _messages(uow, deal), clocks,
                            services.regions.calendar(deal.region_code).spec.timezone,
                            _absences(uow, deal, since))


def _absences(uow: AbstractUnitOfWork, deal: Deal, since: datetime
              ) -> tuple[TimelineAbsence, ...]:
    """The absences of the deal's people that end after its first clock started (those before
    moved nothing), oldest first."""
    found = uow.absences.of(org_ids=[deal.partner_org_id] if deal.partner_org_id else [],
                            person_ids=[deal.gs_id] if deal.gs_id else [])
    wanted = {a.delegate_id for a, _ in found if a.delegate_id is not None}
    stand_ins = {p.id: p.name for p in uow.directory.people(wanted)} if wanted else {}
    return tuple(TimelineAbsence(
        person.name, Party.GS if person.id == deal.gs_id else Party.PARTNER, absence.starts_at,
        absence.ends_at, stand_ins.get(absence.delegate_id or -1))
        for absence, person in sorted(found, key=lambda pair: (pair[0].starts_at, pair[0].id))
        if absence.ends_at > since)


def _messages(uow: AbstractUnitOfWork, deal: Deal) -> tuple[TimelineMessage, ...]:
    rows = uow.messages.for_deal(deal.id)
    people = {p.id: p for p in uow.directory.people(
        {m.author_id for m in rows if m.author_id is not None})}
    found: list[TimelineMessage] = []
    for row in rows:
        author = people.get(row.author_id or -1)
        found.append(TimelineMessage(row.received_at, row.side,
                                     author.name if author is not None else "-",
                                     bool(row.starts_clock), bool(row.stops_clock)))
    return tuple(found)


def _excused(uow: AbstractUnitOfWork, deal: Deal, rows: list[Clock]) -> set[int]:
    """Breached clocks whose breach is no longer on the record (dismissed by a GS)."""
    breached = {r.id for r in rows if r.state is ClockState.BREACHED}
    if not breached or deal.partner_org_id is None:
        return set()
    first = min(r.started_at for r in rows) - timedelta(days=1)
    recorded = {b.clock_id for b, _ in uow.breaches.recent(first, org_id=deal.partner_org_id,
                                                            limit=10_000)
                if b.deal_id == deal.id}
    return {i for i in breached if i not in recorded and any(
        r.id == i and r.owed_by is Party.PARTNER for r in rows)}


def _outcome(row: Clock, excused: set[int], now: datetime) -> Outcome:
    if row.state is ClockState.RUNNING:
        return Outcome.OVERDUE if now > row.due_at else Outcome.RUNNING
    if row.state is ClockState.BREACHED:
        return Outcome.EXCUSED if row.id in excused else Outcome.BREACHED
    if row.state is ClockState.LAPSED:
        return Outcome.LAPSED
    return Outcome.MET if row.state is ClockState.MET else Outcome.CANCELLED


def days_off(calendar: RegionCalendar, start: datetime, end: datetime, lang: str
             ) -> tuple[DayOff, ...]:
    """The region's days off from `start`'s local day to `end`'s, with why, in `lang`."""
    first, last = calendar.local_date(start), calendar.local_date(end)
    if (last - first).days > _MAX_DAYS:
        return ()
    found: list[DayOff] = []
    day = first
    while day <= last:
        kind, name = calendar.day_off_reason(day, lang)
        if kind != "business_day":
            found.append(DayOff(day, kind, name))
        day += timedelta(days=1)
    return tuple(found)


def _clocks(services: Services, uow: AbstractUnitOfWork, deal: Deal, lang: str, now: datetime
            ) -> tuple[ClockEvidence, ...]:
    rows = sorted(uow.clocks.for_deal(deal.id), key=lambda r: (r.started_at, r.id))
    facts = load_clock_facts(uow, rows, {deal.id: deal})
    excused = _excused(uow, deal, rows)
    found: list[ClockEvidence] = []
    for row in rows:
        built = rules_clock(row, deal, facts, services.regions)
        reasons: tuple[Reason, ...] = ()
        skipped: tuple[DayOff, ...] = ()
        if built is not None:
            clock, calendar = built
            reasons = tuple(r for r in reasons_at(clock, now) if r.key != "clock.due")
            if clock.business or clock.basis is Basis.BUSINESS_DAYS:
                # an onboarding clock ends at midnight: its last day is the one before
                skipped = days_off(calendar, clock.started_at,
                                   row.due_at - timedelta(microseconds=1), lang)
            today = calendar.local_date(now) if row.state is ClockState.RUNNING else None
        else:
            today = None
        found.append(ClockEvidence(row.id, row.kind, row.owed_by, row.started_at, row.due_at,
                                   _outcome(row, excused, now), row.stopped_at, skipped, reasons,
                                   today))
    return tuple(found)
