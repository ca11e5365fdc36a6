"""The message shortcut "Register a shared deal" (`register_deal_shortcut`): opens the
registration modal pre-filled from the message (the customer domain found in it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.listeners.commands.deal_lifecycle import open_register
from bot.listeners.common import ack_now, actor_of, polite, stranger
from bot.views.deal_modals import domain_in

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.services import Services

__all__ = ["CALLBACK_ID", "register"]

CALLBACK_ID = "register_deal_shortcut"


def register(app: App) -> None:
    """Register the message shortcut."""

    def shortcut(services: Services, body: dict[str, Any], context: Any, client: Any) -> None:
        respond = context.get("respond")
        actor = actor_of(context)
        if actor is None or not actor.known:
            if respond is not None:
                stranger(actor, respond)
            return
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id")
        open_register(services, actor, client, str(body.get("trigger_id") or ""), respond,
                      domain=domain_in(str(message.get("text") or "")),
                      source={"channel": channel, "ts": message.get("ts")})

    app.shortcut(CALLBACK_ID)(ack=ack_now, lazy=[polite(shortcut)])
