"""Reading deals: what a deal form starts with, and a deal as the person asking may see it.

    form = deal_form(services, actor, OpenDealForm("offer"))     # Refused if they may not
    summary = deal_summary(services, actor, ShowDeal(DealRef(12)))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bot.messages import Text, Typed
from bot.permissions import Action
from bot.usecases.cards import CardFacts, card_facts
from bot.usecases.deal_support import DealRef, named_deal
from bot.usecases.policy import require

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services
    from storage.unit_of_work import AbstractUnitOfWork

__all__ = ["DealForm", "DealSummary", "OpenDealForm", "ShowDeal", "deal_form", "deal_summary"]

FormKind = Literal["register", "offer"]


@dataclass(frozen=True)
class OpenDealForm:
    """Someone asks for a deal form (to open it, or to submit it)."""

    kind: FormKind


@dataclass(frozen=True)
class DealForm:
    """What a deal form starts with: the region, and the partners a GS may offer to."""

    kind: FormKind
    region: str | None
    partners: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class ShowDeal:
    """Show a deal to the person asking."""

    deal: DealRef


@dataclass(frozen=True)
class DealSummary:
    """The deal the person may see; for staff, the Best Partner Wins case it is in."""

    deal_id: int
    card: CardFacts
    best_partner_wins: Text | None = None


def _default_region(uow: AbstractUnitOfWork, actor: Actor) -> str | None:
    """The partner organisation's region, else the GS's first route."""
    if actor.partner_org_id is not None:
        org = uow.directory.find_org(actor.partner_org_id)
        if org is not None and org.region_code:
            return org.region_code
    if actor.person_id is not None:
        return uow.directory.gs_region(actor.person_id)
    return None


def deal_form(services: Services, actor: Actor, command: OpenDealForm) -> DealForm:
    """The start of a registration (partners) or an offer (GSs, admins); an offer lists every
    partner organisation, so only staff get the list."""
    require(actor, Action.REGISTER_DEAL if command.kind == "register" else Action.OFFER_DEAL)
    with services.uow(actor=actor.user_id) as uow:
        partners: tuple[tuple[int, str], ...] = ()
        if command.kind == "offer" and actor.is_staff:
            partners = tuple((org.id, org.name) for org in uow.directory.orgs())
        return DealForm(command.kind, _default_region(uow, actor), partners)


def deal_summary(services: Services, actor: Actor, command: ShowDeal) -> DealSummary:
    """The deal as the actor may see it; staff also learn of a Best Partner Wins case."""
    require(actor, Action.VIEW_DEAL)
    with services.uow(actor=actor.user_id) as uow:
        deal = named_deal(uow, actor, command.deal, usage="status")
        require(actor, Action.VIEW_DEAL, deal)
        card = card_facts(uow, deal.id)
        case = uow.deals.bpw_case(deal.bpw_case_id) if actor.is_staff else None
        if case is None:
            return DealSummary(deal.id, card)
        others: list[Typed] = []
        for claim in case.claims:
            if claim.deal_id == deal.id:
                continue
            org = uow.directory.find_org(claim.partner_org_id)
            others.append(Typed(f"{org.name if org else '-'} (#{claim.deal_id})"))
        return DealSummary(deal.id, card, Text("deals.summary.best_partner_wins", {
            "case": case.id, "others": tuple(others) or "-"}))
