"""SLA clocks (`communication`, `overlay-model`, `onboarding`, `poi`): records with a goal, pauses,
a due time and a state, computed on a region calendar.

A clock is a value: starting, extending or stopping it returns a new clock, and recomputing it
after a calendar change is building it again from the same inputs. Time is always an argument.

- Response clock: a message received on a business day is due when 48 hours of business time have
  passed; one received on any other day is due at 17:00 local on the next business day.
- Absences registered before they begin pause the clock (time inside does not count, a message
  received during one counts as received at its end), or, with a delegate, pause nothing and the
  delegate is reminded instead. An absence registered after it began changes nothing by itself.
- Extensions, granted by a GS or an admin with a reason, add business time or set a new due time.
- Collaboration clock: 72 hours of calendar time after the first notification.
- Onboarding clock: the end of the 10th business day after the subscription start (the start does
  not count), or the end of the customer's stated date.
- POI clock: the end of the expected close date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from rules.answers import Localized, Reason, reason
from rules.calendars import RegionCalendar
from rules.instants import elapsed, shift

__all__ = [
    "COLLABORATION_WINDOW",
    "ONBOARDING_BUSINESS_DAYS",
    "RESPONSE_GOAL",
    "Absence",
    "Basis",
    "Clock",
    "ClockKind",
    "ClockState",
    "Extension",
    "collaboration_clock",
    "extend",
    "onboarding_clock",
    "poi_clock",
    "remaining",
    "response_clock",
    "response_due",
    "state",
    "stop",
    "when_left",
]

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


def _aware(name: str, value: datetime) -> datetime:
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

    def __post_init__(self) -> None:
        _aware("start", self.start)
        _aware("end", self.end)
        _aware("registered_at", self.registered_at)
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
        _aware("granted_at", self.granted_at)
        if (self.extra is None) == (self.new_due is None):
            raise ValueError("an extension gives either extra business time or a new due time")
        if self.extra is not None and self.extra <= timedelta(0):
            raise ValueError("extra time must be positive")
        if self.new_due is not None:
            _aware("new_due", self.new_due)
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


def _merged(absences: Sequence[Absence]) -> list[tuple[datetime, datetime]]:
    spans = sorted((a.start, a.end) for a in absences)
    merged: list[tuple[datetime, datetime]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _paused(calendar: RegionCalendar, spans: Sequence[tuple[datetime, datetime]],
            start: datetime, end: datetime) -> timedelta:
    total = timedelta(0)
    for a, b in spans:
        lo, hi = max(a, start), min(b, end)
        if hi > lo:
            total += calendar.business_time(lo, hi)
    return total


def _advance(calendar: RegionCalendar, spans: Sequence[tuple[datetime, datetime]],
             start: datetime, amount: timedelta) -> datetime:
    """The earliest instant by which `amount` of business time outside `spans` has passed.

    Walks the gaps between the (merged, sorted) spans: each gap's business time is used up in
    turn, so the answer is exact whatever the spans, in one pass.
    """
    cursor, left = start, amount
    for span_start, span_end in spans:
        if span_end <= cursor:
            continue
        if span_start > cursor:
            gap = calendar.business_time(cursor, span_start)
            if gap >= left:
                return calendar.add_business_time(cursor, left)
            left -= gap
        cursor = max(cursor, span_end)
    return calendar.add_business_time(cursor, left)


def _measure(calendar: RegionCalendar, spans: Sequence[tuple[datetime, datetime]],
             start: datetime, end: datetime) -> timedelta:
    """Business time outside `spans` between two instants."""
    if end <= start:
        return timedelta(0)
    return calendar.business_time(start, end) - _paused(calendar, spans, start, end)


def _goal(received_at: datetime, calendar: RegionCalendar,
          spans: Sequence[tuple[datetime, datetime]], goal: timedelta, deadline: time
          ) -> tuple[datetime, Basis, datetime, timedelta]:
    """Effective receipt, basis, and the business time to count from the anchor."""
    _aware("received_at", received_at)
    effective = received_at
    for start, end in spans:
        if start <= effective < end:
            effective = end
    anchor = calendar.next_business_start(effective)
    if anchor is None:
        return effective, Basis.BUSINESS_DAY, effective, goal
    amount = calendar.business_time(anchor, calendar.local_time(anchor.date(), deadline))
    return effective, Basis.NEXT_BUSINESS_DAY, anchor, amount


def response_due(received_at: datetime, calendar: RegionCalendar, *,
                 absences: Sequence[Absence] = (), goal: timedelta = RESPONSE_GOAL,
                 deadline: time = NEXT_DAY_DEADLINE) -> datetime:
    """Just the due time of `response_clock` (no extensions): the hot path of a sweep."""
    spans = _merged([a for a in absences if a.pauses]) if absences else []
    if not spans:
        _aware("received_at", received_at)
        return calendar.due_by(received_at, goal, deadline)[2]
    return _paused_due(received_at, calendar, spans, goal, deadline)[3]


def _paused_due(received_at: datetime, calendar: RegionCalendar,
                spans: Sequence[tuple[datetime, datetime]], goal: timedelta, deadline: time
                ) -> tuple[datetime, Basis, datetime, datetime, bool]:
    """Effective receipt, basis, anchor and due time with pausing absences, and whether the
    due time without them was kept instead.

    A message received during an absence counts from its end; when that end falls on a day off,
    the 17:00 rule could leave less time than no absence at all. An absence never makes a reply
    due earlier, so then the due time without it stands.
    """
    effective, basis, anchor, amount = _goal(received_at, calendar, spans, goal, deadline)
    due = _advance(calendar, spans, anchor, amount)
    business, plain_anchor, plain_due = calendar.due_by(received_at, goal, deadline)
    if elapsed(due, plain_due) > timedelta(0):
        basis = Basis.BUSINESS_DAY if business else Basis.NEXT_BUSINESS_DAY
        return received_at, basis, plain_anchor, plain_due, True
    return effective, basis, anchor, due, False


def response_clock(
    received_at: datetime,
    calendar: RegionCalendar,
    *,
    absences: Sequence[Absence] = (),
    extensions: Sequence[Extension] = (),
    goal: timedelta = RESPONSE_GOAL,
    deadline: time = NEXT_DAY_DEADLINE,
) -> Clock:
    """The response clock of a message received at `received_at` in `calendar`'s region."""
    pausing = [a for a in absences if a.pauses]
    spans = _merged(pausing)
    kept = False
    if spans:
        effective, basis, anchor, due, kept = _paused_due(received_at, calendar, spans, goal,
                                                          deadline)
    else:
        _aware("received_at", received_at)
        effective = received_at
        business, anchor, due = calendar.due_by(received_at, goal, deadline)
        basis = Basis.BUSINESS_DAY if business else Basis.NEXT_BUSINESS_DAY
    reasons: list[Reason] = []
    if kept:
        reasons.append(reason("clock.absence_no_shorter"))
    if effective != received_at:
        reasons.append(reason("clock.received_in_absence", end=effective))
    day = calendar.local_date(effective)
    if basis is Basis.BUSINESS_DAY:
        reasons.append(reason("clock.business_day", hours=_hours(goal)))
    else:
        kind, name = calendar.day_off_reason(day)
        reasons.append(_day_off(kind, name, calendar, day))
    if not kept and any(_overlaps(s, anchor, due) for s in spans):
        reasons.append(reason("clock.paused_absence"))
    for absence in absences:
        if absence.in_advance and absence.delegate is not None:
            reasons.append(reason("clock.delegate", delegate=absence.delegate))
        elif not absence.in_advance:
            reasons.append(reason("clock.absence_late"))
    ordered = sorted(extensions, key=lambda e: e.granted_at)
    for ext in ordered:
        if ext.new_due is not None:
            if ext.new_due < due:
                raise ValueError("an extension cannot bring the due time forward")
            due = ext.new_due
            reasons.append(reason("clock.extended_to", due=due, by=ext.granted_by,
                                  why=ext.reason))
        elif ext.extra is not None:
            due = _advance(calendar, spans, due, ext.extra)
            reasons.append(reason("clock.extended_by", count=_hours(ext.extra), by=ext.granted_by,
                                  why=ext.reason))
    reasons.append(reason("clock.due", due=due))
    return Clock(
        kind=ClockKind.RESPONSE, started_at=received_at, anchor=anchor, due_at=due, basis=basis,
        business=True, region=calendar.code, pauses=tuple(pausing),
        delegated=tuple(a for a in absences if a.in_advance and a.delegate is not None),
        late_absences=tuple(a for a in absences if not a.in_advance),
        extensions=tuple(ordered), reasons=tuple(reasons), goal=goal, deadline=deadline,
        calendar=calendar,
    )


