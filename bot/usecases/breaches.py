"""What a GS does with a breach notice: extend (the extension flow), remove the partner (the
deal flow), or dismiss the breach, which takes it off the partner's record (audited)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.messages import Outgoing, Refused, Reply, Text, ToThread, Typed, queue
from bot.permissions import Action
from bot.usecases.cards import refresh_card
from bot.usecases.closing import RemovePartner, remove_partner
from bot.usecases.deal_support import DealDone
from bot.usecases.policy import refusal

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services

__all__ = ["DismissBreach", "dismiss_breach", "require_breach_role"]


@dataclass(frozen=True)
class DismissBreach:
    """Dismiss the latest breach of a deal."""

    deal_id: int


def require_breach_role(actor: Actor, action: Action) -> None:
    """Go on only if `actor` may act on a breach this way (GSs and admins); else `Refused`,
    with the breach notice's own refusal."""
    if refusal(actor, action) is not None:
        raise Refused(Reply.refusal("breach.not_allowed"))


def dismiss_breach(services: Services, actor: Actor, command: DismissBreach) -> Reply:
    """Dismiss the deal's latest breach: it leaves the partner's record, the thread is told
    and the card refreshed. `Refused` when not allowed, or when there is no such breach."""
    require_breach_role(actor, Action.DISMISS_BREACH)
    with services.uow(actor=actor.user_id) as uow:
        deal = uow.deals.find(command.deal_id)
        if deal is None:
            raise Refused(Reply.refusal("breach.no_deal"))
        breach = uow.breaches.latest_for_deal(deal.id)
        if breach is None:
            raise Refused(Reply.refusal("breach.none"))
        uow.breaches.remove(breach)
        queue(uow, Outgoing(f"breach:{breach.id}:dismissed", ToThread(deal.id), (Text(
            "breach.dismissed_thread", {"name": Typed(actor.name or actor.user_id)}),)))
        refresh_card(uow, deal.id)
        uow.commit()
    return Reply.of("breach.dismissed")


def remove_after_breach(services: Services, actor: Actor, command: RemovePartner) -> DealDone:
    """The breach notice's Remove button: the removal, refused in the notice's own words to
    anyone but a GS or an admin."""
    require_breach_role(actor, Action.REMOVE_PARTNER)
    return remove_partner(services, actor, command)
