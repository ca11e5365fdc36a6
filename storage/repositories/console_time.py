"""The local console's saved time (`storage.models.ConsoleTime`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

from sqlalchemy.orm import Session

from storage.models import ConsoleTime

__all__ = ["ConsoleTimeRepository", "SqlConsoleTimeRepository"]

_ROW = 1


class ConsoleTimeRepository(ABC):
    """Where the console's clock stood, saved whenever it moves."""

    @abstractmethod
    def saved(self) -> datetime | None:
        """The console's saved now, or None on a database no console has run on."""

    @abstractmethod
    def save(self, now: datetime, *, at: datetime) -> None:
        """Keep `now` as the console's time (`at`: the real time it was saved)."""

    @abstractmethod
    def forget(self) -> None:
        """No saved time any more (a reset demo starts at today)."""


class SqlConsoleTimeRepository(ConsoleTimeRepository):
    """The console's time on SQLAlchemy."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def saved(self) -> datetime | None:
        row = self.session.get(ConsoleTime, _ROW)
        return row.now if row is not None else None

    def save(self, now: datetime, *, at: datetime) -> None:
        row = self.session.get(ConsoleTime, _ROW)
        if row is None:
            self.session.add(ConsoleTime(id=_ROW, now=now, saved_at=at))
        else:
            row.now, row.saved_at = now, at
        self.session.flush()

    def forget(self) -> None:
        row = self.session.get(ConsoleTime, _ROW)
        if row is not None:
            self.session.delete(row)
            self.session.flush()
