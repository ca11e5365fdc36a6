"""Planning a stored clock's next action with the rules (pure: rule clocks and calendars)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.usecases.clock_store import next_action_at
from rules import clocks as rc
from rules.regions import RegionDirectory

JP = RegionDirectory().calendar("JP")
RECEIVED = datetime(2025, 11, 21, 7, 0, tzinfo=UTC)  # Fri 21 Nov 16:00 JST


def test_the_first_step_is_the_reminder_with_24_business_hours_left() -> None:
    clock = rc.response_clock(RECEIVED, JP)
    assert clock.due_at == datetime(2025, 11, 26, 7, 0, tzinfo=UTC)
    assert next_action_at(clock, JP) == datetime(2025, 11, 25, 7, 0, tzinfo=UTC)
    # after the first reminder, the second; after it, the breach; after the breach, nothing
    assert next_action_at(clock, JP, done="remind_24h") == datetime(2025, 11, 26, 3, 0, tzinfo=UTC)
    assert next_action_at(clock, JP, done="remind_4h") == clock.due_at
    assert next_action_at(clock, JP, done="breach") is None


def test_an_extension_moves_every_step() -> None:
    clock = rc.response_clock(RECEIVED, JP)
    longer = rc.extend(clock, rc.Extension(granted_by="Hiroshi", reason="sick",
                                           granted_at=RECEIVED, extra=timedelta(hours=24)), JP)
    assert longer.due_at == datetime(2025, 11, 27, 7, 0, tzinfo=UTC)
    assert next_action_at(longer, JP) == datetime(2025, 11, 26, 7, 0, tzinfo=UTC)


def test_reminder_with_an_absence_falls_when_24_business_hours_are_left() -> None:
    absence = rc.Absence(start=datetime(2025, 11, 25, 0, 0, tzinfo=UTC),
                         end=datetime(2025, 11, 26, 0, 0, tzinfo=UTC), registered_at=RECEIVED)
    clock = rc.response_clock(RECEIVED, JP, absences=[absence])
    assert clock.due_at == datetime(2025, 11, 27, 7, 0, tzinfo=UTC)
    at = next_action_at(clock, JP)
    assert at is not None and rc.remaining(clock, JP, at) == timedelta(hours=24)
