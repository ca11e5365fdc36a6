"""The default table of regions, extendable and overridable from configuration.

A region is a code (`JP`, `US-CA`, `SA`), a country and optional subdivision for the `holidays`
package, an IANA time zone, a working week and closure dates. Calendars are built once per region
by a `RegionDirectory` and shared by every clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from rules.calendars import DEFAULT_WORKWEEK, CalendarError, RegionCalendar, RegionSpec

__all__ = ["DEFAULT_REGIONS", "RegionDirectory", "region_from_config"]

_SUN_THU = frozenset({6, 0, 1, 2, 3})


def _r(code: str, country: str, tz: str, subdiv: str | None = None,
       workweek: frozenset[int] = DEFAULT_WORKWEEK) -> RegionSpec:
    return RegionSpec(code=code, country=country, timezone=tz, subdiv=subdiv, workweek=workweek)


DEFAULT_REGIONS: dict[str, RegionSpec] = {
    spec.code: spec
    for spec in (
        _r("JP", "JP", "Asia/Tokyo"),
        _r("US", "US", "America/New_York"),
        _r("US-NY", "US", "America/New_York", "NY"),
        _r("US-MA", "US", "America/New_York", "MA"),
        _r("US-IL", "US", "America/Chicago", "IL"),
        _r("US-TX", "US", "America/Chicago", "TX"),
        _r("US-CO", "US", "America/Denver", "CO"),
        _r("US-CA", "US", "America/Los_Angeles", "CA"),
        _r("US-WA", "US", "America/Los_Angeles", "WA"),
        _r("CA", "CA", "America/Toronto", "ON"),
        _r("CA-BC", "CA", "America/Vancouver", "BC"),
        _r("GB", "GB", "Europe/London", "ENG"),
        _r("IE", "IE", "Europe/Dublin"),
        _r("DE", "DE", "Europe/Berlin"),
        _r("FR", "FR", "Europe/Paris"),
        _r("NL", "NL", "Europe/Amsterdam"),
        _r("ES", "ES", "Europe/Madrid"),
        _r("IT", "IT", "Europe/Rome"),
        _r("AU", "AU", "Australia/Sydney", "NSW"),
        _r("NZ", "NZ", "Pacific/Auckland"),
        _r("SG", "SG", "Asia/Singapore"),
        _r("IN", "IN", "Asia/Kolkata"),
        _r("BR", "BR", "America/Sao_Paulo"),
        _r("MX", "MX", "America/Mexico_City"),
        _r("CO", "CO", "America/Bogota"),
        _r("AE", "AE", "Asia/Dubai"),
        _r("SA", "SA", "Asia/Riyadh", workweek=_SUN_THU),
        _r("IL", "IL", "Asia/Jerusalem", workweek=_SUN_THU),
    )
}


def region_from_config(code: str, data: Mapping[str, Any],
                       base: RegionSpec | None = None) -> RegionSpec:
    """A region from a configuration table, over `base` when it overrides a known region.

    Keys: `country`, `subdiv`, `timezone`, `workweek` (0 = Monday), `closures` (ISO dates, or
    tables with `date` and `name`). Raises `CalendarError` naming the field.
    """
    prefix = f"regions.{code}"
    known = {"country", "subdiv", "timezone", "workweek", "closures"}
    for key in data:
        if key not in known:
            raise CalendarError(f"{prefix}.{key}", f"unknown setting (expected: {', '.join(sorted(known))})")
    if base is None and ("country" not in data or "timezone" not in data):
        missing = "country" if "country" not in data else "timezone"
        raise CalendarError(f"{prefix}.{missing}", "is required for a new region")
    spec = base or RegionSpec(code=code, country=str(data["country"]), timezone=str(data["timezone"]))
    changes: dict[str, Any] = {}
    for key in ("country", "subdiv", "timezone"):
        if key in data:
            value = data[key]
            if value is not None and not isinstance(value, str):
                raise CalendarError(f"{prefix}.{key}", "expected a string")
            changes[key] = value
    if "workweek" in data:
        days = data["workweek"]
        if not isinstance(days, list) or not all(isinstance(d, int) and 0 <= d <= 6 for d in days):
            raise CalendarError(f"{prefix}.workweek", "expected a list of days 0 (Monday) to 6 (Sunday)")
        if not days:
            raise CalendarError(f"{prefix}.workweek", "a working week needs at least one day")
        changes["workweek"] = frozenset(days)
    if "closures" in data:
        changes["closures"] = _closures(f"{prefix}.closures", data["closures"])
    return replace(spec, code=code, **changes)


def _closures(path: str, values: object) -> dict[date, str]:
    if not isinstance(values, list):
        raise CalendarError(path, "expected a list of dates")
    found: dict[date, str] = {}
    for index, entry in enumerate(values):
        where = f"{path}[{index}]"
        name = str(entry.get("name", "")) if isinstance(entry, Mapping) else ""
        value = entry.get("date") if isinstance(entry, Mapping) else entry
        if isinstance(value, date):
            found[value] = name
            continue
        if not isinstance(value, str):
            raise CalendarError(where, "expected a date (YYYY-MM-DD)")
        try:
            found[date.fromisoformat(value)] = name
        except ValueError:
            raise CalendarError(where, f"{value!r} is not a date (YYYY-MM-DD)") from None
    return found


def _built(spec: RegionSpec) -> RegionCalendar:
    """The region's calendar; a refused setting is named with its region (`regions.XX.timezone`)."""
    try:
        return RegionCalendar(spec)
    except CalendarError as error:
        raise CalendarError(f"regions.{spec.code}.{error.field}", error.message) from None


class RegionDirectory:
    """Region specs by code, each calendar built once and shared.

    >>> RegionDirectory().calendar("JP").tz.key
    'Asia/Tokyo'
    """

    def __init__(self, overrides: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        specs = dict(DEFAULT_REGIONS)
        self._calendars: dict[str, RegionCalendar] = {}
        for code, data in (overrides or {}).items():
            specs[code] = region_from_config(code, data, specs.get(code))
            self._calendars[code] = _built(specs[code])
        self._specs = specs
        self._configured = dict(specs)  # before any closure added at run time

    def configured(self, code: str) -> RegionSpec:
        """Region `code` as configured, before any closure added at run time."""
        return self._configured.get(code) or self.spec(code)

    def with_closures(self, code: str, added: Mapping[date, str]) -> RegionCalendar:
        """The region's calendar rebuilt with the closures added at run time (`added`) over its
        configured ones (a configured closure keeps its own name); clocks are recomputed from
        their inputs by the caller."""
        base = self.configured(code)
        return self.replace_spec(replace(base, closures={**added, **base.closures}))

    def codes(self) -> list[str]:
        """Every region code, sorted."""
        return sorted(self._specs)

    def spec(self, code: str) -> RegionSpec:
        """The spec of region `code`."""
        try:
            return self._specs[code]
        except KeyError:
            raise CalendarError("region", f"unknown region {code!r} (known: "
                                          f"{', '.join(self.codes())})") from None

    def calendar(self, code: str) -> RegionCalendar:
        """The calendar of region `code`, built on first use."""
        if code not in self._calendars:
            self._calendars[code] = RegionCalendar(self.spec(code))
        return self._calendars[code]

    def replace_spec(self, spec: RegionSpec) -> RegionCalendar:
        """Change a region (e.g. new closures): its calendar is rebuilt; clocks are recomputed
        from their inputs by the caller."""
        calendar = _built(spec)
        self._specs[spec.code] = spec
        self._calendars[spec.code] = calendar
        return calendar
