"""Holiday names in the reader's language: Japan's in English for English readers, every default
region's in Japanese for Japanese readers (the `holidays` package, else `rules.holiday_names`)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import holidays
import pytest

from rules.answers import render_reason
from rules.calendars import RegionCalendar
from rules.holiday_names import japanese_holiday_name
from rules.regions import DEFAULT_REGIONS
from rules.response_clock import response_clock


def _calendar(code: str) -> RegionCalendar:
    return RegionCalendar(DEFAULT_REGIONS[code])


def test_us_independence_day_reads_in_japanese_for_a_japanese_reader() -> None:
    us = _calendar("US")
    assert us.holiday_name(date(2025, 7, 4), "en") == "Independence Day"
    assert us.holiday_name(date(2025, 7, 4), "ja") == "独立記念日"
    assert us.holiday_name(date(2026, 7, 3), "ja") == "独立記念日(振替休日)"


def test_japans_holidays_read_in_english_for_an_english_reader() -> None:
    jp = _calendar("JP")
    assert jp.holiday_name(date(2025, 11, 3), "ja") == "文化の日"
    assert jp.holiday_name(date(2025, 11, 3), "en") == "Culture Day"


def test_several_names_on_one_day_and_unknown_names() -> None:
    assert japanese_holiday_name("Christmas Day; Boxing Day") == "クリスマス・ボクシング・デー"
    assert japanese_holiday_name("Some Local Fair") is None
    assert japanese_holiday_name("Some Local Fair (observed)") is None


@pytest.mark.parametrize("code", sorted(c for c, s in DEFAULT_REGIONS.items() if s.country != "JP"))
def test_every_default_regions_holiday_has_a_japanese_name(code: str) -> None:
    calendar = _calendar(code)
    spec = DEFAULT_REGIONS[code]
    for day in holidays.country_holidays(spec.country, subdiv=spec.subdiv, years=range(2025, 2029)):
        english = calendar.holiday_name(day, "en")
        assert english is not None
        assert calendar.holiday_name(day, "ja") != english, (code, day, english)


def test_a_clock_received_on_a_us_holiday_explains_itself_in_japanese() -> None:
    clock = response_clock(datetime(2025, 7, 4, 15, 0, tzinfo=UTC), _calendar("US"))
    held = next(r for r in clock.reasons if r.key == "clock.received_holiday")
    japanese = render_reason(held, "ja")
    assert "独立記念日" in japanese and "Independence" not in japanese
    assert "Independence Day" in render_reason(held, "en")
