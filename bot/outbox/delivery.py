"""Delivery rounds: claim due conversation heads under a token of this round, prepare and pace
them in one transaction, send them side by side (`bot.outbox.sending`), record the outcomes in
one transaction."""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from sqlalchemy.exc import DBAPIError

from bot.installations import outbox_client, team_of
from bot.outbox.attempts import (
    SENDING,
    STALE,
    after_send,
    failed,
    refuse,
    release,
    retry_at,
    settled,
    superseded,
    unsure,
)
from bot.outbox.rendering import Destinations, NotReady, prepare
from bot.outbox.sending import (
    DEFAULT_SENDERS,
    FAILURES,
    LeaseLost,
    Send,
    Sent,
    paced_client,
    send_all,
)
from bot.pacing import Paced, Pacer, PacingRound
from bot.usecases.channels import HeldBack, hold
from bot.usecases.recipients import Unseen
from bot.usecases.reminder_currency import Reminders
from storage.claims import DEFAULT_LEASE, claim_outbox
from storage.models import OutboxMessage, OutboxState
from storage.repositories.outbox import CARD_CONVERSATION

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

    def wait(self, seconds: float) -> None:
        self.paced = min(self.paced or seconds, seconds)


def deliver_due(services: Services, client: WebClient, *, limit: int = 100,
                pacer: Pacer | None = None, senders: int | None = None) -> int:
    """Send what is due now; the number delivered."""
    return deliver_round(services, client, limit=limit, pacer=pacer, senders=senders).sent


def deliver_round(services: Services, client: WebClient, *, limit: int = 100,
                  pacer: Pacer | None = None, senders: int | None = None,
                  lanes: int | None = None) -> Delivery:
    """One round: claim due conversation heads, prepare them, send them side by side (up to
    `senders` calls in flight), record the outcomes.

    The rows to send are marked as being sent (committed) before any call, so that after a
    crash each is reconciled with what Slack already has before anything is sent again. Each
    round claims under a token of its own and records only the rows it still holds: a row whose
    lease ran out meanwhile and was claimed by another worker is left to that worker. `lanes`:
    only rows of that lane or a first one (`storage.lanes`).
    """
    pacer = pacer or services.pacer
    client = outbox_client(client)  # no SDK retries: the outbox sees every failure
    token = f"{services.worker}:{uuid.uuid4().hex[:12]}"
    ids = claim_outbox(services.factory, now=services.now(), limit=limit, worker=token,
                       lanes=lanes)
    done = Delivery()
    deliver_claimed(services, client, ids, token=token, pacer=pacer, done=done,
                    senders=senders or DEFAULT_SENDERS)
    return done


def deliver_claimed(services: Services, client: WebClient, ids: list[int], *, token: str,
                    pacer: Pacer, done: Delivery, senders: int = DEFAULT_SENDERS,
                    known: Destinations | None = None) -> None:
    """Deliver rows claimed under `token`: prepared and paced together, sent side by side,
    recorded together (a round's steps after its claim)."""
    if not ids:
        return
    clients = _senders(services, client, ids, token)
    with pacer.preparing:
        pacing = pacer.round()
        sends = _prepare_round(services, clients, ids, token=token, pacing=pacing, done=done,
                               known={} if known is None else known)
        pacing.commit()  # the calls go now: their places count from here
    _record(services, send_all(sends, senders), token, done)


Sender = tuple[WebClient, str | None]


def _senders(services: Services, client: WebClient, ids: list[int], token: str
             ) -> dict[int, Sender]:
    """Each row's workspace and the client to send it with. OAuth installs: the workspace's
    client, its bot token rotated first if it is about to expire; else (one bot token, or a
    workspace not known) the given client. Looked up before the round's transaction, which
    holds SQLite's write lock that a rotation needs."""
    with services.uow(actor="outbox") as uow, uow.reads_kept():
        messages = uow.outbox.claimed_many(ids, token)
        uow.deals.threads(_deals_of(messages))  # kept: each row finds its thread read
        teams = {m.id: team_of(uow, m) for m in messages}
    found: dict[str | None, WebClient] = {}
    for team in set(teams.values()):
        found[team] = client
        if services.tokens is None:
            continue
        try:
            found[team] = services.tokens.client_for(team) or client
        except SlackClientError as error:  # the refresh failed: the send fails and is retried
            log.warning("outbox: no fresh bot token for workspace %s: %s", team,
                        type(error).__name__)
    return {message_id: (found[team], team) for message_id, team in teams.items()}


