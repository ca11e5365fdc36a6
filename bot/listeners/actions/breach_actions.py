"""The buttons of a breach notice: Extend, Remove partner, Dismiss (GSs and admins only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.i18n import t
from bot.listeners.actions.clock_actions import open_extension
from bot.listeners.common import polite, say_private
from bot.listeners.followup_support import clicked
from bot.messages import Reader, Refused
from bot.usecases.breaches import DismissBreach, dismiss_breach, remove_after_breach
from bot.usecases.closing import RemovePartner
from bot.usecases.deal_support import DealRef
from bot.views.text import render_reply

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.services import Services

__all__ = ["register"]


def register(app: App) -> None:
    """Register the breach buttons."""

    def ack_now(ack: Any) -> None:
        ack()

    def remove(services: Services, body: dict[str, Any], context: Any, respond: Any) -> None:
        actor, deal_id = clicked(body, context, respond)
        if actor is None or deal_id is None:
            return
        command = RemovePartner(DealRef(deal_id), t("breach.removed_reason", actor.lang))
        try:
            reply = remove_after_breach(services, actor, command).reply
        except Refused as refused:
            reply = refused.reply
        say_private(respond, render_reply(reply, Reader(actor.lang, actor.tz)))

    def dismiss(services: Services, body: dict[str, Any], context: Any, respond: Any) -> None:
        actor, deal_id = clicked(body, context, respond)
        if actor is None or deal_id is None:
            return
        try:
            reply = dismiss_breach(services, actor, DismissBreach(deal_id))
        except Refused as refused:
            reply = refused.reply
        say_private(respond, render_reply(reply, Reader(actor.lang, actor.tz)))

    app.action("breach_extend")(open_extension())
    app.action("breach_remove")(ack=ack_now, lazy=[polite(remove)])
    app.action("breach_dismiss")(ack=ack_now, lazy=[polite(dismiss)])
