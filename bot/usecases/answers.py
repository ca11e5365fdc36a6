"""Rule answers to `/roe`: a question's answer, a stored deal's eligibility and earnings, help.

    result = answer_roe(services, actor, AskRoe("eligibility marketing/professional 800 USD",
                                                channel_id="C1", thread_ts=None))
    text, blocks = roe_view(result, reader)        # bot.views.roe_answer renders it

The asker's organisation supplies the partner facts a question leaves out (kind, tier,
accreditations) and the default region. The use case decides and returns a typed result: an
`Answered` rule answer (for the asker's viewer), a `DealAnswer`, `Help`, or a `Reply` (a usage
line, a refusal); strangers are refused (`Refused`) by the one policy door.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from bot.context import Actor
from bot.messages import Answered, AssumedPartner, Reply
from bot.permissions import Action
from bot.syntax import Context, DealAsk, UsageError, parse_roe
from bot.usecases.policy import require, unseen
from bot.usecases.usage import usage_reply
from rules.answers import Answer, Viewer
from rules.calendars import CalendarError
from rules.earnings import earnings
from rules.eligibility import eligibility
from rules.facts import Partner
from rules.vocabulary import Motion, Role
from storage.mapping import deal_facts, partner_facts, poi_missing
from storage.models import Deal, DealStatus, PartnerOrg

if TYPE_CHECKING:
    from bot.services import Services
    from storage.unit_of_work import AbstractUnitOfWork

__all__ = [
    "DEFAULT_REGION",
    "AskRoe",
    "DealAnswer",
    "Help",
    "RoeResult",
    "answer_roe",
    "fx_rates",
    "roe_context",
    "usage_reply",
]

DEFAULT_REGION = "JP"


@dataclass(frozen=True)
class AskRoe:
    """`/roe <text>`, typed where it was typed (a deal's thread names its deal)."""

    text: str
    channel_id: str | None = None
    thread_ts: str | None = None


@dataclass(frozen=True)
class Help:
    """`/roe help` (or `/roe` alone outside a deal's thread): every question with an example."""


@dataclass(frozen=True)
class DealAnswer:
    """A stored deal's eligibility and what it earns, with the facts shown beside them."""

    deal_id: int
    company: str
    domain: str
    status: DealStatus
    motion: Motion
    partner: Partner
    eligibility: Answer
    earnings: Answer
    viewer: Viewer
    poi_assumed: bool = False  # an open deal's missing POI is assumed signed, and said so
    no_items: bool = False


RoeResult = Reply | Help | Answered | DealAnswer


def fx_rates(options: Mapping[str, Any]) -> dict[str, Decimal]:
    """Configured exchange rates (`[fx] JPY = "0.0067"`: USD per unit); bad entries are skipped."""
    table = options.get("fx") or {}
    rates: dict[str, Decimal] = {}
    if isinstance(table, Mapping):
        for code, value in table.items():
            try:
                rate = Decimal(str(value))
            except InvalidOperation:
                continue
            if rate.is_finite() and rate > 0:
                rates[str(code).upper()] = rate
    return rates


def _default_region(uow: AbstractUnitOfWork, actor: Actor, org: PartnerOrg | None) -> str:
    if org is not None and org.region_code:
        return org.region_code
    if actor.person_id is not None and actor.role is Role.GS:
        region = uow.directory.gs_region(actor.person_id)
        if region:
            return region
    return DEFAULT_REGION


def roe_context(uow: AbstractUnitOfWork, services: Services, actor: Actor) -> Context:
    """What a question from `actor` may take for granted: their organisation as the partner,
    its region (a GS's first route's; Japan otherwise), the configured exchange rates."""
    org = uow.directory.find_org(actor.partner_org_id) if actor.partner_org_id else None
    region = _default_region(uow, actor, org)
    try:
        services.regions.calendar(region)
    except CalendarError:
        region = DEFAULT_REGION
    return Context(now=services.now(), partner=partner_facts(org), region=region,
                   regions=services.regions, fx=fx_rates(services.settings.options),
                   viewer=actor.viewer, tz=actor.tz)


def answer_roe(services: Services, actor: Actor, command: AskRoe) -> RoeResult:
    """The answer to `/roe <text>` for `actor` (shown to them alone)."""
    require(actor, Action.ASK_RULES)
    with services.uow(actor=actor.user_id) as uow:
        ctx = roe_context(uow, services, actor)
        try:
            question = parse_roe(command.text, ctx)
        except UsageError as problem:
            return usage_reply(problem)
        if question is None or isinstance(question, DealAsk):
            ask = question or DealAsk()
            deal = _find_deal(uow, ask, command)
            if ask.deal_id is not None and actor.role is Role.PARTNER and (
                    deal is None or not actor.owns(deal.partner_org_id)):
                return unseen(ask.deal_id).reply  # the same words for another's and none
            if deal is None:
                if question is None:
                    return Help()
                return Reply.refusal("roe.deal.not_found" if ask.deal_id is not None
                                     else "roe.deal.no_thread")
            return _deal_answer(uow, ctx, actor, deal)
        if question.staff_only and not actor.is_staff:
            return Reply.refusal("roe.bpw.staff_only")
        try:
            answer = question.decide()
        except ValueError:  # facts the rules refuse (a combination no parser caught)
            return usage_reply(UsageError("facts", grammar="roe", command=question.command))
    partner = AssumedPartner.of(question.partner) if question.partner is not None else None
    return Answered(answer, actor.viewer, question.tz or actor.tz, partner=partner)


def _find_deal(uow: AbstractUnitOfWork, ask: DealAsk, command: AskRoe) -> Deal | None:
    if ask.deal_id is not None:
        return uow.deals.find(ask.deal_id)
    if command.channel_id and command.thread_ts:
        return uow.deals.by_thread(command.channel_id, command.thread_ts)
    return None


def _deal_answer(uow: AbstractUnitOfWork, ctx: Context, actor: Actor, deal: Deal
                 ) -> DealAnswer | Reply:
    """Eligibility and earnings of a stored deal, from its items, motion, POIs and partner.

    An open deal without a customer-signed POI is answered as if it had one (and says so); a
    closed one is answered as it is."""
    if actor.role is Role.PARTNER and not actor.owns(deal.partner_org_id):
        return unseen(deal.id).reply
    partner = partner_facts(uow.directory.find_org(deal.partner_org_id)
                            if deal.partner_org_id else None)
    pois = uow.pois.for_deal(deal.id)
    facts = deal_facts(deal, pois=pois, holdings=uow.deals.holdings(deal.customer_domain))
    missing = poi_missing(pois)
    assumed = missing and deal.is_open
    earned = earnings(replace(facts, poi_signed=True, poi_signed_on=None) if assumed else facts,
                      partner, fx=ctx.fx)
    return DealAnswer(deal_id=deal.id, company=deal.company, domain=deal.customer_domain,
                      status=deal.status, motion=deal.motion, partner=partner,
                      eligibility=eligibility(facts, partner), earnings=earned,
                      viewer=actor.viewer, poi_assumed=assumed, no_items=not deal.items)
