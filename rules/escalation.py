"""Escalation policies: ordered steps, each at a point of a clock's life, each naming whom to tell.

Modelled on PagerDuty escalation policies. A step fires when a given amount of time remains before
the due time (business time for response clocks), on the n-th business day of an onboarding clock,
or n business days before the month of the expected close ends (POI). `plan` turns a clock and a
policy into dated steps; planning again after an extension or a calendar change gives the new plan.
A planned step's key names it once (`remind_24h`; a month-end step with its month,
`month_end_5@2026-02`): the sweep records it as done and its messages are unique by it.
Every number is configuration; the defaults are the spec's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from rules.calendars import RegionCalendar
from rules.clocks import Clock, ClockKind, when_left

__all__ = [
    "DEFAULT_POLICIES",
    "Action",
    "Audience",
    "EscalationPolicy",
    "PlannedStep",
    "Step",
    "plan",
    "taken",
]

REMINDER_TIME = time(9, 0)


class Action(StrEnum):
    """What a step does."""

    REMIND = "remind"
    DIRECT_MESSAGE = "direct_message"
    BREACH = "breach"
    LAPSE = "lapse"


class Audience(StrEnum):
    """Whom a step tells."""

    THREAD = "thread"
    OWNER = "owner"
    DELEGATE = "delegate"
    GS = "gs"
    PDM = "pdm"


@dataclass(frozen=True, slots=True)
class Step:
    """One step. Exactly one trigger: `before_due`, `business_day` or `days_before_month_end`."""

    key: str
    action: Action
    audience: tuple[Audience, ...]
    before_due: timedelta | None = None
    business_day: int | None = None
    days_before_month_end: int | None = None

    def __post_init__(self) -> None:
        triggers = [self.before_due, self.business_day, self.days_before_month_end]
        if sum(t is not None for t in triggers) != 1:
            raise ValueError(f"step {self.key!r} needs exactly one trigger")
        if self.before_due is not None and self.before_due < timedelta(0):
            raise ValueError(f"step {self.key!r}: before_due cannot be negative")
        for n in (self.business_day, self.days_before_month_end):
            if n is not None and n < 0:
                raise ValueError(f"step {self.key!r}: day counts cannot be negative")
        if not self.audience:
            raise ValueError(f"step {self.key!r} must tell someone")


@dataclass(frozen=True, slots=True)
class EscalationPolicy:
    """An ordered list of steps for one kind of clock."""

    kind: ClockKind
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True, order=True)
class PlannedStep:
    """A step with the instant it falls due."""

    at: datetime
    key: str
    action: Action
    audience: tuple[Audience, ...]


_H = timedelta(hours=1)
DEFAULT_POLICIES: Mapping[ClockKind, EscalationPolicy] = {
    ClockKind.RESPONSE: EscalationPolicy(ClockKind.RESPONSE, (
        Step("remind_24h", Action.REMIND, (Audience.THREAD,), before_due=24 * _H),
        Step("remind_4h", Action.DIRECT_MESSAGE, (Audience.OWNER,), before_due=4 * _H),
        Step("breach", Action.BREACH, (Audience.GS,), before_due=timedelta(0)),
    )),
    ClockKind.COLLABORATION: EscalationPolicy(ClockKind.COLLABORATION, (
        Step("remind_24h", Action.DIRECT_MESSAGE, (Audience.OWNER,), before_due=24 * _H),
        Step("lapse", Action.LAPSE, (Audience.GS, Audience.OWNER), before_due=timedelta(0)),
    )),
    ClockKind.ONBOARDING: EscalationPolicy(ClockKind.ONBOARDING, (
        Step("day_5", Action.REMIND, (Audience.THREAD,), business_day=5),
        Step("day_8", Action.DIRECT_MESSAGE, (Audience.OWNER,), business_day=8),
        Step("breach", Action.BREACH, (Audience.GS, Audience.PDM), before_due=timedelta(0)),
    )),
    ClockKind.POI: EscalationPolicy(ClockKind.POI, (
        Step("month_end_5", Action.REMIND, (Audience.THREAD,), days_before_month_end=5),
        Step("month_end_2", Action.DIRECT_MESSAGE, (Audience.OWNER,), days_before_month_end=2),
        Step("month_end_1", Action.DIRECT_MESSAGE, (Audience.OWNER, Audience.GS),
             days_before_month_end=1),
        Step("breach", Action.BREACH, (Audience.GS,), before_due=timedelta(0)),
    )),
}


def _last_business_days(calendar: RegionCalendar, year: int, month: int) -> list[date]:
    """Business days of the month, latest first."""
    day = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    found: list[date] = []
    while day.month == month:
        if calendar.is_business_day(day):
            found.append(day)
        day -= timedelta(days=1)
    return found


def _trigger_at(step: Step, clock: Clock, calendar: RegionCalendar) -> datetime | None:
    if step.before_due is not None:
        return when_left(clock, calendar, step.before_due)
    start_day = calendar.local_date(clock.started_at)
    if step.business_day is not None:
        if step.business_day == 0:
            return clock.started_at
        day = calendar.business_day_after(start_day, step.business_day)
        return calendar.local_time(day, REMINDER_TIME)
    assert step.days_before_month_end is not None
    due_day = calendar.local_date(clock.due_at - timedelta(microseconds=1))
    days = _last_business_days(calendar, due_day.year, due_day.month)
    index = step.days_before_month_end - 1
    if not 0 <= index < len(days):
        return None
    return calendar.local_time(days[index], REMINDER_TIME)


def _audience(step: Step, clock: Clock, at: datetime) -> tuple[Audience, ...]:
    """During an absence with a delegate, the delegate is told instead of the owner; a thread
    reminder also reaches the delegate."""
    if not any(a.covers(at) for a in clock.delegated):
        return step.audience
    if Audience.OWNER in step.audience:
        return tuple(Audience.DELEGATE if a is Audience.OWNER else a for a in step.audience)
    if Audience.THREAD in step.audience:
        return (*step.audience, Audience.DELEGATE)
    return step.audience


def plan(clock: Clock, calendar: RegionCalendar,
         policy: EscalationPolicy | None = None) -> list[PlannedStep]:
    """The steps of `policy` (the default for the clock's kind) with their instants, in order.

    Steps that would fall before the clock started, or after it is due (but for the due step
    itself), are left out. A stopped clock has no steps left after it stopped.
    """
    chosen = policy or DEFAULT_POLICIES[clock.kind]
    if chosen.kind is not clock.kind:
        raise ValueError(f"a {chosen.kind} policy cannot plan a {clock.kind} clock")
    planned: list[PlannedStep] = []
    for step in chosen.steps:
        at = _trigger_at(step, clock, calendar)
        if at is None or at < clock.started_at or at > clock.due_at:
            continue
        if clock.stopped_at is not None and at > clock.stopped_at:
            continue
        planned.append(PlannedStep(at, _key(step, clock, calendar), step.action,
                                   _audience(step, clock, at)))
    return sorted(planned)


def _key(step: Step, clock: Clock, calendar: RegionCalendar) -> str:
    """A step's key, which names it once: a month-end step names its month as well
    (`month_end_5@2026-02`), so that a due date moved into another month is reminded again in
    that month, and never twice in the same one."""
    if step.days_before_month_end is None:
        return step.key
    due_day = calendar.local_date(clock.due_at - timedelta(microseconds=1))
    return f"{step.key}@{due_day:%Y-%m}"


def taken(planned: Sequence[PlannedStep], done: str | None) -> int:
    """The index in `planned` of the step recorded as done (-1: none yet). A key recorded
    before month-end steps named their month (`month_end_5`) still matches its step."""
    for index, step in enumerate(planned):
        if step.key == done:
            return index
    return next((i for i, s in enumerate(planned) if s.key.split("@")[0] == done), -1)


def steps_due(planned: Sequence[PlannedStep], since: datetime, now: datetime) -> list[PlannedStep]:
    """Planned steps falling in (`since`, `now`]: what a sweep must act on."""
    return [s for s in planned if since < s.at <= now]
