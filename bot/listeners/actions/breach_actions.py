"""The buttons of a breach notice: Extend, Remove partner, Dismiss (GSs and admins only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.i18n import t
from bot.listeners.actions.clock_actions import open_extension
from bot.listeners.common import polite, say_private
from bot.listeners.followup_support import clicked
from bot.permissions import Action, allowed
from bot.usecases.breaches import dismiss_breach
from bot.usecases.deals import DealProblem, remove_partner

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
        if not allowed(actor.role, Action.REMOVE_PARTNER):
            say_private(respond, t("breach.not_allowed", actor.lang))
            return
        try:
            done = remove_partner(services, actor, deal_id,
                                  t("breach.removed_reason", actor.lang))
        except DealProblem as problem:
            say_private(respond, problem.text(actor.lang, actor.tz))
            return
        say_private(respond, done.text(actor.lang, actor.tz))

    def dismiss(services: Services, body: dict[str, Any], context: Any, respond: Any) -> None:
        actor, deal_id = clicked(body, context, respond)
        if actor is None or deal_id is None:
            return
        outcome = dismiss_breach(services, actor, deal_id)
        say_private(respond, t(outcome, actor.lang))

    app.action("breach_extend")(open_extension())
    app.action("breach_remove")(ack=ack_now, lazy=[polite(remove)])
    app.action("breach_dismiss")(ack=ack_now, lazy=[polite(dismiss)])
