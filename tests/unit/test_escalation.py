"""Escalation plans (ROE-SPEC "Reminders and escalations"; every number is configuration).

Response clock: a thread reminder when 24 business hours remain, a direct message to the partner
when 4 remain, the GS at breach. Onboarding: reminders at business days 5 and 8, breach at day 10
to the GS and PDM. POI: reminders 5, 2 and 1 business days before the month ends.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules.calendars import RegionCalendar
from rules.clocks import (
    Absence,
    ClockKind,
    Extension,
    collaboration_clock,
    extend,
    onboarding_clock,
    poi_clock,
    response_clock,
    stop,
)
from rules.escalation import (
    DEFAULT_POLICIES,
    REMINDER_TIME,
    Action,
    Audience,
    EscalationPolicy,
    PlannedStep,
    Step,
    plan,
    steps_due,
    taken,
)
from rules.regions import DEFAULT_REGIONS

TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
H = timedelta(hours=1)
JP = RegionCalendar(DEFAULT_REGIONS["JP"])
US = RegionCalendar(DEFAULT_REGIONS["US"])


def tokyo(*args: int) -> datetime:
    return datetime(*args, tzinfo=TOKYO)  # type: ignore[misc]


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)  # type: ignore[misc]


def when(steps: list[PlannedStep]) -> list[tuple[str, datetime]]:
    return [(s.key, s.at) for s in steps]


# -- the default policies ---------------------------------------------------------------------------

def test_default_response_policy() -> None:
    steps = DEFAULT_POLICIES[ClockKind.RESPONSE].steps
    assert [(s.key, s.action, s.audience, s.before_due) for s in steps] == [
        ("remind_24h", Action.REMIND, (Audience.THREAD,), 24 * H),
        ("remind_4h", Action.DIRECT_MESSAGE, (Audience.OWNER,), 4 * H),
        ("breach", Action.BREACH, (Audience.GS,), timedelta(0)),
    ]


def test_default_onboarding_policy() -> None:
    steps = DEFAULT_POLICIES[ClockKind.ONBOARDING].steps
    assert [(s.key, s.business_day) for s in steps[:2]] == [("day_5", 5), ("day_8", 8)]
    assert steps[2].action is Action.BREACH
    assert set(steps[2].audience) == {Audience.GS, Audience.PDM}
    assert steps[2].before_due == timedelta(0)


def test_default_poi_policy() -> None:
    steps = DEFAULT_POLICIES[ClockKind.POI].steps
    assert [s.days_before_month_end for s in steps if s.days_before_month_end is not None] == [5, 2, 1]
    assert steps[-1].action is Action.BREACH


def test_default_collaboration_policy_lapses_at_the_due_time() -> None:
    steps = DEFAULT_POLICIES[ClockKind.COLLABORATION].steps
    lapse = steps[-1]
    assert lapse.action is Action.LAPSE
    assert lapse.before_due == timedelta(0)
    assert set(lapse.audience) == {Audience.GS, Audience.OWNER}      # both are told


def test_every_kind_has_a_default_policy_of_its_kind() -> None:
    for kind in ClockKind:
        assert DEFAULT_POLICIES[kind].kind is kind


# -- response plans -----------------------------------------------------------------------------------------

def test_plan_of_the_first_worked_example() -> None:
    clock = response_clock(tokyo(2025, 11, 21, 16), JP)
    steps = plan(clock, JP)
    # 24 h left = 24 h run: Fri 8 h + Tue 16 h; 4 h left = 44 h run: Wed 12:00.
    assert when(steps) == [
        ("remind_24h", tokyo(2025, 11, 25, 16)),
        ("remind_4h", tokyo(2025, 11, 26, 12)),
        ("breach", tokyo(2025, 11, 26, 16)),
    ]
    assert [s.action for s in steps] == [Action.REMIND, Action.DIRECT_MESSAGE, Action.BREACH]
    assert [s.audience for s in steps] == [(Audience.THREAD,), (Audience.OWNER,), (Audience.GS,)]


def test_plan_across_a_holiday_and_weekend() -> None:
    clock = response_clock(ny(2025, 7, 3, 15), US)
    # Thu 9 h + Mon 15 h = 24 h run -> Mon 7 Jul 15:00; 44 h run -> Tue 11:00; breach Tue 15:00.
    assert when(plan(clock, US)) == [
        ("remind_24h", ny(2025, 7, 7, 15)),
        ("remind_4h", ny(2025, 7, 8, 11)),
        ("breach", ny(2025, 7, 8, 15)),
    ]


def test_a_next_day_clock_skips_the_24_hour_reminder() -> None:
    clock = response_clock(tokyo(2025, 11, 24, 10), JP)          # due Tue 25 Nov 17:00
    assert when(plan(clock, JP)) == [
        ("remind_4h", tokyo(2025, 11, 25, 13)),
        ("breach", tokyo(2025, 11, 25, 17)),
    ]


def test_planning_again_after_an_extension_moves_the_steps() -> None:
    clock = response_clock(ny(2025, 7, 3, 15), US)
    longer = extend(clock, Extension("Dana (GS)", "Customer travelling", ny(2025, 7, 7, 9),
                                     extra=24 * H), US)
    assert longer.due_at == ny(2025, 7, 9, 15)
    # 72 business hours in all: 24 h left after 48 h run (Tue 15:00), 4 h left Wed 11:00.
    assert when(plan(longer, US)) == [
        ("remind_24h", ny(2025, 7, 8, 15)),
        ("remind_4h", ny(2025, 7, 9, 11)),
        ("breach", ny(2025, 7, 9, 15)),
    ]


def test_planning_after_a_new_due_time() -> None:
    clock = response_clock(tokyo(2025, 11, 21, 16), JP,
                           extensions=[Extension("Kenji", "Budget", tokyo(2025, 11, 25, 10),
                                                 new_due=tokyo(2025, 11, 28, 12))])
    # Business time from Fri 21 16:00 to Fri 28 12:00: 8 + 24 * 3 + 12 = 92 h.
    assert when(plan(clock, JP)) == [
        ("remind_24h", tokyo(2025, 11, 27, 12)),
        ("remind_4h", tokyo(2025, 11, 28, 8)),
        ("breach", tokyo(2025, 11, 28, 12)),
    ]


def test_a_pausing_absence_moves_the_reminders() -> None:
    away = Absence(tokyo(2025, 11, 25), tokyo(2025, 11, 26), registered_at=tokyo(2025, 11, 20))
    clock = response_clock(tokyo(2025, 11, 21, 16), JP, absences=[away])
    # Fri 8 h; Tue paused; Wed 24 h (32); Thu 00-16 (48).
    assert clock.due_at == tokyo(2025, 11, 27, 16)
    assert when(plan(clock, JP)) == [
        ("remind_24h", tokyo(2025, 11, 26, 16)),
        ("remind_4h", tokyo(2025, 11, 27, 12)),
        ("breach", tokyo(2025, 11, 27, 16)),
    ]


def test_a_stopped_clock_has_no_steps_after_the_reply() -> None:
    clock = stop(response_clock(tokyo(2025, 11, 21, 16), JP), tokyo(2025, 11, 26, 9))
    assert when(plan(clock, JP)) == [("remind_24h", tokyo(2025, 11, 25, 16))]


def test_the_delegate_is_reminded_during_the_absence() -> None:
    away = Absence(tokyo(2025, 11, 25), tokyo(2025, 11, 27), registered_at=tokyo(2025, 11, 20),
                   delegate="Aiko Sato")
    clock = response_clock(tokyo(2025, 11, 21, 16), JP, absences=[away])
    reminder = next(s for s in plan(clock, JP) if s.key == "remind_24h")
    assert reminder.at == tokyo(2025, 11, 25, 16)
    assert Audience.DELEGATE in reminder.audience


# -- other clocks -----------------------------------------------------------------------------------------

def test_collaboration_plan_counts_real_hours() -> None:
    clock = collaboration_clock(ny(2025, 10, 31, 12))            # due Mon 3 Nov 11:00 EST
    assert when(plan(clock, US)) == [
        ("remind_24h", ny(2025, 11, 2, 11)),                     # 24 real hours before, EST
        ("lapse", ny(2025, 11, 3, 11)),
    ]


def test_onboarding_plan() -> None:
    clock = onboarding_clock(date(2025, 11, 20), JP)
    steps = plan(clock, JP)
    # Business day 5 after Thu 20 Nov is Fri 28 Nov, day 8 is Wed 3 Dec; breach at the end of day 10.
    assert [(s.key, s.at.date()) for s in steps[:2]] == [("day_5", date(2025, 11, 28)),
                                                         ("day_8", date(2025, 12, 3))]
    assert all(s.at.timetz().replace(tzinfo=None) == REMINDER_TIME for s in steps[:2])
    assert steps[2].key == "breach"
    assert steps[2].at == tokyo(2025, 12, 6)
    assert set(steps[2].audience) == {Audience.GS, Audience.PDM}


def test_onboarding_plan_with_an_early_customer_date_drops_later_reminders() -> None:
    clock = onboarding_clock(date(2025, 11, 20), JP, customer_date=date(2025, 12, 1))
    assert [s.key for s in plan(clock, JP)] == ["day_5", "breach"]


def test_poi_plan_falls_on_the_last_business_days_of_the_month() -> None:
    clock = poi_clock(date(2025, 11, 30), JP, opened_at=tokyo(2025, 11, 3, 9))
    steps = plan(clock, JP)
    assert [s.key for s in steps] == ["month_end_5@2025-11", "month_end_2@2025-11",
                                      "month_end_1@2025-11", "breach"]
    days = [s.at.date() for s in steps[:3]]
    assert all(JP.is_business_day(d) and d.month == 11 for d in days)
    assert days == sorted(days)
    # November 2025's business days, latest first: 28, 27, 26, 25, (24 is a holiday) 21.
    assert days == [date(2025, 11, 21), date(2025, 11, 27), date(2025, 11, 28)]
    assert steps[-1].at == tokyo(2025, 12, 1)


def test_steps_before_the_clock_started_are_left_out() -> None:
    clock = poi_clock(date(2025, 11, 30), JP, opened_at=tokyo(2025, 11, 26, 12))
    assert [s.key for s in plan(clock, JP)] == ["month_end_2@2025-11", "month_end_1@2025-11",
                                                "breach"]


def test_month_end_steps_are_named_with_their_month() -> None:
    """A close date moved into another month is reminded again there: the keys differ."""
    november = plan(poi_clock(date(2025, 11, 30), JP, opened_at=tokyo(2025, 11, 3, 9)), JP)
    january = plan(poi_clock(date(2026, 1, 30), JP, opened_at=tokyo(2025, 11, 3, 9)), JP)
    assert {s.key for s in november} & {s.key for s in january} == {"breach"}
    assert all(len(s.key) <= 32 for s in january)  # clocks.escalation_step holds 32


# -- custom policies ----------------------------------------------------------------------------------------

def test_a_custom_response_policy() -> None:
    policy = EscalationPolicy(ClockKind.RESPONSE, (
        Step("remind_8h", Action.REMIND, (Audience.THREAD, Audience.DELEGATE), before_due=8 * H),
        Step("remind_36h", Action.REMIND, (Audience.OWNER,), before_due=36 * H),
        Step("breach", Action.BREACH, (Audience.GS, Audience.PDM), before_due=timedelta(0)),
    ))
    clock = response_clock(tokyo(2025, 11, 21, 16), JP)
    steps = plan(clock, JP, policy)
    # 36 h left = 12 h run (Fri 8 h + Tue 4 h); 8 h left = 40 h run (Wed 08:00). Sorted by time.
    assert when(steps) == [
        ("remind_36h", tokyo(2025, 11, 25, 4)),
        ("remind_8h", tokyo(2025, 11, 26, 8)),
        ("breach", tokyo(2025, 11, 26, 16)),
    ]
    assert steps[1].audience == (Audience.THREAD, Audience.DELEGATE)


def test_a_step_asking_for_more_than_the_clock_ever_had_is_left_out() -> None:
    policy = EscalationPolicy(ClockKind.RESPONSE, (
        Step("remind_60h", Action.REMIND, (Audience.THREAD,), before_due=60 * H),
        Step("breach", Action.BREACH, (Audience.GS,), before_due=timedelta(0)),
    ))
    assert [s.key for s in plan(response_clock(tokyo(2025, 11, 21, 16), JP), JP, policy)] == ["breach"]


def test_a_custom_onboarding_policy_with_a_day_zero_step() -> None:
    policy = EscalationPolicy(ClockKind.ONBOARDING, (
        Step("welcome", Action.REMIND, (Audience.THREAD,), business_day=0),
        Step("day_3", Action.DIRECT_MESSAGE, (Audience.OWNER,), business_day=3),
    ))
    clock = onboarding_clock(date(2025, 11, 20), JP)
    # Day 3 after Thu 20 Nov: Fri 21 (1), Tue 25 (2), Wed 26 (3).
    assert [(s.key, s.at.date()) for s in plan(clock, JP, policy)] == [
        ("welcome", date(2025, 11, 20)), ("day_3", date(2025, 11, 26))]


def test_a_policy_of_another_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="policy"):
        plan(response_clock(tokyo(2025, 11, 21, 16), JP), JP, DEFAULT_POLICIES[ClockKind.ONBOARDING])


@pytest.mark.parametrize("kwargs", [
    {},
    {"before_due": H, "business_day": 2},
    {"business_day": 2, "days_before_month_end": 1},
    {"before_due": -H},
    {"business_day": -1},
    {"days_before_month_end": -2},
])
def test_invalid_triggers_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="step 'bad'"):
        Step("bad", Action.REMIND, (Audience.THREAD,), **kwargs)  # type: ignore[arg-type]


def test_a_step_must_tell_someone() -> None:
    with pytest.raises(ValueError, match="tell someone"):
        Step("bad", Action.REMIND, (), before_due=H)


def test_steps_due_between_two_sweeps() -> None:
    steps = plan(response_clock(tokyo(2025, 11, 21, 16), JP), JP)
    assert [s.key for s in steps_due(steps, tokyo(2025, 11, 25, 16), tokyo(2025, 11, 26, 16))] == \
        ["remind_4h", "breach"]
    assert steps_due(steps, tokyo(2025, 11, 26, 16), tokyo(2025, 12, 1)) == []
    assert [s.key for s in steps_due(steps, tokyo(2025, 11, 21), tokyo(2025, 11, 25, 16))] == ["remind_24h"]


def test_a_step_recorded_before_months_were_named_still_counts_as_taken() -> None:
    steps = plan(poi_clock(date(2025, 11, 30), JP, opened_at=tokyo(2025, 11, 3, 9)), JP)
    assert taken(steps, "month_end_2") == taken(steps, "month_end_2@2025-11") == 1
    assert taken(steps, None) == taken(steps, "remind_24h") == -1
    assert taken(steps, "breach") == 3
