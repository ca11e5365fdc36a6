"""Slack event ids already processed (Slack retries events it thinks were missed)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

from sqlalchemy.orm import Session

from storage.models import ProcessedEvent
from storage.repositories.internals import insert_for

__all__ = ["EventRepository", "SqlEventRepository"]


class EventRepository(ABC):
    """Slack event ids already processed."""

    @abstractmethod
    def first_time(self, event_id: str, at: datetime) -> bool:
        """Record `event_id`; False if it was already recorded (a retried event)."""


class SqlEventRepository(EventRepository):
    """Processed events on SQLAlchemy."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def first_time(self, event_id: str, at: datetime) -> bool:
        statement = insert_for(self.session)(ProcessedEvent).values(
            event_id=event_id, received_at=at).on_conflict_do_nothing(index_elements=["event_id"])
        result = self.session.execute(statement, execution_options={"preserve_rowcount": True})
        return int(getattr(result, "rowcount", 0)) > 0
