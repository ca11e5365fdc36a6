"""Region calendars (ROE-SPEC "Clocks"): business days per region, holiday names, business time.

A business day is a working-week day that is neither a public holiday nor a closure. Business
time counts whole business days from local midnight to local midnight in absolute time, so a
daylight-saving day counts its real 23 or 25 hours. Expected values are worked out by hand from
the spec and the public holiday lists, or by the day-by-day reference `reference_add` below.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from rules.calendars import DEFAULT_WORKWEEK, CalendarError, RegionCalendar, RegionSpec
from rules.regions import DEFAULT_REGIONS

TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
RIYADH = ZoneInfo("Asia/Riyadh")
JERUSALEM = ZoneInfo("Asia/Jerusalem")
H = timedelta(hours=1)
SEVEN_DAYS = frozenset(range(7))


def calendar(code: str) -> RegionCalendar:
    return RegionCalendar(DEFAULT_REGIONS[code])


JP = calendar("JP")
US = calendar("US")
SA = calendar("SA")
IL = calendar("IL")
US_CA = calendar("US-CA")
US_ALL_WEEK = RegionCalendar(RegionSpec("US7", "US", "America/New_York", workweek=SEVEN_DAYS))


def tokyo(*args: int) -> datetime:
    return datetime(*args, tzinfo=TOKYO)  # type: ignore[misc]


def reference_add(spec: RegionSpec, start: datetime, amount: timedelta) -> datetime:
    """A plain day-by-day walk: the instant `amount` of business time after `start`."""
    tz = ZoneInfo(spec.timezone)
    names = holidays.country_holidays(spec.country, subdiv=spec.subdiv)
    left = amount
    day = start.astimezone(tz).date()
    moment = start.astimezone(UTC)
    while True:
        day_end = datetime.combine(day + timedelta(days=1), time(0), tz).astimezone(UTC)
        business = day.weekday() in spec.workweek and day not in names and day not in spec.closures
        if business:
            available = day_end - moment
            if available >= left:
                return (moment + left).astimezone(tz)
            left -= available
        day += timedelta(days=1)
        moment = day_end


# -- business days ---------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "business"), [
    (date(2025, 11, 21), True),    # Friday
    (date(2025, 11, 22), False),   # Saturday
    (date(2025, 11, 23), False),   # Sunday, Labor Thanksgiving Day
    (date(2025, 11, 24), False),   # Monday, its substitute holiday
    (date(2025, 11, 25), True),
    (date(2025, 4, 29), False),    # Showa Day
    (date(2025, 5, 2), True),      # the Friday before Golden Week
    (date(2025, 5, 3), False),
    (date(2025, 5, 4), False),
    (date(2025, 5, 5), False),
    (date(2025, 5, 6), False),     # substitute holiday for Sunday 4 May
    (date(2025, 5, 7), True),
    (date(2025, 12, 31), True),    # not a public holiday
    (date(2026, 1, 1), False),
])
def test_japanese_business_days(day: date, business: bool) -> None:
    assert JP.is_business_day(day) is business


def test_substitute_holiday_is_a_holiday_not_a_weekend() -> None:
    assert JP.is_holiday(date(2025, 11, 24))
    assert JP.day_off_reason(date(2025, 11, 24))[0] == "holiday"
    assert JP.day_off_reason(date(2025, 11, 22)) == ("weekend", None)
    assert JP.day_off_reason(date(2025, 11, 25)) == ("business_day", None)


def test_us_federal_holidays_and_a_state_holiday() -> None:
    assert not US.is_business_day(date(2025, 7, 4))
    assert US.is_business_day(date(2025, 7, 3))
    assert US.is_business_day(date(2025, 3, 31))            # Cesar Chavez Day is Californian
    assert not US_CA.is_business_day(date(2025, 3, 31))
    assert US.is_business_day(date(2025, 11, 28))           # the Day After Thanksgiving
    assert not US_CA.is_business_day(date(2025, 11, 28))


@pytest.mark.parametrize("cal", [SA, IL], ids=["SA", "IL"])
def test_sunday_to_thursday_working_week(cal: RegionCalendar) -> None:
    week = [date(2025, 10, 19) + timedelta(days=n) for n in range(7)]   # Sun 19 .. Sat 25 Oct
    assert [cal.is_business_day(d) for d in week] == [True, True, True, True, True, False, False]


def test_default_working_week_is_monday_to_friday() -> None:
    assert frozenset({0, 1, 2, 3, 4}) == DEFAULT_WORKWEEK
    assert JP.workweek == DEFAULT_WORKWEEK


def test_closures_are_not_business_days_and_carry_their_name() -> None:
    spec = RegionSpec("JP", "JP", "Asia/Tokyo",
                      closures={date(2025, 12, 29): "Year-end closure", date(2025, 12, 30): ""})
    cal = RegionCalendar(spec)
    assert not cal.is_business_day(date(2025, 12, 29))
    assert not cal.is_business_day(date(2025, 12, 30))
    assert cal.is_business_day(date(2025, 12, 31))
    assert not cal.is_holiday(date(2025, 12, 29))
    assert cal.day_off_reason(date(2025, 12, 29)) == ("closure", "Year-end closure")
    assert cal.day_off_reason(date(2025, 12, 30)) == ("closure", None)
    assert JP.is_business_day(date(2025, 12, 29))     # the default JP calendar has no closures


def test_next_business_day_and_business_day_after() -> None:
    assert JP.next_business_day(date(2025, 11, 21)) == date(2025, 11, 25)
    assert JP.next_business_day(date(2025, 5, 2)) == date(2025, 5, 7)
    assert SA.next_business_day(date(2025, 10, 16)) == date(2025, 10, 19)
    assert JP.business_day_after(date(2025, 11, 20), 10) == date(2025, 12, 5)   # spec onboarding
    with pytest.raises(ValueError):
        JP.business_day_after(date(2025, 11, 20), 0)


# -- holiday names -----------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "name"), [
    (date(2025, 11, 23), "勤労感謝の日"),
    (date(2025, 11, 24), "勤労感謝の日 振替休日"),
    (date(2025, 5, 5), "こどもの日"),
    (date(2025, 5, 6), "みどりの日 振替休日"),       # Sunday 4 May was Greenery Day
    (date(2025, 2, 24), "天皇誕生日 振替休日"),
    (date(2026, 1, 12), "成人の日"),
])
def test_japanese_holiday_names(day: date, name: str) -> None:
    assert JP.holiday_name(day, "ja") == name


def test_english_holiday_names() -> None:
    assert JP.holiday_name(date(2025, 11, 23), "en") == "Labor Thanksgiving Day"
    substitute = JP.holiday_name(date(2025, 11, 24), "en")
    assert substitute is not None
    assert substitute.startswith("Labor Thanksgiving Day")
    assert "Substitute" in substitute
    assert US.holiday_name(date(2025, 7, 4), "en") == "Independence Day"
    assert US_CA.holiday_name(date(2025, 3, 31), "en") == "Cesar Chavez Day"


def test_no_name_on_a_day_that_is_not_a_holiday() -> None:
    assert JP.holiday_name(date(2025, 11, 25), "ja") is None
    assert JP.holiday_name(date(2025, 11, 22), "en") is None


def test_day_off_reason_names_the_holiday_in_the_language() -> None:
    assert JP.day_off_reason(date(2025, 11, 24), "ja") == ("holiday", "勤労感謝の日 振替休日")


# -- business time -----------------------------------------------------------------------------

def test_business_time_of_the_worked_example() -> None:
    assert JP.business_time(tokyo(2025, 11, 21, 16), tokyo(2025, 11, 26, 16)) == 48 * H


def test_business_time_skips_weekends_holidays_and_closures() -> None:
    assert JP.business_time(tokyo(2025, 11, 22), tokyo(2025, 11, 25)) == timedelta(0)
    assert JP.business_time(tokyo(2025, 5, 2, 18), tokyo(2025, 5, 7, 6)) == 12 * H
    closed = RegionCalendar(RegionSpec("JP", "JP", "Asia/Tokyo", closures={date(2025, 12, 1): ""}))
    assert closed.business_time(tokyo(2025, 12, 1), tokyo(2025, 12, 3)) == 24 * H


def test_business_time_is_zero_backwards_and_at_one_instant() -> None:
    assert JP.business_time(tokyo(2025, 11, 26), tokyo(2025, 11, 21)) == timedelta(0)
    assert JP.business_time(tokyo(2025, 11, 26, 9), tokyo(2025, 11, 26, 9)) == timedelta(0)


def test_business_time_is_absolute_whatever_the_offsets_written() -> None:
    start = datetime(2025, 11, 21, 7, tzinfo=UTC)           # 16:00 JST
    assert JP.business_time(start, tokyo(2025, 11, 26, 16)) == 48 * H


@pytest.mark.parametrize(("day", "length"), [
    (date(2025, 3, 9), 23 * H),       # US spring forward
    (date(2025, 11, 2), 25 * H),      # US fall back
    (date(2025, 3, 10), 24 * H),
])
def test_a_daylight_saving_day_counts_its_real_length(day: date, length: timedelta) -> None:
    start = datetime.combine(day, time(0), NEW_YORK)
    end = datetime.combine(day + timedelta(days=1), time(0), NEW_YORK)
    assert US_ALL_WEEK.business_time(start, end) == length


def test_israel_works_the_25_hour_sunday() -> None:
    start = datetime(2025, 10, 26, tzinfo=JERUSALEM)
    end = datetime(2025, 10, 27, tzinfo=JERUSALEM)
    assert IL.business_time(start, end) == 25 * H


def test_add_business_time_across_a_23_hour_day() -> None:
    start = datetime(2025, 3, 8, 12, tzinfo=NEW_YORK)        # Sat 12:00 EST
    due = US_ALL_WEEK.add_business_time(start, 48 * H)
    assert due == datetime(2025, 3, 10, 17, tzinfo=UTC)      # Mon 13:00 EDT
    assert due.utcoffset() == timedelta(hours=-4)
    assert due.hour == 13


def test_add_business_time_across_a_25_hour_day() -> None:
    start = datetime(2025, 11, 1, 12, tzinfo=NEW_YORK)       # Sat 12:00 EDT
    due = US_ALL_WEEK.add_business_time(start, 48 * H)
    assert due == datetime(2025, 11, 3, 16, tzinfo=UTC)      # Mon 11:00 EST
    assert due.hour == 11


def test_add_business_time_in_israel_across_the_october_change() -> None:
    start = datetime(2025, 10, 23, 12, tzinfo=JERUSALEM)     # Thu 12:00 IDT
    assert IL.add_business_time(start, 48 * H) == datetime(2025, 10, 27, 9, tzinfo=UTC)


def test_add_business_time_from_a_day_off_starts_at_the_next_business_day() -> None:
    assert JP.add_business_time(tokyo(2025, 11, 22, 12), 5 * H) == tokyo(2025, 11, 25, 5)


def test_add_business_time_lands_on_the_end_of_a_day_not_the_next_business_morning() -> None:
    # Fri 21 Nov 16:00 + 8 h: the earliest instant is Friday's end (Sat 00:00), not Tue 00:00.
    assert JP.add_business_time(tokyo(2025, 11, 21, 16), 8 * H) == tokyo(2025, 11, 22)


def test_add_nothing_from_a_day_off_is_not_before_the_start() -> None:
    start = tokyo(2025, 11, 22, 12)
    assert JP.add_business_time(start, timedelta(0)) >= start


@pytest.mark.parametrize(("code", "start", "days"), [
    ("JP", datetime(2025, 1, 6, 9, 30, tzinfo=TOKYO), 1000),
    ("US", datetime(2024, 12, 31, 23, tzinfo=NEW_YORK), 730),
    ("SA", datetime(2026, 6, 1, 8, tzinfo=RIYADH), 600),
])
def test_long_spans_extend_the_timeline_across_years(code: str, start: datetime, days: int) -> None:
    cal = calendar(code)                                    # a fresh calendar: nothing built yet
    amount = days * 24 * H
    due = cal.add_business_time(start, amount)
    assert due == reference_add(DEFAULT_REGIONS[code], start, amount)
    assert due.year >= start.year + 2
    assert cal.business_time(start, due) == amount


def test_timeline_widens_backwards_and_forwards() -> None:
    cal = calendar("JP")
    assert cal.business_time(tokyo(2025, 11, 21, 16), tokyo(2025, 11, 26, 16)) == 48 * H
    early = tokyo(1999, 4, 30, 12)                          # Fri before a Golden Week
    assert cal.add_business_time(early, 12 * H) == reference_add(DEFAULT_REGIONS["JP"], early, 12 * H)
    late = tokyo(2060, 3, 1, 12)
    assert cal.add_business_time(late, 72 * H) == reference_add(DEFAULT_REGIONS["JP"], late, 72 * H)
    # The first answers still hold once the timeline is wider.
    assert cal.business_time(tokyo(2025, 11, 21, 16), tokyo(2025, 11, 26, 16)) == 48 * H


def test_spans_of_more_than_four_hundred_years_are_refused() -> None:
    with pytest.raises(CalendarError) as error:
        calendar("JP").business_time(tokyo(1800, 1, 6), tokyo(2300, 1, 6))
    assert error.value.field == "timeline"


# -- next business start and due_by ----------------------------------------------------------------

def test_next_business_start() -> None:
    assert JP.next_business_start(tokyo(2025, 11, 21, 23, 59)) is None
    assert JP.next_business_start(tokyo(2025, 11, 22, 12)) == tokyo(2025, 11, 25)
    assert JP.next_business_start(tokyo(2025, 5, 3, 12)) == tokyo(2025, 5, 7)
    assert SA.next_business_start(datetime(2025, 10, 17, 9, tzinfo=RIYADH)) == \
        datetime(2025, 10, 19, tzinfo=RIYADH)
    # The instant a business day begins belongs to it.
    assert JP.next_business_start(tokyo(2025, 11, 25)) is None


def test_next_business_start_is_in_the_region_zone() -> None:
    start = JP.next_business_start(datetime(2025, 11, 22, 3, tzinfo=UTC))
    assert start == tokyo(2025, 11, 25)
    assert start is not None and start.utcoffset() == timedelta(hours=9)


def test_due_by_on_a_business_day() -> None:
    received = tokyo(2025, 11, 21, 16)
    business, anchor, due = JP.due_by(received, 48 * H, time(17))
    assert business is True
    assert anchor == received
    assert due == tokyo(2025, 11, 26, 16)


def test_due_by_on_a_day_off() -> None:
    business, anchor, due = JP.due_by(tokyo(2025, 11, 24, 10), 48 * H, time(17))
    assert business is False
    assert anchor == tokyo(2025, 11, 25)
    assert due == tokyo(2025, 11, 25, 17)


def test_due_by_matches_add_business_time_at_the_end_of_the_built_timeline() -> None:
    cal = calendar("US")
    cal.business_time(datetime(2025, 6, 2, tzinfo=NEW_YORK), datetime(2025, 6, 3, tzinfo=NEW_YORK))
    received = datetime(2026, 12, 30, 15, tzinfo=NEW_YORK)   # near the end of the first timeline
    assert cal.due_by(received, 48 * H, time(17))[2] == \
        reference_add(DEFAULT_REGIONS["US"], received, 48 * H)


def test_local_helpers() -> None:
    assert JP.local_midnight(date(2025, 11, 25)) == tokyo(2025, 11, 25)
    assert JP.local_time(date(2025, 11, 25), time(17)) == tokyo(2025, 11, 25, 17)
    assert JP.local_date(datetime(2025, 11, 24, 15, 30, tzinfo=UTC)) == date(2025, 11, 25)


# -- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("spec", "field"), [
    (RegionSpec("XX", "XX", "UTC"), "country"),
    (RegionSpec("US-ZZ", "US", "America/New_York", subdiv="ZZ"), "subdiv"),
    (RegionSpec("JP", "JP", "Mars/Base"), "timezone"),
    (RegionSpec("JP", "JP", "Asia/Tokyo", workweek=frozenset()), "workweek"),
    (RegionSpec("JP", "JP", "Asia/Tokyo", workweek=frozenset({0, 7})), "workweek"),
])
def test_a_bad_region_is_an_error_naming_the_field(spec: RegionSpec, field: str) -> None:
    with pytest.raises(CalendarError) as error:
        RegionCalendar(spec)
    assert error.value.field == field
    assert str(error.value).startswith(f"{field}: ")


def test_unknown_country_message_is_clear() -> None:
    with pytest.raises(CalendarError, match="unknown country 'XX'"):
        RegionCalendar(RegionSpec("XX", "XX", "UTC"))


def test_unknown_time_zone_message_is_clear() -> None:
    with pytest.raises(CalendarError, match="Mars/Base"):
        RegionCalendar(RegionSpec("JP", "JP", "Mars/Base"))


@pytest.mark.parametrize("call", ["business_time", "add_business_time", "next_business_start", "due_by"])
def test_naive_datetimes_are_refused(call: str) -> None:
    naive = datetime(2025, 11, 21, 16)
    with pytest.raises(ValueError, match="naive"):
        if call == "business_time":
            JP.business_time(naive, tokyo(2025, 11, 26))
        elif call == "add_business_time":
            JP.add_business_time(naive, H)
        elif call == "next_business_start":
            JP.next_business_start(naive)
        else:
            JP.due_by(naive, 48 * H, time(17))
