"""In-memory closure days: the same behaviour as `storage.repositories.closures`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from storage.memory.store import MemoryStore
from storage.models import CalendarClosure
from storage.repositories.closures import ClosureRepository

__all__ = ["MemoryClosureRepository"]


class MemoryClosureRepository(ClosureRepository):
    """Closures in memory."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def find(self, region_code: str, day: date) -> CalendarClosure | None:
        return next((c for c in self.store.rows(CalendarClosure)
                     if c.region_code == region_code and c.day == day), None)

    def add(self, closure: CalendarClosure) -> CalendarClosure:
        return self.store.insert(closure)

    def remove(self, closure: CalendarClosure) -> None:
        self.store.delete(closure)

    def all(self) -> Sequence[CalendarClosure]:
        return sorted(self.store.rows(CalendarClosure), key=lambda c: (c.region_code, c.day))
