"""The outbox: outgoing Slack messages, queued once per idempotency key."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from storage.bulk import insert_many
from storage.lanes import lane_of
from storage.models import DmChannel, OutboxMessage, OutboxState
from storage.repositories.internals import insert_for

__all__ = ["CARD_CONVERSATION", "OutboxRepository", "SqlOutboxRepository", "card_prefix"]

CARD_CONVERSATION = "card:"  # the conversation of a posted card's edits (`card:7`)


def card_prefix(deal_id: int) -> str:
    """The key prefix of a deal's card refreshes (`deal:7:card:<uuid>`)."""
    return f"deal:{deal_id}:card:"


class OutboxRepository(ABC):
    """Outgoing messages, enqueued once per idempotency key.

    `queued` counts the rows this unit of work added: the unit of work wakes the pump after a
    commit that queued any (and resets it on commit and rollback).
    """

    def __init__(self) -> None:
        self.queued = 0

    @abstractmethod
    def enqueue(self, *, key: str, channel: str, payload: dict[str, Any], at: datetime,
                thread_ts: str | None = None, team_id: str | None = None) -> bool:
        """Queue a message unless its key is already queued; True when this call queued it."""

    @abstractmethod
    def enqueue_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Queue many prepared rows (every column of `OutboxMessage` but the id) in one statement,
        skipping keys already queued: the sweep's bulk write. Counts as queued."""

    @abstractmethod
    def by_key(self, key: str) -> OutboxMessage | None:
        """The message with this idempotency key."""

    @abstractmethod
    def claimed(self, message_id: int, token: str) -> OutboxMessage | None:
        """The message if `token`'s claim still holds it, locked until the transaction ends."""

    @abstractmethod
    def claimed_many(self, ids: Sequence[int], token: str) -> list[OutboxMessage]:
        """The messages `token`'s claim still holds among `ids`, in id order, locked until the
        transaction ends (a delivery round reads its rows in one query)."""

    @abstractmethod
    def pending_span(self, conversations: Iterable[str]) -> dict[str, tuple[int, int]]:
        """The first and last id still pending in each of `conversations` that has any: an
        older one waiting keeps a row back (order is kept); a newer card edit supersedes it.
        One query for a delivery round."""

    @abstractmethod
    def waiting_card_refresh(self, deal_id: int) -> bool:
        """Whether a refresh of the deal's card waits, unclaimed (it will render the latest
        state anyway; one being sent now may have rendered before a change, so it does not
        count)."""

    @abstractmethod
    def pending_count(self) -> int:
        """How many messages wait to be sent."""

    @abstractmethod
    def has_due(self, now: datetime) -> bool:
        """Whether a message could be delivered at `now` (pending, due, no live claim)."""

    @abstractmethod
    def refused(self) -> Sequence[OutboxMessage]:
        """The messages the recipient door held back (never sent), oldest first."""

    @abstractmethod
    def find(self, message_id: int) -> OutboxMessage | None:
        """A message by id."""

    @abstractmethod
    def state_counts(self) -> dict[OutboxState, int]:
        """How many messages are in each state (states with none are left out)."""

    @abstractmethod
    def latest(self, state: OutboxState, limit: int) -> Sequence[OutboxMessage]:
        """The `limit` newest messages in `state`, newest first."""

    @abstractmethod
    def dm_channel(self, team_id: str, user_id: str) -> str | None:
        """The remembered direct-message channel of a person (opened before), or None."""

    @abstractmethod
    def remember_dm(self, team_id: str, user_id: str, channel_id: str, at: datetime) -> None:
        """Remember a person's direct-message channel (a second remember keeps the first)."""


