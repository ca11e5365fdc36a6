"""The Timeline button of a breach notice: the deal's timeline, to whoever clicks and may see it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from bot.listeners.commands.deal_timeline import show_timeline
from bot.listeners.common import actor_of, polite, stranger
from bot.listeners.followup_support import action_value
from bot.usecases.deal_support import DealRef

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.services import Services

__all__ = ["register"]

# the button carries the deal first (`12`, or `12:<more>` when it names a clock too)
_DEAL = re.compile(r"#?(\d{1,12})(?:\D.*)?")


def register(app: App) -> None:
    """Register the Timeline button."""

    def ack_now(ack: Any) -> None:
        ack()

    def timeline(services: Services, body: dict[str, Any], context: Any, respond: Any) -> None:
        actor = actor_of(context)
        if stranger(actor, respond):
            return
        assert actor is not None
        found = _DEAL.fullmatch(action_value(body).strip())
        if found is None:
            return
        show_timeline(services, actor, DealRef(int(found.group(1))), respond)

    app.action("breach_timeline")(ack=ack_now, lazy=[polite(timeline)])
