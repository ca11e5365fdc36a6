"""SLA clocks (ROE-SPEC "Clocks"): response, collaboration, onboarding and POI clocks, absences,
extensions, stop/state/remaining, and the explanation of every due time in English and Japanese.

Every expected instant is worked out by hand from the spec (see the comments); the Japanese and
English texts are the message catalogs' wording with the spec's facts filled in.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from rules.answers import render_reason
from rules.calendars import RegionCalendar, RegionSpec
from rules.cli import main
from rules.clocks import (
    Absence,
    Basis,
    ClockKind,
    ClockState,
    Extension,
    collaboration_clock,
    extend,
    onboarding_clock,
    poi_clock,
    remaining,
    response_clock,
    response_due,
    state,
    stop,
)
from rules.regions import DEFAULT_REGIONS
from rules.response_clock import reasons_at

TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
H = timedelta(hours=1)
JP = RegionCalendar(DEFAULT_REGIONS["JP"])
US = RegionCalendar(DEFAULT_REGIONS["US"])


def tokyo(*args: int) -> datetime:
    return datetime(*args, tzinfo=TOKYO)  # type: ignore[misc]


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)  # type: ignore[misc]


def keys(clock: Any) -> list[str]:
    return [r.key for r in clock.reasons]


def texts(clock: Any, lang: str) -> list[str]:
    return [render_reason(r, lang) for r in clock.reasons]


# -- response clock: the spec's worked examples ---------------------------------------------------------

WORKED = [
    (JP, tokyo(2025, 11, 21, 16), tokyo(2025, 11, 26, 16), Basis.BUSINESS_DAY),
    (JP, tokyo(2025, 11, 24, 10), tokyo(2025, 11, 25, 17), Basis.NEXT_BUSINESS_DAY),
    (JP, tokyo(2025, 5, 2, 18), tokyo(2025, 5, 8, 18), Basis.BUSINESS_DAY),
    (US, ny(2025, 7, 3, 15), ny(2025, 7, 8, 15), Basis.BUSINESS_DAY),
    (US, ny(2025, 7, 4, 10), ny(2025, 7, 7, 17), Basis.NEXT_BUSINESS_DAY),
]


@pytest.mark.parametrize(("cal", "received", "due", "basis"), WORKED,
                         ids=["jp-substitute", "jp-holiday", "jp-golden-week", "us-july-3", "us-july-4"])
def test_worked_examples(cal: RegionCalendar, received: datetime, due: datetime, basis: Basis) -> None:
    clock = response_clock(received, cal)
    assert clock.due_at == due
    assert clock.basis is basis
    assert clock.kind is ClockKind.RESPONSE
    assert clock.business is True
    assert clock.region == cal.code
    assert clock.started_at == received
    assert response_due(received, cal) == due


def test_due_time_is_shown_in_the_region_zone() -> None:
    clock = response_clock(datetime(2025, 11, 21, 7, tzinfo=UTC), JP)      # 16:00 JST
    assert clock.due_at == tokyo(2025, 11, 26, 16)
    assert clock.due_at.utcoffset() == timedelta(hours=9)


def test_anchor_is_the_receipt_or_the_next_business_morning() -> None:
    assert response_clock(tokyo(2025, 11, 21, 16), JP).anchor == tokyo(2025, 11, 21, 16)
    assert response_clock(tokyo(2025, 11, 24, 10), JP).anchor == tokyo(2025, 11, 25)


def test_received_late_on_a_business_day_still_gets_48_business_hours() -> None:
    # Fri 21 Nov 23:30 = 0.5 h; Tue 25 = 24 h; Wed 26 00:00-23:30 = 23.5 h.
    assert response_due(tokyo(2025, 11, 21, 23, 30), JP) == tokyo(2025, 11, 26, 23, 30)


def test_received_at_midnight_of_a_day_off_boundary() -> None:
    # Sat 00:00 is on a day off: 17:00 the next business day.
    assert response_due(tokyo(2025, 11, 22), JP) == tokyo(2025, 11, 25, 17)


def test_custom_goal_and_deadline() -> None:
    assert response_due(tokyo(2025, 11, 21, 16), JP, goal=24 * H) == tokyo(2025, 11, 25, 16)
    assert response_due(tokyo(2025, 11, 24, 10), JP, deadline=time(12)) == tokyo(2025, 11, 25, 12)


# -- absences -------------------------------------------------------------------------------------------

AWAY = Absence(start=tokyo(2025, 12, 1, 9), end=tokyo(2025, 12, 2, 18),
               registered_at=tokyo(2025, 11, 28, 10))


def test_message_received_during_an_absence_counts_from_its_end() -> None:
    # Treated as received Tue 2 Dec 18:00: 6 h; Wed 3 = 24 h (30); Thu 4 00-18 (48).
    clock = response_clock(tokyo(2025, 12, 1, 11), JP, absences=[AWAY])
    assert clock.due_at == tokyo(2025, 12, 4, 18)
    assert clock.anchor == tokyo(2025, 12, 2, 18)
    assert clock.basis is Basis.BUSINESS_DAY
    assert clock.pauses == (AWAY,)
    assert keys(clock) == ["clock.received_in_absence", "clock.business_day", "clock.due"]


def test_absence_registered_in_advance_pauses_a_running_clock() -> None:
    away = Absence(start=tokyo(2025, 12, 2), end=tokyo(2025, 12, 3), registered_at=tokyo(2025, 11, 28))
    # Mon 1 Dec 10:00 = 14 h; Tue 2 paused; Wed 3 = 24 h (38); Thu 4 00-10 (48).
    clock = response_clock(tokyo(2025, 12, 1, 10), JP, absences=[away])
    assert clock.due_at == tokyo(2025, 12, 4, 10)
    assert keys(clock) == ["clock.business_day", "clock.paused_absence", "clock.due"]


def test_absence_only_pauses_business_time() -> None:
    # Away over a weekend and Monday: only Monday's 24 business hours are added.
    away = Absence(start=tokyo(2025, 12, 5, 18), end=tokyo(2025, 12, 9), registered_at=tokyo(2025, 12, 1))
    # Fri 5 Dec 12:00: 6 h to 18:00; paused to Tue 9 00:00; Tue 24 h (30); Wed 00-18 (48).
    assert response_due(tokyo(2025, 12, 5, 12), JP, absences=[away]) == tokyo(2025, 12, 10, 18)


def test_overlapping_absences_are_merged() -> None:
    first = Absence(start=tokyo(2025, 12, 2), end=tokyo(2025, 12, 2, 12), registered_at=tokyo(2025, 11, 28))
    second = Absence(start=tokyo(2025, 12, 2, 6), end=tokyo(2025, 12, 3), registered_at=tokyo(2025, 11, 28))
    assert response_due(tokyo(2025, 12, 1, 10), JP, absences=[second, first]) == tokyo(2025, 12, 4, 10)


def test_absence_with_a_delegate_pauses_nothing() -> None:
    away = Absence(AWAY.start, AWAY.end, AWAY.registered_at, delegate="Aiko Sato")
    clock = response_clock(tokyo(2025, 12, 1, 11), JP, absences=[away])
    assert clock.due_at == tokyo(2025, 12, 3, 11)
    assert clock.pauses == ()
    assert clock.delegated == (away,)
    assert keys(clock) == ["clock.business_day", "clock.delegate", "clock.due"]


def test_the_stand_in_is_named_by_name_not_by_slack_id() -> None:
    away = Absence(AWAY.start, AWAY.end, AWAY.registered_at, delegate="U0REN001",
                   delegate_name="Ren Mori")
    clock = response_clock(tokyo(2025, 12, 1, 11), JP, absences=[away])
    [note] = [r for r in clock.reasons if r.key == "clock.delegate"]
    assert note.params == {"delegate": "Ren Mori", "start": AWAY.start, "end": AWAY.end}
    assert any("Ren Mori" in text and "U0REN001" not in text for text in texts(clock, "en"))
    assert away == Absence(AWAY.start, AWAY.end, AWAY.registered_at, delegate="U0REN001")


def test_absence_registered_late_changes_nothing() -> None:
    late = Absence(AWAY.start, AWAY.end, registered_at=tokyo(2025, 12, 1, 10))
    clock = response_clock(tokyo(2025, 12, 1, 11), JP, absences=[late])
    assert clock.due_at == tokyo(2025, 12, 3, 11)
    assert not late.in_advance
    assert clock.pauses == ()
    assert clock.late_absences == (late,)
    assert keys(clock) == ["clock.business_day", "clock.absence_late", "clock.due"]


def test_absences_outside_the_clock_change_nothing() -> None:
    before = Absence(tokyo(2025, 11, 17), tokyo(2025, 11, 18), registered_at=tokyo(2025, 11, 10))
    after = Absence(tokyo(2025, 12, 1), tokyo(2025, 12, 5), registered_at=tokyo(2025, 11, 10))
    clock = response_clock(tokyo(2025, 11, 21, 16), JP, absences=[before, after])
    assert clock.due_at == tokyo(2025, 11, 26, 16)
    assert "clock.paused_absence" not in keys(clock)


def test_delegate_and_pausing_absences_together() -> None:
    covered = Absence(tokyo(2025, 12, 1), tokyo(2025, 12, 2), registered_at=tokyo(2025, 11, 28),
                      delegate="Aiko Sato")
    paused = Absence(tokyo(2025, 12, 2), tokyo(2025, 12, 3), registered_at=tokyo(2025, 11, 28))
    # Fri 28 Nov 12:00 = 12 h; Mon 1 counts (delegate) = 24 h (36); Tue 2 paused; Wed 3 00-12 (48).
    clock = response_clock(tokyo(2025, 11, 28, 12), JP, absences=[covered, paused])
    assert clock.due_at == tokyo(2025, 12, 3, 12)
    assert clock.pauses == (paused,)
    assert clock.delegated == (covered,)


def test_received_during_an_absence_that_ends_on_a_day_off() -> None:
    # Read literally, received at the end (Sat 22 Nov 12:00), a day off: 17:00 on the next business
    # day (Tue 25; Mon 24 is a holiday). That is earlier than without the absence (Wed 26 11:00),
    # and an absence never makes a reply due earlier: the due time without it stands.
    away = Absence(tokyo(2025, 11, 21, 10), tokyo(2025, 11, 22, 12), registered_at=tokyo(2025, 11, 20))
    clock = response_clock(tokyo(2025, 11, 21, 11), JP, absences=[away])
    assert clock.due_at == tokyo(2025, 11, 26, 11)
    assert clock.basis is Basis.BUSINESS_DAY
    assert keys(clock) == ["clock.absence_no_shorter", "clock.business_day", "clock.due"]
    assert response_due(tokyo(2025, 11, 21, 11), JP, absences=[away]) == tokyo(2025, 11, 26, 11)


@pytest.mark.parametrize("args", [
    (tokyo(2025, 12, 2), tokyo(2025, 12, 1), tokyo(2025, 11, 28)),
    (tokyo(2025, 12, 2), tokyo(2025, 12, 2), tokyo(2025, 11, 28)),
])
def test_an_absence_ending_before_it_starts_is_refused(args: tuple[datetime, ...]) -> None:
    with pytest.raises(ValueError, match="end after it starts"):
        Absence(*args)


@pytest.mark.parametrize("field", ["start", "end", "registered_at"])
def test_an_absence_needs_aware_times(field: str) -> None:
    values = {"start": tokyo(2025, 12, 1), "end": tokyo(2025, 12, 2), "registered_at": tokyo(2025, 11, 28)}
    values[field] = values[field].replace(tzinfo=None)
    with pytest.raises(ValueError, match=field):
        Absence(**values)


# -- extensions -----------------------------------------------------------------------------------------

def grant(**kwargs: Any) -> Extension:
    base: dict[str, Any] = {"granted_by": "Dana (GS)", "reason": "The customer is travelling",
                            "granted_at": tokyo(2025, 11, 25, 10)}
    return Extension(**{**base, **kwargs})


def test_extension_by_extra_business_hours() -> None:
    clock = response_clock(tokyo(2025, 11, 21, 16), JP, extensions=[grant(extra=24 * H)])
    assert clock.due_at == tokyo(2025, 11, 27, 16)
    assert keys(clock)[-2:] == ["clock.extended_by", "clock.due"]


def test_extension_hours_are_business_hours_across_a_weekend() -> None:
    # Wed 26 16:00 + 60 h: Wed 8 h, Thu 24 h (32), Fri 24 h (56), weekend, Mon 1 Dec 00-04 (60).
    clock = response_clock(tokyo(2025, 11, 21, 16), JP, extensions=[grant(extra=60 * H)])
    assert clock.due_at == tokyo(2025, 12, 1, 4)


def test_extension_hours_skip_a_pausing_absence() -> None:
    away = Absence(tokyo(2025, 11, 27), tokyo(2025, 11, 28), registered_at=tokyo(2025, 11, 20))
    # Due Wed 26 16:00 as before (the absence comes after); + 24 h: Wed 8 h, Thu paused, Fri 00-16.
    clock = response_clock(tokyo(2025, 11, 21, 16), JP, absences=[away], extensions=[grant(extra=24 * H)])
    assert clock.due_at == tokyo(2025, 11, 28, 16)


def test_extension_to_a_new_due_time() -> None:
    clock = response_clock(tokyo(2025, 11, 21, 16), JP,
                           extensions=[grant(new_due=tokyo(2025, 11, 28, 12))])
    assert clock.due_at == tokyo(2025, 11, 28, 12)
    assert keys(clock)[-2:] == ["clock.extended_to", "clock.due"]


def test_extensions_apply_in_the_order_they_were_granted() -> None:
    later = grant(new_due=tokyo(2025, 11, 28, 12), granted_at=tokyo(2025, 11, 26, 9))
    earlier = grant(extra=24 * H, granted_at=tokyo(2025, 11, 25, 9))
    # Wed 26 16:00 + 24 h = Thu 27 16:00; then the new due time Fri 28 12:00.
    clock = response_clock(tokyo(2025, 11, 21, 16), JP, extensions=[later, earlier])
    assert clock.due_at == tokyo(2025, 11, 28, 12)
    assert clock.extensions == (earlier, later)


def test_an_extension_cannot_bring_the_due_time_forward() -> None:
    with pytest.raises(ValueError, match="forward"):
        response_clock(tokyo(2025, 11, 21, 16), JP, extensions=[grant(new_due=tokyo(2025, 11, 25, 12))])


def test_extend_recomputes_the_clock_with_its_absences() -> None:
    away = Absence(tokyo(2025, 11, 27), tokyo(2025, 11, 28), registered_at=tokyo(2025, 11, 20))
    clock = response_clock(tokyo(2025, 11, 21, 16), JP, absences=[away])
    longer = extend(clock, grant(extra=24 * H), JP)
    assert longer.due_at == tokyo(2025, 11, 28, 16)
    assert longer.pauses == (away,)
    again = extend(longer, grant(extra=8 * H, granted_at=tokyo(2025, 11, 28, 9)), JP)
    assert again.due_at == tokyo(2025, 11, 29)            # Fri 16:00 + 8 h = Friday's end
    assert len(again.extensions) == 2


def test_only_response_clocks_are_extended() -> None:
    with pytest.raises(ValueError, match="response"):
        extend(collaboration_clock(tokyo(2025, 11, 21, 10)), grant(extra=H), JP)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({}, "either"),
    ({"extra": H, "new_due": tokyo(2025, 12, 1)}, "either"),
    ({"extra": timedelta(0)}, "positive"),
    ({"extra": -H}, "positive"),
    ({"extra": H, "reason": "  "}, "reason"),
    ({"extra": H, "granted_by": ""}, "granted"),
    ({"extra": H, "granted_at": datetime(2025, 11, 25, 10)}, "granted_at"),
    ({"new_due": datetime(2025, 12, 1)}, "new_due"),
])
def test_bad_extensions_are_refused(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        grant(**kwargs)


# -- stop, state, remaining -------------------------------------------------------------------------------

EXAMPLE = response_clock(tokyo(2025, 11, 21, 16), JP)


def test_state_and_remaining_as_time_passes() -> None:
    assert state(EXAMPLE, tokyo(2025, 11, 21, 16)) is ClockState.RUNNING
    assert remaining(EXAMPLE, JP, tokyo(2025, 11, 21, 16)) == 48 * H
    assert remaining(EXAMPLE, JP, tokyo(2025, 11, 22, 12)) == 40 * H    # Tue 24 h + Wed 16 h
    assert remaining(EXAMPLE, JP, tokyo(2025, 11, 25, 16)) == 24 * H
    assert remaining(EXAMPLE, JP, tokyo(2025, 11, 26, 16)) == timedelta(0)
    assert state(EXAMPLE, tokyo(2025, 11, 26, 16)) is ClockState.BREACHED
    assert remaining(EXAMPLE, JP, tokyo(2025, 12, 1)) == timedelta(0)


def test_remaining_before_a_next_day_clock_starts_counting() -> None:
    clock = response_clock(tokyo(2025, 11, 24, 10), JP)
    assert remaining(clock, JP, tokyo(2025, 11, 24, 12)) == 17 * H
    assert remaining(clock, JP, tokyo(2025, 11, 25, 16)) == H


def test_a_reply_before_the_due_time_meets_the_clock() -> None:
    replied = stop(EXAMPLE, tokyo(2025, 11, 25, 10))
    assert replied.stopped_at == tokyo(2025, 11, 25, 10)
    assert state(replied, tokyo(2025, 11, 25, 9)) is ClockState.RUNNING
    assert state(replied, tokyo(2025, 11, 25, 10)) is ClockState.MET
    assert state(replied, tokyo(2025, 12, 10)) is ClockState.MET
    # What was left at the reply stays: Tue 14 h + Wed 16 h.
    assert remaining(replied, JP, tokyo(2025, 11, 25, 12)) == 30 * H
    assert remaining(replied, JP, tokyo(2025, 12, 10)) == 30 * H


def test_a_reply_after_the_due_time_is_a_breach() -> None:
    late = stop(EXAMPLE, tokyo(2025, 11, 27, 9))
    assert state(late, tokyo(2025, 11, 27, 9)) is ClockState.BREACHED
    assert remaining(late, JP, tokyo(2025, 11, 28)) == timedelta(0)


def test_a_reply_exactly_at_the_due_time_meets_it() -> None:
    assert state(stop(EXAMPLE, tokyo(2025, 11, 26, 16)), tokyo(2025, 11, 27)) is ClockState.MET


def test_stop_is_kept_once_and_never_before_the_start() -> None:
    first = stop(EXAMPLE, tokyo(2025, 11, 25, 10))
    assert stop(first, tokyo(2025, 11, 25, 11)).stopped_at == tokyo(2025, 11, 25, 10)
    with pytest.raises(ValueError):
        stop(EXAMPLE, tokyo(2025, 11, 21, 15))
    with pytest.raises(ValueError):
        stop(EXAMPLE, datetime(2025, 11, 25, 10))


def test_state_is_paused_inside_a_pausing_absence() -> None:
    away = Absence(tokyo(2025, 12, 2), tokyo(2025, 12, 3), registered_at=tokyo(2025, 11, 28))
    clock = response_clock(tokyo(2025, 12, 1, 10), JP, absences=[away])
    assert state(clock, tokyo(2025, 12, 1, 12)) is ClockState.RUNNING
    assert state(clock, tokyo(2025, 12, 2, 12)) is ClockState.PAUSED
    assert state(clock, tokyo(2025, 12, 3, 12)) is ClockState.RUNNING
    # Remaining does not move while paused: Wed 24 h + Thu 10 h.
    assert remaining(clock, JP, tokyo(2025, 12, 2, 1)) == 34 * H
    assert remaining(clock, JP, tokyo(2025, 12, 2, 23)) == 34 * H


def test_state_is_paused_on_a_weekend() -> None:
    assert state(EXAMPLE, tokyo(2025, 11, 22, 12)) is ClockState.PAUSED


def test_remaining_needs_the_calendar_of_a_business_clock() -> None:
    with pytest.raises(ValueError, match="calendar"):
        remaining(EXAMPLE, None, tokyo(2025, 11, 22))


@pytest.mark.parametrize("call", [state, lambda c, now: remaining(c, JP, now)])
def test_naive_now_is_refused(call: Any) -> None:
    with pytest.raises(ValueError, match="now"):
        call(EXAMPLE, datetime(2025, 11, 22, 12))


def test_naive_receipt_is_refused() -> None:
    with pytest.raises(ValueError, match="received_at"):
        response_clock(datetime(2025, 11, 21, 16), JP)
    with pytest.raises(ValueError, match="received_at"):
        response_due(datetime(2025, 11, 21, 16), JP)


# -- collaboration, onboarding and POI clocks --------------------------------------------------------------

def test_collaboration_clock_is_72_calendar_hours() -> None:
    clock = collaboration_clock(tokyo(2025, 11, 21, 10))
    assert clock.due_at == tokyo(2025, 11, 24, 10)
    assert clock.kind is ClockKind.COLLABORATION
    assert clock.basis is Basis.CALENDAR_HOURS
    assert clock.business is False


@pytest.mark.parametrize(("notified", "due"), [
    (ny(2025, 10, 31, 12), datetime(2025, 11, 3, 16, tzinfo=UTC)),       # 11:00 EST
    (ny(2025, 3, 7, 12), datetime(2025, 3, 10, 17, tzinfo=UTC)),         # 13:00 EDT
])
def test_collaboration_clock_counts_real_hours_across_dst(notified: datetime, due: datetime) -> None:
    clock = collaboration_clock(notified)
    assert clock.due_at == due
    assert clock.due_at.astimezone(UTC) - notified.astimezone(UTC) == timedelta(hours=72)


def test_collaboration_state_and_remaining() -> None:
    clock = collaboration_clock(ny(2025, 10, 31, 12))
    # At Sun 2 Nov 12:00 EST (17:00Z), 23 real hours remain to Mon 16:00Z.
    assert remaining(clock, None, ny(2025, 11, 2, 12)) == 23 * H
    assert state(clock, ny(2025, 11, 2, 12)) is ClockState.RUNNING
    assert state(clock, datetime(2025, 11, 3, 16, tzinfo=UTC)) is ClockState.BREACHED
    accepted = stop(clock, ny(2025, 11, 1, 9))
    assert state(accepted, ny(2025, 11, 1, 10)) is ClockState.MET


def test_collaboration_window_is_configurable_and_needs_an_aware_time() -> None:
    assert collaboration_clock(tokyo(2025, 11, 21, 10), window=48 * H).due_at == tokyo(2025, 11, 23, 10)
    with pytest.raises(ValueError, match="notified_at"):
        collaboration_clock(datetime(2025, 11, 21, 10))


def test_onboarding_clock_of_the_spec() -> None:
    clock = onboarding_clock(date(2025, 11, 20), JP)
    assert clock.due_at == tokyo(2025, 12, 6)                 # the end of Fri 5 Dec
    assert clock.basis is Basis.BUSINESS_DAYS
    assert clock.kind is ClockKind.ONBOARDING
    assert clock.started_at == tokyo(2025, 11, 20)


def test_onboarding_clock_with_the_customer_date() -> None:
    clock = onboarding_clock(date(2025, 11, 20), JP, customer_date=date(2025, 12, 15))
    assert clock.due_at == tokyo(2025, 12, 16)
    assert clock.basis is Basis.CUSTOMER_DATE
    sooner = onboarding_clock(date(2025, 11, 20), JP, customer_date=date(2025, 11, 28))
    assert sooner.due_at == tokyo(2025, 11, 29)
    with pytest.raises(ValueError, match="before"):
        onboarding_clock(date(2025, 11, 20), JP, customer_date=date(2025, 11, 19))


def test_onboarding_day_count_is_configurable() -> None:
    # Fri 21 (1), Tue 25 (2), 26, 27, Fri 28 (5).
    assert onboarding_clock(date(2025, 11, 20), JP, business_days=5).due_at == tokyo(2025, 11, 29)


def test_onboarding_in_a_sunday_to_thursday_week() -> None:
    sa = RegionCalendar(DEFAULT_REGIONS["SA"])
    riyadh = ZoneInfo("Asia/Riyadh")
    assert onboarding_clock(date(2025, 10, 16), sa).due_at == datetime(2025, 10, 31, tzinfo=riyadh)


def test_poi_clock_is_the_end_of_the_expected_close_date() -> None:
    clock = poi_clock(date(2025, 11, 28), JP, opened_at=tokyo(2025, 11, 3, 9))
    assert clock.due_at == tokyo(2025, 11, 29)
    assert clock.kind is ClockKind.POI
    assert clock.basis is Basis.CLOSE_DATE
    with pytest.raises(ValueError, match="opened_at"):
        poi_clock(date(2025, 11, 28), JP, opened_at=datetime(2025, 11, 3, 9))


# -- explanations in English and Japanese --------------------------------------------------------------

def test_explanation_of_a_business_day_receipt() -> None:
    assert texts(EXAMPLE, "en") == [
        "Received on a business day: due when 48 hours of business time have passed (weekends, public "
        "holidays and closures pause the clock).",
        "Reply due Wed 26 Nov 16:00 JST.",
    ]
    assert texts(EXAMPLE, "ja") == [
        "該当地域の通常営業日に受信:返信期限は48時間以内です(営業日のみを数えて計算し、週末、祝祭日、休業日は含めません)。",
        "返信期限:11月26日(水) 16:00 JST",
    ]


def test_explanation_of_a_holiday_receipt_names_the_holiday() -> None:
    clock = response_clock(tokyo(2025, 11, 24, 10), JP)
    assert texts(clock, "ja") == [
        "該当地域の祝祭日(勤労感謝の日 振替休日)に受信:返信期限は該当地域の翌営業日の17時です。",
        "返信期限:11月25日(火) 17:00 JST",
    ]
    english = texts(clock, "en")
    assert english[0].startswith("Received on a public holiday (Labor Thanksgiving Day")
    assert english[0].endswith("): due at 17:00 local time the next business day.")
    assert english[1] == "Reply due Tue 25 Nov 17:00 JST."


def test_explanation_of_a_us_holiday_receipt() -> None:
    clock = response_clock(ny(2025, 7, 4, 10), US)
    assert texts(clock, "en")[0] == ("Received on a public holiday (Independence Day): due at 17:00 local "
                                     "time the next business day.")
    assert texts(clock, "en")[1] == "Reply due Mon 7 Jul 17:00 EDT."


def test_explanation_of_a_weekend_and_a_closure_receipt() -> None:
    weekend = response_clock(tokyo(2025, 11, 22, 10), JP)
    assert texts(weekend, "en")[0] == ("Received outside the working week: due at 17:00 local time the "
                                       "next business day.")
    assert texts(weekend, "ja")[0] == "営業日以外(週末)に受信:返信期限は該当地域の翌営業日の17時です。"
    closed = RegionCalendar(RegionSpec("JP", "JP", "Asia/Tokyo",
                                       closures={date(2025, 12, 29): "Year-end closure"}))
    clock = response_clock(tokyo(2025, 12, 29, 10), closed)
    assert clock.due_at == tokyo(2025, 12, 30, 17)
    assert texts(clock, "en")[0] == ("Received on a company closure day (Year-end closure): due at 17:00 "
                                     "local time the next business day.")
    assert texts(clock, "ja")[0] == "休業日(Year-end closure)に受信:返信期限は該当地域の翌営業日の17時です。"


def test_explanation_of_absences() -> None:
    during = response_clock(tokyo(2025, 12, 1, 11), JP, absences=[AWAY])
    assert texts(during, "en")[0] == ("Received during an out-of-office registered in advance: counted as "
                                      "received when it ends, Tue 2 Dec 18:00 JST.")
    assert texts(during, "ja")[0] == ("事前に連絡された不在期間中に受信:"
                                      "不在期間の終了時(12月2日(火) 18:00 JST)"
                                      "に受信したものとして扱います。")
    delegated = response_clock(tokyo(2025, 12, 1, 11), JP,
                               absences=[Absence(AWAY.start, AWAY.end, AWAY.registered_at, "Aiko Sato")])
    assert texts(delegated, "en")[1] == ("Aiko Sato stands in during the out-of-office until Tue 2 Dec "
                                         "18:00 JST: the clock does not pause and Aiko Sato is "
                                         "reminded instead.")
    assert texts(delegated, "ja")[1] == ("12月2日(火) 18:00 JSTまでの不在期間中はAiko Satoが代理で対応する"
                                         "ため、計算は停止せず、Aiko Satoにリマインドが送られます。")
    late = response_clock(tokyo(2025, 12, 1, 11), JP,
                          absences=[Absence(AWAY.start, AWAY.end, tokyo(2025, 12, 1, 10))])
    assert texts(late, "ja")[1] == ("不在期間の開始後に連絡された不在は、それだけでは期限に影響しません。"
                                    "GSに期限の延長を依頼してください。")
    paused = response_clock(tokyo(2025, 12, 1, 10), JP, absences=[
        Absence(tokyo(2025, 12, 2), tokyo(2025, 12, 3), registered_at=tokyo(2025, 11, 28))])
    assert texts(paused, "en")[1] == "An out-of-office registered in advance pauses the clock while it lasts."
    assert texts(paused, "ja")[1] == "事前に連絡された不在期間中は、返信期限の計算が停止します。"


def test_explanation_of_extensions() -> None:
    hours = response_clock(tokyo(2025, 11, 21, 16), JP, extensions=[grant(extra=24 * H)])
    assert texts(hours, "en")[-2:] == [
        "Extended by 24 business hours by Dana (GS): The customer is travelling",
        "Reply due Thu 27 Nov 16:00 JST.",
    ]
    assert texts(hours, "ja")[-2] == ("Dana (GS)により24時間(営業日のみを数えて)延長されました:"
                                      "The customer is travelling")
    one = response_clock(tokyo(2025, 11, 21, 16), JP, extensions=[grant(extra=H)])
    assert texts(one, "en")[-2] == "Extended by 1 business hour by Dana (GS): The customer is travelling"
    to = response_clock(tokyo(2025, 11, 21, 16), JP, extensions=[grant(new_due=tokyo(2025, 11, 28, 12))])
    assert texts(to, "en")[-2] == ("Extended to Fri 28 Nov 12:00 JST by Dana (GS): "
                                   "The customer is travelling")
    assert texts(to, "ja")[-2] == ("Dana (GS)により11月28日(金) 12:00 JSTまで延長されました:"
                                   "The customer is travelling")


def test_explanation_of_the_other_clocks() -> None:
    collab = collaboration_clock(tokyo(2025, 11, 21, 10))
    assert texts(collab, "en") == ["Confirm within 72 hours of the first notification: "
                                   "by Mon 24 Nov 10:00 JST."]
    assert texts(collab, "ja") == ["初回の通知をお受け取りになってから72時間以内"
                                   "(11月24日(月) 10:00 JSTまで)にご返答ください。"]
    onboarding = onboarding_clock(date(2025, 11, 20), JP)
    assert texts(onboarding, "en") == ["Onboarding must begin within 10 business days of the subscription "
                                       "start date: by the end of Fri, Dec 5, 2025."]
    assert texts(onboarding, "ja") == ["サブスクリプション開始日から10営業日以内に"
                                       "導入支援を開始する必要があります:"
                                       "2025年12月5日(金)の終わりまで。"]
    customer = onboarding_clock(date(2025, 11, 20), JP, customer_date=date(2025, 12, 15))
    assert texts(customer, "en") == ["Onboarding follows the customer's stated timeline: by the end of Mon, "
                                     "Dec 15, 2025."]
    poi = poi_clock(date(2025, 11, 28), JP, opened_at=tokyo(2025, 11, 3, 9))
    assert texts(poi, "en") == ["The customer-signed POI is due by the end of the expected close date, Fri, "
                                "Nov 28, 2025."]
    assert texts(poi, "ja") == ["顧客によって署名されたPOIは、"
                                "成約予定日(2025年11月28日(金))の終わりまでに必要です。"]


# -- bad input through the scenario command line ------------------------------------------------------------

def answer(tmp_path: Path, data: dict[str, Any]) -> tuple[int, str, str, Path]:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    status = main(["answer", str(path)], out, err)
    return status, out.getvalue(), err.getvalue(), path


RESPONSE: dict[str, Any] = {"question": "response_due", "received_at": "2025-11-21T16:00:00+09:00",
                            "region": "JP"}
EXTENSION: dict[str, Any] = {"granted_by": "Dana", "reason": "Travelling",
                             "granted_at": "2025-11-25T10:00:00+09:00"}


@pytest.mark.parametrize(("changes", "field"), [
    ({"region": {"country": "XX", "timezone": "UTC"}}, "region.country"),
    ({"region": {"country": "US", "subdiv": "ZZ", "timezone": "America/New_York"}}, "region.subdiv"),
    ({"region": {"country": "JP", "timezone": "Mars/Base"}}, "region.timezone"),
    ({"region": {"country": "XX"}}, "region.timezone"),
    ({"region": "ZZ"}, "region"),
    ({"region": {"country": "JP", "workweek": []}}, "region.workweek"),
    ({"region": {"country": "JP", "workweek": [0, 7]}}, "region.workweek[1]"),
    ({"region": {"country": "JP", "closures": ["29/12/2025"]}}, "region.closures[0]"),
    ({"received_at": "2025-11-21T16:00:00"}, "received_at"),
    ({"received_at": "Friday afternoon"}, "received_at"),
    ({"absences": [{"start": "2025-12-02T00:00:00+09:00", "end": "2025-12-01T00:00:00+09:00",
                    "registered_at": "2025-11-28T00:00:00+09:00"}]}, "absences[0].end"),
    ({"absences": [{"start": "2025-12-01T00:00:00", "end": "2025-12-02T00:00:00+09:00",
                    "registered_at": "2025-11-28T00:00:00+09:00"}]}, "absences[0].start"),
    ({"absences": [{"start": "2025-12-01T00:00:00+09:00", "end": "2025-12-02T00:00:00+09:00"}]},
     "absences[0].registered_at"),
    ({"extensions": [{**EXTENSION}]}, "extensions[0].extra_hours"),
    ({"extensions": [{**EXTENSION, "extra_hours": 2, "new_due": "2025-11-28T12:00:00+09:00"}]},
     "extensions[0].extra_hours"),
    ({"extensions": [{**EXTENSION, "extra_hours": 2, "reason": " "}]}, "extensions[0].reason"),
    ({"extensions": [{**EXTENSION, "extra_hours": "-2"}]}, "extensions[0].extra_hours"),
    ({"now": "2025-11-22T12:00:00"}, "now"),
])
def test_bad_response_scenarios_name_the_field(tmp_path: Path, changes: dict[str, Any], field: str) -> None:
    status, out, err, path = answer(tmp_path, {**RESPONSE, **changes})
    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith(f"error: {path}: {field}: ")


@pytest.mark.parametrize(("extension", "field"), [
    ({**EXTENSION, "new_due": "2025-11-25T12:00:00+09:00"}, "extensions[0].new_due"),
    ({**EXTENSION, "extra_hours": "0"}, "extensions[0].extra_hours"),
    ({**EXTENSION, "extra_hours": 2, "granted_by": ""}, "extensions[0].granted_by"),
])
def test_bad_extensions_in_a_scenario_name_the_field(tmp_path: Path, extension: dict[str, Any],
                                                     field: str) -> None:
    status, _, err, path = answer(tmp_path, {**RESPONSE, "extensions": [extension]})
    assert status == 2
    assert err.startswith(f"error: {path}: {field}: ")


@pytest.mark.parametrize(("data", "field"), [
    ({"question": "collaboration_due", "notified_at": "2025-11-21T10:00:00"}, "notified_at"),
    ({"question": "collaboration_due"}, "notified_at"),
    ({"question": "onboarding_due", "subscription_start": "2025-11-20", "region": "JP",
      "customer_date": "2025-11-19"}, "customer_date"),
    ({"question": "onboarding_due", "subscription_start": "20 Nov 2025", "region": "JP"},
     "subscription_start"),
    ({"question": "onboarding_due", "subscription_start": "2025-11-20",
      "region": {"country": "JP", "timezone": "Asia/Tokio"}}, "region.timezone"),
    ({"question": "onboarding_due", "subscription_start": "2025-11-20"}, "region"),
])
def test_bad_clock_scenarios_name_the_field(tmp_path: Path, data: dict[str, Any], field: str) -> None:
    status, _, err, path = answer(tmp_path, data)
    assert status == 2
    assert len(err.splitlines()) == 1
    assert err.startswith(f"error: {path}: {field}: ")


def test_a_good_scenario_answers(tmp_path: Path) -> None:
    status, out, err, _ = answer(tmp_path, RESPONSE)
    assert (status, err) == (0, "")
    body = json.loads(out)
    assert body["outcome"] == "decided"
    assert datetime.fromisoformat(body["due_at"]) == tokyo(2025, 11, 26, 16)


def test_a_stand_in_note_is_true_at_the_time_it_is_read() -> None:
    away = Absence(AWAY.start, AWAY.end, AWAY.registered_at, delegate="U0REN001",
                   delegate_name="Ren Mori")
    clock = response_clock(tokyo(2025, 11, 28, 16), JP, absences=[away])
    assert "clock.delegate" in keys(clock)
    assert [r.key for r in reasons_at(clock, AWAY.start - timedelta(hours=1))
            if "delegate" in r.key] == ["clock.delegate_from"]
    assert [r.key for r in reasons_at(clock, AWAY.start) if "delegate" in r.key] == ["clock.delegate"]
    assert [r.key for r in reasons_at(clock, AWAY.end) if "delegate" in r.key] == []


def test_a_stand_in_outside_the_clock_is_not_mentioned() -> None:
    later = Absence(tokyo(2025, 12, 10), tokyo(2025, 12, 11), registered_at=tokyo(2025, 11, 20),
                    delegate="U0REN001", delegate_name="Ren Mori")
    assert "clock.delegate" not in keys(response_clock(tokyo(2025, 11, 21, 16), JP, absences=[later]))
