"""The console's saved time in memory: the same behaviour as `storage.repositories.console_time`."""

from __future__ import annotations

from datetime import datetime

from storage.memory.store import MemoryStore
from storage.models import ConsoleTime
from storage.repositories.console_time import ConsoleTimeRepository

__all__ = ["MemoryConsoleTimeRepository"]


class MemoryConsoleTimeRepository(ConsoleTimeRepository):
    """The console's time in memory."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def saved(self) -> datetime | None:
        row = self.store.get(ConsoleTime, 1)
        return row.now if row is not None else None

    def save(self, now: datetime, *, at: datetime) -> None:
        row = self.store.get(ConsoleTime, 1)
        if row is None:
            self.store.insert(ConsoleTime(id=1, now=now, saved_at=at))
        else:
            row.now, row.saved_at = now, at

    def forget(self) -> None:
        row = self.store.get(ConsoleTime, 1)
        if row is not None:
            self.store.delete(row)
