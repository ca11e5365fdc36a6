"""APScheduler wiring only: which job runs when. Each job calls one use case.

APScheduler 3 job stores cannot be shared by processes, so every replica runs its own scheduler
on an in-memory job store; the work itself (clocks, outbox rows) is claimed row by row in the
database, so any number of replicas can run these same jobs without doing anything twice.

    services.jobs = job_table(services)     # done by bot.bootstrap
    scheduler = build_scheduler(services)   # started inside the bot
    coseller scheduler                      # or alone
"""

from __future__ import annotations

import functools
import logging
import signal
import threading
from typing import TYPE_CHECKING

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.outbox import deliver_due
from bot.services import Job
from bot.usecases.closures import load_closures
from bot.usecases.periodic import bant_prompts, ensure_clocks, gs_digests, pdm_digests
from bot.usecases.sweep import sweep

if TYPE_CHECKING:
    from bot.services import Services

__all__ = ["JOB_DEFAULTS", "build_scheduler", "job_table", "run_alone", "trigger"]

log = logging.getLogger(__name__)

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def job_table(services: Services, *, sweep_seconds: float = 30,
              outbox_seconds: float = 2) -> list[Job]:
    """The jobs: the clock sweep and the outbox on intervals, and per region, in the region's
    own time zone, the BANT prompts and the GS digest on business mornings; the POI/onboarding
    clocks every 15 minutes; the PDM digest on Monday mornings."""
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


def build_scheduler(services: Services) -> BackgroundScheduler:
    """A scheduler (not started) running every job of `services.jobs`."""
    scheduler = BackgroundScheduler(jobstores={"default": MemoryJobStore()},
                                    executors={"default": ThreadPoolExecutor(4)},
                                    job_defaults=JOB_DEFAULTS, timezone="UTC")
    for job in services.jobs:
        options = {"misfire_grace_time": max(1, int(job.every * 5))} if job.every else {}
        scheduler.add_job(job.run, trigger(job), id=job.id, **options)
    return scheduler


def run_alone(services: Services) -> None:
    """Run only the scheduler and the outbox pump (`coseller scheduler`) until SIGINT or
    SIGTERM."""
    scheduler = build_scheduler(services)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    scheduler.start()
    log.info("scheduler running: %s", ", ".join(job.id for job in scheduler.get_jobs()))
    stop.wait()
    scheduler.shutdown(wait=True)
