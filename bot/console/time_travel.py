"""The console's time travel: an injected clock that `/advance` moves, and the scheduler's own jobs
run when they would have fired meanwhile.

    machine = TimeMachine(services, clock)
    machine.advance(parse_duration("3d"))     # ids of the jobs that ran, in order

The jobs are `services.jobs`, the table `scheduler.job_table` builds for the real scheduler, and
their fire times come from the same APScheduler triggers (`scheduler.trigger`), so digests and
BANT prompts come exactly when the scheduler would send them, in each region's time zone. Cron
jobs run at their fire time, with the clock set to it; interval jobs (the sweep, the outbox) run
coalesced, once at each of those instants and at the end, as APScheduler runs a late job once.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from scheduler import trigger
from storage.unit_of_work import utc_now

if TYPE_CHECKING:
    from apscheduler.triggers.base import BaseTrigger

    from bot.services import Job, Services

__all__ = ["ConsoleClock", "TimeMachine"]

log = logging.getLogger(__name__)



class ConsoleClock:
    """The injected clock: the real time (or a fixed `start`) plus how far `/advance` moved it.

    A clock given a `start` stands still between moves (the tests'); one without follows the
    real time. `resume` puts either at a saved time (the console's time kept with its
    database), `restart` back where it began (`/reset`)."""

    def __init__(self, start: datetime | None = None) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("the console clock needs an aware start time")
        self._start = start
        self._first = start
        self._anchor: datetime | None = None   # real time at which a live clock stood at _start
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        if self._start is None:
            return utc_now() + self.offset
        if self._anchor is None:
            return self._start + self.offset
        return self._start + (utc_now() - self._anchor) + self.offset

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by `delta`; the new now."""
        self.offset += delta
        return self()

    def move_to(self, moment: datetime) -> datetime:
        """Move to `moment` (never backwards); the new now."""
        return self.advance(max(timedelta(0), moment - self()))

    def resume(self, saved: datetime) -> datetime:
        """Stand at `saved` (a live clock goes on from there); the new now."""
        self._anchor = None if self._first is not None else utc_now()
        self._start, self.offset = saved, timedelta(0)
        return self()

    def restart(self) -> datetime:
        """Back to where the clock began (its `start`, or the real time); the new now."""
        self._start, self._anchor, self.offset = self._first, None, timedelta(0)
        return self()


def _fire_times(schedule: BaseTrigger, after: datetime, until: datetime) -> Iterator[datetime]:
    moment = schedule.get_next_fire_time(after, after)
    while moment is not None and moment <= until:
        yield moment.astimezone(UTC)
        moment = schedule.get_next_fire_time(moment, moment)


class TimeMachine:
    """Moves the console's clock and runs the jobs of `services.jobs` that fall due on the way."""

    def __init__(self, services: Services, clock: ConsoleClock) -> None:
        self.services = services
        self.clock = clock
        self._origin = clock()
        self._last: dict[str, datetime] = {}

    def restart(self) -> None:
        """Forget which jobs ran: the jobs run again from the clock's now (after `/reset`)."""
        self._origin = self.clock()
        self._last.clear()

    def _last_run(self, job: Job) -> datetime:
        return self._last.get(job.id, self._origin)

    def _due(self, job: Job, schedule: BaseTrigger, now: datetime) -> datetime | None:
        """The fire time `job` runs for at `now` (the latest one missed), or None."""
        last = self._last_run(job)
        first: datetime | None = schedule.get_next_fire_time(last, last)
        if first is None or first > now:
            return None
        if job.every:
            missed = math.floor((now - first).total_seconds() / job.every)
            return first.astimezone(UTC) + timedelta(seconds=missed * job.every)
        return max(_fire_times(schedule, last, now))

    def advance(self, delta: timedelta) -> list[str]:
        """Move the clock forward by `delta`, running each job when it would have fired; the ids
        of the jobs that ran, in order. Besides the timed jobs' fire times, time stops at each
        clock's next step (a reminder, a breach), where the real scheduler's sweep (every
        minute) would act: a reminder says the hours left when it is sent, not hours later."""
        end = self.clock() + delta
        jobs = list(self.services.jobs)
        schedules = {job.id: trigger(job) for job in jobs}
        stops = {end}
        for job in jobs:
            if job.every is None:
                stops.update(_fire_times(schedules[job.id], self._last_run(job), end))
        ran: list[str] = []
        while stops:
            step = self._next_step(self.clock())
            stop = min(stops if step is None or step >= end else {*stops, step})
            stops.discard(stop)
            self.clock.move_to(stop)
            for job in jobs:
                due = self._due(job, schedules[job.id], stop)
                if due is None:
                    continue
                self._last[job.id] = due
                try:
                    job.run()
                except Exception:  # one failing job must not stop the others, as in APScheduler
                    log.exception("console: job %s failed", job.id)
                ran.append(job.id)
        return ran

    def _next_step(self, now: datetime) -> datetime | None:
        """The next clock step after `now`, or None."""
        with self.services.uow(actor="console") as uow:
            return uow.clocks.next_action_after(now)
