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

from dataclasses import replace
from datetime import date, datetime, timedelta

from rules.answers import reason
from rules.calendars import RegionCalendar
from rules.clock_records import (
    COLLABORATION_WINDOW,
    ONBOARDING_BUSINESS_DAYS,
    RESPONSE_GOAL,
    Absence,
    Basis,
    Clock,
    ClockKind,
    ClockState,
    Extension,
    aware,
)
from rules.instants import elapsed, shift
from rules.response_clock import advance, hours, measure, merged, response_clock, response_due

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
    "hours_left",
    "onboarding_clock",
    "poi_clock",
    "remaining",
    "response_clock",
    "response_due",
    "state",
    "stop",
    "when_left",
]

def collaboration_clock(notified_at: datetime, *, window: timedelta = COLLABORATION_WINDOW) -> Clock:
    """72 hours of calendar time after the first notification of a HubSpot-owned deal."""
    aware("notified_at", notified_at)
    due = shift(notified_at, window)
    return Clock(kind=ClockKind.COLLABORATION, started_at=notified_at, anchor=notified_at,
                 due_at=due, basis=Basis.CALENDAR_HOURS, business=False,
                 reasons=(reason("clock.collaboration", hours=hours(window), due=due),))


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
    aware("opened_at", opened_at)
    due = calendar.local_midnight(expected_close + timedelta(days=1))
    return Clock(kind=ClockKind.POI, started_at=opened_at, anchor=opened_at, due_at=due,
                 basis=Basis.CLOSE_DATE, business=False, region=calendar.code,
                 reasons=(reason("clock.poi", day=expected_close),))


def stop(clock: Clock, at: datetime) -> Clock:
    """The clock stopped by a reply (or an accepted offer, a started onboarding) at `at`."""
    aware("at", at)
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
    spans = merged(clock.pauses)
    total = measure(calendar, spans, clock.anchor, clock.due_at)
    if total <= left:
        return None
    return advance(calendar, spans, clock.anchor, total - left)


def hours_left(left: timedelta) -> int:
    """Time left as people say it: the nearest whole hour (a reminder sent a minute after its
    step, 23h59m before the due time, says 24 hours, not 23). Every "N hours left" uses it."""
    return int((left + timedelta(minutes=30)).total_seconds() // 3600)


def remaining(clock: Clock, calendar: RegionCalendar | None, now: datetime) -> timedelta:
    """Time left before the clock is due at `now` (business time for response clocks)."""
    aware("now", now)
    end = clock.stopped_at if clock.stopped_at is not None and clock.stopped_at < now else now
    if end >= clock.due_at:
        return timedelta(0)
    if not clock.business:
        return elapsed(end, clock.due_at)
    if calendar is None:
        raise ValueError("a business-time clock needs its calendar")
    return measure(calendar, merged(clock.pauses), max(end, clock.anchor), clock.due_at)


def state(clock: Clock, now: datetime, calendar: RegionCalendar | None = None) -> ClockState:
    """Met, breached, paused or running at `now`.

    A business-time clock is paused inside a pausing absence and outside business days (weekends,
    holidays, closures), where its time does not count.
    """
    aware("now", now)
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
