"""Stored clocks back into rule clocks: the inputs a clock was computed from are all rows (the
message received, the region calendar, the owed party's absences, the approved extensions), so a
clock can always be rebuilt, and rebuilding it after a calendar change gives the new due time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import select

from rules import clocks as rc
from rules.calendars import RegionCalendar
from rules.regions import RegionDirectory
from storage.models import Absence, Clock, Deal, Extension, Party, Person, RequestStatus
from storage.unit_of_work import UnitOfWork

__all__ = ["ClockFacts", "load_clock_facts", "rules_clock"]


class ClockFacts:
    """Absences per partner organisation and approved extensions per clock, loaded in bulk."""

    def __init__(self) -> None:
        self.absences: dict[int, list[rc.Absence]] = defaultdict(list)
        self.gs_absences: dict[int, list[rc.Absence]] = defaultdict(list)
        self.extensions: dict[int, list[rc.Extension]] = defaultdict(list)


def load_clock_facts(uow: UnitOfWork, clocks: Iterable[Clock], deals: dict[int, Deal]
                     ) -> ClockFacts:
    """Everything needed to rebuild `clocks`, in three queries whatever their number."""
    facts = ClockFacts()
    rows = list(clocks)
    orgs = {deals[c.deal_id].partner_org_id for c in rows if c.deal_id in deals} - {None}
    gs_ids = {deals[c.deal_id].gs_id for c in rows if c.deal_id in deals} - {None}
    if orgs or gs_ids:
        found = uow.session.execute(
            select(Absence, Person.partner_org_id, Person.id).join(Person, Absence.person_id ==
                                                                   Person.id)
            .where((Person.partner_org_id.in_(orgs)) | (Person.id.in_(gs_ids)))).all()
        delegates = {p.id: p.slack_user_id for p in uow.session.scalars(select(Person).where(
            Person.id.in_({a.delegate_id for a, _, _ in found if a.delegate_id})))}
        for absence, org_id, person_id in found:
            value = rc.Absence(start=absence.starts_at, end=absence.ends_at,
                               registered_at=absence.registered_at,
                               delegate=delegates.get(absence.delegate_id or -1))
            if org_id is not None:
                facts.absences[org_id].append(value)
            if person_id in gs_ids:
                facts.gs_absences[person_id].append(value)
    ids = [c.id for c in rows]
    if ids:
        for ext in uow.session.scalars(select(Extension).where(
                Extension.clock_id.in_(ids), Extension.status == RequestStatus.APPROVED)):
            granted = uow.session.get(Person, ext.decided_by_id) if ext.decided_by_id else None
            facts.extensions[ext.clock_id].append(rc.Extension(
                granted_by=granted.name if granted else "GS", reason=ext.reason or "-",
                granted_at=ext.decided_at or ext.requested_at,
                extra=timedelta(seconds=ext.extra_seconds) if ext.extra_seconds else None,
                new_due=ext.new_due if not ext.extra_seconds else None))
    return facts


def rules_clock(row: Clock, deal: Deal, facts: ClockFacts, regions: RegionDirectory
                ) -> tuple[rc.Clock, RegionCalendar] | None:
    """The rule clock behind a stored one (None for a kind the rules do not know)."""
    calendar = regions.calendar(deal.region_code)
    if row.kind in {"response", "bant"}:
        if row.owed_by is Party.PARTNER:
            absences = facts.absences.get(deal.partner_org_id or -1, [])
        else:
            absences = facts.gs_absences.get(deal.gs_id or -1, [])
        clock = rc.response_clock(row.started_at, calendar, absences=absences,
                                  extensions=facts.extensions.get(row.id, []))
    elif row.kind == "collaboration":
        clock = rc.collaboration_clock(row.started_at)
    elif row.kind == "onboarding" and deal.subscription_start is not None:
        clock = rc.onboarding_clock(deal.subscription_start, calendar)
    elif row.kind == "poi" and deal.expected_close is not None:
        clock = rc.poi_clock(deal.expected_close, calendar, opened_at=row.started_at)
    else:
        return None
    if row.stopped_at is not None:
        clock = rc.stop(clock, row.stopped_at)
    return clock, calendar
