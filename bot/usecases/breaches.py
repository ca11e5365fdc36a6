"""What a GS does with a breach notice: extend (the extension flow), remove the partner (the
deal flow), or dismiss the breach, which takes it off the partner's record (audited).

A notice's buttons name the breached clock (`clock_id`), so each acts on that breach; a notice
posted before they did (its buttons carry the deal alone) acts on the deal's latest breach."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.messages import Outgoing, Refused, Reply, Text, ToThread, Typed, queue
from bot.permissions import Action
from bot.usecases.cards import refresh_card
from bot.usecases.closing import RemovePartner, remove_partner
from bot.usecases.deal_support import DealDone
from bot.usecases.policy import refusal
from storage.models import Party

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services
    from storage.models import Breach
    from storage.unit_of_work import AbstractUnitOfWork

__all__ = ["DismissBreach", "dismiss_breach", "require_breach_role"]


@dataclass(frozen=True)
class DismissBreach:
    """Dismiss the breach of a clock of a deal (without a clock: the deal's latest)."""

    deal_id: int
    clock_id: int | None = None


def require_breach_role(actor: Actor, action: Action) -> None:
    """Go on only if `actor` may act on a breach this way (GSs and admins); else `Refused`,
    with the breach notice's own refusal."""
    if refusal(actor, action) is not None:
        raise Refused(Reply.refusal("breach.not_allowed"))


def _breach(uow: AbstractUnitOfWork, deal_id: int, clock_id: int | None) -> Breach:
    """The breach a notice is about: its clock's, else (an older notice) the deal's latest;
    `Refused` when it is no longer on the record (dismissed, or excused by an extension)."""
    if clock_id is None:
        breach = uow.breaches.latest_for_deal(deal_id)
        if breach is None:
            raise Refused(Reply.refusal("breach.none"))
        return breach
    breach = uow.breaches.for_clock(clock_id)
    # a GS's breach is not the partner's to dismiss or to remove it for
    if breach is None or breach.deal_id != deal_id or breach.owed_by is not Party.PARTNER:
        raise Refused(Reply.refusal("breach.gone"))
    return breach


def dismiss_breach(services: Services, actor: Actor, command: DismissBreach) -> Reply:
    """Dismiss the breach: it leaves the partner's record, the thread is told and the card
    refreshed. `Refused` when not allowed, or when there is no such breach."""
    require_breach_role(actor, Action.DISMISS_BREACH)
    with services.uow(actor=actor.user_id) as uow:
        deal = uow.deals.find(command.deal_id)
        if deal is None:
            raise Refused(Reply.refusal("breach.no_deal"))
        breach = _breach(uow, deal.id, command.clock_id)
        uow.breaches.remove(breach)
        queue(uow, Outgoing(f"breach:{breach.id}:dismissed", ToThread(deal.id), (Text(
            "breach.dismissed_thread", {"name": Typed(actor.name or actor.user_id)}),)))
        refresh_card(uow, deal.id)
        uow.commit()
    return Reply.of("breach.dismissed")


def remove_after_breach(services: Services, actor: Actor, command: RemovePartner,
                        clock_id: int | None = None) -> DealDone:
    """The breach notice's Remove button: the removal, refused in the notice's own words to
    anyone but a GS or an admin, and refused when the notice's breach (`clock_id`) is no longer
    on the record (dismissed, or excused by an extension)."""
    require_breach_role(actor, Action.REMOVE_PARTNER)
    if clock_id is not None and command.deal.number is not None:
        with services.uow(actor=actor.user_id) as uow:
            _breach(uow, command.deal.number, clock_id)
    return remove_partner(services, actor, command)
