"""Opening a shared deal, as registrations and offers both do: the form's data, routing to a
GS, the deal's row and thread, and the staff-only notices an opening may call for.

Confidentiality: a Best Partner Wins case (another partner's open deal on the same customer) is
told to GSs and PDMs by direct message only; nothing a partner sees mentions it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from bot.messages import Outgoing, Refused, Reply, Text, ToPerson, Typed
from bot.usecases.deal_support import deal_args
from rules.vocabulary import Edition, Motion, Role
from storage.errors import DuplicateDealError
from storage.models import Deal, DealStatus, DealThread, LineItem, Person, Region

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services
    from storage.unit_of_work import AbstractUnitOfWork

__all__ = [
    "SEGMENTS",
    "DealInput",
    "ItemInput",
    "best_partner_wins_notices",
    "duplicate",
    "new_deal",
    "route",
    "unrouted_notices",
]

SEGMENTS: tuple[str, ...] = ("smb", "mid", "enterprise")


@dataclass(frozen=True)
class ItemInput:
    """One product line of a deal form."""

    line: str
    edition: Edition | None
    mrr: Decimal


@dataclass(frozen=True)
class DealInput:
    """A validated deal form (registration or offer)."""

    domain: str
    company: str
    region: str
    segment: str
    currency: str
    items: tuple[ItemInput, ...]
    expected_close: date | None = None
    subscription_start: date | None = None
    partner_org_id: int | None = None


def duplicate(domain: str, deal_id: int | None) -> Refused:
    """The partner already has an open deal on this customer (shown on the domain field)."""
    return Refused(Reply.refusal("deals.error.duplicate", field="domain", domain=domain,
                                 deal=deal_id if deal_id is not None else "?"))


def route(uow: AbstractUnitOfWork, region: str, segment: str) -> Person | None:
    """The GS for a region and segment; a subdivision (US-CA) falls back to its country."""
    gs = uow.directory.gs_for(region, segment)
    if gs is None and "-" in region:
        gs = uow.directory.gs_for(region.split("-", 1)[0], segment)
    return gs


def _ensure_region(uow: AbstractUnitOfWork, services: Services, code: str) -> None:
    """Regions of the calendar table are added to the ledger on first use."""
    if uow.directory.region(code) is not None:
        return
    spec = services.regions.spec(code)
    uow.directory.add(Region(code=spec.code, country=spec.country, subdiv=spec.subdiv,
                             timezone=spec.timezone, workweek=sorted(spec.workweek),
                             closures={}))


def new_deal(uow: AbstractUnitOfWork, services: Services, actor: Actor, form: DealInput, *,
             motion: Motion, status: DealStatus, gs: Person | None, partner_org_id: int,
             registered_by: Person, now: datetime) -> Deal:
    """The deal's row, its line items and its thread (not posted yet)."""
    _ensure_region(uow, services, form.region)
    deal = Deal(customer_domain=form.domain, company=form.company, currency=form.currency,
                motion=motion, status=status, segment=form.segment, region_code=form.region,
                gs_id=gs.id if gs else None, partner_org_id=partner_org_id,
                registered_by_id=registered_by.id, expected_close=form.expected_close,
                subscription_start=form.subscription_start,
                items=[LineItem(line=i.line, edition=i.edition, mrr=i.mrr) for i in form.items])
    try:
        uow.deals.add(deal, at=now)
    except DuplicateDealError as error:
        raise duplicate(error.domain, error.deal_id) from None
    # the deal's thread lives in its partner's own (Slack Connect) channel when it has one, so a
    # partner never sees another partner's cards; the configured deal channel otherwise
    org = uow.directory.find_org(deal.partner_org_id)
    channel = (org.channel_id if org is not None else None) or services.settings.deal_channel
    uow.deals.add_thread(DealThread(deal_id=deal.id, team_id=actor.team_id, channel_id=channel))
    return deal


def unrouted_notices(uow: AbstractUnitOfWork, deal: Deal) -> list[Outgoing]:
    """Every admin is asked to assign a GS to a deal no route reaches."""
    return [Outgoing(f"deal:{deal.id}:no_gs:{admin.id}", ToPerson(admin.id), (Text(
        "deals.dm.no_gs", {"region": deal.region_code, "segment": deal.segment,
                           **deal_args(deal)}),), deal_id=deal.id)
            for admin in uow.directory.staff(Role.ADMIN)]


def best_partner_wins_notices(uow: AbstractUnitOfWork, deal: Deal) -> list[Outgoing]:
    """Staff only: the GSs of every deal in the case and the PDMs of every partner in it."""
    case = uow.deals.bpw_case(deal.bpw_case_id)
    if case is None:
        return []
    others: list[Typed] = []
    people: dict[int, Person] = {}
    for claim in case.claims:
        member = uow.deals.find(claim.deal_id)
        org = uow.directory.find_org(claim.partner_org_id)
        if member is None or org is None:
            continue
        if member.id != deal.id:
            others.append(Typed(f"{org.name} (#{member.id})"))
        for person_id in (member.gs_id, org.pdm_id):
            if person_id is not None and person_id not in people:
                person = uow.directory.find_person(person_id)
                if person is not None and person.role is not Role.PARTNER and person.active:
                    people[person_id] = person
    org = uow.directory.find_org(deal.partner_org_id)
    line = Text("deals.dm.best_partner_wins", {
        "case": case.id, "partner": Typed(org.name) if org else "-",
        "others": tuple(others) or "-", **deal_args(deal)})
    return [Outgoing(f"deal:{deal.id}:bpw:{case.id}:{person.id}", ToPerson(person.id), (line,),
                     deal_id=deal.id) for person in people.values()]
