"""The scheduler works from its start: interval jobs (the sweep, the outbox) run at once, then
every `COSELLER_SWEEP_SECONDS` / `COSELLER_OUTBOX_SECONDS`; so a worker that restarts far more
often than its intervals still sweeps and delivers everything, exactly once."""

from __future__ import annotations

import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import ConfigError
from bot.services import Services
from scheduler import build_scheduler, interval, job_table
from tests.fakes.slack import FakeSlack

from .conftest import Clock
from .support import (
    check_exactly_once,
    killing,
    make_services,
    posted,
    seed_due_clocks,
    start_worker,
    utc,
    wait_ready,
)

T0 = utc(2025, 12, 4, 3, 0)        # Thu 4 Dec 2025 12:00 in Tokyo


def test_interval_jobs_run_at_start_and_cron_jobs_at_their_time(services: Services) -> None:
    before = datetime.now(UTC)
    scheduler = build_scheduler(services)
    scheduler.start(paused=True)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)
    for ident in ("sweep-clocks", "deliver-outbox", "ensure-clocks", "calendar-closures"):
        assert jobs[ident].next_run_time <= datetime.now(UTC), ident
        assert jobs[ident].next_run_time >= before - timedelta(seconds=1), ident
    assert jobs["digest-pdm"].next_run_time.weekday() == 0     # Monday morning, not now


def test_intervals_come_from_the_environment(services: Services,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    every = {job.id: job.every for job in job_table(services)}
    assert every["sweep-clocks"] == 30 and every["deliver-outbox"] == 2
    monkeypatch.setenv("COSELLER_SWEEP_SECONDS", "5")
    monkeypatch.setenv("COSELLER_OUTBOX_SECONDS", "0.5")
    every = {job.id: job.every for job in job_table(services)}
    assert every["sweep-clocks"] == 5 and every["deliver-outbox"] == 0.5
    for wrong in ("soon", "0", "-3", "nan", "inf"):
        with pytest.raises(ConfigError, match="COSELLER_SWEEP_SECONDS"):
            interval("COSELLER_SWEEP_SECONDS", 30, {"COSELLER_SWEEP_SECONDS": wrong})


def test_a_worker_restarting_far_more_often_than_its_intervals_still_delivers_everything(
        tmp_path: Path, slack: FakeSlack) -> None:
    """Each life of the worker lasts a second once it is ready (killed then, mid-work), far
    less than its hour-long intervals: only the runs at start can do the work."""
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    services = make_services(url, slack, Clock(T0))
    count = 15
    span = timedelta(minutes=3)                        # 3 s at 60 times the wall clock
    instants = [T0 + timedelta(seconds=2) + span * i / count for i in range(count)]
    steps = [("remind_24h", "remind_4h", "breach")[i % 3] for i in range(count)]
    seeded = seed_due_clocks(services, instants=instants, steps=steps)
    log = tmp_path / "lives.log"
    epoch = time.time()
    lives = 0
    processes: list[subprocess.Popen[str]] = []
    with killing(processes):
        while True:
            lives += 1
            assert lives <= 20, log.read_text()[-3000:]
            worker = start_worker(url, slack, log, t0=T0, epoch=epoch, speed=60.0,
                                  until=T0 + span + timedelta(minutes=1), name=f"life{lives}",
                                  extra=("--scheduler", "3600"))
            processes.append(worker)
            wait_ready(worker, log)
            born = time.monotonic()
            while worker.poll() is None and time.monotonic() - born < 1:
                time.sleep(0.02)
            if f"life{lives} WARNING worker: done" in log.read_text():  # nothing left to do
                assert worker.wait(30) == 0, log.read_text()[-3000:]
                break
            worker.kill()
            worker.wait()
    assert lives >= 2 and sum(posted(slack).values()) >= count
    check_exactly_once(services, slack, set(seeded.expected.values()))
    services.engine.dispose()
