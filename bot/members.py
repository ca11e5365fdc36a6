"""A channel's members as Slack has them: `conversations.members`, read page by page.

    member_ids = channel_members(client)          # a function: channel id -> every user id
    member_ids("C0PARTNER")

Use cases never talk to Slack; they receive this function (`bot.usecases.channels.MemberIds`).
"""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk import WebClient

__all__ = ["PAGE", "channel_members"]

PAGE = 200  # what Slack recommends for conversations.members (at most 1,000)


def channel_members(client: WebClient) -> Callable[[str], list[str]]:
    """Every member of a channel, following Slack's cursor to the last page (a Slack error
    propagates: a channel whose members cannot be read is not posted to)."""

    def read(channel: str) -> list[str]:
        members: list[str] = []
        cursor: str | None = None
        while True:
            args: dict[str, object] = {"channel": channel, "limit": PAGE}
            if cursor:
                args["cursor"] = cursor
            page = client.conversations_members(**args)  # type: ignore[arg-type]
            members.extend(str(user) for user in page.get("members") or [])
            cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                return members

    return read
