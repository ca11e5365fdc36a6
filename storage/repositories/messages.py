"""Messages of deal threads that start or stop clocks."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import DealMessage, Party

__all__ = ["MessageRepository", "SqlMessageRepository"]


class MessageRepository(ABC):
    """Deal thread messages, once per Slack `ts`."""

    @abstractmethod
    def record(self, message: DealMessage) -> bool:
        """Keep a thread message; False (nothing kept, the rest of the unit of work intact) when
        the deal already has one with this `ts` (Slack delivered it twice)."""

    @abstractmethod
    def for_deal(self, deal_id: int) -> Sequence[DealMessage]:
        """A deal's thread messages between the parties, in the order they were received (the
        evidence `/deal timeline` shows)."""

    @abstractmethod
    def first_from(self, deal_id: int, side: Party, *, since: datetime) -> DealMessage | None:
        """The first message of one side in a deal's thread received at or after `since`
        (whether a reply came before an extended due time)."""


class SqlMessageRepository(MessageRepository):
    """Deal messages on SQLAlchemy."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, message: DealMessage) -> bool:
        if self.session.scalar(select(DealMessage.id).where(
                DealMessage.deal_id == message.deal_id,
                DealMessage.slack_ts == message.slack_ts)) is not None:
            return False
        try:
            with self.session.begin_nested():  # a concurrent twin: only this insert is undone
                self.session.add(message)
        except IntegrityError:
            return False
        return True

    def for_deal(self, deal_id: int) -> Sequence[DealMessage]:
        return list(self.session.scalars(select(DealMessage).where(
            DealMessage.deal_id == deal_id).order_by(DealMessage.received_at, DealMessage.id)))

    def first_from(self, deal_id: int, side: Party, *, since: datetime) -> DealMessage | None:
        return self.session.scalar(select(DealMessage).where(
            DealMessage.deal_id == deal_id, DealMessage.side == side,
            DealMessage.received_at >= since)
            .order_by(DealMessage.received_at, DealMessage.id).limit(1))
