"""Stored clocks back into rule clocks, in bulk: the inputs a clock was computed from are all rows
(the message received, the region calendar, the owed party's absences, the approved extensions),
so a clock can always be rebuilt, and rebuilding it after a calendar change gives the new due
time. The rows come from the repositories, the translation from `storage.mapping`; this module
only gathers them for a batch of clocks (the sweep rebuilds hundreds at once)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rules import clocks as rc
from rules.calendars import RegionCalendar
from rules.regions import RegionDirectory
from storage.mapping import absence_facts, extension_facts, rule_clock
from storage.models import Clock, Deal
from storage.unit_of_work import AbstractUnitOfWork

__all__ = ["ClockFacts", "load_clock_facts", "rules_clock"]


class ClockFacts:
    """Absences per partner organisation and per GS, and approved extensions per clock."""

    def __init__(self) -> None:
        self.absences: dict[int, list[rc.Absence]] = defaultdict(list)
        self.gs_absences: dict[int, list[rc.Absence]] = defaultdict(list)
        self.extensions: dict[int, list[rc.Extension]] = defaultdict(list)


def load_clock_facts(uow: AbstractUnitOfWork, clocks: Iterable[Clock], deals: dict[int, Deal]
                     ) -> ClockFacts:
    """Everything needed to rebuild `clocks`, in a few queries whatever their number."""
    facts = ClockFacts()
    rows = list(clocks)
    orgs = {deals[c.deal_id].partner_org_id for c in rows if c.deal_id in deals} - {None}
    gs_ids = {deals[c.deal_id].gs_id for c in rows if c.deal_id in deals} - {None}
    if orgs or gs_ids:
        found = uow.absences.of(org_ids={o for o in orgs if o is not None},
                                person_ids={g for g in gs_ids if g is not None})
        wanted = {a.delegate_id for a, _ in found if a.delegate_id is not None}
        delegates = {p.id: p for p in uow.directory.people(wanted)} if wanted else {}
        for absence, absent in found:
            value = absence_facts(absence, delegates.get(absence.delegate_id or -1))
            if absent.partner_org_id is not None and absent.partner_org_id in orgs:
                facts.absences[absent.partner_org_id].append(value)
            if absent.id in gs_ids:
                facts.gs_absences[absent.id].append(value)
    ids = [c.id for c in rows if c.id is not None]
    for ext in uow.extensions.approved_for(ids):
        facts.extensions[ext.clock_id].append(
            extension_facts(ext, uow.directory.find_person(ext.decided_by_id)))
    return facts


def rules_clock(row: Clock, deal: Deal, facts: ClockFacts, regions: RegionDirectory
                ) -> tuple[rc.Clock, RegionCalendar] | None:
    """The rule clock behind a stored one (None for a kind the rules do not know)."""
    calendar = regions.calendar(deal.region_code)
    clock = rule_clock(row, deal, calendar,
                       partner_absences=facts.absences.get(deal.partner_org_id or -1, []),
                       gs_absences=facts.gs_absences.get(deal.gs_id or -1, []),
                       extensions=facts.extensions.get(row.id, []))
    return (clock, calendar) if clock is not None else None
