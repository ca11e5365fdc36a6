"""Company closures from an iCalendar file (ROE-SPEC "Clocks": optional extra closure dates).

An all-day event closes DTSTART up to, not including, DTEND; a timed event closes the local dates
it touches; a recurring event is refused rather than guessed. A bad file is an error naming it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from rules.calendars import CalendarError, RegionCalendar
from rules.clocks import response_clock
from rules.ics import closures_from_ics
from rules.regions import DEFAULT_REGIONS

TOKYO = ZoneInfo("Asia/Tokyo")


def ics(*events: str) -> str:
    """A calendar around the given VEVENT bodies, with CRLF line ends as RFC 5545 writes them."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Coseller//Closures//EN"]
    for number, body in enumerate(events, start=1):
        lines += ["BEGIN:VEVENT", f"UID:closure-{number}@coseller.test", "DTSTAMP:20250101T000000Z",
                  *body.strip().splitlines(), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


COMPANY = ics(
    """
DTSTART;VALUE=DATE:20251229
DTEND;VALUE=DATE:20251231
SUMMARY:Year-end closure
""",
    """
DTSTART;VALUE=DATE:20250501
SUMMARY:May Day (office closed)
""",
    """
DTSTART;TZID=Asia/Tokyo:20250815T090000
DTEND;TZID=Asia/Tokyo:20250815T180000
SUMMARY:Obon office closure
""",
    """
DTSTART;TZID=Asia/Tokyo:20250812T180000
DTEND;TZID=Asia/Tokyo:20250814T000000
SUMMARY:Summer shutdown
""",
    """
DTSTART:20250301T100000Z
SUMMARY:Network maintenance
""",
)


def test_all_day_and_timed_events_become_closures() -> None:
    assert closures_from_ics(COMPANY) == {
        date(2025, 12, 29): "Year-end closure",
        date(2025, 12, 30): "Year-end closure",          # DTEND 31 Dec is not included
        date(2025, 5, 1): "May Day (office closed)",     # all day without DTEND: one day
        date(2025, 8, 15): "Obon office closure",
        date(2025, 8, 12): "Summer shutdown",            # a timed event closes the dates it touches
        date(2025, 8, 13): "Summer shutdown",            # ending at midnight: 14 Aug is open
        date(2025, 3, 1): "Network maintenance",         # timed without DTEND: its start date
    }


def test_bytes_are_read_like_text() -> None:
    assert closures_from_ics(COMPANY.encode("utf-8")) == closures_from_ics(COMPANY)


def test_the_first_name_given_for_a_date_is_kept() -> None:
    data = ics("DTSTART;VALUE=DATE:20251229\nDTEND;VALUE=DATE:20251230\nSUMMARY:First",
               "DTSTART;VALUE=DATE:20251229\nDTEND;VALUE=DATE:20251231\nSUMMARY:Second")
    assert closures_from_ics(data) == {date(2025, 12, 29): "First", date(2025, 12, 30): "Second"}


def test_an_empty_calendar_closes_nothing() -> None:
    assert closures_from_ics(ics()) == {}


def test_closures_from_a_file_move_a_due_time() -> None:
    cal = RegionCalendar(replace(DEFAULT_REGIONS["JP"], closures=closures_from_ics(COMPANY)))
    assert cal.day_off_reason(date(2025, 12, 29)) == ("closure", "Year-end closure")
    received = datetime(2025, 12, 26, 12, tzinfo=TOKYO)
    # Fri 12 h; 29-30 closed; Wed 31 = 24 h (36); 1 Jan holiday; Fri 2 Jan 00-12 (48).
    assert response_clock(received, cal).due_at == datetime(2026, 1, 2, 12, tzinfo=TOKYO)


# -- bad files -------------------------------------------------------------------------------------

@pytest.mark.parametrize("data", ["this is not a calendar", "", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n",
                                  b"\xff\xfe\x00garbage"])
def test_a_malformed_file_is_an_error_naming_the_source(data: str | bytes) -> None:
    with pytest.raises(CalendarError) as error:
        closures_from_ics(data, source="closures.ics")
    assert error.value.field == "closures.ics"
    assert "not a valid iCalendar file" in str(error.value)


def test_missing_dtstart_is_refused() -> None:
    with pytest.raises(CalendarError) as error:
        closures_from_ics(ics("SUMMARY:No start"), source="closures.ics")
    assert error.value.field == "closures.ics: event 1.DTSTART"
    assert "required" in error.value.message


def test_the_event_number_is_named() -> None:
    with pytest.raises(CalendarError) as error:
        closures_from_ics(ics("DTSTART;VALUE=DATE:20251229\nSUMMARY:Fine", "SUMMARY:Broken"))
    assert error.value.field == "ics: event 2.DTSTART"


@pytest.mark.parametrize("body", [
    "DTSTART;VALUE=DATE:20251231\nDTEND;VALUE=DATE:20251229\nSUMMARY:Backwards",
    "DTSTART;VALUE=DATE:20251229\nDTEND;VALUE=DATE:20251229\nSUMMARY:Empty",
    "DTSTART;TZID=Asia/Tokyo:20250815T180000\nDTEND;TZID=Asia/Tokyo:20250815T090000\nSUMMARY:Backwards",
])
def test_dtend_before_dtstart_is_refused(body: str) -> None:
    with pytest.raises(CalendarError) as error:
        closures_from_ics(ics(body), source="closures.ics")
    assert error.value.field == "closures.ics: event 1.DTEND"


def test_recurring_events_are_refused() -> None:
    body = "DTSTART;VALUE=DATE:20250101\nRRULE:FREQ=YEARLY\nSUMMARY:New Year closure"
    with pytest.raises(CalendarError) as error:
        closures_from_ics(ics(body), source="closures.ics")
    assert error.value.field == "closures.ics: event 1.RRULE"
    assert "recurring" in error.value.message
