"""Company closures from an iCalendar (.ics) file, read with the `icalendar` package.

Each VEVENT is a closure: an all-day event closes the dates from DTSTART up to (not including)
DTEND; a timed event closes the local dates it touches. Recurring events (RRULE) are refused
rather than guessed: export their instances.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from icalendar import Calendar

from rules.calendars import CalendarError

__all__ = ["closures_from_ics"]


def closures_from_ics(data: bytes | str, *, source: str = "ics") -> dict[date, str]:
    """Closure dates (with the event's SUMMARY as name) from iCalendar text."""
    try:
        calendar = Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as error:
        raise CalendarError(source, f"not a valid iCalendar file ({error})") from None
    closures: dict[date, str] = {}
    for number, event in enumerate(calendar.walk("VEVENT"), start=1):
        where = f"{source}: event {number}"
        if event.get("RRULE") is not None:
            raise CalendarError(f"{where}.RRULE", "recurring events are not supported; "
                                                  "export the individual dates")
        start_prop = event.get("DTSTART")
        if start_prop is None:
            raise CalendarError(f"{where}.DTSTART", "is required")
        start = start_prop.dt
        end_prop = event.get("DTEND")
        name = str(event.get("SUMMARY", "")).strip()
        first, last = _span(start, end_prop.dt if end_prop is not None else None, where)
        day = first
        while day <= last:
            closures.setdefault(day, name)
            day += timedelta(days=1)
    return closures


def _span(start: date | datetime, end: date | datetime | None, where: str) -> tuple[date, date]:
    if isinstance(start, datetime):
        finish = end if isinstance(end, datetime) else start
        if finish < start:
            raise CalendarError(f"{where}.DTEND", "ends before DTSTART")
        last = finish.date()
        if finish.time() == datetime.min.time() and finish.date() > start.date():
            last -= timedelta(days=1)
        return start.date(), last
    if end is None:
        return start, start
    if isinstance(end, datetime):
        end = end.date()
    if end <= start:
        raise CalendarError(f"{where}.DTEND", "must be after DTSTART")
    return start, end - timedelta(days=1)
