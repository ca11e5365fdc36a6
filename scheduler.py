"""APScheduler wiring only: which job runs when. Each job calls one use case.

APScheduler 3 job stores cannot be shared by processes, so every replica runs its own scheduler
on an in-memory job store; the work itself (clocks, outbox rows) is claimed row by row in the
database, so any number of replicas can run these same jobs without doing anything twice.

    scheduler = build_scheduler(runtime)   # started inside the bot
    coseller scheduler                     # or alone
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import TYPE_CHECKING

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.outbox import deliver_due
from bot.usecases.periodic import bant_prompts, ensure_clocks, gs_digests, pdm_digests
from bot.usecases.sweep import sweep

if TYPE_CHECKING:
    from bot.app import Runtime

__all__ = ["JOB_DEFAULTS", "build_scheduler", "run_alone"]

log = logging.getLogger(__name__)

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}


def build_scheduler(runtime: Runtime, *, sweep_seconds: int = 30,
                    outbox_seconds: int = 2) -> BackgroundScheduler:
    """The jobs: the clock sweep and the outbox on intervals, and per region, in the region's
    own time zone, the BANT prompts, the POI/onboarding clocks and the GS digest on business
    mornings; the PDM digest on Monday mornings."""
    services = runtime.services
    scheduler = BackgroundScheduler(jobstores={"default": MemoryJobStore()},
                                    executors={"default": ThreadPoolExecutor(4)},
                                    job_defaults=JOB_DEFAULTS, timezone="UTC")
    scheduler.add_job(sweep, IntervalTrigger(seconds=sweep_seconds, timezone="UTC"),
                      id="sweep-clocks", args=[services], misfire_grace_time=sweep_seconds)
    scheduler.add_job(deliver_due, IntervalTrigger(seconds=outbox_seconds, timezone="UTC"),
                      id="deliver-outbox", args=[services, runtime.client],
                      misfire_grace_time=outbox_seconds * 5)
    scheduler.add_job(ensure_clocks, IntervalTrigger(minutes=15, timezone="UTC"),
                      id="ensure-clocks", args=[services])
    scheduler.add_job(pdm_digests, CronTrigger(day_of_week="mon", hour=9, timezone="UTC"),
                      id="digest-pdm", args=[services])
    for code in services.regions.codes():
        zone = services.regions.spec(code).timezone
        days = ",".join(("mon", "tue", "wed", "thu", "fri", "sat", "sun")[d]
                        for d in sorted(services.regions.spec(code).workweek))
        scheduler.add_job(bant_prompts, CronTrigger(day_of_week=days, hour=9, minute=30,
                                                    timezone=zone),
                          id=f"bant-prompts:{code}", args=[services, code])
        scheduler.add_job(gs_digests, CronTrigger(day_of_week=days, hour=8, minute=30,
                                                  timezone=zone),
                          id=f"digest-gs:{code}", args=[services, code])
    return scheduler


def run_alone(runtime: Runtime) -> None:
    """Run only the scheduler (`coseller scheduler`) until SIGINT or SIGTERM."""
    scheduler = build_scheduler(runtime)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    scheduler.start()
    log.info("scheduler running: %s", ", ".join(job.id for job in scheduler.get_jobs()))
    stop.wait()
    scheduler.shutdown(wait=True)
