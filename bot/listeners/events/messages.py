"""Message events in deal threads: a GS's message starts the partner's response clock, a
partner's reply stops it (and the reverse clock is measured for the GS).

Only people's new messages in a thread count: bots (this one included), edits, deletions and
other subtypes are ignored. Slack's retries are dropped by event id in the middleware, and the
use case acts once per message `ts` whatever arrives.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from bot.listeners.common import polite
from bot.usecases.channels import heard_from
from bot.usecases.response_clocks import ThreadMessage, on_thread_message
from bot.usecases.strangers import SpokeIn, heard_stranger

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.services import Services

__all__ = ["register", "thread_message"]

log = logging.getLogger(__name__)

_COUNTED_SUBTYPES = (None, "thread_broadcast", "file_share")


def person_spoke(event: dict[str, Any]) -> bool:
    """Whether an event is a person's own new message (not a bot's, an edit, a join...)."""
    return event.get("type") == "message" and event.get("subtype") in _COUNTED_SUBTYPES and \
        not (event.get("bot_id") or event.get("bot_profile") or event.get("edited"))


def thread_message(body: dict[str, Any], event: dict[str, Any], bot_user_id: str | None
                   ) -> ThreadMessage | None:
    """The person's thread message an event carries, or None when it does not count."""
    if not person_spoke(event):
        return None
    user, ts, thread_ts = event.get("user"), event.get("ts"), event.get("thread_ts")
    channel = event.get("channel")
    if not (user and ts and thread_ts and channel) or thread_ts == ts or user == bot_user_id:
        return None
    team = str(body.get("team_id") or event.get("team") or "")
    user_team = event.get("user_team") or event.get("team")
    to_bot = bool(bot_user_id) and f"<@{bot_user_id}>" in str(event.get("text") or "")
    return ThreadMessage(team_id=team, channel=str(channel), thread_ts=str(thread_ts),
                         ts=str(ts), user=str(user),
                         user_team=str(user_team) if user_team else None, to_bot=to_bot)


def register(app: App) -> None:
    """Register the `message` event listener."""

    def ack_now(ack: Any) -> None:
        ack()

    def work(services: Services, body: dict[str, Any], event: dict[str, Any], context: Any) -> None:
        speaker, channel = event.get("user"), event.get("channel")
        if speaker and channel and not event.get("bot_id") and \
                speaker != context.get("bot_user_id"):
            heard_from(services, str(channel), str(speaker))
        message = thread_message(body, event, context.get("bot_user_id"))
        if message is not None:
            outcome = on_thread_message(services, message)
            log.debug("thread message %s in %s: %s", message.ts, message.channel, outcome)
        if speaker and channel and person_spoke(event) and \
                speaker != context.get("bot_user_id"):  # after the clocks: they come first
            user_team = event.get("user_team") or event.get("team")
            heard_stranger(services, SpokeIn(
                team_id=str(body.get("team_id") or event.get("team") or ""),
                channel=str(channel), user_id=str(speaker),
                user_team=str(user_team) if user_team else None))

    app.event("message")(ack=ack_now, lazy=[polite(work)])
