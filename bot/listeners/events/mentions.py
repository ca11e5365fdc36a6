"""`app_mention`: a free-text rule question, in English or Japanese, answered in its thread.

The answer (with its citations) or the closest sections go to the mention's thread through the
outbox, in the question's language, rendered for the asker (and, in a deal's thread, for that
deal's partner, who reads the thread). Someone not in the directory is told to ask an admin.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from bot.listeners.common import actor_of, polite
from bot.usecases.answers import answer_mention

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.services import Services

__all__ = ["register"]

log = logging.getLogger(__name__)


def register(app: App) -> None:
    """Register the mention listener."""

    def ack_now(ack: Any) -> None:
        ack()

    def work(services: Services, event: dict[str, Any], context: Any) -> None:
        actor = actor_of(context)
        if actor is None or event.get("bot_id") or event.get("subtype"):
            return
        try:
            answer_mention(services, actor, event)
        except Exception:  # logged with the request id; Slack is not told twice
            log.exception("mention failed (request %s)", context.get("request_id", "-"))
            return

    app.event("app_mention")(ack=ack_now, lazy=[polite(work)])
