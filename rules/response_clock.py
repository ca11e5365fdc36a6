"""The response clock: 48 business hours after a message received on a business day, 17:00
local the next business day after one received on any other day; absences registered in advance
pause it (or name a delegate), and it is never due earlier because of one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from rules.answers import Localized, Reason, reason
from rules.calendars import RegionCalendar
from rules.clock_records import (
    NEXT_DAY_DEADLINE,
    RESPONSE_GOAL,
    Absence,
    Basis,
    Clock,
    ClockKind,
    Extension,
    aware,
)
from rules.instants import elapsed

__all__ = ["advance", "day_off", "hours", "measure", "merged", "overlaps", "reasons_at",
           "response_clock", "response_due", "stand_in"]

def merged(absences: Sequence[Absence]) -> list[tuple[datetime, datetime]]:
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


def advance(calendar: RegionCalendar, spans: Sequence[tuple[datetime, datetime]],
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


def measure(calendar: RegionCalendar, spans: Sequence[tuple[datetime, datetime]],
             start: datetime, end: datetime) -> timedelta:
    """Business time outside `spans` between two instants."""
    if end <= start:
        return timedelta(0)
    return calendar.business_time(start, end) - _paused(calendar, spans, start, end)


def _goal(received_at: datetime, calendar: RegionCalendar,
          spans: Sequence[tuple[datetime, datetime]], goal: timedelta, deadline: time
          ) -> tuple[datetime, Basis, datetime, timedelta]:
    """Effective receipt, basis, and the business time to count from the anchor."""
    aware("received_at", received_at)
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
    spans = merged([a for a in absences if a.pauses]) if absences else []
    if not spans:
        aware("received_at", received_at)
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
    due = advance(calendar, spans, anchor, amount)
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
    spans = merged(pausing)
    kept = False
    if spans:
        effective, basis, anchor, due, kept = _paused_due(received_at, calendar, spans, goal,
                                                          deadline)
    else:
        aware("received_at", received_at)
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
        reasons.append(reason("clock.business_day", hours=hours(goal)))
    else:
        kind, name = calendar.day_off_reason(day)
        reasons.append(day_off(kind, name, calendar, day))
    if not kept and any(overlaps(s, anchor, due) for s in spans):
        reasons.append(reason("clock.paused_absence"))
    for absence in absences:
        if absence.in_advance and absence.delegate is not None:
            if overlaps((absence.start, absence.end), received_at, due):
                reasons.append(stand_in(absence))
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
            due = advance(calendar, spans, due, ext.extra)
            reasons.append(reason("clock.extended_by", count=hours(ext.extra), by=ext.granted_by,
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


def stand_in(absence: Absence) -> Reason:
    """The note naming who stands in during `absence` (by name: the Slack id is never shown)."""
    name = absence.delegate_name or absence.delegate or ""
    return reason("clock.delegate", delegate=name, start=absence.start, end=absence.end)


def reasons_at(clock: Clock, now: datetime) -> tuple[Reason, ...]:
    """`clock`'s reasons as true at `now`: a stand-in is named only while the absence lasts;
    before it starts the note says from when, and after it ended it is gone."""
    kept: list[Reason] = []
    for item in clock.reasons:
        if item.key == "clock.delegate":
            start, end = item.params.get("start"), item.params.get("end")
            if isinstance(end, datetime) and now >= end:
                continue
            if isinstance(start, datetime) and now < start:
                kept.append(Reason("clock.delegate_from", item.params))
                continue
        kept.append(item)
    return tuple(kept)


def hours(amount: timedelta) -> int:
    return int(amount.total_seconds() // 3600)


def overlaps(span: tuple[datetime, datetime], start: datetime, end: datetime) -> bool:
    return span[0] < end and start < span[1]


def day_off(kind: str, name: str | None, calendar: RegionCalendar, day: date) -> Reason:
    if kind == "holiday":
        name_en = calendar.holiday_name(day, "en") or ""
        return reason("clock.received_holiday",
                      name=Localized(name_en, calendar.holiday_name(day, "ja") or name_en))
    if kind == "closure":
        return reason("clock.received_closure", name=name) if name else \
            reason("clock.received_closure_unnamed")
    return reason("clock.received_weekend")
