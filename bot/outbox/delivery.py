"""Delivery rounds: claim due rows under a token of this round, send each in its conversation's
order, record the outcome."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import DBAPIError

from bot.installations import outbox_client, team_of
from bot.outbox.attempts import (
    SENDING,
    after_send,
    ambiguous,
    earlier_pending,
    failed,
    refuse,
    release,
    retry_at,
    unsure,
)
from bot.outbox.reconcile import reconcile
from bot.outbox.rendering import Destinations, NotReady, prepare
from bot.pacing import Pacer
from bot.usecases.channels import HeldBack, hold
from bot.usecases.recipients import Unseen
from storage.claims import DEFAULT_LEASE, claim_outbox
from storage.models import OutboxMessage, OutboxState

if TYPE_CHECKING:
    from bot.services import Services
    from storage.unit_of_work import AbstractUnitOfWork

log = logging.getLogger(__name__)


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
    client = outbox_client(client)  # no SDK retries: the outbox sees every failure
    now = services.now()
    token = f"{services.worker}:{uuid.uuid4().hex[:12]}"
    ids = claim_outbox(services.factory, now=now, limit=limit, worker=token)
    done = Delivery()
    known: Destinations = {}
    for message_id in ids:
        _deliver_one(services, client, message_id, token=token, pacer=pacer, done=done,
                     known=known)
    return done


def _deliver_one(services: Services, client: WebClient, message_id: int, *, token: str,
                 pacer: Pacer, done: Delivery, known: Destinations) -> None:
    client = _sender(services, client, message_id, token)
    with services.uow(actor="outbox") as uow:
        message = uow.outbox.claimed(message_id, token)
        if message is None or message.state is not OutboxState.PENDING:
            return
        if earlier_pending(uow, message):  # claimed as a head; an earlier row came since
            release(message)
            uow.commit()
            return
        interrupted = unsure(message)
        try:
            method, args = prepare(services, uow, message, client, known)
        except NotReady:  # its thread has no card yet: tried again later, not every round
            retry_at(message, services.now() + not_ready_delay(message, services.now()))
            uow.commit()
            return
        except Unseen as unseen:  # the recipient door: kept as refused, never sent
            refuse(uow, message, services.now(), unseen)
            log.warning("outbox %s refused: %s", message.idempotency_key, unseen)
            uow.commit()
            done.failed += 1
            return
        except HeldBack as held:  # Slack Connect: another partner's member is in the channel
            hold(uow, message, held)
            uow.commit()
            log.warning("outbox %s held back: %s", message.idempotency_key, held)
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
        if wait > 0:  # the channel's pace: due again when it may go, not claimed until then
            retry_at(message, services.now() + timedelta(seconds=wait))
            uow.commit()
            done.paced = min(done.paced or wait, wait)
            return
        if interrupted:
            try:
                ts = reconcile(client, message, method, args)
            except (SlackApiError, SlackClientError, OSError, TimeoutError) as error:
                message.attempts += 1
                _give_up_for_now(services, uow, message, error, done, unsure=True)
                return
            if ts is not None:
                after_send(uow, message, {"ts": ts, "channel": channel})
                uow.commit()
                done.sent += 1
                return
        _send(services, uow, client, message, method=method, args=args, pacer=pacer, done=done)


def _sender(services: Services, client: WebClient, message_id: int, token: str) -> WebClient:
    """OAuth installs: the client of the row's workspace, its bot token rotated first if it is
    about to expire; else (one bot token, or a workspace not known) the given client. Looked up
    before the row's transaction, which holds SQLite's write lock that a rotation needs."""
    if services.tokens is None:
        return client
    with services.uow(actor="outbox") as uow:
        message = uow.outbox.claimed(message_id, token)
        team = team_of(uow, message) if message is not None else None
    try:
        return services.tokens.client_for(team) or client
    except SlackClientError as error:  # the refresh failed: the send fails and is retried
        log.warning("outbox: no fresh bot token for workspace %s: %s", team,
                    type(error).__name__)
        return client


def _send(services: Services, uow: AbstractUnitOfWork, client: WebClient, message: OutboxMessage, *,
          method: str, args: dict[str, Any], pacer: Pacer, done: Delivery) -> None:
    """Mark the message as being sent (committed, and leased for the call), send, record."""
    message.attempts += 1
    message.last_error = SENDING
    message.claimed_until = services.now() + DEFAULT_LEASE  # ours while the call lasts
    uow.commit()
    pacer.sent(str(args.get("channel") or message.channel))  # the pace counts from the start
    try:
        result = client.api_call(method, json=args)
    except (SlackApiError, SlackClientError, OSError, TimeoutError) as error:
        _give_up_for_now(services, uow, message, error, done, unsure=ambiguous(error))
        return
    after_send(uow, message, dict(result.data) if isinstance(result.data, dict) else {})
    uow.commit()
    done.sent += 1


def _give_up_for_now(services: Services, uow: AbstractUnitOfWork, message: OutboxMessage,
                     error: Exception, done: Delivery, *, unsure: bool) -> None:
    reason = failed(uow, message, services.now(), error, unsure=unsure)
    log.warning("outbox %s (%s) failed: %s", message.idempotency_key, reason, error)
    uow.commit()
    done.failed += 1


def not_ready_delay(message: OutboxMessage, now: datetime) -> timedelta:
    """How long a row whose thread has no card yet waits before it is tried again: a second at
    first, longer the longer it has waited (at most a minute)."""
    waited = (now - message.created_at).total_seconds()
    return timedelta(seconds=min(60.0, max(1.0, waited / 4)))


def pending_count(uow: AbstractUnitOfWork) -> int:
    """How many messages wait to be sent."""
    return uow.outbox.pending_count()
