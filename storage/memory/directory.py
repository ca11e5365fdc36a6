"""In-memory directory and deals: the same behaviour as the SQL repositories, over `MemoryStore`
(the contract test runs both)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from rules.domains import normalise_domain
from rules.vocabulary import Role
from storage.errors import DuplicateDealError
from storage.memory.store import MemoryStore
from storage.models import (
    BpwCase,
    BpwClaim,
    Deal,
    DealStatus,
    DealThread,
    GsRoute,
    PartnerOrg,
    Person,
    ProductLineAssociation,
    Region,
)
from storage.repositories import DealRepository, DirectoryRepository, DirectoryRow

__all__ = ["MemoryDealRepository", "MemoryDirectoryRepository"]


def _linked(store: MemoryStore, person: Person) -> Person:
    """The person with `partner_org` set, as the SQL side would load it."""
    org = store.get(PartnerOrg, person.partner_org_id)
    if person.partner_org is not org:
        person.partner_org = org
    return person


class MemoryDirectoryRepository(DirectoryRepository):
    """The directory in memory."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def _people(self) -> list[Person]:
        return [_linked(self.store, p) for p in self.store.rows(Person)]

    def add(self, row: DirectoryRow) -> DirectoryRow:
        added = self.store.insert(row)
        if isinstance(added, Person):
            _linked(self.store, added)
        return added

    def person(self, team_id: str, user_id: str) -> Person | None:
        return next((p for p in self._people()
                     if (p.slack_team_id, p.slack_user_id) == (team_id, user_id)), None)

    def find_person(self, person_id: int | None) -> Person | None:
        found = self.store.get(Person, person_id)
        return None if found is None else _linked(self.store, found)

    def people(self, ids: Iterable[int] = (), *, org_ids: Iterable[int] = ()) -> Sequence[Person]:
        wanted, orgs = set(ids), set(org_ids)
        return [p for p in self._people() if p.id in wanted or p.partner_org_id in orgs]

    def active_people(self, team_id: str | None) -> Sequence[Person]:
        return [p for p in self._people()
                if (team_id is None or p.slack_team_id == team_id) and p.active]

    def partner_people(self, org_id: int | None) -> Sequence[Person]:
        if org_id is None:
            return []
        return [p for p in self._people()
                if p.partner_org_id == org_id and p.role is Role.PARTNER and p.active]

    def partner(self, name: str) -> PartnerOrg | None:
        return next((o for o in self.store.rows(PartnerOrg) if o.name == name), None)

    def find_org(self, org_id: int | None) -> PartnerOrg | None:
        return self.store.get(PartnerOrg, org_id)

    def orgs(self, ids: Iterable[int] | None = None) -> Sequence[PartnerOrg]:
        wanted = None if ids is None else set(ids)
        return sorted((o for o in self.store.rows(PartnerOrg) if wanted is None or o.id in wanted),
                      key=lambda o: o.name)

    def orgs_of_pdm(self, pdm_id: int) -> Sequence[PartnerOrg]:
        return [o for o in self.orgs() if o.pdm_id == pdm_id]

    def orgs_with_pdm(self) -> Sequence[PartnerOrg]:
        return [o for o in self.orgs() if o.pdm_id is not None]

    def region(self, code: str) -> Region | None:
        return self.store.get(Region, code)

    def regions(self) -> Sequence[Region]:
        return sorted(self.store.rows(Region), key=lambda r: r.code)

    def gs_for(self, region_code: str, segment: str) -> Person | None:
        routes = [r for r in self.store.rows(GsRoute)
                  if r.region_code == region_code and r.segment in (segment, "*")]
        route = next((r for r in routes if r.segment == segment), None) or \
            next(iter(routes), None)
        return None if route is None else self.find_person(route.gs_id)

    def route(self, region_code: str, segment: str) -> GsRoute | None:
        return next((r for r in self.store.rows(GsRoute)
                     if (r.region_code, r.segment) == (region_code, segment)), None)

    def gs_region(self, gs_id: int) -> str | None:
        return next((r.region_code for r in self.store.rows(GsRoute) if r.gs_id == gs_id), None)

    def staff(self, role: Role) -> Sequence[Person]:
        return [p for p in self._people() if p.role is role and p.active]

    def routes(self) -> Sequence[GsRoute]:
        return sorted(self.store.rows(GsRoute), key=lambda r: (r.region_code, r.segment))


