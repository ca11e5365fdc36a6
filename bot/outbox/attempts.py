"""One attempt at a row and what follows from it: recorded as sent, retried after a backoff or
Slack's `Retry-After`, given up on (the admins told), or first looked for in Slack when an
earlier attempt may have arrived (`reconcile`)."""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.messages import Outgoing, Text, ToPerson, Typed, queue
from storage.models import OutboxMessage, OutboxState

if TYPE_CHECKING:
    from bot.usecases.recipients import Unseen
    from storage.unit_of_work import AbstractUnitOfWork

log = logging.getLogger(__name__)


MAX_ATTEMPTS = 8
SENDING = "sending"  # last_error while a send is under way: a crash leaves it so
SUPERSEDED = "superseded"  # last_error of a card edit settled without a call: a newer one follows
STALE = "stale"  # last_error's prefix of a reminder settled without a call: it no longer holds
MAYBE_SENT = "maybe sent"  # last_error's prefix after a failure that Slack may have acted on


def backoff(attempts: int) -> timedelta:
    base = min(300.0, 2.0 ** attempts)
    return timedelta(seconds=base * random.uniform(0.5, 1.5))


def release(message: OutboxMessage) -> None:
    message.claimed_by = None
    message.claimed_until = None


def retry_at(message: OutboxMessage, at: datetime) -> None:
    """Release a row unsent, due again at `at` (not before: it takes no claim slot meanwhile)."""
    release(message)
    message.next_attempt_at = max(message.next_attempt_at, at)


def superseded(message: OutboxMessage) -> None:
    """Settle a card edit without a call: a newer edit of the same card waits behind it, and the
    card is drawn when sent, so that one shows this one's state too (a burst is one edit)."""
    settled(message, SUPERSEDED)


def settled(message: OutboxMessage, why: str) -> None:
    """Settle a row without a call (`why`: superseded, stale): nothing is left to send."""
    message.state = OutboxState.SENT
    message.last_error = why[:480]
    release(message)


def after_send(uow: AbstractUnitOfWork, message: OutboxMessage, result: dict[str, Any]) -> None:
    message.state = OutboxState.SENT
    message.slack_ts = str(result.get("ts") or result.get("message_ts") or "") or None
    message.last_error = None
    release(message)
    payload = message.payload
    if payload.get("render") == "deal_card" and message.slack_ts:
        thread = uow.deals.thread(int(payload["deal_id"]))
        if thread is not None and thread.card_ts is None:
            thread.card_ts = thread.thread_ts = message.slack_ts
            thread.channel_id = str(result.get("channel") or thread.channel_id)


def failed(uow: AbstractUnitOfWork, message: OutboxMessage, now: datetime, error: Exception, *,
            unsure: bool = False) -> str:
    """Record a failed attempt and when to try again; the reason. `unsure`: Slack may have
    posted the message all the same (a timeout, a 5xx, a connection lost after sending), so the
    next attempt looks for it first instead of posting it blindly."""
    release(message)
    retry_after: float | None = None
    reason = "error"
    if isinstance(error, SlackApiError):
        status = error.response.status_code
        if status == 429:
            reason = "rate_limited"
            retry_after = float(error.response.headers.get("Retry-After", "1") or 1)
        elif status >= 500:
            reason = "server_error"
        else:
            reason = str(error.response.get("error") or "api_error")
    elif isinstance(error, (SlackClientError, OSError, TimeoutError)):
        reason = "network"
    message.last_error = (f"{MAYBE_SENT}: " if unsure else "") + str(error)[:480]
    if retry_after is not None:
        # Slack said when: a rate limit is not a failure of the message, and does not use up
        # its tries (it is not dead after 8 busy answers); it waits at least that long.
        message.attempts = max(0, message.attempts - 1)
        message.next_attempt_at = now + timedelta(seconds=retry_after)
        return reason
    if message.attempts >= MAX_ATTEMPTS:
        message.state = OutboxState.DEAD
        _alert_admins(uow, message, now)
        return "dead"
    message.next_attempt_at = now + backoff(message.attempts)
    return reason


def ambiguous(error: Exception) -> bool:
    """Whether Slack may have acted on a request that failed this way."""
    if isinstance(error, SlackApiError):
        return int(error.response.status_code) >= 500
    return True  # timeouts and connections lost: the request may have arrived


def _alert_admins(uow: AbstractUnitOfWork, message: OutboxMessage, now: datetime) -> None:
    """A message given up on: every admin is told (unless it was itself such an alert)."""
    if message.idempotency_key.startswith("dead:"):
        return
    from rules.vocabulary import Role

    for admin in uow.directory.staff(Role.ADMIN):
        queue(uow, Outgoing(f"dead:{message.id}:{admin.id}", ToPerson(admin.id), (Text(
            "outbox.dead", {"key": message.idempotency_key, "error": message.last_error or "-",
                            "attempts": message.attempts}),), at=now))


def refuse(uow: AbstractUnitOfWork, message: OutboxMessage, now: datetime,
           unseen: Unseen) -> None:
    """A message the recipient door held back: kept as refused (never sent, never retried), and
    every admin told, in their language, which message and why (never what it says)."""
    from rules.vocabulary import Role

    message.state = OutboxState.REFUSED
    message.last_error = str(unseen)[:480]
    release(message)
    for admin in uow.directory.staff(Role.ADMIN):
        queue(uow, Outgoing(f"refused:{message.id}:{admin.id}", ToPerson(admin.id), (Text(
            "outbox.refused", {"key": message.idempotency_key, "deal": unseen.deal_id,
                               "reason": Text(unseen.reason, {"who": Typed(unseen.who)})}),),
            at=now))


def unsure(message: OutboxMessage) -> bool:
    """Whether Slack may already have this message (a send was interrupted or inconclusive)."""
    error = message.last_error or ""
    return error == SENDING or error.startswith(MAYBE_SENT)
