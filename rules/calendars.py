"""Region calendars: time zone, working week, public holidays (the `holidays` package), closures.

A business day is a working-week day that is neither a public holiday nor a closure. Business time
is counted on a *timeline*: the business days of a span of years as merged intervals of absolute
time (local midnight to local midnight, so a daylight-saving day counts its real length), with the
business time before each interval. A calendar builds it once per span of years and answers
"how much business time lies before this instant" and "at which instant is this much reached" by
bisection, so a due time costs a few microseconds, not a walk over days.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import holidays

from rules.holiday_names import japanese_holiday_name
from rules.instants import from_us, to_us

__all__ = [
    "DEFAULT_WORKWEEK",
    "CalendarError",
    "RegionCalendar",
    "RegionSpec",
]

DEFAULT_WORKWEEK: frozenset[int] = frozenset({0, 1, 2, 3, 4})
_US = timedelta(microseconds=1)
_HOLIDAY_LANGS = {"en": ("en_US", "en_GB", "en"), "ja": ("ja",)}


class CalendarError(ValueError):
    """A calendar that cannot be built; `field` names the offending setting."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class RegionSpec:
    """What defines a region's calendar. Validated when the calendar is built."""

    code: str
    country: str
    timezone: str
    subdiv: str | None = None
    workweek: frozenset[int] = DEFAULT_WORKWEEK
    closures: Mapping[date, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Timeline:
    """Merged business intervals [starts[i], ends[i]) in µs, and business µs before each."""

    first_year: int
    last_year: int
    starts: list[int]
    ends: list[int]
    before: list[int]

    @property
    def low(self) -> int:
        return self.starts[0] if self.starts else 0

    @property
    def high(self) -> int:
        return self.ends[-1] if self.ends else 0


class RegionCalendar:
    """One region's business calendar. Build once and share: it caches per year.

    >>> jp = RegionCalendar(RegionSpec("JP", "JP", "Asia/Tokyo"))
    >>> jp.is_business_day(date(2025, 11, 24))   # substitute holiday
    False
    """

    def __init__(self, spec: RegionSpec) -> None:
        self.spec = spec
        self.code = spec.code
        self.tz = _zone(spec.timezone)
        if not spec.workweek:
            raise CalendarError("workweek", "a working week needs at least one day")
        if any(not isinstance(d, int) or not 0 <= d <= 6 for d in spec.workweek):
            raise CalendarError("workweek", "days are numbers 0 (Monday) to 6 (Sunday)")
        self.workweek = frozenset(spec.workweek)
        self._holidays = _country_holidays(spec.country, spec.subdiv)
        self._names: dict[str, holidays.HolidayBase] = {}
        self.closures = dict(spec.closures)
        self._timeline: _Timeline | None = None  # built on first use, widened when needed
        self._business: dict[date, bool] = {}

    def __repr__(self) -> str:
        return f"RegionCalendar({self.code!r}, {self.spec.timezone})"

    # -- days ---------------------------------------------------------------------------

    def is_holiday(self, day: date) -> bool:
        """Whether `day` is a public holiday of the region."""
        return day in self._holidays

    def is_business_day(self, day: date) -> bool:
        """A working-week day that is neither a public holiday nor a closure (cached per day)."""
        known = self._business.get(day)
        if known is None:
            known = day.weekday() in self.workweek and day not in self._holidays \
                and day not in self.closures
            self._business[day] = known
        return known

    def day_off_reason(self, day: date, lang: str = "en") -> tuple[str, str | None]:
        """Why `day` is not a business day: ("holiday", name), ("closure", name) or ("weekend", None).

        Business days answer ("business_day", None).
        """
        if day in self._holidays:
            return "holiday", self.holiday_name(day, lang)
        if day in self.closures:
            return "closure", self.closures[day] or None
        if day.weekday() not in self.workweek:
            return "weekend", None
        return "business_day", None

    def holiday_name(self, day: date, lang: str = "en") -> str | None:
        """The holiday's name in `lang` where the `holidays` package has it (else its default).

        A Japanese substitute holiday is named after the Sunday holiday it replaces
        ("勤労感謝の日 振替休日"), which is what people call it. Where the package has no Japanese
        for the country, a Japanese reader gets the name from `rules.holiday_names` (the English
        name only when the table does not know it).
        """
        if lang == "ja" and not self._speaks("ja"):
            english = self.holiday_name(day, "en")
            return (japanese_holiday_name(english) or english) if english is not None else None
        names = self._localised(lang)
        name = names.get(day)
        if name is None:
            return None
        if self.spec.country == "JP" and day.weekday() != 6:
            replaced = day - timedelta(days=1)
            while replaced in names and replaced.weekday() != 6:
                replaced -= timedelta(days=1)
            if replaced in names and replaced.weekday() == 6 and replaced != day \
                    and self._is_substitute(day):
                return f"{names.get(replaced)} {name}"
        return str(name)

    def _is_substitute(self, day: date) -> bool:
        default = self._holidays.get(day) or ""
        return "振替休日" in default or "Substitute" in default

    def _speaks(self, lang: str) -> bool:
        supported = getattr(self._holidays, "supported_languages", ()) or ()
        return any(c in supported for c in _HOLIDAY_LANGS.get(lang, ()))

    def _localised(self, lang: str) -> holidays.HolidayBase:
        if lang not in self._names:
            supported = getattr(self._holidays, "supported_languages", ()) or ()
            choice = next((c for c in _HOLIDAY_LANGS.get(lang, ()) if c in supported), None)
            self._names[lang] = _country_holidays(self.spec.country, self.spec.subdiv, choice)
        return self._names[lang]

    def next_business_day(self, day: date) -> date:
        """The first business day strictly after `day`."""
        probe = day + timedelta(days=1)
        for _ in range(3660):
            if self.is_business_day(probe):
                return probe
            probe += timedelta(days=1)
        raise CalendarError("closures", "no business day within ten years")

    def business_day_after(self, day: date, count: int) -> date:
        """The `count`-th business day after `day` (`day` itself does not count)."""
        if count < 1:
            raise ValueError("count starts at 1")
        for _ in range(count):
            day = self.next_business_day(day)
        return day

    def local_midnight(self, day: date) -> datetime:
        """The instant `day` begins in the region."""
        return datetime.combine(day, time(0), self.tz)

    def local_time(self, day: date, at: time) -> datetime:
        """`day` at local wall-clock `at`, as an aware datetime."""
        return datetime.combine(day, at, self.tz)

    def local_date(self, moment: datetime) -> date:
        """The region's calendar date at `moment`."""
        return moment.astimezone(self.tz).date()

    # -- business time ------------------------------------------------------------------

    def _build(self, first_year: int, last_year: int) -> _Timeline:
        starts: list[int] = []
        ends: list[int] = []
        day = date(first_year, 1, 1)
        stop = date(last_year + 1, 1, 1)
        one = timedelta(days=1)
        begin = to_us(self.local_midnight(day))
        while day < stop:
            following = day + one
            end = to_us(self.local_midnight(following))
            if self.is_business_day(day):
                if ends and ends[-1] == begin:
                    ends[-1] = end
                else:
                    starts.append(begin)
                    ends.append(end)
            day, begin = following, end
        before: list[int] = []
        total = 0
        for s, e in zip(starts, ends, strict=True):
            before.append(total)
            total += e - s
        return _Timeline(first_year, last_year, starts, ends, before)

    def _covering(self, *moments_us: int) -> _Timeline:
        line = self._timeline
        need_low = min(moments_us)
        need_high = max(moments_us)
        if line is not None and line.low <= need_low and need_high < line.high:
            return line
        years = [from_us(m, self.tz).year for m in moments_us]
        first = min(years) - 1
        last = max(years) + 1
        if line is not None:
            first = min(first, line.first_year)
            last = max(last, line.last_year)
        if last - first > 400:
            raise CalendarError("timeline", "business time spans more than 400 years")
        line = self._build(first, last)
        self._timeline = line
        return line

    def _extend(self, line: _Timeline, anchor: int) -> _Timeline:
        return self._covering(anchor, line.high + _YEAR_US)

    def business_time(self, start: datetime, end: datetime) -> timedelta:
        """Business time between two instants (zero when `end` is not after `start`)."""
        a, b = to_us(start), to_us(end)
        if b <= a:
            return timedelta(0)
        line = self._covering(a, b)
        return timedelta(microseconds=_position(line, b) - _position(line, a))

    def add_business_time(self, start: datetime, amount: timedelta) -> datetime:
        """The earliest instant by which `amount` of business time has passed since `start`."""
        a = to_us(start)
        step = amount // _US
        if step <= 0:
            return start
        line = self._timeline
        if line is None or not line.low <= a < line.high:
            line = self._covering(a)
        target = _position(line, a) + step
        while _total(line) < target:
            line = self._extend(line, a)
            target = _position(line, a) + step
        return from_us(_instant(line, target), self.tz)

    def due_by(self, start: datetime, amount: timedelta, otherwise_at: time
               ) -> tuple[bool, datetime, datetime]:
        """The SLA rule in one step: from an instant on a business day, `amount` of business time;
        from any other day, wall-clock `otherwise_at` on the next business day.

        Returns (started on a business day, the instant counting starts, the due instant). One
        conversion in, two bisections, one conversion out: the hot path of every sweep.
        """
        a = to_us(start)
        line = self._timeline
        if line is None or not line.low <= a < line.high:
            line = self._covering(a)
        starts = line.starts
        i = bisect.bisect_right(starts, a) - 1
        if i >= 0 and a < line.ends[i]:
            target = line.before[i] + a - starts[i] + amount // _US
            if target > _total(line):
                return True, start, self.add_business_time(start, amount)
            j = bisect.bisect_left(line.before, target, i) - 1
            return True, start, from_us(starts[j] + target - line.before[j], self.tz)
        anchor = self.next_business_start(start)
        assert anchor is not None
        return False, anchor, datetime.combine(anchor.date(), otherwise_at, self.tz)

    def next_business_start(self, moment: datetime) -> datetime | None:
        """None when `moment` falls on a business day; else the instant the next one begins."""
        a = to_us(moment)
        line = self._timeline
        if line is None or not line.low <= a < line.high:
            line = self._covering(a)
        i = bisect.bisect_right(line.starts, a) - 1
        if i >= 0 and a < line.ends[i]:
            return None
        if i + 1 >= len(line.starts):
            following = self.next_business_day(self.local_date(moment))
            return self.local_midnight(following)
        return from_us(line.starts[i + 1], self.tz)


_YEAR_US = 366 * 86_400_000_000


def _total(line: _Timeline) -> int:
    return line.before[-1] + line.ends[-1] - line.starts[-1] if line.starts else 0


def _position(line: _Timeline, at: int) -> int:
    """Business µs from the timeline's origin to `at`."""
    i = bisect.bisect_right(line.starts, at) - 1
    if i < 0:
        return 0
    return line.before[i] + min(at, line.ends[i]) - line.starts[i]


def _instant(line: _Timeline, position: int) -> int:
    """The earliest instant (µs) at which business time `position` is reached."""
    i = bisect.bisect_left(line.before, position) - 1
    if i < 0:
        return line.starts[0]
    return line.starts[i] + position - line.before[i]


def _zone(name: str) -> ZoneInfo:
    if not isinstance(name, str) or name not in _zone_names():
        raise CalendarError("timezone", f"unknown IANA time zone {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CalendarError("timezone", f"unknown IANA time zone {name!r}") from None


_ZONES: set[str] = set()


def _zone_names() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


def _country_holidays(country: str, subdiv: str | None, language: str | None = None
                      ) -> holidays.HolidayBase:
    supported = holidays.list_supported_countries()
    if country not in supported:
        raise CalendarError("country", f"unknown country {country!r} (an ISO 3166 code the "
                                       "holidays package supports, e.g. JP, US, GB)")
    if subdiv is not None and subdiv not in supported[country]:
        aliases = getattr(holidays.country_holidays(country), "subdivisions_aliases", {}) or {}
        if subdiv not in aliases:
            raise CalendarError("subdiv", f"unknown subdivision {subdiv!r} of {country}")
    return holidays.country_holidays(country, subdiv=subdiv, language=language)


def merge_closures(*sources: Iterable[tuple[date, str]]) -> dict[date, str]:
    """Closure dates from several sources, the first name given for a date kept."""
    merged: dict[date, str] = {}
    for source in sources:
        for day, name in source:
            merged.setdefault(day, name)
    return merged
