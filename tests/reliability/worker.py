"""A Coseller worker for the reliability tests: it loops the clock sweep and the outbox delivery
against one database and a (fake) Slack Web API, as the scheduler does in a replica, until it is
killed or, with `--until`, until the work due by then is done.

Its time is virtual, shared by every worker of a test whatever their restarts: `--t0` at the
wall-clock instant `--epoch`, running `--speed` times faster (0: frozen at `--t0`), so that what
takes hours in the rules (leases, backoff, escalation steps) passes in seconds.

    python tests/reliability/worker.py --db URL --slack http://127.0.0.1:PORT/api/ \\
        --t0 2025-12-04T03:00:00+00:00 --epoch 1764800000.0 --speed 60 [--until ...]

A database error (PostgreSQL gone, a connection cut) does not end it: the loop goes on after a
short pause, as the scheduler's next run would.

`--scheduler SECONDS` runs the real scheduler and the outbox pump instead of the loop, as
`coseller scheduler` does (`scheduler.build_scheduler`: the sweep and the outbox jobs at start
and every SECONDS, each run guarded and logged as in production), on the connection limits of
the `DATABASE_*` environment.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from slack_sdk import WebClient
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

import bot.usecases.sweep as sweep_module
import bot.views.deal_card  # noqa: F401 - the card renderer
from bot.bootstrap import Services, bootstrap
from bot.config import Settings
from bot.outbox import deliver_round
from bot.pacing import Pacer
from scheduler import build_scheduler, job_table
from storage.models import Clock, ClockState, OutboxMessage, OutboxState

log = logging.getLogger("worker")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--slack", required=True)
    parser.add_argument("--t0", required=True, type=datetime.fromisoformat)
    parser.add_argument("--epoch", required=True, type=float)
    parser.add_argument("--speed", type=float, default=0.0)
    parser.add_argument("--until", type=datetime.fromisoformat)
    parser.add_argument("--name", default="w")
    parser.add_argument("--sweep-limit", type=int, default=200)
    parser.add_argument("--deliver-limit", type=int, default=50)
    parser.add_argument("--scheduler", type=float, default=0.0,
                        help="run the real scheduler, its jobs every SECONDS")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format=f"{args.name} %(levelname)s %(name)s: %(message)s")
    t0: datetime = args.t0
    epoch: float = args.epoch
    speed: float = args.speed

    def now() -> datetime:
        return t0 + timedelta(seconds=(time.time() - epoch) * speed)

    settings = Settings(bot_token="xoxb-worker", database_url=args.db, slack_api_url=args.slack)
    services = bootstrap(settings, clock=now, migrate=False)
    services.worker = f"{args.name}-{os.getpid()}"
    services.pacer = Pacer(0.0)
    client = WebClient(token="xoxb-worker", base_url=args.slack, timeout=5)
    with services.engine.connect():
        pass
    print("ready", flush=True)
    if args.scheduler:
        return _scheduled(services, args.scheduler, args.until, now)
    errors = acted = sent = 0
    while True:
        try:
            swept = sweep_module.sweep(services, limit=args.sweep_limit)
            done = deliver_round(services, client, limit=args.deliver_limit)
            acted += swept.acted
            sent += done.sent
            if args.until is not None and now() >= args.until and swept.claimed == 0 \
                    and done.sent == 0 and _idle(services):
                log.warning("done: acted on %d clocks, sent %d messages, survived %d database "
                            "errors", acted, sent, errors)
                return 0
            if swept.claimed == 0 and done.sent == 0 and done.failed == 0:
                time.sleep(0.02)
        except DBAPIError as error:
            errors += 1
            log.warning("database error, carrying on: %s", str(error).splitlines()[0])
            time.sleep(0.2)


def _scheduled(services: Services, seconds: float, until: datetime | None,
               now: Callable[[], datetime]) -> int:
    """The sweep and the outbox as the production scheduler runs them, until the work due by
    `until` is done."""
    services.jobs = [job for job in job_table(services, sweep_seconds=seconds,
                                              outbox_seconds=seconds)
                     if job.id in ("sweep-clocks", "deliver-outbox")]
    jobs = build_scheduler(services)
    pump = services.pump
    assert pump is not None
    pump.start()                           # as `coseller scheduler` does
    jobs.start()
    try:
        while True:
            time.sleep(0.1)
            try:
                if until is not None and now() >= until and _idle(services):
                    break
            except DBAPIError:
                continue   # the jobs say so in the log
    finally:
        jobs.shutdown(wait=True)
        pump.stop()
    log.warning("done: scheduled work finished")
    return 0


def _idle(services: Services) -> bool:
    """Nothing left to do by now: no message waiting, no clock whose step has come."""
    with services.uow() as uow:
        pending = uow.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.state == OutboxState.PENDING)) or 0
        due = uow.session.scalar(select(func.count()).select_from(Clock).where(
            Clock.state == ClockState.RUNNING, Clock.next_action_at <= services.now())) or 0
    return pending == 0 and due == 0


if __name__ == "__main__":
    sys.exit(main())
