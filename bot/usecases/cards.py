"""Keeping a deal's card up to date: a refresh is an outbox message rendered at send time."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from bot.outbox import enqueue
from storage.models import OutboxMessage, OutboxState
from storage.unit_of_work import UnitOfWork

__all__ = ["refresh_card"]


def refresh_card(uow: UnitOfWork, deal_id: int) -> bool:
    """Queue a refresh of the deal's card, unless one is already waiting unclaimed (it will show
    the latest state anyway, because the card is rendered when it is sent). A refresh being sent
    right now may have rendered before this change, so it does not count."""
    prefix = f"deal:{deal_id}:card:"
    waiting = uow.session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.idempotency_key.startswith(prefix),
        OutboxMessage.state == OutboxState.PENDING,
        OutboxMessage.claimed_by.is_(None)).limit(1))
    if waiting is not None:
        return False
    return enqueue(uow, key=f"{prefix}{uuid.uuid4().hex}", payload={"render": "deal_card",
                                                                   "deal_id": deal_id})
