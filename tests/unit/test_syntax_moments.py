"""Dates and times as people type them, in the reader's zone (`bot.syntax.moments`)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.syntax.moments import moment

TOKYO, NEW_YORK = ZoneInfo("Asia/Tokyo"), ZoneInfo("America/New_York")
NOW = datetime(2026, 12, 2, 1, 17, tzinfo=UTC)   # Wed 2 Dec 10:17 JST; Tue 1 Dec 20:17 EST


@pytest.mark.parametrize(("text", "zone", "expected"), [
    ("2026-12-03 09:00", TOKYO, datetime(2026, 12, 3, 9, 0, tzinfo=TOKYO)),
    ("2026-12-03T09:00", NEW_YORK, datetime(2026, 12, 3, 9, 0, tzinfo=NEW_YORK)),
    ("2026/12/03 9:00", TOKYO, datetime(2026, 12, 3, 9, 0, tzinfo=TOKYO)),
    ("12/3 9am", NEW_YORK, datetime(2026, 12, 3, 9, 0, tzinfo=NEW_YORK)),
    ("12月3日 9時", TOKYO, datetime(2026, 12, 3, 9, 0, tzinfo=TOKYO)),
    ("12月3日9時30分", TOKYO, datetime(2026, 12, 3, 9, 30, tzinfo=TOKYO)),
    ("2026年12月3日 午後5時", TOKYO, datetime(2026, 12, 3, 17, 0, tzinfo=TOKYO)),
    ("tomorrow 5pm", TOKYO, datetime(2026, 12, 3, 17, 0, tzinfo=TOKYO)),
    ("tomorrow 5pm", NEW_YORK, datetime(2026, 12, 2, 17, 0, tzinfo=NEW_YORK)),
    ("明日 17時", TOKYO, datetime(2026, 12, 3, 17, 0, tzinfo=TOKYO)),
    ("monday 9am", NEW_YORK, datetime(2026, 12, 7, 9, 0, tzinfo=NEW_YORK)),
    ("月曜 9時", TOKYO, datetime(2026, 12, 7, 9, 0, tzinfo=TOKYO)),
    ("9am", TOKYO, datetime(2026, 12, 3, 9, 0, tzinfo=TOKYO)),          # nine has passed
    ("9am", NEW_YORK, datetime(2026, 12, 2, 9, 0, tzinfo=NEW_YORK)),    # nine is to come
    ("２０２６－１２－０３ ０９：００", TOKYO, datetime(2026, 12, 3, 9, 0, tzinfo=TOKYO)),
    ("1796000000", TOKYO, datetime(2026, 11, 30, 0, 53, 20, tzinfo=UTC)),
])
def test_moments_with_a_time(text: str, zone: ZoneInfo, expected: datetime) -> None:
    found = moment(text, tz=zone, now=NOW)
    assert found is not None and found.has_time
    assert found.at == expected
    assert found.at.utcoffset() == expected.astimezone(zone).utcoffset()


@pytest.mark.parametrize(("text", "zone", "prefer", "expected"), [
    ("2026-12-03", TOKYO, "future", date(2026, 12, 3)),
    ("12/3", NEW_YORK, "future", date(2026, 12, 3)),
    ("12/3", NEW_YORK, "past", date(2025, 12, 3)),
    ("12月1日", TOKYO, "future", date(2027, 12, 1)),
    ("12月1日", TOKYO, "past", date(2026, 12, 1)),
    ("12/2", TOKYO, "future", date(2026, 12, 2)),             # today is not in the past
    ("12/1", NEW_YORK, "future", date(2026, 12, 1)),          # still today in New York
    ("yesterday", NEW_YORK, "past", date(2026, 11, 30)),
    ("明日", TOKYO, "future", date(2026, 12, 3)),
])
def test_days(text: str, zone: ZoneInfo, prefer: str, expected: date) -> None:
    found = moment(text, tz=zone, now=NOW, prefer="past" if prefer == "past" else "future")
    assert found is not None and not found.has_time
    assert found.day == expected


@pytest.mark.parametrize("text", ["", "  ", "xyz", "onboarding", "soon-ish", "13/45 99am",
                                  "2026-02-30 09:00", "理由"])
def test_what_is_not_a_moment(text: str) -> None:
    assert moment(text, tz=TOKYO, now=NOW) is None
