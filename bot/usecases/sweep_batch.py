"""What one sweep batch reads, in a handful of bulk repository calls whatever its size: the
claimed clocks with their deals and threads (plain tuples, `clocks.due`), their organisations
and people, and the facts each clock is rebuilt from (the owed party's absences, the approved
extensions)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.usecases.audience import thread_lang_among
from rules import clocks as rc
from rules.vocabulary import Role
from storage.mapping import ClockInputs, absence_facts, clock_inputs, extension_facts
from storage.models import PartnerOrg, Person
from storage.repositories.due_clocks import DueClock, DueDeal

if TYPE_CHECKING:
    from bot.messages import Outgoing
    from storage.unit_of_work import AbstractUnitOfWork

__all__ = ["Batch", "load_batch"]


@dataclass
class Batch:
    """What a batch loaded, and what it will write."""

    deals: dict[int, DueDeal]  # with their threads' channels
    people: dict[int, Person]
    org_people: dict[int, list[Person]]  # active people of each partner organisation, by id
    orgs: dict[int, PartnerOrg]
    by_slack_id: dict[str, Person] = field(default_factory=dict)  # delegates
    absences: dict[int, list[rc.Absence]] = field(default_factory=lambda: defaultdict(list))
    gs_absences: dict[int, list[rc.Absence]] = field(default_factory=lambda: defaultdict(list))
    extensions: dict[int, list[rc.Extension]] = field(default_factory=lambda: defaultdict(list))
    langs: dict[tuple[int | None, int | None, int | None], str] = field(default_factory=dict)
    outgoing: list[Outgoing] = field(default_factory=list)
    # thread reminders pooled per channel and partner organisation (a digest never lists two
    # partners' deals): (message, company, due, thread language)
    thread_reminders: dict[str, list[tuple[Outgoing, DueDeal, DueClock, str]]] = field(
        default_factory=lambda: defaultdict(list))
    clock_updates: list[dict[str, object]] = field(default_factory=list)
    breaches: list[dict[str, object]] = field(default_factory=list)
    # who hears of a GS's breach per region (`regions.gs_escalation_id`), when configured
    gs_escalation: dict[str, int] = field(default_factory=dict)
    zones: dict[str, str] = field(default_factory=dict)  # each region's time zone

    def zone(self, deal: DueDeal) -> str:
        """The time zone of the deal's region (its date-based clocks end at midnight there)."""
        return self.zones.get(deal.region_code, "UTC")

    def escalation_contact(self, deal: DueDeal) -> Person | None:
        """Who hears when the GS's reply on `deal` breaches: the region's configured contact,
        else the partner organisation's PDM."""
        configured = self.person(self.gs_escalation.get(deal.region_code))
        if configured is not None and configured.active:
            return configured
        org = self.orgs.get(deal.partner_org_id or -1)
        pdm = self.person(org.pdm_id) if org is not None else None
        return pdm if pdm is not None and pdm.active else None

    def person(self, person_id: int | None) -> Person | None:
        """A loaded person (None for none)."""
        return self.people.get(person_id) if person_id is not None else None

    def lang(self, deal: DueDeal) -> str:
        """The deal thread's language (`bot.usecases.audience`'s rule, on the loaded people),
        once per distinct registering user, organisation and GS."""
        key = (deal.registered_by_id, deal.partner_org_id, deal.gs_id)
        if key not in self.langs:
            partners = [p for p in self.org_people.get(deal.partner_org_id or -1, [])
                        if p.role is Role.PARTNER]
            self.langs[key] = thread_lang_among(self.person(deal.registered_by_id), partners,
                                                self.person(deal.gs_id))
        return self.langs[key]

    def inputs(self, row: DueClock, deal: DueDeal) -> ClockInputs:
        """What the rule clock behind a stored one is rebuilt from (`storage.mapping`)."""
        return clock_inputs(row.kind, row.owed_by, row.started_at, row.stopped_at,
                            subscription_start=deal.subscription_start,
                            expected_close=deal.expected_close,
                            partner_absences=self.absences.get(deal.partner_org_id or -1, ()),
                            gs_absences=self.gs_absences.get(deal.gs_id or -1, ()),
                            extensions=self.extensions.get(row.id, ()))


def load_batch(uow: AbstractUnitOfWork, pairs: Sequence[tuple[DueClock, DueDeal | None]]
               ) -> Batch:
    """Everything the clocks of `pairs` (`clocks.due`) need, in bulk."""
    deals = {d.id: d for _, d in pairs if d is not None}
    rows = [row for row, _ in pairs]
    org_ids = {d.partner_org_id for d in deals.values() if d.partner_org_id is not None}
    orgs = {o.id: o for o in uow.directory.orgs(org_ids)} if org_ids else {}
    regions = [uow.directory.region(code) for code in sorted({d.region_code
                                                              for d in deals.values()})]
    escalation = {r.code: r.gs_escalation_id for r in regions
                  if r is not None and r.gs_escalation_id is not None}
    person_ids = ({d.gs_id for d in deals.values()} | {d.registered_by_id for d in deals.values()}
                  | {o.pdm_id for o in orgs.values()} | set(escalation.values()))
    people = {p.id: p for p in uow.directory.people(
        {i for i in person_ids if i is not None}, org_ids=org_ids)}
    org_people: dict[int, list[Person]] = defaultdict(list)
    for person in sorted(people.values(), key=lambda p: p.id):
        if person.partner_org_id is not None and person.active:
            org_people[person.partner_org_id].append(person)
    batch = Batch(deals=deals, people=people, org_people=org_people, orgs=orgs,
                  gs_escalation=escalation,
                  zones={r.code: r.timezone for r in regions if r is not None})
    _load_facts(uow, batch, rows)
    return batch


def _load_facts(uow: AbstractUnitOfWork, batch: Batch, rows: Sequence[DueClock]) -> None:
    gs_ids = {d.gs_id for d in batch.deals.values() if d.gs_id is not None}
    org_ids = set(batch.orgs) | {d.partner_org_id for d in batch.deals.values()
                                 if d.partner_org_id is not None}
    found = uow.absences.of(org_ids=org_ids, person_ids=gs_ids) if org_ids or gs_ids else []
    delegate_ids = {a.delegate_id for a, _ in found if a.delegate_id is not None}
    extensions = uow.extensions.approved_for([r.id for r in rows]) if rows else []
    granters = {e.decided_by_id for e in extensions if e.decided_by_id is not None}
    missing = (delegate_ids | granters) - set(batch.people)
    extra = {p.id: p for p in uow.directory.people(missing)} if missing else {}
    known = {**batch.people, **extra}
    for absence, person in found:
        delegate = known.get(absence.delegate_id) if absence.delegate_id is not None else None
        if delegate is not None:
            batch.by_slack_id[delegate.slack_user_id] = delegate
        value = absence_facts(absence, delegate)
        if person.partner_org_id is not None:
            batch.absences[person.partner_org_id].append(value)
        if person.id in gs_ids:
            batch.gs_absences[person.id].append(value)
    for extension in extensions:
        granter = known.get(extension.decided_by_id) if extension.decided_by_id else None
        batch.extensions[extension.clock_id].append(extension_facts(extension, granter))
