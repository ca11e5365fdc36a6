"""The outbox: every message Coseller sends to Slack is first a row, then a delivery.

Use cases `enqueue` in their own transaction, under an idempotency key (a second enqueue of the
same key is a no-op). `deliver_due` claims due rows (one worker per row, even across replicas),
renders what must be rendered at send time (a deal card always shows the deal as it is now), sends
it, and records Slack's `ts`. Failures are retried later: 429 after `Retry-After` (which does not
use up a try), 5xx and network errors with exponential backoff and jitter; a message that keeps
failing becomes `dead` and the admins are told. Messages to one deal's thread go out in order: a
message waits while its thread's card is unsent.

Nothing is posted twice: a send is committed as under way before the call, and a send that was
interrupted (a crash) or may have reached Slack all the same (a timeout, a 5xx) is first looked
for in the conversation (the message metadata carries the key); a worker sends only the rows its
own claim still holds, so a row whose lease ran out is never sent by two workers at once.
"""

from __future__ import annotations

import logging
import random
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import DBAPIError

from bot.messages import Outgoing, Text, ToPerson, decode, queue
from bot.pacing import Pacer
from bot.usecases.audience import NoThreadYet, destination
from bot.usecases.cards import card_facts
from bot.views.deal_card import card_message
from bot.views.messages import message_args
from storage.claims import DEFAULT_LEASE, claim_outbox
from storage.models import DealThread, OutboxMessage, OutboxState

if TYPE_CHECKING:
    from bot.services import Services
    from storage.unit_of_work import AbstractUnitOfWork

__all__ = [
    "MAX_ATTEMPTS",
    "RENDERERS",
    "Delivery",
    "NotReady",
    "OutboxPump",
    "conversation_of",
    "deliver_due",
    "deliver_round",
    "enqueue",
    "renderer",
]

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
METADATA_EVENT = "coseller_outbox"

Renderer = Callable[["Services", "AbstractUnitOfWork", dict[str, Any]], tuple[str, dict[str, Any]]]
RENDERERS: dict[str, Renderer] = {}


class NotReady(Exception):  # noqa: N818 - a signal, not an error
    """The message depends on one not sent yet (its thread's card); try again shortly."""


def renderer(name: str) -> Callable[[Renderer], Renderer]:
    """Register a function that turns a payload into (Web API method, arguments) at send time."""
    def register(function: Renderer) -> Renderer:
        RENDERERS[name] = function
        return function
    return register


def conversation_of(payload: dict[str, Any], channel: str = "") -> str:
    """The conversation a message belongs to, in which messages go out in order: a deal's
    thread (`deal:<id>`, the card included), a person's DM, or a channel."""
    if "thread_of" in payload:
        return f"deal:{payload['thread_of']}"
    if payload.get("render") == "deal_card":
        return f"deal:{payload['deal_id']}"
    if payload.get("dm"):
        return f"dm:{payload['dm']}"
    args = payload.get("args") or {}
    return channel or str(args.get("channel") or payload.get("user_id") or "-")


def enqueue(uow: AbstractUnitOfWork, *, key: str, payload: dict[str, Any], channel: str = "",
            thread_ts: str | None = None, team_id: str | None = None,
            at: datetime | None = None) -> bool:
    """Queue a message in the unit of work's transaction; False if `key` was already queued.

    `payload` is either {"method": ..., "args": {...}} with optional "thread_of" (a deal id whose
    thread receives it) or "dm" (a user id), or {"render": name, ...} for a registered renderer.
    """
    return uow.outbox.enqueue(key=key, channel=conversation_of(payload, channel),
                              payload=payload, at=at or uow.now(), thread_ts=thread_ts,
                              team_id=team_id)


RENDERER_MODULES: tuple[str, ...] = ()  # modules registering further renderers on import


def _load_renderers() -> None:
    """Import the modules that register renderers (a process may deliver without listeners)."""
    import importlib

    for name in RENDERER_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            log.debug("no renderer module %s", name)


@renderer("deal_card")
def render_deal_card(services: Services, uow: AbstractUnitOfWork, payload: dict[str, Any]
                     ) -> tuple[str, dict[str, Any]]:
    """The deal card as it is now: its facts (`bot.usecases.cards.card_facts`) drawn by the
    card view; posted the first time, then edited in place."""
    return card_message(card_facts(uow, int(payload["deal_id"])),
                        default_channel=services.settings.deal_channel)


def _thread(uow: AbstractUnitOfWork, deal_id: int) -> DealThread:
    thread = uow.deals.thread(deal_id)
    if thread is None or thread.thread_ts is None:
        raise NotReady(f"deal {deal_id} has no thread yet")
    return thread


