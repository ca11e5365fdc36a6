"""Stored response clocks: start, stop and recompute `storage.models.Clock` rows from the rules.

A stored clock is the record of a rule clock (`rules.clocks`): its inputs are rows (the message
that started it, the region calendar, the owing side's absences, the approved extensions), so it
is rebuilt from them whenever one changes (an out-of-office registered, an extension approved),
and `due_at`, `basis` and `next_action_at` are written back. Every reply clock escalates
(`next_action_at` is the next step of `rules.escalation.plan`), the GS's as the partner's: the
rules hold both sides to the same 48 hours, so a reply a GS owes is reminded and breached too.

    row, clock = start_clock(uow, regions, deal, kind=RESPONSE, owed_by=Party.PARTNER, at=now)
    stop_clock(row, at=reply_time)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.usecases.clock_facts import load_clock_facts, rules_clock
from rules import clocks as rc
from rules.calendars import RegionCalendar
from rules.escalation import plan, taken
from rules.regions import RegionDirectory
from storage.models import Clock, ClockState, Deal, Party
from storage.unit_of_work import AbstractUnitOfWork

__all__ = [
    "BANT",
    "COLLABORATION",
    "RESPONSE",
    "RESPONSE_KINDS",
    "escalates",
    "next_action_at",
    "owner_of",
    "rebuild",
    "recompute",
    "running_owed",
    "start_clock",
    "start_offer_clock",
    "stop_clock",
]

RESPONSE = "response"  # started by a message in the deal thread
BANT = "bant"  # started by a BANT prompt; stopped by a BANT update
RESPONSE_KINDS = (RESPONSE, BANT)
COLLABORATION = "collaboration"  # an offer's 72 hours to accept


def owner_of(uow: AbstractUnitOfWork, deal: Deal, owed_by: Party) -> int | None:
    """The person a clock is owed by: the deal's GS, or the partner user who registered the deal
    (else the organisation's first active partner user)."""
    if owed_by is Party.GS:
        return deal.gs_id
    if deal.partner_org_id is None:
        return None
    person = uow.directory.find_person(deal.registered_by_id)
    if person is not None and person.partner_org_id == deal.partner_org_id:
        return person.id
    contact = uow.directory.partner_contact(deal.partner_org_id)
    return contact.id if contact is not None else None


def escalates(row: Clock) -> bool:
    """Whether the sweep reminds and breaches this clock: every clock owed by the partner, and
    a reply owed by the GS (held to the same rules)."""
    return row.owed_by is Party.PARTNER or (row.owed_by is Party.GS and row.kind == RESPONSE)


def rebuild(uow: AbstractUnitOfWork, regions: RegionDirectory, row: Clock, deal: Deal
            ) -> tuple[rc.Clock, RegionCalendar]:
    """The rule clock behind `row`, from its rows as they are now."""
    facts = load_clock_facts(uow, [row], {deal.id: deal})
    built = rules_clock(row, deal, facts, regions)
    if built is None:
        raise ValueError(f"clock kind {row.kind!r} is not a response clock")
    return built


def next_action_at(clock: rc.Clock, calendar: RegionCalendar, *,
                   done: str | None = None) -> datetime | None:
    """When the first escalation step after `done` (the last one taken) comes; None when none is
    left. A step whose time has already come is kept: the sweep acts on it (or, catching up, on
    the latest one due), so a reminder is never skipped by a recomputation."""
    steps = plan(clock, calendar)
    pending = steps[taken(steps, done) + 1:]
    return pending[0].at if pending else None


def start_clock(uow: AbstractUnitOfWork, regions: RegionDirectory, deal: Deal, *, kind: str,
                owed_by: Party, at: datetime) -> tuple[Clock, rc.Clock, RegionCalendar]:
    """Store a running response clock for `owed_by`, started at `at` (version 1)."""
    row = Clock(deal_id=deal.id, kind=kind, owed_by=owed_by,
                owed_by_person_id=owner_of(uow, deal, owed_by), started_at=at, due_at=at,
                basis="", state=ClockState.RUNNING)
    clock, calendar = rebuild(uow, regions, row, deal)
    row.due_at = clock.due_at
    row.basis = clock.basis.value
    row.next_action_at = next_action_at(clock, calendar) if escalates(row) else None
    uow.clocks.add(row)
    return row, clock, calendar


def start_offer_clock(uow: AbstractUnitOfWork, regions: RegionDirectory, deal: Deal, *,
                      offered_at: datetime) -> tuple[Clock, rc.Clock, RegionCalendar]:
    """The collaboration clock of a HubSpot-owned deal offered to its partner at `offered_at`:
    due 72 hours later, its reminder and lapse planned by the rules (every offer has one)."""
    return start_clock(uow, regions, deal, kind=COLLABORATION, owed_by=Party.PARTNER,
                       at=offered_at)


def stop_clock(row: Clock, *, at: datetime) -> ClockState:
    """Stop a running clock by a reply at `at`: met when in time, else breached."""
    row.state = ClockState.MET if at <= row.due_at else ClockState.BREACHED
    row.stopped_at = at
    row.next_action_at = None
    return row.state


def recompute(uow: AbstractUnitOfWork, regions: RegionDirectory, row: Clock, deal: Deal, *,
              now: datetime) -> tuple[datetime, rc.Clock, RegionCalendar]:
    """Rebuild a running clock from its rows and write back its due time and next action;
    the due time it had before."""
    before = row.due_at
    clock, calendar = rebuild(uow, regions, row, deal)
    if clock.due_at != row.due_at:
        row.due_at = clock.due_at
    if clock.basis.value != row.basis:
        row.basis = clock.basis.value
    if escalates(row):
        following = next_action_at(clock, calendar, done=row.escalation_step)
        if following != row.next_action_at:
            row.next_action_at = following
    return before, clock, calendar


def running_owed(uow: AbstractUnitOfWork, deal_id: int, owed_by: Party,
                 kinds: Sequence[str] = RESPONSE_KINDS) -> list[Clock]:
    """A deal's running response clocks owed by one side, oldest first."""
    return [row for row in uow.clocks.running(deal_id)
            if row.owed_by is owed_by and row.kind in kinds]
