"""Properties of the response clock over random regions of the default table and random instants
(2024-2027), from ROE-SPEC "Clocks":

- received on a business day: due when exactly 48 hours of business time have passed;
- received on any other day: due at 17:00 local on the next business day;
- a due time is never before the receipt;
- an absence never makes a clock due earlier (with a delegate or registered late it changes
  nothing at all; a message received during an absence that ends on a day off keeps at least the
  due time it would have had without the absence);
- remaining time never increases as time passes and is zero at the due time;
- `response_due` is `response_clock(...).due_at`.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from rules.calendars import RegionCalendar
from rules.clocks import Absence, remaining, response_clock, response_due
from rules.regions import DEFAULT_REGIONS, RegionDirectory

H = timedelta(hours=1)
GOAL = 48 * H
DIRECTORY = RegionDirectory()
CODES = sorted(DEFAULT_REGIONS)
SETTINGS = settings(max_examples=150, deadline=None)

regions = st.sampled_from(CODES).map(DIRECTORY.calendar)
utc_instants = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31, 23, 59))


@st.composite
def receipts(draw: st.DrawFn) -> tuple[RegionCalendar, datetime]:
    """A region and an aware instant shown in the region's zone."""
    cal = draw(regions)
    moment = draw(utc_instants).replace(tzinfo=UTC).astimezone(cal.tz)
    return cal, moment


@st.composite
def absences(draw: st.DrawFn, around: datetime) -> Absence:
    """An absence near `around`: in advance or late, with or without a delegate."""
    start = around + timedelta(minutes=draw(st.integers(-96 * 60, 96 * 60)))
    end = start + timedelta(minutes=draw(st.integers(1, 120 * 60)))
    if draw(st.booleans()):
        registered = start - timedelta(minutes=draw(st.integers(0, 14 * 24 * 60)))
    else:
        registered = start + timedelta(minutes=draw(st.integers(1, 48 * 60)))
    delegate = draw(st.sampled_from([None, "Aiko Sato"]))
    return Absence(start=start, end=end, registered_at=registered, delegate=delegate)


def business_day(cal: RegionCalendar, moment: datetime) -> bool:
    return cal.is_business_day(cal.local_date(moment))


@SETTINGS
@given(receipts())
def test_business_day_receipt_is_due_after_exactly_48_business_hours(case: tuple[RegionCalendar, datetime]
                                                                     ) -> None:
    cal, received = case
    due = response_due(received, cal)
    if business_day(cal, received):
        assert cal.business_time(received, due) == GOAL
        # ...and not a moment later: the instant before the due time had less.
        assert cal.business_time(received, due - timedelta(microseconds=1)) < GOAL


@SETTINGS
@given(receipts())
def test_due_time_is_never_before_the_receipt(case: tuple[RegionCalendar, datetime]) -> None:
    cal, received = case
    assert response_due(received, cal) > received


@SETTINGS
@given(receipts())
def test_receipt_on_a_day_off_is_due_at_17_on_the_next_business_day(case: tuple[RegionCalendar, datetime]
                                                                    ) -> None:
    cal, received = case
    if business_day(cal, received):
        return
    due = response_due(received, cal).astimezone(cal.tz)
    assert due.timetz().replace(tzinfo=None) == time(17)
    assert cal.is_business_day(due.date())
    assert due.date() == cal.next_business_day(cal.local_date(received))


@SETTINGS
@given(st.data())
def test_an_absence_never_makes_a_clock_due_earlier(data: st.DataObject) -> None:
    cal, received = data.draw(receipts())
    absence = data.draw(absences(received))
    plain = response_due(received, cal)
    due = response_due(received, cal, absences=[absence])
    if not absence.pauses:
        assert due == plain                                  # a delegate or a late registration
        return
    assert due >= plain


@SETTINGS
@given(st.data())
def test_remaining_never_increases_and_is_zero_at_the_due_time(data: st.DataObject) -> None:
    cal, received = data.draw(receipts())
    pauses = data.draw(st.lists(absences(received), max_size=1))
    clock = response_clock(received, cal, absences=pauses)
    span = int((clock.due_at - received).total_seconds() // 60) + 2 * 24 * 60
    offsets = sorted(data.draw(st.lists(st.integers(-24 * 60, span), min_size=2, max_size=5)))
    moments = [received + timedelta(minutes=m) for m in offsets]
    left = [remaining(clock, cal, m) for m in moments]
    assert all(a >= b for a, b in pairwise(left))
    assert all(v >= timedelta(0) for v in left)
    assert remaining(clock, cal, clock.due_at) == timedelta(0)
    assert remaining(clock, cal, clock.due_at + H) == timedelta(0)


@SETTINGS
@given(st.data())
def test_response_due_equals_the_clock_due_time(data: st.DataObject) -> None:
    cal, received = data.draw(receipts())
    given_absences = data.draw(st.lists(absences(received), max_size=2))
    assert response_due(received, cal, absences=given_absences) == \
        response_clock(received, cal, absences=given_absences).due_at
