"""`/deal`: register, offer, status, BANT, POI, out of office, extensions, discounts, close."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.listeners.common import actor_of, say_private, stranger

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.app import Runtime

__all__ = ["register"]


def register(app: App, runtime: Runtime) -> None:
    """Register `/deal`."""

    def ack_now(ack: Any) -> None:
        ack()

    def work(body: dict[str, Any], context: Any, respond: Any) -> None:
        actor = actor_of(context)
        if stranger(actor, respond):
            return
        assert actor is not None
        say_private(respond, "/deal")

    app.command("/deal")(ack=ack_now, lazy=[work])
