"""Clock records: the kinds, states and bases of a clock, absences and extensions, and the
clock itself (a value: every operation returns a new one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum

from rules.answers import Reason
from rules.calendars import RegionCalendar

__all__ = ["COLLABORATION_WINDOW", "NEXT_DAY_DEADLINE", "ONBOARDING_BUSINESS_DAYS",
           "RESPONSE_GOAL", "Absence", "Basis", "Clock", "ClockKind", "ClockState", "Extension", "aware"]

RESPONSE_GOAL = timedelta(hours=48)
NEXT_DAY_DEADLINE = time(17, 0)
COLLABORATION_WINDOW = timedelta(hours=72)
ONBOARDING_BUSINESS_DAYS = 10


class ClockKind(StrEnum):
    """What a clock measures."""

    RESPONSE = "response"
    COLLABORATION = "collaboration"
    ONBOARDING = "onboarding"
    POI = "poi"


class ClockState(StrEnum):
    """Where a clock stands at an instant."""

    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"


class Basis(StrEnum):
    """Which rule set the due time."""

    BUSINESS_DAY = "business_day"
    NEXT_BUSINESS_DAY = "next_business_day"
    CALENDAR_HOURS = "calendar_hours"
    BUSINESS_DAYS = "business_days"
    CUSTOMER_DATE = "customer_date"
    CLOSE_DATE = "close_date"


def aware(name: str, value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must carry a UTC offset (a naive time is not an instant)")
    return value


@dataclass(frozen=True, slots=True)
class Absence:
    """Out of office, registered at `registered_at`, optionally with a delegate."""

    start: datetime
    end: datetime
    registered_at: datetime
    delegate: str | None = None
    delegate_name: str | None = field(default=None, compare=False)  # shown: not their id

    def __post_init__(self) -> None:
        aware("start", self.start)
        aware("end", self.end)
        aware("registered_at", self.registered_at)
        if self.end <= self.start:
            raise ValueError("an absence must end after it starts")

    @property
    def in_advance(self) -> bool:
        """Registered before it began: only then does it change a clock."""
        return self.registered_at <= self.start

    @property
    def pauses(self) -> bool:
        """Registered in advance without a delegate: time inside it does not count."""
        return self.in_advance and self.delegate is None

    def covers(self, moment: datetime) -> bool:
        """Whether `moment` falls inside the absence."""
        return self.start <= moment < self.end


@dataclass(frozen=True, slots=True)
class Extension:
    """A response-time extension granted by a GS or an admin, with the reason."""

    granted_by: str
    reason: str
    granted_at: datetime
    extra: timedelta | None = None
    new_due: datetime | None = None

    def __post_init__(self) -> None:
        aware("granted_at", self.granted_at)
        if (self.extra is None) == (self.new_due is None):
            raise ValueError("an extension gives either extra business time or a new due time")
        if self.extra is not None and self.extra <= timedelta(0):
            raise ValueError("extra time must be positive")
        if self.new_due is not None:
            aware("new_due", self.new_due)
        if not self.reason.strip():
            raise ValueError("an extension needs a reason")
        if not self.granted_by.strip():
            raise ValueError("an extension needs the name of who granted it")


@dataclass(frozen=True, slots=True)
class Clock:
    """A clock record. `business` clocks count business time; the others, calendar time."""

    kind: ClockKind
    started_at: datetime
    anchor: datetime
    due_at: datetime
    basis: Basis
    business: bool
    region: str | None = None
    pauses: tuple[Absence, ...] = ()
    delegated: tuple[Absence, ...] = ()
    late_absences: tuple[Absence, ...] = ()
    extensions: tuple[Extension, ...] = ()
    stopped_at: datetime | None = None
    reasons: tuple[Reason, ...] = ()
    goal: timedelta = RESPONSE_GOAL
    deadline: time = NEXT_DAY_DEADLINE
    calendar: RegionCalendar | None = field(default=None, compare=False, repr=False)
