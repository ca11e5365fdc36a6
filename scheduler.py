"""APScheduler wiring only: which job runs when. Each job calls one use case.

APScheduler 3 job stores cannot be shared by processes, so every replica runs its own scheduler
on an in-memory job store; the work itself (clocks, outbox rows) is claimed row by row in the
database, so any number of replicas can run these same jobs without doing anything twice.

    services.jobs = job_table(services)     # done by bot.bootstrap
    scheduler = build_scheduler(services)   # started inside the bot
    coseller scheduler                      # or alone

Interval jobs (the sweep, the outbox, ...) run once at start, then every `every` seconds: a
worker that restarts often still sweeps and delivers. `COSELLER_SWEEP_SECONDS` (default 30) and
`COSELLER_OUTBOX_SECONDS` (default 2) set the two main intervals. A job that fails on the database
(gone, refused, too slow to answer) logs one line saying so and runs again at its next time.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import signal
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import DBAPIError

from bot.config import ConfigError
from bot.outbox import deliver_due
from bot.outbox.sending import senders_from_env
from bot.services import Job
from bot.usecases.closures import load_closures
from bot.usecases.periodic import bant_prompts, ensure_clocks, gs_digests, pdm_digests
from bot.usecases.sweep import sweep
from storage.pg_guard import unavailable

if TYPE_CHECKING:
    from bot.services import Services

__all__ = ["JOB_DEFAULTS", "build_scheduler", "guarded", "interval", "job_table", "run_alone",
           "trigger"]

log = logging.getLogger(__name__)

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def interval(name: str, default: float, env: Mapping[str, str] | None = None) -> float:
    """Seconds from the environment variable `name` (a positive number), else `default`;
    `ConfigError` naming the variable otherwise."""
    raw = (os.environ if env is None else env).get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}: expected a number of seconds, got {raw!r}") from None
    if not 0 < value < math.inf:
        raise ConfigError(f"{name}: expected a number of seconds above 0, got {raw!r}")
    return value


def check_settings(env: Mapping[str, str] | None = None) -> None:
    """Read the scheduler's and the outbox's settings once before anything starts, so that a bad
    value is one line at start (`ConfigError`), not a failure after the database was touched."""
    interval("COSELLER_SWEEP_SECONDS", 30.0, env)
    interval("COSELLER_OUTBOX_SECONDS", 2.0, env)
    senders_from_env(None if env is None else dict(env))


def job_table(services: Services, *, sweep_seconds: float | None = None,
              outbox_seconds: float | None = None) -> list[Job]:
    """The jobs: the clock sweep and the outbox on intervals (by default
    `COSELLER_SWEEP_SECONDS`, 30, and `COSELLER_OUTBOX_SECONDS`, 2), and per region, in the
    region's own time zone, the BANT prompts and the GS digest on business mornings; the
    POI/onboarding clocks every 15 minutes; the PDM digest on Monday mornings."""
    if sweep_seconds is None:
        sweep_seconds = interval("COSELLER_SWEEP_SECONDS", 30.0)
    if outbox_seconds is None:
        outbox_seconds = interval("COSELLER_OUTBOX_SECONDS", 2.0)
    run = functools.partial
    jobs = [
        Job("sweep-clocks", run(sweep, services), every=sweep_seconds),
        Job("deliver-outbox", run(deliver_due, services, services.client), every=outbox_seconds),
        Job("ensure-clocks", run(ensure_clocks, services), every=15 * 60),
        Job("digest-pdm", run(pdm_digests, services), cron={"day_of_week": "mon", "hour": "9"}),
        # closures added or removed by another process, into this one's region calendars
        Job("calendar-closures", run(load_closures, services), every=60),
    ]
    for code in services.regions.codes():
        spec = services.regions.spec(code)
        days = ",".join(_DAYS[d] for d in sorted(spec.workweek))
        jobs.append(Job(f"bant-prompts:{code}", run(bant_prompts, services, code),
                        cron={"day_of_week": days, "hour": "9", "minute": "30"},
                        timezone=spec.timezone))
        jobs.append(Job(f"digest-gs:{code}", run(gs_digests, services, code),
                        cron={"day_of_week": days, "hour": "8", "minute": "30"},
                        timezone=spec.timezone))
    return jobs


def trigger(job: Job) -> BaseTrigger:
    """The APScheduler trigger of a job."""
    if job.every is not None:
        return IntervalTrigger(seconds=job.every, timezone=job.timezone)
    return CronTrigger(timezone=job.timezone, **(job.cron or {}))


def guarded(job: Job) -> Callable[[], object]:
    """`job.run`, saying in one log line why a run failed: the database unreachable or too
    slow (the next run tries again), or anything else (with its traceback). APScheduler alone
    would print a traceback per run, or only "maximum number of running instances reached"
    when a run hung."""

    def run() -> object:
        started = time.monotonic()
        try:
            return job.run()
        except DBAPIError as error:
            log.warning("job %s failed after %.1f s: %s; it runs again at its next time",
                        job.id, time.monotonic() - started, unavailable(error))
        except Exception:
            log.exception("job %s failed after %.1f s; it runs again at its next time", job.id,
                          time.monotonic() - started)
        return None

    return run


def build_scheduler(services: Services) -> BackgroundScheduler:
    """A scheduler (not started) running every job of `services.jobs`; interval jobs run at
    start first (a worker restarting often must not wait a whole interval to work)."""
    scheduler = BackgroundScheduler(jobstores={"default": MemoryJobStore()},
                                    executors={"default": ThreadPoolExecutor(4)},
                                    job_defaults=JOB_DEFAULTS, timezone="UTC")
    start = datetime.now(UTC)
    for job in services.jobs:
        options: dict[str, object] = {}
        if job.every:
            options = {"misfire_grace_time": max(1, int(job.every * 5)), "next_run_time": start}
        scheduler.add_job(guarded(job), trigger(job), id=job.id, name=job.id, **options)
    return scheduler


def run_alone(services: Services) -> None:
    """Run only the scheduler and the outbox pump (`coseller scheduler`) until SIGINT or
    SIGTERM."""
    scheduler = build_scheduler(services)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    if services.pump is not None:
        services.pump.start()
    scheduler.start()
    log.info("scheduler running: %s", ", ".join(job.id for job in scheduler.get_jobs()))
    stop.wait()
    scheduler.shutdown(wait=True)
    if services.pump is not None:
        services.pump.stop()