def _typed(uow: AbstractUnitOfWork, message: OutboxMessage, client: WebClient
           ) -> tuple[str, dict[str, Any]]:
    """A typed message (`bot.messages`): where it goes and its text for the reader there."""
    typed = decode(message.idempotency_key, message.payload)
    try:
        where = destination(uow, typed.to)
    except NoThreadYet as waiting:
        raise NotReady(str(waiting)) from None
    args = message_args(typed, where.reader)
    if where.dm_user is not None:
        opened = client.conversations_open(users=where.dm_user)
        args["channel"] = opened["channel"]["id"]
    else:
        args["channel"] = where.channel
        if where.thread_ts:
            args["thread_ts"] = where.thread_ts
    return "chat.postMessage", args


def _prepare(services: Services, uow: AbstractUnitOfWork, message: OutboxMessage,
             client: WebClient) -> tuple[str, dict[str, Any]]:
    payload = dict(message.payload)
    if payload.get("render") == "message":
        method, args = _typed(uow, message, client)
    elif "render" in payload:
        if payload["render"] not in RENDERERS:
            _load_renderers()
        method, args = RENDERERS[payload["render"]](services, uow, payload)
    else:
        method, args = payload["method"], dict(payload.get("args") or {})
    if "thread_of" in payload:
        thread = _thread(uow, int(payload["thread_of"]))
        args.setdefault("channel", thread.channel_id)
        args.setdefault("thread_ts", thread.thread_ts)
    if "dm" in payload and "channel" not in args:
        opened = client.conversations_open(users=payload["dm"])
        args["channel"] = opened["channel"]["id"]
    if method == "chat.postMessage":
        args.setdefault("channel", message.channel)
        args["metadata"] = {"event_type": METADATA_EVENT,
                            "event_payload": {"key": message.idempotency_key}}
    return method, args


def _backoff(attempts: int) -> timedelta:
    base = min(300.0, 2.0 ** attempts)
    return timedelta(seconds=base * random.uniform(0.5, 1.5))


def _release(message: OutboxMessage) -> None:
    message.claimed_by = None
    message.claimed_until = None


def _after_send(uow: AbstractUnitOfWork, message: OutboxMessage, result: dict[str, Any]) -> None:
    message.state = OutboxState.SENT
    message.slack_ts = str(result.get("ts") or result.get("message_ts") or "") or None
    message.last_error = None
    _release(message)
    payload = message.payload
    if payload.get("render") == "deal_card" and message.slack_ts:
        thread = uow.deals.thread(int(payload["deal_id"]))
        if thread is not None and thread.card_ts is None:
            thread.card_ts = thread.thread_ts = message.slack_ts
            thread.channel_id = str(result.get("channel") or thread.channel_id)


def _failed(uow: AbstractUnitOfWork, message: OutboxMessage, now: datetime, error: Exception, *,
            unsure: bool = False) -> str:
    """Record a failed attempt and when to try again; the reason. `unsure`: Slack may have
    posted the message all the same (a timeout, a 5xx, a connection lost after sending), so the
    next attempt looks for it first instead of posting it blindly."""
    _release(message)
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
    message.next_attempt_at = now + _backoff(message.attempts)
    return reason


def _ambiguous(error: Exception) -> bool:
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


def _earlier_pending(uow: AbstractUnitOfWork, message: OutboxMessage) -> bool:
    """Whether an older message of the same conversation still waits (order is kept)."""
    return uow.outbox.earlier_pending(message)


def _reconcile(client: WebClient, message: OutboxMessage, method: str,
               args: dict[str, Any]) -> str | None:
    """After a crash between sending and recording, find the message Slack already has (its
    metadata carries the idempotency key) instead of posting it twice."""
    if method != "chat.postMessage" or "channel" not in args:
        return None
    if args.get("thread_ts"):
        found = client.conversations_replies(channel=args["channel"], ts=args["thread_ts"],
                                             include_all_metadata=True, limit=200)
    else:
        found = client.conversations_history(channel=args["channel"], include_all_metadata=True,
                                             limit=200)
    for item in found.get("messages") or []:
        metadata = item.get("metadata") or {}
        if (metadata.get("event_payload") or {}).get("key") == message.idempotency_key:
            return str(item.get("ts"))
    return None


SENDING = "sending"  # last_error while a send is under way: a crash leaves it so
MAYBE_SENT = "maybe sent"  # last_error's prefix after a failure that Slack may have acted on


def _unsure(message: OutboxMessage) -> bool:
    """Whether Slack may already have this message (a send was interrupted or inconclusive)."""
    error = message.last_error or ""
    return error == SENDING or error.startswith(MAYBE_SENT)


@dataclass
class Delivery:
    """What a delivery round did: sent, and the shortest pacing wait it met (seconds)."""

    sent: int = 0
    paced: float = 0.0
    failed: int = 0


def deliver_due(services: Services, client: WebClient, *, limit: int = 100,
                pacer: Pacer | None = None) -> int:
    """Send what is due now; the number delivered."""
    return deliver_round(services, client, limit=limit, pacer=pacer).sent


