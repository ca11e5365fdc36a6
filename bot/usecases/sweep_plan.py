"""What a swept clock does next, decided once per distinct input: thousands of clocks due at once
mostly share a calendar, a start time and a last step, so each distinct (calendar, clock inputs,
last step) is rebuilt and planned once per sweep and the decision reused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from rules import clocks as rc
from rules.calendars import RegionCalendar
from rules.clocks import remaining
from rules.escalation import Action, PlannedStep, plan, taken
from storage.mapping import ClockInputs, clock_from

__all__ = ["Decision", "Planner"]


@dataclass(frozen=True, slots=True)
class Decision:
    """A clock's plan at `now`: the step to take (None: nothing due yet), the time left then,
    and when the sweep should look at it again."""

    clock: rc.Clock
    calendar: RegionCalendar
    chosen: PlannedStep | None
    left: timedelta
    next_action_at: datetime | None


class Planner:
    """Decisions at one instant, remembered by their inputs (one sweep's worth)."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._clocks: dict[tuple[int, ClockInputs], rc.Clock | None] = {}
        self._decisions: dict[tuple[int, ClockInputs, str | None], Decision] = {}
        self._calendars: dict[int, RegionCalendar] = {}

    def clock(self, inputs: ClockInputs, calendar: RegionCalendar) -> rc.Clock | None:
        """The rule clock of `inputs` on `calendar` (None: the rules cannot rebuild it)."""
        key = (id(calendar), inputs)
        if key not in self._clocks:
            self._calendars[id(calendar)] = calendar  # kept alive: its id stays its own
            self._clocks[key] = clock_from(inputs, calendar)
        return self._clocks[key]

    def decide(self, clock: rc.Clock, inputs: ClockInputs, calendar: RegionCalendar,
               last_step: str | None) -> Decision:
        """The step due at `now` after `last_step` (a breach or lapse before any reminder;
        else the latest), and the next step after it."""
        key = (id(calendar), inputs, last_step)
        found = self._decisions.get(key)
        if found is None:
            found = self._decisions[key] = self._decide(clock, calendar, last_step)
        return found

    def _decide(self, clock: rc.Clock, calendar: RegionCalendar, last_step: str | None
                ) -> Decision:
        now = self.now
        steps = plan(clock, calendar)
        pending = steps[taken(steps, last_step) + 1:]
        due_now = [s for s in pending if s.at <= now]
        later = [s for s in pending if s.at > now]
        if not due_now:
            return Decision(clock, calendar, None, timedelta(0), later[0].at if later else None)
        final = [s for s in due_now if s.action in (Action.BREACH, Action.LAPSE)]
        chosen = final[0] if final else due_now[-1]
        after = [s for s in later if s.at > chosen.at]
        return Decision(clock, calendar, chosen, remaining(clock, calendar, now),
                        after[0].at if after else None)
