"""What the follow-up use cases share: finding the deal a command is about, the door for acting
on an open deal, running a unit of work again after a lost race, telling the person who acted
by direct message, and asking for a card refresh.

    deal = find_deal(uow, actor, DealRef(12))            # or Refused
    require_open(actor, Action.UPDATE_BANT, deal)              # or Refused
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from bot.messages import Outgoing, Refused, Reply, ToPerson, queue
from bot.permissions import Action
from bot.usecases import cards
from bot.usecases.deal_support import DealRef
from bot.usecases.policy import require, seen_deal
from rules.vocabulary import Role
from storage.errors import ChangedMeanwhileError
from storage.models import Deal, DealStatus, Person
from storage.unit_of_work import AbstractUnitOfWork

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services

__all__ = [
    "ACTIVE_STATUSES",
    "DealRef",
    "committed",
    "find_deal",
    "person",
    "refresh",
    "require_open",
    "retrying",
    "tell_actor",
]

log = logging.getLogger(__name__)

# Deals whose partner owes replies: a registration waiting for its GS, or an accepted deal.
ACTIVE_STATUSES = (DealStatus.REGISTERED, DealStatus.ACCEPTED)
_RETRIES = 3
T = TypeVar("T")


def retrying(work: Callable[[], T]) -> T:
    """Run a unit of work again when it lost a race (a clock or deal changed meanwhile)."""
    for attempt in range(_RETRIES):
        try:
            return work()
        except ChangedMeanwhileError:
            if attempt == _RETRIES - 1:
                raise
            log.info("changed meanwhile; trying again")
    raise AssertionError("unreachable")


def committed(services: Services, actor: Actor,
              step: Callable[[AbstractUnitOfWork], T]) -> T:
    """Run `step` in a unit of work acting as `actor` and commit it; again from the start when
    it lost a race."""
    def work() -> T:
        with services.uow(actor=actor.user_id) as uow:
            result = step(uow)
            uow.commit()
            return result
    return retrying(work)


def person(uow: AbstractUnitOfWork, person_id: int | None) -> Person | None:
    """A person of the directory by id (None for none)."""
    return uow.directory.find_person(person_id) if person_id is not None else None


def find_deal(uow: AbstractUnitOfWork, actor: Actor, where: DealRef) -> Deal:
    """The deal a command is about (else `Refused`). A partner is told nothing about deals that
    are not its own."""
    deal: Deal | None = None
    if where.number is not None:
        deal = uow.deals.find(where.number)
        seen_deal(actor, where.number, deal)  # a partner: another's deal reads as a missing one
        if deal is None:
            raise Refused(Reply.refusal("followup.problem.no_such_deal", ref=where.number))
    elif where.channel and where.thread_ts:
        deal = uow.deals.by_thread(where.channel, where.thread_ts)
    if deal is None:
        if actor.role is Role.PARTNER and actor.partner_org_id is not None:
            mine = list(uow.deals.for_partner(actor.partner_org_id))
        elif actor.role is Role.GS and actor.person_id is not None:
            mine = list(uow.deals.for_gs(actor.person_id))
        else:
            mine = []
        if len(mine) != 1:
            listed = ", ".join(f"`#{d.id}` {d.company}" for d in mine[:10]) or "-"
            raise Refused(Reply.refusal("followup.problem.which_deal", deals=listed))
        deal = mine[0]
    seen_deal(actor, deal.id, deal)
    return deal


def require_open(actor: Actor, action: Action, deal: Deal) -> None:
    """Go on only if `actor` may take `action` on `deal` and the deal is still open."""
    require(actor, action, deal)
    if not deal.is_open:
        raise Refused(Reply.refusal("followup.problem.deal_closed", ref=deal.id))


def refresh(uow: AbstractUnitOfWork, deal_id: int) -> None:
    """Ask for a refresh of the deal's card (`bot.usecases.cards`)."""
    cards.refresh_card(uow, deal_id)


def tell_actor(services: Services, actor: Actor, reply: Reply) -> None:
    """Tell the person who acted by direct message (when there is no response URL to answer)."""
    if actor.person_id is None:
        return
    with services.uow(actor=actor.user_id) as uow:
        queue(uow, Outgoing(f"notice:{actor.user_id}:{uuid.uuid4().hex}",
                            ToPerson(actor.person_id), reply.lines))
        uow.commit()
