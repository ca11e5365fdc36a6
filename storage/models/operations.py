"""What keeps the bot honest: the audit log, processed Slack events and the outbox."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, enum_column

__all__ = ["AuditEntry", "DmChannel", "OutboxMessage", "OutboxState", "ProcessedEvent"]


class AuditEntry(Base):
    """Who changed what, when: written for every insert, update and delete of the ledger."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(8))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ProcessedEvent(Base):
    """A Slack event already handled (Slack retries events it thinks were missed)."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime]


class OutboxState(StrEnum):
    """An outgoing message's delivery state."""

    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"
    REFUSED = "refused"  # held back by the recipient door: someone it would reach may not see it
    HELD = "held"  # held back: its channel has a member of another partner organisation


class OutboxMessage(Base):
    """An outgoing Slack message. The idempotency key makes a second enqueue a no-op."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due_work", "next_attempt_at",
              sqlite_where=text("state = 'pending'"), postgresql_where=text("state = 'pending'")),
        Index("ix_outbox_channel_created", "channel", "id"),
        # the conversation heads: a pending row is claimable only with no earlier pending row
        # of its conversation (`channel`), which this index answers without a scan
        Index("ix_outbox_conversation_pending", "channel", "id",
              sqlite_where=text("state = 'pending'"), postgresql_where=text("state = 'pending'")),
        # a claim takes the first lane first (`storage.lanes`), then the longest due
        Index("ix_outbox_lane_due", "lane", "next_attempt_at", "id",
              sqlite_where=text("state = 'pending'"), postgresql_where=text("state = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    team_id: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[OutboxState] = mapped_column(enum_column(OutboxState, "outbox_state"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lane: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")
    next_attempt_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class DmChannel(Base):
    """A person's direct-message channel with the bot, opened once (`conversations.open`) and
    remembered, so that a message to them does not open it again."""

    __tablename__ = "dm_channels"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    opened_at: Mapped[datetime]