@dataclass
class _Round:
    """A round's preparation: its pace, what it found, and the writes to its rows, made once
    every row is prepared (a row written at once would be flushed by the next row's first read,
    a flush per row)."""

    pacing: PacingRound
    done: Delivery
    known: Destinations
    reminders: Reminders
    spacing: Counter[tuple[str, str | None, str]] = field(default_factory=Counter)
    writes: list[Callable[[], None]] = field(default_factory=list)

    def pace(self, message: OutboxMessage, now: datetime, wait: float,
             key: tuple[str, str | None, str]) -> None:
        """Release a row unsent until its call may go; the round's later rows waiting for the
        same place one interval further each, so that they do not all come back at once."""
        channel, team, method = key
        later = wait + self.spacing[key] * self.pacing.pacer.interval_of(channel, team=team,
                                                                         method=method)
        self.spacing[key] += 1
        self.writes.append(partial(retry_at, message, now + timedelta(seconds=later)))
        self.done.wait(later)


def _prepare_round(services: Services, clients: dict[int, Sender], ids: list[int], *,
                   token: str, pacing: PacingRound, done: Delivery, known: Destinations
                   ) -> list[Send]:
    """In one transaction: each row rendered, checked at the doors and paced; those that go
    now marked as being sent; the others released to when they may go."""
    sends: list[Send] = []
    with services.uow(actor="outbox") as uow, uow.reads_kept():
        messages = uow.outbox.claimed_many(ids, token)
        # read together: each row finds its deal, thread and channel's people, its
        # conversation's first and last pending rows, and a reminder its clock, without a
        # query of its own
        deals = uow.deals.many(_deals_of(messages))
        uow.channels.read_ahead(d.thread.channel_id for d in deals
                                if d.thread is not None and d.thread.channel_id)
        spans = uow.outbox.pending_span(m.channel for m in messages)
        work = _Round(pacing, done, known, Reminders(uow, (m.idempotency_key for m in messages)))
        for message in messages:
            sender = clients.get(message.id)
            if sender is None or message.state is not OutboxState.PENDING:
                continue
            first, last = spans.get(message.channel, (message.id, message.id))
            if first < message.id:  # claimed as a head; an earlier row came since
                work.writes.append(partial(release, message))
            elif last > message.id and message.channel.startswith(CARD_CONVERSATION):
                # a newer edit of the same card follows: it shows this one's state too
                work.writes.append(partial(superseded, message))
                done.sent += 1
            elif (send := _prepare_one(services, uow, message, sender, work)) is not None:
                sends.append(send)
        for write in work.writes:
            write()
        uow.commit()
    return sends


def _deals_of(messages: list[OutboxMessage]) -> set[int]:
    """The deals a round's rows are about or go to the thread of."""
    found: set[int] = set()
    for message in messages:
        payload = message.payload
        to = payload.get("to") if isinstance(payload.get("to"), dict) else {}
        for value in (payload.get("deal_id"), payload.get("thread_of"), (to or {}).get("thread")):
            if isinstance(value, int):
                found.add(value)
    return found


def _known_call(uow: AbstractUnitOfWork, message: OutboxMessage) -> tuple[str, str] | None:
    """The channel and method of a row's call when they are known before it is drawn (a post
    in a deal's thread, an edit of a posted card, a raw call naming its channel); else None."""
    payload = message.payload
    if message.channel.startswith(CARD_CONVERSATION):
        return "", "chat.update"
    method = str(payload.get("method") or "chat.postMessage")
    args = payload.get("args") if isinstance(payload.get("args"), dict) else {}
    if (args or {}).get("channel"):
        return str((args or {})["channel"]), method
    to = payload.get("to") if isinstance(payload.get("to"), dict) else {}
    deal_id = (to or {}).get("thread") or payload.get("thread_of")
    if not isinstance(deal_id, int) or method != "chat.postMessage":
        return None
    thread = uow.deals.thread(deal_id)
    return (thread.channel_id, method) if thread is not None and thread.channel_id else None


