"""Partner Assisted deals: a GS offers a HubSpot-owned deal to a partner, who has 72 hours
(the collaboration clock) to accept or decline it.

    done = offer_deal(services, actor, OfferDeal(form))
    done = answer_offer(services, actor, AnswerOffer(deal_id, version, accept=True))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.messages import ChannelLink, Mention, Outgoing, Refused, Reply, Text, ToPerson, Typed, queue
from bot.permissions import Action
from bot.usecases.cards import card_channel, refresh_card
from bot.usecases.clock_store import start_offer_clock
from bot.usecases.deal_opening import DealInput, best_partner_wins_notices, duplicate, new_deal, route
from bot.usecases.deal_support import (
    DealDone,
    already_decided,
    check_version,
    commit,
    deal_args,
    get_deal,
    mention,
    person_of,
    stop_clocks,
)
from bot.usecases.policy import require
from rules.shared_selling import collaboration
from rules.vocabulary import Motion, Outcome, Role
from storage.errors import DuplicateDealError
from storage.models import ClockState, DealStatus

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services

__all__ = ["AnswerOffer", "OfferDeal", "answer_offer", "offer_deal"]


@dataclass(frozen=True)
class OfferDeal:
    """A GS's offer form, validated (`form.partner_org_id` is the partner offered to)."""

    form: DealInput


@dataclass(frozen=True)
class AnswerOffer:
    """A partner's answer to an offer; `version` is the deal's version on the clicked card."""

    deal_id: int
    version: int | None
    accept: bool


def offer_deal(services: Services, actor: Actor, command: OfferDeal) -> DealDone:
    """A GS offers a HubSpot-owned deal to a partner: 72 hours to accept (collaboration clock);
    the partner's people are told by direct message."""
    require(actor, Action.OFFER_DEAL)
    form = command.form
    if form.partner_org_id is None:
        raise Refused(Reply.refusal("deals.error.partner", field="partner"))
    now = services.now()
    with services.uow(actor=actor.user_id) as uow:
        person = person_of(uow, actor)
        org = uow.directory.find_org(form.partner_org_id)
        if org is None:
            raise Refused(Reply.refusal("deals.error.partner", field="partner"))
        gs = person if person.role is Role.GS else route(uow, form.region, form.segment)
        deal = new_deal(uow, services, actor, form, motion=Motion.PARTNER_ASSISTED,
                        status=DealStatus.OFFERED, gs=gs, partner_org_id=org.id,
                        registered_by=person, now=now)
        # the offer's collaboration clock: 72 hours, a reminder 24 hours before, then it lapses
        record, _, _ = start_offer_clock(uow, services.regions, deal, offered_at=now)
        refresh_card(uow, deal.id)
        channel = ChannelLink(card_channel(uow, deal.id, services.settings.deal_channel))
        offer = Text("deals.dm.offer", {"gs": mention(gs), "due": record.due_at,
                                         "channel": channel, **deal_args(deal)})
        for member in uow.directory.partner_people(org.id):
            queue(uow, Outgoing(f"deal:{deal.id}:offered:{member.id}", ToPerson(member.id),
                                (offer,), deal_id=deal.id))
        for notice in best_partner_wins_notices(uow, deal):
            queue(uow, notice)
        done = DealDone(deal.id, Reply.of("deals.done.offered", partner=Typed(org.name),
                                          due=record.due_at, **deal_args(deal)))
        try:
            commit(uow)
        except DuplicateDealError:
            raise duplicate(form.domain, None) from None
    return done


def answer_offer(services: Services, actor: Actor, command: AnswerOffer) -> DealDone:
    """The partner accepts or declines a HubSpot-owned deal within the 72 hours; the GS is
    told."""
    require(actor, Action.ANSWER_OFFER)
    now = services.now()
    with services.uow(actor=actor.user_id) as uow:
        deal = get_deal(uow, command.deal_id, actor)
        require(actor, Action.ANSWER_OFFER, deal)
        check_version(uow, deal.id, command.version)
        if deal.status is not DealStatus.OFFERED:
            raise already_decided(deal)
        running = list(uow.clocks.running(deal.id, "collaboration"))
        notified = running[0].started_at if running else deal.created_at
        answer = collaboration(notified_at=notified, answered_at=now, accepted=command.accept)
        if answer.outcome is Outcome.NOT_ELIGIBLE and \
                answer.reasons[0].key == "collaboration.lapsed":
            raise Refused(Reply.refusal("deals.error.offer_lapsed", deal=deal.id,
                                        due=answer.fields["due_at"]))
        deal.status = DealStatus.ACCEPTED if command.accept else DealStatus.DECLINED
        deal.updated_at = now
        stop_clocks(uow, deal, now, ClockState.MET if command.accept else ClockState.CANCELLED,
                    kinds=("collaboration",))
        refresh_card(uow, deal.id)
        org = uow.directory.find_org(deal.partner_org_id)
        gs = uow.directory.find_person(deal.gs_id)
        if gs is not None:
            key = "deals.dm.offer_accepted" if command.accept else "deals.dm.offer_declined"
            queue(uow, Outgoing(f"deal:{deal.id}:offer:{deal.status.value}", ToPerson(gs.id),
                                (Text(key, {"partner": Typed(org.name) if org else "-",
                                            "who": Mention(actor.user_id),
                                            **deal_args(deal)}),), deal_id=deal.id))
        answered = "deals.done.offer_accepted" if command.accept else "deals.done.offer_declined"
        done = DealDone(deal.id, Reply.of(answered, **deal_args(deal)))
        commit(uow)
    return done
