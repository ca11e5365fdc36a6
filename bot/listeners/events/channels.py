"""Channel membership events: who is in a channel where deals are posted (Slack Connect).

`member_joined_channel` and `member_left_channel` keep what the bot knows current;
`channel_shared` and `channel_unshared` make it read the members again. The use case
(`bot.usecases.channels`) decides what a change means: a partner's deals held back in a channel
another partner organisation has joined, the admins told, held messages released after.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from bot.listeners.common import polite
from bot.members import channel_members
from bot.usecases.channels import MembershipEvent, on_membership

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.services import Services

__all__ = ["EVENTS", "register"]

log = logging.getLogger(__name__)

EVENTS = ("member_joined_channel", "member_left_channel", "channel_shared", "channel_unshared")


def register(app: App) -> None:
    """Register the membership listeners."""

    def ack_now(ack: Any) -> None:
        ack()

    def work(services: Services, event: dict[str, Any], context: Any, client: Any) -> None:
        user = event.get("user")
        user_id = str(user.get("id") if isinstance(user, dict) else user or "") or None
        change = MembershipEvent(str(event.get("type") or ""), str(event.get("channel") or ""),
                                 user_id, bot=user_id is not None
                                 and user_id == context.get("bot_user_id"))
        done = on_membership(services, change, channel_members(client or services.client))
        log.info("%s in %s: %s", change.kind, change.channel, done)

    for name in EVENTS:
        app.event(name)(ack=ack_now, lazy=[polite(work)])
