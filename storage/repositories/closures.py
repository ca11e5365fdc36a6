"""Closure days added to region calendars at run time."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import CalendarClosure

__all__ = ["ClosureRepository", "SqlClosureRepository"]


class ClosureRepository(ABC):
    """Closure days by region."""

    @abstractmethod
    def find(self, region_code: str, day: date) -> CalendarClosure | None:
        """The closure of a region on a day, or None."""

    @abstractmethod
    def add(self, closure: CalendarClosure) -> CalendarClosure:
        """Store a closure (the caller checked the day is not closed already)."""

    @abstractmethod
    def remove(self, closure: CalendarClosure) -> None:
        """Take a closure off the calendar."""

    @abstractmethod
    def all(self) -> Sequence[CalendarClosure]:
        """Every stored closure, by region and day (what the calendars are built with)."""


class SqlClosureRepository(ClosureRepository):
    """Closures on SQLAlchemy."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, region_code: str, day: date) -> CalendarClosure | None:
        return self.session.scalar(select(CalendarClosure).where(
            CalendarClosure.region_code == region_code, CalendarClosure.day == day))

    def add(self, closure: CalendarClosure) -> CalendarClosure:
        self.session.add(closure)
        self.session.flush()
        return closure

    def remove(self, closure: CalendarClosure) -> None:
        self.session.delete(closure)
        self.session.flush()

    def all(self) -> Sequence[CalendarClosure]:
        return self.session.scalars(select(CalendarClosure).order_by(
            CalendarClosure.region_code, CalendarClosure.day)).all()
