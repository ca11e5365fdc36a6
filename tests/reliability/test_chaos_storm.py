"""SIGKILL storms: worker processes (tests/reliability/worker.py: the sweep and the delivery
rounds in a loop, as a replica's scheduler runs them) killed at random points of their work, on
SQLite and PostgreSQL, against the Slack-like fake that meanwhile fails some posts after storing
them (a 5xx, or an answer held back: one kill is sure to land while Slack holds a post it has
stored); and three replicas on PostgreSQL, one of them killed again and again. Every expected
message is counted at the fake: none missing, none doubled, and the last worker finishes alone.

The workers run in virtual time (one real second is a virtual minute), and so do the fake's
rate limits, so `Retry-After` means the same to both."""

from __future__ import annotations

import random
import signal
import subprocess
from datetime import timedelta
from pathlib import Path

from tests.fakes.slack_like import SlackLike

from .chaos import VirtualTime, finish_all, scaled, slack_like, storm, wait_for
from .conftest import Clock
from .support import (
    check_exactly_once,
    killing,
    lazy_commits,
    make_services,
    seed_due_clocks,
    start_worker,
    utc,
    wait_ready,
)

SPEED = 60.0                       # one real second is a virtual minute: a lease lasts 5 s
T0 = utc(2025, 12, 4, 3, 0)        # Thu 4 Dec 2025 12:00 in Tokyo
POST = "chat.postMessage"
STEPS = ("remind_24h", "remind_4h", "breach")
FINISH = 60.0                      # seconds the last workers may take (they need about 8)


def _fake(virtual: VirtualTime) -> SlackLike:
    return slack_like(virtual, latency=0.005, jitter=0.003)


def test_sigkill_storm_while_slack_fails_and_holds_stored_posts(
        db_url: str, tmp_path: Path) -> None:
    rng = random.Random(13)
    virtual = VirtualTime(T0, SPEED)
    fake = _fake(virtual)
    services = make_services(db_url, fake, Clock(T0))
    count = scaled(90)
    span = timedelta(minutes=5)
    instants = sorted(T0 + timedelta(seconds=5) + span * rng.random() for _ in range(count))
    seeded = seed_due_clocks(services, instants=instants,
                             steps=[STEPS[i % 3] for i in range(count)], channels=scaled(20))
    epoch = virtual.start()
    log = tmp_path / "storm.log"
    processes: list[subprocess.Popen[str]] = []
    try:
        with killing(processes):
            # a kill while Slack holds a post it stored (its answer never reaches the worker)
            fake.after_store(POST, "hang", hold=3.0)
            worker = start_worker(db_url, fake, log, t0=T0, epoch=epoch, speed=SPEED,
                                  name="held")
            processes.append(worker)
            wait_ready(worker, log)
            wait_for(lambda: fake.holding > 0, 60, "Slack to hold a stored post")
            worker.send_signal(signal.SIGKILL)
            assert worker.wait(10) == -signal.SIGKILL
            # then kills at random while some posts fail or are held after their store
            fake.chaos(POST, 0.15, kinds=("500", "hang"), hold=1.0)
            storm(db_url, fake, log, processes, kills=scaled(3), rng=rng, t0=T0, epoch=epoch,
                  speed=SPEED, longest=1.5)
            final = start_worker(db_url, fake, log, t0=T0, epoch=epoch, speed=SPEED,
                                 until=T0 + span + timedelta(minutes=1), name="final")
            processes.append(final)
            finish_all([final], log, FINISH, services)
        counts = check_exactly_once(services, fake, set(seeded.expected.values()))
        assert len(counts) >= count
        assert fake.held >= 1
    finally:
        services.engine.dispose()
        fake.stop()


def test_three_replicas_one_killed_again_and_again(pg_url: str, tmp_path: Path) -> None:
    url = lazy_commits(pg_url)
    rng = random.Random(3)
    virtual = VirtualTime(T0, SPEED)
    fake = _fake(virtual)
    services = make_services(url, fake, Clock(T0))
    count = scaled(240)
    span = timedelta(minutes=4)
    instants = sorted(T0 + timedelta(seconds=5) + span * rng.random() for _ in range(count))
    seeded = seed_due_clocks(services, instants=instants,
                             steps=[STEPS[i % 3] for i in range(count)], channels=scaled(60))
    until = T0 + span + timedelta(minutes=1)
    epoch = virtual.start()
    log = tmp_path / "replicas.log"
    processes: list[subprocess.Popen[str]] = []
    try:
        with killing(processes):
            steady = [start_worker(url, fake, log, t0=T0, epoch=epoch, speed=SPEED, until=until,
                                   name=f"replica{n}") for n in (1, 2)]
            processes.extend(steady)
            for worker in steady:
                wait_ready(worker, log)
            storm(url, fake, log, processes, kills=scaled(3), rng=rng, t0=T0, epoch=epoch,
                  speed=SPEED, longest=1.2, name="replica0-")
            last = start_worker(url, fake, log, t0=T0, epoch=epoch, speed=SPEED, until=until,
                                name="replica0-last")
            processes.append(last)
            finish_all([*steady, last], log, FINISH, services)
        counts = check_exactly_once(services, fake, set(seeded.expected.values()))
        assert len(counts) >= count
    finally:
        services.engine.dispose()
        fake.stop()