class SqlOutboxRepository(OutboxRepository):
    """The outbox on SQLAlchemy."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def enqueue(self, *, key: str, channel: str, payload: dict[str, Any], at: datetime,
                thread_ts: str | None = None, team_id: str | None = None) -> bool:
        values = {"idempotency_key": key, "channel": channel, "thread_ts": thread_ts,
                  "team_id": team_id, "payload": payload, "state": OutboxState.PENDING.value,
                  "attempts": 0, "lane": lane_of(key, payload), "next_attempt_at": at, "created_at": at}
        statement = insert_for(self.session)(OutboxMessage).values(**values) \
            .on_conflict_do_nothing(index_elements=["idempotency_key"])
        # preserve_rowcount: without it SQLAlchemy 2.1 reports -1 for an INSERT on psycopg
        result = self.session.execute(statement, execution_options={"preserve_rowcount": True})
        added = int(getattr(result, "rowcount", 0)) > 0
        self.queued += added
        return added

    def enqueue_many(self, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        laned = [row if "lane" in row else
                 {**row, "lane": lane_of(str(row["idempotency_key"]), row["payload"])}
                 for row in rows]
        insert_many(self.session, OutboxMessage.metadata.tables["outbox"], laned,
                    unique="idempotency_key")
        self.queued += len(rows)  # an upper bound: a key already queued only wakes the pump

    def by_key(self, key: str) -> OutboxMessage | None:
        return self.session.scalar(select(OutboxMessage).where(
            OutboxMessage.idempotency_key == key))

    def claimed(self, message_id: int, token: str) -> OutboxMessage | None:
        return self.session.scalar(select(OutboxMessage).where(
            OutboxMessage.id == message_id, OutboxMessage.claimed_by == token).with_for_update())

    def claimed_many(self, ids: Sequence[int], token: str) -> list[OutboxMessage]:
        if not ids:
            return []
        return list(self.session.scalars(select(OutboxMessage).where(
            OutboxMessage.id.in_(list(ids)), OutboxMessage.claimed_by == token)
            .order_by(OutboxMessage.id).with_for_update()).all())

    def pending_span(self, conversations: Iterable[str]) -> dict[str, tuple[int, int]]:
        wanted = sorted(set(conversations))
        if not wanted:
            return {}
        rows = self.session.execute(
            select(OutboxMessage.channel, func.min(OutboxMessage.id), func.max(OutboxMessage.id))
            .where(OutboxMessage.channel.in_(wanted), OutboxMessage.state == OutboxState.PENDING)
            .group_by(OutboxMessage.channel)).all()
        return {str(channel): (int(first), int(last)) for channel, first, last in rows}

    def waiting_card_refresh(self, deal_id: int) -> bool:
        return self.session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.idempotency_key.startswith(card_prefix(deal_id)),
            OutboxMessage.state == OutboxState.PENDING,
            OutboxMessage.claimed_by.is_(None)).limit(1)) is not None

    def pending_count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.state == OutboxState.PENDING)) or 0)

    def has_due(self, now: datetime) -> bool:
        return self.session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.state == OutboxState.PENDING, OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
            .limit(1)) is not None

    def refused(self) -> Sequence[OutboxMessage]:
        return self.session.scalars(select(OutboxMessage).where(
            OutboxMessage.state == OutboxState.REFUSED).order_by(OutboxMessage.id)).all()

    def find(self, message_id: int) -> OutboxMessage | None:
        return self.session.get(OutboxMessage, message_id)

    def state_counts(self) -> dict[OutboxState, int]:
        rows = self.session.execute(select(OutboxMessage.state, func.count())
                                    .group_by(OutboxMessage.state)).all()
        return {OutboxState(state): int(count) for state, count in rows}

    def latest(self, state: OutboxState, limit: int) -> Sequence[OutboxMessage]:
        return self.session.scalars(select(OutboxMessage).where(OutboxMessage.state == state)
                                    .order_by(OutboxMessage.id.desc()).limit(limit)).all()

    def dm_channel(self, team_id: str, user_id: str) -> str | None:
        return self.session.scalar(select(DmChannel.channel_id).where(
            DmChannel.team_id == team_id, DmChannel.user_id == user_id))

    def remember_dm(self, team_id: str, user_id: str, channel_id: str, at: datetime) -> None:
        self.session.execute(insert_for(self.session)(DmChannel).values(
            team_id=team_id, user_id=user_id, channel_id=channel_id, opened_at=at
        ).on_conflict_do_nothing(index_elements=["team_id", "user_id"]))
