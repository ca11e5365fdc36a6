"""What a GS does with a breach notice: extend (the extension flow), remove the partner (the
deal flow), or dismiss the breach, which takes it off the partner's record (audited)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from bot.i18n import t
from bot.outbox import enqueue
from bot.permissions import Action, allowed
from bot.usecases.cards import refresh_card
from bot.usecases.followup import thread_lang
from storage.models import Breach, Deal

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services

__all__ = ["dismiss_breach"]


def dismiss_breach(services: Services, actor: Actor, deal_id: int) -> str:
    """Dismiss the deal's latest breach; the message key of the outcome for the actor."""
    if not allowed(actor.role, Action.DISMISS_BREACH):
        return "breach.not_allowed"
    with services.uow(actor=actor.user_id) as uow:
        deal = uow.session.get(Deal, deal_id)
        if deal is None:
            return "breach.no_deal"
        breach = uow.session.scalar(select(Breach).where(Breach.deal_id == deal_id)
                                    .order_by(Breach.occurred_at.desc()).limit(1))
        if breach is None:
            return "breach.none"
        uow.session.delete(breach)
        lang = thread_lang(uow, deal)
        enqueue(uow, key=f"breach:{breach.id}:dismissed",
                payload={"method": "chat.postMessage", "thread_of": deal.id,
                         "args": {"text": t("breach.dismissed_thread", lang,
                                            name=actor.name or actor.user_id)}})
        refresh_card(uow, deal.id)
        uow.commit()
    return "breach.dismissed"
