"""Finding a message Slack may already have (a send that crashed, timed out, was reset or got a
5xx after Slack stored it): its metadata carries the idempotency key, so the conversation is
read back, every page of it, before anything is posted again."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol

from slack_sdk import WebClient

__all__ = ["MAX_PAGES", "PAGE", "reconcile"]

PAGE = 200  # messages per page (Slack's advised maximum)
MAX_PAGES = 50  # 10,000 messages since the row was queued: beyond that, the search gives up
SKEW = timedelta(minutes=10)  # our clock against Slack's: look back a little before the row


class Queued(Protocol):
    """A row as reconciliation needs it: its key, and since when to look."""

    @property
    def idempotency_key(self) -> str: ...

    @property
    def created_at(self) -> datetime: ...


def reconcile(client: WebClient, message: Queued, method: str,
              args: dict[str, Any]) -> str | None:
    """The `ts` of the message Slack already holds for this row, or None (never posted).

    A thread reply is looked for in `conversations.replies`, a top-level post in
    `conversations.history`, page by page (`response_metadata.next_cursor`), only as far back
    as the row was queued (`oldest`)."""
    if method != "chat.postMessage" or "channel" not in args:
        return None
    oldest = f"{(message.created_at - SKEW).timestamp():.6f}"
    query: dict[str, Any] = {"channel": args["channel"], "include_all_metadata": True,
                             "limit": PAGE, "oldest": oldest}
    if args.get("thread_ts"):
        read, query["ts"] = client.conversations_replies, args["thread_ts"]
    else:
        read = client.conversations_history
    for _ in range(MAX_PAGES):
        found = read(**query)
        for item in found.get("messages") or []:
            metadata = item.get("metadata") or {}
            if (metadata.get("event_payload") or {}).get("key") == message.idempotency_key:
                return str(item.get("ts"))
        query["cursor"] = str((found.get("response_metadata") or {}).get("next_cursor") or "")
        if not query["cursor"]:
            return None
    raise TimeoutError(f"{message.idempotency_key}: not found in {MAX_PAGES} pages; "
                       "looked for again later")