def deliver_round(services: Services, client: WebClient, *, limit: int = 100,
                  pacer: Pacer | None = None) -> Delivery:
    """One round: claim due messages, send each in its conversation's order, record the result.

    A message is marked as being sent (committed) before the call, so that after a crash it is
    reconciled with what Slack already has before anything is sent again. Each round claims
    under a token of its own and handles only the rows it still holds: a row whose lease ran
    out meanwhile and was claimed by another worker is left to that worker.
    """
    pacer = pacer or services.pacer
    now = services.now()
    token = f"{services.worker}:{uuid.uuid4().hex[:12]}"
    ids = claim_outbox(services.factory, now=now, limit=limit, worker=token)
    done = Delivery()
    for message_id in ids:
        _deliver_one(services, client, message_id, token=token, pacer=pacer, done=done)
    return done


def _deliver_one(services: Services, client: WebClient, message_id: int, *, token: str,
                 pacer: Pacer, done: Delivery) -> None:
    with services.uow(actor="outbox") as uow:
        message = uow.outbox.claimed(message_id, token)
        if message is None or message.state is not OutboxState.PENDING:
            return
        if _earlier_pending(uow, message):
            _release(message)
            uow.commit()
            return
        interrupted = _unsure(message)
        try:
            method, args = _prepare(services, uow, message, client)
        except NotReady:
            _release(message)
            uow.commit()
            return
        except (SlackApiError, SlackClientError, OSError, TimeoutError) as error:
            message.attempts += 1
            _give_up_for_now(services, uow, message, error, done, unsure=interrupted)
            return
        except DBAPIError:
            raise
        except Exception as error:  # a message that cannot be built: tried, then dead
            log.exception("outbox %s: cannot prepare", message.idempotency_key)
            message.attempts += 1
            _give_up_for_now(services, uow, message, error, done, unsure=interrupted)
            return
        channel = str(args.get("channel") or message.channel)
        wait = pacer.wait_for(channel)
        if wait > 0:
            _release(message)
            uow.commit()
            done.paced = min(done.paced or wait, wait)
            return
        if interrupted:
            try:
                ts = _reconcile(client, message, method, args)
            except (SlackApiError, SlackClientError, OSError, TimeoutError) as error:
                message.attempts += 1
                _give_up_for_now(services, uow, message, error, done, unsure=True)
                return
            if ts is not None:
                _after_send(uow, message, {"ts": ts, "channel": channel})
                uow.commit()
                done.sent += 1
                return
        _send(services, uow, client, message, method=method, args=args, pacer=pacer, done=done)


def _send(services: Services, uow: AbstractUnitOfWork, client: WebClient, message: OutboxMessage, *,
          method: str, args: dict[str, Any], pacer: Pacer, done: Delivery) -> None:
    """Mark the message as being sent (committed, and leased for the call), send, record."""
    message.attempts += 1
    message.last_error = SENDING
    message.claimed_until = services.now() + DEFAULT_LEASE  # ours while the call lasts
    uow.commit()
    try:
        result = client.api_call(method, json=args)
    except (SlackApiError, SlackClientError, OSError, TimeoutError) as error:
        _give_up_for_now(services, uow, message, error, done, unsure=_ambiguous(error))
        return
    pacer.sent(str(args.get("channel") or message.channel))
    _after_send(uow, message, dict(result.data) if isinstance(result.data, dict) else {})
    uow.commit()
    done.sent += 1


def _give_up_for_now(services: Services, uow: AbstractUnitOfWork, message: OutboxMessage,
                     error: Exception, done: Delivery, *, unsure: bool) -> None:
    reason = _failed(uow, message, services.now(), error, unsure=unsure)
    log.warning("outbox %s (%s) failed: %s", message.idempotency_key, reason, error)
    uow.commit()
    done.failed += 1


def pending_count(uow: AbstractUnitOfWork) -> int:
    """How many messages wait to be sent."""
    return uow.outbox.pending_count()


class OutboxPump:
    """A background thread delivering the outbox: woken at once after a use case enqueues,
    and every `interval` seconds anyway."""

    def __init__(self, services: Services, client: WebClient, interval: float = 1.0) -> None:
        self.services = services
        self.client = client
        self.interval = interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="outbox-pump")

    def start(self) -> OutboxPump:
        """Start delivering."""
        self._thread.start()
        return self

    def wake(self) -> None:
        """Deliver now (called after a commit that enqueued)."""
        self._wake.set()

    def stop(self) -> None:
        """Stop after the current round."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                while not self._stop.is_set():
                    done = deliver_round(self.services, self.client)
                    if done.sent == 0 and done.paced == 0:
                        break
                    if done.sent == 0:
                        self._stop.wait(done.paced)
            except Exception:  # keep pumping; the row is retried on its schedule
                log.exception("outbox delivery round failed")
