"""Dates and times as people type them, in the reader's time zone: one reading for every field
that takes a moment (`/deal extend`, `/deal poi`, the console's `/advance` and modal fields).

    moment("2026-12-03 09:00", tz=tokyo, now=now)      # Moment(at=2026-12-03 09:00 JST, has_time)
    moment("12/3 9am" | "12月3日 9時" | "tomorrow 5pm" | "monday 9am" | "1796000000", ...)
    moment("nonsense", ...)                            # None: the caller names the field

`dateparser` reads English and Japanese (month before day, as both write `12/3`). A few Japanese
forms it misses are first put in a shape it knows (`9時30分` as `9:30`, `月曜` as `月曜日`). A
moment without a date is the next such time (`9am` after nine is tomorrow's); a date without a
year the next one (`prefer="past"`: the last one, for things that already happened). Ten-digit
Unix seconds are read as such.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, Literal

from dateparser.date import DateDataParser

from bot.syntax.tokens import normalise

__all__ = ["Moment", "moment", "no_such_day"]

_UNIX = re.compile(r"^\d{9,11}$")
_JA_FIXES = ((re.compile(r"(\d{1,2})時(\d{1,2})分"), r"\1:\2"),
             (re.compile(r"(\d{1,2})時(?!間)"), r"\1:00"),
             (re.compile(r"日(?=\d)"), "日 "),
             (re.compile(r"曜(?!日)"), "曜日"))
_LANGUAGES = ["en", "ja"]
_DAYS = (re.compile(r"(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})"),
         re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日"),
         re.compile(r"(?<![\d/])(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/(?P<y>\d{4}))?(?![\d/])"),
         re.compile(r"(?<!年)(?<!\d)(?P<m>\d{1,2})月(?P<d>\d{1,2})日"))


@dataclass(frozen=True)
class Moment:
    """A moment someone typed: when (aware, in their zone), and whether they said a time."""

    at: datetime
    has_time: bool

    @property
    def day(self) -> date:
        """The calendar day, in the zone it was typed in."""
        return self.at.date()


def _parse(text: str, base: datetime, prefer: str) -> tuple[datetime, bool] | None:
    settings: dict[str, Any] = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": prefer,
                                "DATE_ORDER": "MDY", "RETURN_TIME_AS_PERIOD": True,
                                "STRICT_PARSING": False}
    found = DateDataParser(languages=_LANGUAGES, settings=settings).get_date_data(text)
    if found.date_obj is None:
        return None
    return found.date_obj.replace(tzinfo=None), found.period == "time"


def _wrong_side(at: datetime, base: datetime, has_time: bool, prefer: str) -> bool:
    """Whether a date read without a year lies on the side of now it should not (a day alone
    is compared as a day: today is not in the past)."""
    if not has_time:
        return at.date() < base.date() if prefer == "future" else at.date() > base.date()
    return at <= base if prefer == "future" else at > base


def moment(text: str, *, tz: tzinfo, now: datetime,
           prefer: Literal["future", "past"] = "future") -> Moment | None:
    """What `text` means as a moment in `tz` seen at `now`, or None when it is not one."""
    cleaned = normalise(text)
    if not cleaned:
        return None
    if _UNIX.match(cleaned):
        return Moment(datetime.fromtimestamp(int(cleaned), UTC).astimezone(tz), True)
    for pattern, replacement in _JA_FIXES:
        cleaned = pattern.sub(replacement, cleaned)
    base = now.astimezone(tz).replace(tzinfo=None)
    try:
        parsed = _parse(cleaned, base, "current_period")
        if parsed is None:
            return None
        at, has_time = parsed
        later = _parse(cleaned, base + timedelta(days=1), "current_period")
        relative = later is not None and later[0] - at == timedelta(days=1)
        if relative and has_time and at.date() == base.date():  # a time alone: the next one
            if prefer == "future" and at <= base:
                at += timedelta(days=1)
            elif prefer == "past" and at > base:
                at -= timedelta(days=1)
        elif not relative and _wrong_side(at, base, has_time, prefer):
            again = _parse(cleaned, base, prefer)
            if again is not None:
                at = again[0]
    except (ValueError, OverflowError):
        return None
    return Moment(at.replace(tzinfo=tz), has_time)


def no_such_day(text: str, year: int) -> tuple[str, int] | None:
    """A calendar day typed in `text` that does not exist (`2026-02-30`, `4/31`, `2月30日`):
    the day as typed and how many days its month has (`year` when none is typed), so that the
    reader is told which day is wrong rather than that nothing was understood; None if none."""
    cleaned = normalise(text)
    for pattern in _DAYS:
        for found in pattern.finditer(cleaned):
            month, day_ = int(found["m"]), int(found["d"])
            if not 1 <= month <= 12:
                continue
            days = calendar.monthrange(int(found.groupdict().get("y") or year), month)[1]
            if day_ > days:
                return found.group(0), days
    return None
