"""The calls of a delivery round, made side by side by a bounded pool of senders.

Slack answers in 100 to 300 ms; one call at a time is a few messages a second whatever Slack's
limits allow. A round's rows are all heads of different conversations, so they may go at once:
order within a conversation is kept by the claim (its next row is claimed only once this one is
recorded). A sender only calls Slack: the rows were marked as being sent before, and the outcomes
are recorded together after (`bot.outbox.delivery`).
"""

from __future__ import annotations

import copy
import logging
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.config import ConfigError
from bot.outbox.attempts import ambiguous
from bot.outbox.reconcile import reconcile
from bot.pacing import Paced, Pacer

__all__ = ["DEFAULT_SENDERS", "ROUNDS", "LeaseLost", "Send", "Sent", "paced_client", "send_all",
           "senders_from_env"]

log = logging.getLogger(__name__)
DEFAULT_SENDERS = 32
ROUNDS = 2  # rounds under way at once in a pump: one prepares while the other's calls are out
FAILURES = (SlackApiError, SlackClientError, OSError, TimeoutError)


class LeaseLost(Exception):  # noqa: N818 - a signal, not an error
    """The round's lease on the row ran out before its call went: another worker may hold it."""


@dataclass(frozen=True)
class Send:
    """One call to make: a row's method and arguments, with the client of its workspace.
    `unsure`: an earlier attempt may have reached Slack, so it is looked for first. The call
    goes only while the round's lease holds (`lease_until` on `clock`)."""

    id: int
    idempotency_key: str
    created_at: datetime
    method: str
    args: dict[str, Any]
    client: WebClient
    lease_until: datetime
    clock: Callable[[], datetime]
    unsure: bool = False


@dataclass(frozen=True)
class Sent:
    """What came of a `Send`: Slack's answer, or the error and whether Slack may have acted."""

    send: Send
    result: dict[str, Any] | None = None
    error: Exception | None = None
    unsure: bool = False


def send_one(send: Send) -> Sent:
    """Make one call (after looking for an earlier attempt's message, when unsure), unless the
    round's lease ran out meanwhile: then another worker may be sending the row, and this one
    must not."""
    if send.clock() >= send.lease_until:
        return Sent(send, error=LeaseLost(send.idempotency_key))
    if send.unsure:
        try:
            ts = reconcile(send.client, send, send.method, send.args)
        except FAILURES as error:
            return Sent(send, error=error, unsure=True)
        except Exception as error:  # anything else: this row's outcome, not the round's
            log.exception("outbox %s: looking for it failed", send.idempotency_key)
            return Sent(send, error=error, unsure=True)
        if ts is not None:
            return Sent(send, {"ts": ts, "channel": send.args.get("channel")})
    try:
        answer = send.client.api_call(send.method, json=send.args)
    except FAILURES as error:
        return Sent(send, error=error, unsure=ambiguous(error))
    except Exception as error:  # a bug, not Slack: recorded for this row (tried, then dead), so
        # the round's other outcomes are recorded too; it may have gone, so it is looked for
        log.exception("outbox %s: the call failed", send.idempotency_key)
        return Sent(send, error=error, unsure=True)
    return Sent(send, dict(answer.data) if isinstance(answer.data, dict) else {})


def paced_client(client: WebClient, pacer: Pacer, team: str | None) -> WebClient:
    """The client a round prepares with: a call made while preparing (a channel's members read,
    a direct message opened) takes its place at once, or raises `Paced` when its pace does not
    allow it yet, instead of earning a 429 that every row behind it would earn too."""
    if pacer.posts is None:
        return client
    twin = copy.copy(client)
    call = client.api_call

    def api_call(api_method: str, **kwargs: Any) -> Any:
        args = {**(kwargs.get("params") or {}), **(kwargs.get("json") or {})}
        wait = pacer.take(str(args.get("channel") or ""), team=team, method=api_method)
        if wait > 0:
            raise Paced(api_method, wait)
        return call(api_method, **kwargs)

    setattr(twin, "api_call", api_call)  # noqa: B010 - the twin's own, not the class's
    return twin


_pools: dict[int, ThreadPoolExecutor] = {}
_pools_lock = threading.Lock()


def _pool(size: int) -> ThreadPoolExecutor:
    """One pool per size, for the process (threads start as they are needed)."""
    with _pools_lock:
        pool = _pools.get(size)
        if pool is None:
            pool = _pools[size] = ThreadPoolExecutor(size, thread_name_prefix="outbox-send")
        return pool


def send_all(sends: Sequence[Send], senders: int) -> list[Sent]:
    """Make every call, up to `senders` at a time; their outcomes in the same order. A process
    dying meanwhile (a BaseException in a sender) is raised here, as it would be inline."""
    if len(sends) <= 1 or senders <= 1:
        return [send_one(send) for send in sends]
    # room for every round under way: a call waiting for a sender would reach Slack later than
    # its place was taken
    return list(_pool(senders * ROUNDS).map(send_one, sends))


def senders_from_env(env: dict[str, str] | None = None) -> int:
    """`COSELLER_OUTBOX_SENDERS` (calls in flight per process), else `DEFAULT_SENDERS`."""
    raw = (os.environ if env is None else env).get("COSELLER_OUTBOX_SENDERS", "").strip()
    if not raw:
        return DEFAULT_SENDERS
    if not raw.isdigit() or not 1 <= int(raw) <= 512:
        raise ConfigError(f"COSELLER_OUTBOX_SENDERS: expected a whole number from 1 to 512, "
                         f"got {raw!r}")
    return int(raw)