def _prepare_one(services: Services, uow: AbstractUnitOfWork, message: OutboxMessage,
                 sender: Sender, work: _Round) -> Send | None:
    client, team = sender
    now = services.now()
    pacing, done = work.pacing, work.done
    if (stale := work.reminders.stale(message.idempotency_key, now)) is not None:
        # it would say what no longer holds ("3 hours left" after the breach): not sent
        log.info("outbox %s not sent: %s", message.idempotency_key, stale)
        work.writes.append(partial(settled, message, f"{STALE}: {stale}"))
        done.sent += 1
        return None
    known_call = _known_call(uow, message)
    if known_call is not None and (wait := pacing.wait(known_call[0], team=team,
                                                       method=known_call[1])) > 0:
        # a call whose pace does not allow it yet: released before it is drawn (drawing is
        # most of a round's work)
        work.pace(message, now, wait, (known_call[0], team, known_call[1]))
        return None
    interrupted = unsure(message)
    try:
        method, args = prepare(services, uow, message,
                               paced_client(client, pacing.pacer, team), work.known)
    except Paced as paced:  # a call it needed first may not go yet: due when it may
        work.pace(message, now, paced.wait, ("", team, paced.method))
        return None
    except NotReady:  # its thread has no card yet: tried again later, not every round
        work.writes.append(partial(retry_at, message, now + not_ready_delay(message, now)))
        return None
    except Unseen as unseen:  # the recipient door: kept as refused, never sent
        refuse(uow, message, now, unseen)
        log.warning("outbox %s refused: %s", message.idempotency_key, unseen)
        done.failed += 1
        return None
    except HeldBack as held:  # Slack Connect: another partner's member is in the channel
        hold(uow, message, held)
        log.warning("outbox %s held back: %s", message.idempotency_key, held)
        return None
    except DBAPIError:
        raise
    except Exception as error:  # Slack could not be asked, or a message that cannot be built
        if not isinstance(error, FAILURES):
            log.exception("outbox %s: cannot prepare", message.idempotency_key)
        message.attempts += 1
        _give_up_for_now(uow, message, now, error, done, unsure=interrupted)
        return None
    channel = str(args.get("channel") or message.channel)
    if interrupted and method == "chat.postMessage":  # looked for first: that call's place too
        looked = "conversations.replies" if args.get("thread_ts") else "conversations.history"
        if (wait := pacing.take(channel, team=team, method=looked)) > 0:
            work.pace(message, now, wait, (channel, team, looked))
            return None
    wait = pacing.take(channel, team=team, method=method)
    if wait > 0:  # its pace: due again when it may go (rows after it further on), unclaimed
        work.pace(message, now, wait, (channel, team, method))
        return None
    lease_until = now + DEFAULT_LEASE  # ours while the call lasts
    work.writes.append(partial(_sending, message, lease_until))
    return Send(message.id, message.idempotency_key, message.created_at, method, args, client,
                lease_until=lease_until, clock=services.now, unsure=interrupted)


def _sending(message: OutboxMessage, lease_until: datetime) -> None:
    """Mark a row as being sent: a crash from here on leaves it to be looked for first."""
    message.attempts += 1
    message.last_error = SENDING
    message.claimed_until = lease_until



def _record(services: Services, outcomes: list[Sent], token: str, done: Delivery) -> None:
    """The round's outcomes, in one transaction: sent, or failed and when to try again. A row
    this round no longer holds (its lease ran out) is left as being sent: whoever claims it
    looks for it in Slack first."""
    if not outcomes:
        return
    now = services.now()
    with services.uow(actor="outbox") as uow:
        rows = {m.id: m for m in uow.outbox.claimed_many([o.send.id for o in outcomes], token)}
        for outcome in outcomes:
            message = rows.get(outcome.send.id)
            if message is None or message.state is not OutboxState.PENDING:
                continue
            if isinstance(outcome.error, LeaseLost):  # never called: tried again as it was
                message.attempts -= 1
                message.last_error = message.last_error if outcome.send.unsure else None
                retry_at(message, now)
            elif outcome.error is None:
                after_send(uow, message, outcome.result or {})
                done.sent += 1
            else:
                _give_up_for_now(uow, message, now, outcome.error, done, unsure=outcome.unsure)
        uow.commit()


def _give_up_for_now(uow: AbstractUnitOfWork, message: OutboxMessage, now: datetime,
                     error: Exception, done: Delivery, *, unsure: bool) -> None:
    reason = failed(uow, message, now, error, unsure=unsure)
    log.warning("outbox %s (%s) failed: %s", message.idempotency_key, reason, error)
    done.failed += 1


def not_ready_delay(message: OutboxMessage, now: datetime) -> timedelta:
    """How long a row whose thread has no card yet waits before it is tried again: a second at
    first, longer the longer it has waited (at most a minute)."""
    waited = (now - message.created_at).total_seconds()
    return timedelta(seconds=min(60.0, max(1.0, waited / 4)))


def pending_count(uow: AbstractUnitOfWork) -> int:
    """How many messages wait to be sent."""
    return uow.outbox.pending_count()