class MemoryDealRepository(DealRepository):
    """Deals in memory; the one-open-deal rule is checked here and again at commit."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def _deals(self) -> list[Deal]:
        return self.store.rows(Deal)

    def find(self, deal_id: int | None) -> Deal | None:
        return self.store.get(Deal, deal_id)

    def many(self, ids: Iterable[int]) -> Sequence[Deal]:
        wanted = set(ids)
        return [d for d in self._deals() if d.id in wanted]

    def every(self) -> Sequence[Deal]:
        return self._deals()

    def with_status(self, statuses: Iterable[DealStatus], *, region: str | None = None
                    ) -> Sequence[Deal]:
        wanted = set(statuses)
        return [d for d in self._deals()
                if d.status in wanted and (region is None or d.region_code == region)]

    def open_on_domain(self, domain: str) -> Sequence[Deal]:
        domain = normalise_domain(domain)
        return [d for d in self._deals() if d.customer_domain == domain and d.is_open]

    def on_domain(self, domain: str, partner_org_id: int | None) -> Deal | None:
        domain = normalise_domain(domain)
        return next((d for d in self._deals() if d.customer_domain == domain
                     and d.partner_org_id == partner_org_id), None)

    def _by_message(self, channel_id: str, ts: str, *, card: bool) -> Deal | None:
        for thread in self.store.rows(DealThread):
            if thread.channel_id == channel_id and (thread.card_ts if card else thread.thread_ts) == ts:
                return self.find(thread.deal_id)
        return None

    def by_thread(self, channel_id: str, thread_ts: str) -> Deal | None:
        return self._by_message(channel_id, thread_ts, card=False)

    def by_card(self, channel_id: str, card_ts: str) -> Deal | None:
        return self._by_message(channel_id, card_ts, card=True)

    def for_partner(self, partner_org_id: int, *, open_only: bool = True,
                    limit: int | None = None) -> Sequence[Deal]:
        found = [d for d in self._deals() if d.partner_org_id == partner_org_id
                 and (d.is_open or not open_only)]
        return found[:limit]

    def for_gs(self, gs_id: int, *, open_only: bool = True, limit: int | None = None
               ) -> Sequence[Deal]:
        found = [d for d in self._deals() if d.gs_id == gs_id and (d.is_open or not open_only)]
        return found[:limit]

    def add(self, deal: Deal, *, at: datetime) -> Deal:
        deal.customer_domain = normalise_domain(deal.customer_domain)
        deal.created_at = deal.updated_at = at
        others = list(self.open_on_domain(deal.customer_domain))
        for other in others:
            if deal.partner_org_id is not None and other.partner_org_id == deal.partner_org_id:
                raise DuplicateDealError(deal.customer_domain, other.id)
        self.store.insert(deal)
        for item in deal.items:
            item.deal_id = deal.id
            self.store.insert(item)
        rivals = [o for o in others if o.partner_org_id not in (None, deal.partner_org_id)]
        if rivals and deal.partner_org_id is not None:
            case_id = next((o.bpw_case_id for o in rivals if o.bpw_case_id), None)
            case = self.store.get(BpwCase, case_id)
            if case is None:
                case = self.store.insert(BpwCase(customer_domain=deal.customer_domain,
                                                 opened_at=at))
            for member in [*rivals, deal]:
                if member.bpw_case_id != case.id:
                    member.bpw_case_id = case.id
                known = {c.partner_org_id for c in case.claims}
                if member.partner_org_id is not None and member.partner_org_id not in known:
                    claim = self.store.insert(BpwClaim(case_id=case.id, deal_id=member.id,
                                                       partner_org_id=member.partner_org_id))
                    case.claims.append(claim)
        return deal

    def thread(self, deal_id: int) -> DealThread | None:
        return self.store.get(DealThread, deal_id)

    def threads(self, deal_ids: Iterable[int]) -> Sequence[DealThread]:
        wanted = set(deal_ids)
        return sorted((t for t in self.store.rows(DealThread) if t.deal_id in wanted),
                      key=lambda t: t.deal_id)

    def add_thread(self, thread: DealThread) -> DealThread:
        deal = self.find(thread.deal_id)
        if deal is not None and deal.thread is None:
            deal.thread = thread
        return self.store.insert(thread)

    def bpw_case(self, case_id: int | None) -> BpwCase | None:
        return self.store.get(BpwCase, case_id)

    def bpw_cases_for(self, viewer: Person) -> Sequence[BpwCase]:
        if viewer.role is Role.PARTNER:
            return []
        return [c for c in self.store.rows(BpwCase) if c.status == "open"]

    def holdings(self, domain: str) -> Sequence[ProductLineAssociation]:
        domain = normalise_domain(domain)
        return [a for a in self.store.rows(ProductLineAssociation) if a.customer_domain == domain]

    def add_holding(self, holding: ProductLineAssociation) -> ProductLineAssociation:
        holding.customer_domain = normalise_domain(holding.customer_domain)
        return self.store.insert(holding)

