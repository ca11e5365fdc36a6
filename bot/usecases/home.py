"""The Home tab's facts: my open deals, my running clocks (and the GS's overdue replies), my
breaches; a PDM's partners.

    data = home_data(services, actor)

A partner sees only its own organisation's deals, clocks and breaches; a GS the deals routed to
them; a PDM, in addition, each partner organisation it manages (`PartnerOrg.pdm_id`) with its
open deals, running clocks and breaches of the last 90 days; an admin, above all that, what
needs attention (`bot.usecases.admin_home`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.context import Actor
from bot.usecases.admin_home import AdminData, admin_data
from rules.vocabulary import Motion, PartnerKind, Role, Tier
from storage.models import Deal, DealStatus, Party
from storage.unit_of_work import AbstractUnitOfWork

if TYPE_CHECKING:
    from bot.services import Services

__all__ = [
    "BREACH_WINDOW",
    "BreachLine",
    "ClockLine",
    "DealLine",
    "HomeData",
    "OrgSummary",
    "follows_deal",
    "home_data",
]

BREACH_WINDOW = timedelta(days=90)


@dataclass(frozen=True)
class DealLine:
    """One open deal."""

    id: int
    company: str
    domain: str
    status: DealStatus
    motion: Motion


@dataclass(frozen=True)
class ClockLine:
    """One running clock: on which deal, what is owed, by whom, by when; `overdue` for a reply
    the GS owes that is past its due time (breached) and has not come yet."""

    deal_id: int
    company: str
    kind: str
    owed_by: Party
    due_at: datetime
    overdue: bool = False
    zone: str = "UTC"  # the deal region's zone: a date-based clock ends at midnight there


@dataclass(frozen=True)
class BreachLine:
    """One breach on a partner's record."""

    deal_id: int | None
    company: str | None
    kind: str
    occurred_at: datetime


@dataclass(frozen=True)
class OrgSummary:
    """A partner organisation a PDM manages, with its open work."""

    name: str
    kind: PartnerKind
    tier: Tier
    deals: list[DealLine]
    clocks: list[ClockLine]
    breaches: list[BreachLine]


@dataclass(frozen=True)
class HomeData:
    """Everything the Home tab shows one person."""

    name: str
    role: Role | None
    now: datetime
    deals: list[DealLine] = field(default_factory=list)
    clocks: list[ClockLine] = field(default_factory=list)
    breaches: list[BreachLine] = field(default_factory=list)
    orgs: list[OrgSummary] = field(default_factory=list)
    own_breaches: list[BreachLine] = field(default_factory=list)  # a GS's own late replies
    admin: AdminData | None = None  # an admin's alone


def _deal_lines(deals: Sequence[Deal]) -> list[DealLine]:
    return [DealLine(d.id, d.company, d.customer_domain, d.status, d.motion) for d in deals]


def _clocks(uow: AbstractUnitOfWork, deals: Sequence[Deal]) -> list[ClockLine]:
    if not deals:
        return []
    by_id = {d.id: d for d in deals}
    zones = {code: (region.timezone if region is not None else "UTC")
             for code in {d.region_code for d in deals}
             for region in (uow.directory.region(code),)}
    overdue = [ClockLine(r.deal_id, by_id[r.deal_id].company, r.kind, r.owed_by, r.due_at,
                         overdue=True, zone=zones[by_id[r.deal_id].region_code])
               for r, _ in uow.clocks.unanswered(Party.GS, deal_ids=list(by_id))]
    rows = sorted(uow.clocks.running_for(list(by_id)), key=lambda c: (c.due_at, c.id))
    return overdue + [ClockLine(r.deal_id, by_id[r.deal_id].company, r.kind, r.owed_by,
                                r.due_at, zone=zones[by_id[r.deal_id].region_code])
                      for r in rows]


def _breaches(uow: AbstractUnitOfWork, since: datetime, *, org_id: int | None = None,
              gs_id: int | None = None) -> list[BreachLine]:
    """An organisation's breaches, or those on a GS's deals (open or not), since `since`."""
    rows = uow.breaches.recent(since, org_id=org_id, gs_id=gs_id, limit=50)
    return [BreachLine(b.deal_id, company, b.kind, b.occurred_at) for b, company in rows]


def follows_deal(uow: AbstractUnitOfWork, actor: Actor, deal: Deal) -> bool:
    """Whether `deal` is one of `actor`'s, as their Home tab and `/deals` count them (open or
    not): a partner its organisation's, a GS those routed to them, a PDM its partners', an
    admin every deal. A deal's thread is read by exactly these people (the console shows it to
    them alone); always within the recipient door (`bot.usecases.recipients.may_see`)."""
    if actor.role is Role.ADMIN:
        return True
    if actor.role is Role.PARTNER:
        return actor.owns(deal.partner_org_id)
    if actor.person_id is None:
        return False
    if actor.role is Role.GS:
        return deal.gs_id == actor.person_id
    if actor.role is Role.PDM and deal.partner_org_id is not None:
        return any(org.id == deal.partner_org_id
                   for org in uow.directory.orgs_of_pdm(actor.person_id))
    return False


def home_data(services: Services, actor: Actor) -> HomeData:
    """What `actor` sees on their Home tab."""
    now = services.now()
    since = now - BREACH_WINDOW
    with services.uow(actor=actor.user_id) as uow:
        data = HomeData(name=actor.name, role=actor.role, now=now,
                        admin=admin_data(uow, now) if actor.role is Role.ADMIN else None)
        if actor.role is Role.PARTNER and actor.partner_org_id is not None:
            deals = uow.deals.for_partner(actor.partner_org_id)
            data.deals.extend(_deal_lines(deals))
            data.clocks.extend(_clocks(uow, deals))
            data.breaches.extend(_breaches(uow, since, org_id=actor.partner_org_id))
        elif actor.role in (Role.GS, Role.ADMIN) and actor.person_id is not None:
            deals = uow.deals.for_gs(actor.person_id)
            data.deals.extend(_deal_lines(deals))
            data.clocks.extend(_clocks(uow, deals))
            data.breaches.extend(_breaches(uow, since, gs_id=actor.person_id))
            data.own_breaches.extend(
                BreachLine(b.deal_id, company, b.kind, b.occurred_at)
                for b, company in uow.breaches.of_gs(since, gs_id=actor.person_id))
        if actor.role in (Role.PDM, Role.ADMIN) and actor.person_id is not None:
            for org in uow.directory.orgs_of_pdm(actor.person_id):
                deals = uow.deals.for_partner(org.id)
                data.orgs.append(OrgSummary(org.name, org.kind, org.tier, _deal_lines(deals),
                                            _clocks(uow, deals),
                                            _breaches(uow, since, org_id=org.id)))
    return data