def _hours(amount: timedelta) -> int:
    return int(amount.total_seconds() // 3600)


def _overlaps(span: tuple[datetime, datetime], start: datetime, end: datetime) -> bool:
    return span[0] < end and start < span[1]


def _day_off(kind: str, name: str | None, calendar: RegionCalendar, day: date) -> Reason:
    if kind == "holiday":
        name_en = calendar.holiday_name(day, "en") or ""
        return reason("clock.received_holiday",
                      name=Localized(name_en, calendar.holiday_name(day, "ja") or name_en))
    if kind == "closure":
        return reason("clock.received_closure", name=name) if name else \
            reason("clock.received_closure_unnamed")
    return reason("clock.received_weekend")


def collaboration_clock(notified_at: datetime, *, window: timedelta = COLLABORATION_WINDOW) -> Clock:
    """72 hours of calendar time after the first notification of a HubSpot-owned deal."""
    _aware("notified_at", notified_at)
    due = shift(notified_at, window)
    return Clock(kind=ClockKind.COLLABORATION, started_at=notified_at, anchor=notified_at,
                 due_at=due, basis=Basis.CALENDAR_HOURS, business=False,
                 reasons=(reason("clock.collaboration", hours=_hours(window), due=due),))


def onboarding_clock(subscription_start: date, calendar: RegionCalendar, *,
                     customer_date: date | None = None,
                     business_days: int = ONBOARDING_BUSINESS_DAYS) -> Clock:
    """Onboarding must start by the end of the 10th business day after the subscription start,
    or by the end of the customer's stated date when there is one."""
    start = calendar.local_midnight(subscription_start)
    if customer_date is not None:
        if customer_date < subscription_start:
            raise ValueError("the customer's date is before the subscription starts")
        last, basis = customer_date, Basis.CUSTOMER_DATE
        why = reason("clock.onboarding_customer", day=customer_date)
    else:
        last = calendar.business_day_after(subscription_start, business_days)
        basis = Basis.BUSINESS_DAYS
        why = reason("clock.onboarding_days", days=business_days, day=last)
    due = calendar.local_midnight(last + timedelta(days=1))
    return Clock(kind=ClockKind.ONBOARDING, started_at=start, anchor=start, due_at=due,
                 basis=basis, business=False, region=calendar.code, reasons=(why,))


def poi_clock(expected_close: date, calendar: RegionCalendar, *, opened_at: datetime) -> Clock:
    """The customer-signed POI is due by the end of the expected close date."""
    _aware("opened_at", opened_at)
    due = calendar.local_midnight(expected_close + timedelta(days=1))
    return Clock(kind=ClockKind.POI, started_at=opened_at, anchor=opened_at, due_at=due,
                 basis=Basis.CLOSE_DATE, business=False, region=calendar.code,
                 reasons=(reason("clock.poi", day=expected_close),))


def stop(clock: Clock, at: datetime) -> Clock:
    """The clock stopped by a reply (or an accepted offer, a started onboarding) at `at`."""
    _aware("at", at)
    if at < clock.started_at:
        raise ValueError("a clock cannot stop before it starts")
    return clock if clock.stopped_at is not None else replace(clock, stopped_at=at)


def extend(clock: Clock, extension: Extension, calendar: RegionCalendar) -> Clock:
    """The response clock with one more extension, its due time recomputed."""
    if clock.kind is not ClockKind.RESPONSE:
        raise ValueError("only response clocks are extended")
    extended = response_clock(clock.started_at, calendar,
                              absences=(*clock.pauses, *clock.delegated, *clock.late_absences),
                              extensions=(*clock.extensions, extension), goal=clock.goal,
                              deadline=clock.deadline)
    return replace(extended, stopped_at=clock.stopped_at)


def when_left(clock: Clock, calendar: RegionCalendar, left: timedelta) -> datetime | None:
    """The instant at which only `left` remains before the due time (business time for response
    clocks), or None when less than that was ever left."""
    if left <= timedelta(0):
        return clock.due_at
    if not clock.business:
        at = shift(clock.due_at, -left)
        return at if elapsed(clock.started_at, at) >= timedelta(0) else None
    spans = _merged(clock.pauses)
    total = _measure(calendar, spans, clock.anchor, clock.due_at)
    if total <= left:
        return None
    return _advance(calendar, spans, clock.anchor, total - left)


def remaining(clock: Clock, calendar: RegionCalendar | None, now: datetime) -> timedelta:
    """Time left before the clock is due at `now` (business time for response clocks)."""
    _aware("now", now)
    end = clock.stopped_at if clock.stopped_at is not None and clock.stopped_at < now else now
    if end >= clock.due_at:
        return timedelta(0)
    if not clock.business:
        return elapsed(end, clock.due_at)
    if calendar is None:
        raise ValueError("a business-time clock needs its calendar")
    return _measure(calendar, _merged(clock.pauses), max(end, clock.anchor), clock.due_at)


def state(clock: Clock, now: datetime, calendar: RegionCalendar | None = None) -> ClockState:
    """Met, breached, paused or running at `now`.

    A business-time clock is paused inside a pausing absence and outside business days (weekends,
    holidays, closures), where its time does not count.
    """
    _aware("now", now)
    calendar = calendar or clock.calendar
    if clock.stopped_at is not None and clock.stopped_at <= now:
        return ClockState.MET if clock.stopped_at <= clock.due_at else ClockState.BREACHED
    if now >= clock.due_at:
        return ClockState.BREACHED
    if any(a.covers(now) for a in clock.pauses):
        return ClockState.PAUSED
    if clock.business and calendar is not None and calendar.next_business_start(now) is not None:
        return ClockState.PAUSED
    return ClockState.RUNNING
