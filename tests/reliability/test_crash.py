"""Crash safety: a worker process looping sweep and delivery is killed with SIGKILL at random
points, 20 times, and restarted each time; then it runs to completion. About 200 messages fall due
over the run (24-hour thread reminders, 4-hour DMs, breach notices, PDM notices). The fake Slack
runs in this process and counts chat.postMessage per idempotency key (from the messages'
metadata): every expected key delivered, none twice. On SQLite, and on PostgreSQL (a schema of its
own) when TEST_DATABASE_URL is set."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

from tests.fakes.slack import FakeSlack

from .conftest import Clock
from .support import (
    check_exactly_once,
    finish,
    killing,
    make_services,
    seed_due_clocks,
    start_worker,
    utc,
    wait_ready,
)

KILLS = 20
SPEED = 60.0                       # one real second is a virtual minute: a lease lasts 5 s
T0 = utc(2025, 12, 4, 3, 0)        # Thu 4 Dec 2025 12:00 in Tokyo; Tue to Thu are business days
SPAN = timedelta(minutes=25)       # the messages fall due over this much virtual time
PER_STEP = 67                      # clocks per step: 201 messages, and the PDM's notices


def test_killed_20_times_at_random_nothing_lost_nothing_doubled(
        db_url: str, slack: FakeSlack, tmp_path: Path) -> None:
    services = make_services(db_url, slack, Clock(T0))
    rng = random.Random(20251204)
    count = 3 * PER_STEP
    instants = sorted(T0 + timedelta(seconds=5) + SPAN * rng.random() for _ in range(count))
    steps = [("remind_24h", "remind_4h", "breach")[i % 3] for i in range(count)]
    seeded = seed_due_clocks(services, instants=instants, steps=steps)
    log = tmp_path / "workers.log"
    epoch = time.time()
    processes: list[subprocess.Popen[str]] = []
    with killing(processes):
        for kill in range(KILLS):
            worker = start_worker(db_url, slack, log, t0=T0, epoch=epoch, speed=SPEED,
                                  name=f"kill{kill}")
            processes.append(worker)
            wait_ready(worker, log)
            time.sleep(rng.uniform(0.05, 1.0))              # a random point of its work
            assert worker.poll() is None, f"worker {kill} died by itself:\n{log.read_text()}"
            worker.send_signal(signal.SIGKILL)
            assert worker.wait(10) == -signal.SIGKILL
        final = start_worker(db_url, slack, log, t0=T0, epoch=epoch, speed=SPEED,
                             until=T0 + SPAN + timedelta(minutes=1), name="final")
        processes.append(final)
        finish(final, log, timeout=150)
    counts = check_exactly_once(services, slack, set(seeded.expected.values()))
    assert len(counts) >= count
    assert any(key.startswith("pdm:") for key in counts)   # the PDM heard, once per notice
    services.engine.dispose()
