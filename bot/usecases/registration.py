"""Partner Sourced deals: a partner registers one, a GS (or admin) accepts or declines it.

    done = register_deal(services, actor, RegisterDeal(form))
    done = decide_registration(services, actor, DecideRegistration(deal_id, version, accept=True))

Each works in one unit of work acting as the Slack user (storage audits every change), asks for
the card's refresh and queues the direct messages in the same transaction, and returns what its
author is told (`DealDone`) or raises `Refused`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.messages import ChannelLink, Outgoing, Refused, Reply, Text, ToPerson, Typed, queue
from bot.permissions import Action
from bot.usecases.cards import card_channel, refresh_card
from bot.usecases.deal_opening import (
    DealInput,
    best_partner_wins_notices,
    duplicate,
    new_deal,
    route,
    unrouted_notices,
)
from bot.usecases.deal_support import (
    DealDone,
    already_decided,
    check_version,
    commit,
    deal_args,
    get_deal,
    mention,
    person_of,
    status_text,
)
from bot.usecases.policy import require
from rules.vocabulary import Motion, Role
from storage.errors import DuplicateDealError
from storage.models import DealStatus

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services

__all__ = ["DecideRegistration", "RegisterDeal", "decide_registration", "register_deal"]


@dataclass(frozen=True)
class RegisterDeal:
    """A partner's registration form, validated."""

    form: DealInput


@dataclass(frozen=True)
class DecideRegistration:
    """A GS's answer to a registration; `version` is the deal's version on the clicked card."""

    deal_id: int
    version: int | None
    accept: bool


def register_deal(services: Services, actor: Actor, command: RegisterDeal) -> DealDone:
    """A partner registers a Partner Sourced deal: routed to a GS, card queued, GS told (admins
    when no route reaches the region; staff of a Best Partner Wins case)."""
    require(actor, Action.REGISTER_DEAL)
    form = command.form
    now = services.now()
    with services.uow(actor=actor.user_id) as uow:
        person = person_of(uow, actor)
        if person.partner_org_id is None:
            raise Refused(Reply.refusal("deals.error.no_org"))
        gs = route(uow, form.region, form.segment)
        deal = new_deal(uow, services, actor, form, motion=Motion.PARTNER_SOURCED,
                        status=DealStatus.REGISTERED, gs=gs,
                        partner_org_id=person.partner_org_id, registered_by=person, now=now)
        org = uow.directory.find_org(person.partner_org_id)
        channel = ChannelLink(card_channel(uow, deal.id, services.settings.deal_channel))
        refresh_card(uow, deal.id)
        if gs is not None:
            queue(uow, Outgoing(f"deal:{deal.id}:registered:gs", ToPerson(gs.id), (Text(
                "deals.dm.new_registration", {
                    "partner": Typed(org.name) if org else "-", "channel": channel,
                    **deal_args(deal)}),), deal_id=deal.id))
        else:
            for notice in unrouted_notices(uow, deal):
                queue(uow, notice)
        for notice in best_partner_wins_notices(uow, deal):
            queue(uow, notice)
        done = DealDone(deal.id, Reply.of("deals.done.registered", gs=mention(gs),
                                          channel=channel, **deal_args(deal)))
        try:
            commit(uow)
        except DuplicateDealError:
            raise duplicate(form.domain, None) from None
    return done


def decide_registration(services: Services, actor: Actor, command: DecideRegistration
                        ) -> DealDone:
    """A GS (or admin) accepts or declines a Partner Sourced registration; the registering
    partner is told."""
    require(actor, Action.DECIDE_REGISTRATION)
    now = services.now()
    with services.uow(actor=actor.user_id) as uow:
        deal = get_deal(uow, command.deal_id)
        check_version(uow, deal.id, command.version)
        if deal.status is not DealStatus.REGISTERED:
            raise already_decided(deal)
        deal.status = DealStatus.ACCEPTED if command.accept else DealStatus.DECLINED
        deal.updated_at = now
        person = person_of(uow, actor)
        if deal.gs_id is None and person.role is Role.GS:
            deal.gs_id = person.id
        refresh_card(uow, deal.id)
        registrant = uow.directory.find_person(deal.registered_by_id)
        key = "deals.dm.registration_accepted" if command.accept else \
            "deals.dm.registration_declined"
        if registrant is not None and registrant.role is Role.PARTNER:
            queue(uow, Outgoing(f"deal:{deal.id}:decision:{deal.status.value}",
                                ToPerson(registrant.id),
                                (Text(key, {"gs": mention(person), **deal_args(deal)}),),
                                deal_id=deal.id))
        done = DealDone(deal.id, Reply.of("deals.done.decided", status=status_text(deal.status),
                                          **deal_args(deal)))
        commit(uow)
    return done
