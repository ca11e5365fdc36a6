"""PostgreSQL at scale and under trouble (skipped without TEST_DATABASE_URL): PostgreSQL taken
away mid-run (a TCP proxy between the workers and the server cuts every connection and refuses new
ones for a few seconds, then lets them through again; the server itself keeps running for the other
tests), and three replicas on one schema sending 10,000 reminders. Every key exactly once."""

from __future__ import annotations

import subprocess
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.fakes.slack import FakeSlack

from .conftest import Clock
from .support import (
    check_exactly_once,
    finish,
    killing,
    lazy_commits,
    make_services,
    posted,
    seed_due_clocks,
    start_worker,
    utc,
    via,
    wait_ready,
)
from .tcpproxy import TcpProxy

T0 = utc(2025, 12, 4, 3, 0)        # Thu 4 Dec 2025 12:00 in Tokyo


def _wait(predicate: object, timeout: float, what: str) -> None:
    """Poll the workers' progress (they run in other processes)."""
    assert callable(predicate)
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_postgresql_cut_off_mid_run_every_message_goes_out_once(
        pg_url: str, slack: FakeSlack, tmp_path: Path) -> None:
    services = make_services(pg_url, slack, Clock(T0))
    count = 180
    span = timedelta(minutes=8)
    instants = [T0 + timedelta(seconds=2) + span * i / count for i in range(count)]
    steps = [("remind_24h", "remind_4h", "breach")[i % 3] for i in range(count)]
    seeded = seed_due_clocks(services, instants=instants, steps=steps)
    server = make_url(pg_url)
    log = tmp_path / "workers.log"
    processes: list[subprocess.Popen[str]] = []
    with TcpProxy(server.host or "127.0.0.1", server.port or 5432) as proxy, killing(processes):
        url = via(pg_url, "127.0.0.1", proxy.port)
        epoch = time.time()
        for n in range(2):
            processes.append(start_worker(url, slack, log, t0=T0, epoch=epoch, speed=60.0,
                                          until=T0 + span + timedelta(minutes=1),
                                          name=f"pg{n}"))
        for worker in processes:
            wait_ready(worker, log)
        _wait(lambda: sum(posted(slack).values()) >= 30, 60, "the first messages")
        proxy.cut()
        sent_before = sum(posted(slack).values())
        time.sleep(3)                                       # the outage lasts this long
        assert all(w.poll() is None for w in processes), log.read_text()[-3000:]
        proxy.restore()
        for worker in processes:
            finish(worker, log, timeout=120)
    assert sent_before < count                               # the outage came mid-run
    assert "database error, carrying on" in log.read_text()  # and was felt
    counts = check_exactly_once(services, slack, set(seeded.expected.values()))
    assert len(counts) >= count
    services.engine.dispose()


def test_three_replicas_send_10000_reminders_each_exactly_once(
        pg_url: str, slack: FakeSlack, tmp_path: Path) -> None:
    url = lazy_commits(pg_url)
    services = make_services(url, slack, Clock(T0))
    count = 10_000
    # every deal has a thread of its own in a channel of its own: individual reminders, no digest
    seeded = seed_due_clocks(services, instants=[T0] * count, steps=["remind_24h"] * count)
    log = tmp_path / "replicas.log"
    processes: list[subprocess.Popen[str]] = []
    at = T0 + timedelta(minutes=1)
    with killing(processes):
        for n in range(3):
            processes.append(start_worker(url, slack, log, t0=at, epoch=time.time(),
                                          speed=0.0, until=at, name=f"replica{n}",
                                          extra=("--sweep-limit", "500", "--deliver-limit",
                                                 "100")))
        for worker in processes:
            wait_ready(worker, log)
        for worker in processes:
            finish(worker, log, timeout=400)
    counts = check_exactly_once(services, slack, set(seeded.expected.values()))
    assert len(counts) == count and sum(counts.values()) == count
    done = [line for line in log.read_text().splitlines() if "done:" in line]
    assert len(done) == 3, done
    # each replica took a share of the work
    assert all(" sent 0 messages" not in line for line in done), done
    services.engine.dispose()
