"""`app_mention`: a free-text rule question, in English or Japanese, answered in its thread.

The use case (`bot.usecases.mentions`) queues the reply for the mention's thread; the outbox
renders it at send time (`bot.views.roe_answer`). Failures are logged by the shared `polite`
wrapper; Slack is not told twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.listeners.common import actor_of, polite
from bot.usecases.channels import heard_from
from bot.usecases.mentions import AskMention, answer_mention

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.services import Services

__all__ = ["register"]


def register(app: App) -> None:
    """Register the mention listener."""

    def ack_now(ack: Any) -> None:
        ack()

    def work(services: Services, event: dict[str, Any], context: Any) -> None:
        actor = actor_of(context)
        if actor is None or event.get("bot_id") or event.get("subtype"):
            return
        if event.get("channel"):
            heard_from(services, str(event["channel"]), actor.user_id)  # proof of membership
        thread_ts = event.get("thread_ts")
        answer_mention(services, actor, AskMention(
            str(event.get("text") or ""), channel=str(event.get("channel") or ""),
            ts=str(event.get("ts") or event.get("event_ts") or ""),
            thread_ts=str(thread_ts) if thread_ts else None))

    app.event("app_mention")(ack=ack_now, lazy=[polite(work)])
