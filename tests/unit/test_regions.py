"""The region table (ROE-SPEC "Clocks": each region has a calendar) and its configuration.

The default table covers the regions HubSpot partners sell in; configuration extends it with new
regions and overrides known ones; changing a region's closures and building the clock again gives
the new due time and a new escalation plan.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules.calendars import DEFAULT_WORKWEEK, CalendarError, RegionCalendar
from rules.clocks import response_clock
from rules.escalation import plan
from rules.regions import DEFAULT_REGIONS, RegionDirectory, region_from_config

TOKYO = ZoneInfo("Asia/Tokyo")
REQUIRED = ["JP", "US", "CA", "GB", "IE", "DE", "FR", "NL", "ES", "IT", "AU", "NZ", "SG", "IN",
            "BR", "MX", "CO", "AE", "SA", "IL"]
SUN_THU = frozenset({6, 0, 1, 2, 3})


def tokyo(*args: int) -> datetime:
    return datetime(*args, tzinfo=TOKYO)  # type: ignore[misc]


# -- the default table -----------------------------------------------------------------------------

@pytest.mark.parametrize("code", REQUIRED)
def test_default_table_holds_the_region(code: str) -> None:
    assert code in DEFAULT_REGIONS
    assert DEFAULT_REGIONS[code].country == code


def test_default_table_holds_us_states() -> None:
    states = {code: spec for code, spec in DEFAULT_REGIONS.items() if code.startswith("US-")}
    assert {"US-CA", "US-NY"} <= set(states)
    assert len(states) >= 3
    for code, spec in states.items():
        assert spec.country == "US"
        assert spec.subdiv == code.removeprefix("US-")
    assert DEFAULT_REGIONS["US-CA"].timezone == "America/Los_Angeles"
    assert DEFAULT_REGIONS["US-NY"].timezone == "America/New_York"


@pytest.mark.parametrize("code", sorted(DEFAULT_REGIONS))
def test_every_default_region_builds_a_calendar(code: str) -> None:
    spec = DEFAULT_REGIONS[code]
    cal = RegionDirectory().calendar(code)
    assert cal.code == code
    assert cal.tz.key == spec.timezone
    assert cal.workweek == spec.workweek
    # Some business day in the first fortnight of March 2026.
    assert any(cal.is_business_day(date(2026, 3, d)) for d in range(1, 15))


def test_working_weeks_of_the_default_table() -> None:
    for code, spec in DEFAULT_REGIONS.items():
        expected = SUN_THU if code in {"SA", "IL"} else DEFAULT_WORKWEEK
        assert spec.workweek == expected, code


def test_directory_lists_codes_and_shares_calendars() -> None:
    directory = RegionDirectory()
    assert directory.codes() == sorted(DEFAULT_REGIONS)
    assert directory.calendar("JP") is directory.calendar("JP")
    assert directory.spec("US-CA").subdiv == "CA"


def test_unknown_region_code_is_an_error_naming_the_region() -> None:
    with pytest.raises(CalendarError) as error:
        RegionDirectory().calendar("ZZ")
    assert error.value.field == "region"
    assert "'ZZ'" in str(error.value)


# -- configuration ----------------------------------------------------------------------------------

def test_configuration_adds_a_region() -> None:
    directory = RegionDirectory({"JP-KANSAI": {"country": "JP", "timezone": "Asia/Tokyo",
                                               "closures": ["2025-08-13", "2025-08-14"]}})
    assert "JP-KANSAI" in directory.codes()
    cal = directory.calendar("JP-KANSAI")
    assert not cal.is_business_day(date(2025, 8, 13))
    assert cal.is_business_day(date(2025, 8, 12))
    assert not cal.is_business_day(date(2025, 11, 24))    # Japanese holidays still apply
    assert "JP" in directory.codes()


def test_configuration_overrides_a_known_region_keeping_the_rest() -> None:
    directory = RegionDirectory({"JP": {"closures": ["2025-12-29",
                                                     {"date": "2025-12-30", "name": "Year-end"}]}})
    spec = directory.spec("JP")
    assert spec.country == "JP"
    assert spec.timezone == "Asia/Tokyo"
    assert spec.closures == {date(2025, 12, 29): "", date(2025, 12, 30): "Year-end"}
    cal = directory.calendar("JP")
    assert cal.day_off_reason(date(2025, 12, 30)) == ("closure", "Year-end")
    assert DEFAULT_REGIONS["JP"].closures == {}              # the default table is untouched


def test_configuration_overrides_the_working_week_and_zone() -> None:
    directory = RegionDirectory({"AE": {"workweek": [6, 0, 1, 2, 3]},
                                 "US": {"timezone": "America/Chicago", "subdiv": "TX"}})
    assert directory.spec("AE").workweek == SUN_THU
    assert directory.calendar("AE").is_business_day(date(2025, 10, 19))     # a Sunday
    assert directory.spec("US").timezone == "America/Chicago"
    assert directory.spec("US").subdiv == "TX"
    assert directory.spec("US").country == "US"


def test_region_from_config_over_a_base() -> None:
    spec = region_from_config("SA-2", {"closures": ["2025-10-20"]}, DEFAULT_REGIONS["SA"])
    assert spec.code == "SA-2"
    assert spec.workweek == SUN_THU
    assert spec.closures == {date(2025, 10, 20): ""}


@pytest.mark.parametrize(("code", "data", "field"), [
    ("JP", {"closure": ["2025-12-29"]}, "regions.JP.closure"),
    ("XX", {"country": "JP"}, "regions.XX.timezone"),
    ("XX", {"timezone": "Asia/Tokyo"}, "regions.XX.country"),
    ("JP", {"workweek": []}, "regions.JP.workweek"),
    ("JP", {"workweek": [0, 7]}, "regions.JP.workweek"),
    ("JP", {"workweek": "Mon-Fri"}, "regions.JP.workweek"),
    ("JP", {"closures": "2025-12-29"}, "regions.JP.closures"),
    ("JP", {"closures": ["2025-12-29", "29/12/2025"]}, "regions.JP.closures[1]"),
    ("JP", {"closures": [{"name": "no date"}]}, "regions.JP.closures[0]"),
    ("JP", {"timezone": 9}, "regions.JP.timezone"),
])
def test_bad_configuration_names_the_setting(code: str, data: dict[str, object], field: str) -> None:
    with pytest.raises(CalendarError) as error:
        RegionDirectory({code: data})
    assert error.value.field == field


@pytest.mark.parametrize(("data", "field"), [
    ({"country": "XX", "timezone": "UTC"}, "country"),
    ({"country": "US", "subdiv": "ZZ", "timezone": "America/New_York"}, "subdiv"),
    ({"country": "JP", "timezone": "Mars/Base"}, "timezone"),
])
def test_bad_configured_values_fail_when_the_calendar_is_built(data: dict[str, object], field: str
                                                               ) -> None:
    with pytest.raises(CalendarError) as error:
        RegionDirectory({"XX": data}).calendar("XX")
    assert error.value.field.endswith(field)


def test_bad_time_zone_in_configuration_names_the_region_setting() -> None:
    with pytest.raises(CalendarError) as error:
        RegionDirectory({"XX": {"country": "JP", "timezone": "Mars/Base"}}).calendar("XX")
    assert error.value.field == "regions.XX.timezone"


# -- changing a region's closures ---------------------------------------------------------------------

def test_replacing_closures_gives_a_new_due_time_and_a_new_plan() -> None:
    directory = RegionDirectory()
    received = tokyo(2025, 12, 26, 12)                      # Friday
    before = response_clock(received, directory.calendar("JP"))
    # Fri 12 h, Mon 29 = 24 h (36), Tue 30 00-12 (48).
    assert before.due_at == tokyo(2025, 12, 30, 12)
    assert [(s.key, s.at) for s in plan(before, directory.calendar("JP"))] == [
        ("remind_24h", tokyo(2025, 12, 29, 12)),
        ("remind_4h", tokyo(2025, 12, 30, 8)),
        ("breach", tokyo(2025, 12, 30, 12)),
    ]

    old = directory.spec("JP")
    new_spec = region_from_config("JP", {"closures": ["2025-12-29", "2025-12-30"]}, old)
    rebuilt = directory.replace_spec(new_spec)
    assert rebuilt is directory.calendar("JP")
    assert not rebuilt.is_business_day(date(2025, 12, 29))

    after = response_clock(received, rebuilt)
    # Fri 12 h; 29-30 closed; Wed 31 = 24 h (36); 1 Jan holiday; Fri 2 Jan 00-12 (48).
    assert after.due_at == tokyo(2026, 1, 2, 12)
    assert [(s.key, s.at) for s in plan(after, rebuilt)] == [
        ("remind_24h", tokyo(2025, 12, 31, 12)),
        ("remind_4h", tokyo(2026, 1, 2, 8)),
        ("breach", tokyo(2026, 1, 2, 12)),
    ]


def test_replacing_a_spec_does_not_touch_other_regions() -> None:
    directory = RegionDirectory()
    us = directory.calendar("US")
    directory.replace_spec(region_from_config("JP", {"closures": ["2025-12-29"]}, directory.spec("JP")))
    assert directory.calendar("US") is us
    assert RegionDirectory().calendar("JP").is_business_day(date(2025, 12, 29))


def test_replacing_with_a_bad_spec_is_refused() -> None:
    directory = RegionDirectory()
    bad = region_from_config("JP", {"timezone": "Mars/Base"}, directory.spec("JP"))
    with pytest.raises(CalendarError) as error:
        directory.replace_spec(bad)
    assert error.value.field == "regions.JP.timezone"


def test_directory_calendar_is_a_region_calendar() -> None:
    cal = RegionDirectory().calendar("IL")
    assert isinstance(cal, RegionCalendar)
    assert cal.tz.utcoffset(datetime(2025, 7, 1)) == timedelta(hours=3)


def test_a_refused_spec_leaves_the_directory_unchanged() -> None:
    directory = RegionDirectory()
    old = directory.spec("JP")
    with pytest.raises(CalendarError):
        directory.replace_spec(region_from_config("JP", {"timezone": "Mars/Base"}, old))
    assert directory.spec("JP") == old
