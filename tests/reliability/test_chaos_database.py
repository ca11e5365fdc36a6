"""The database taken away from a worker mid-run, through a TCP proxy (PostgreSQL only; skipped
without TEST_DATABASE_URL): every connection cut (refused, then back), black-holed (every byte
dropped, old and new connections, for a while), or frozen half-open (the open connections stay
open and silent for good, as after a NAT or a server that forgot them; new connections work).
The worker must carry on by itself once the database answers again, and every expected
message must reach the Slack-like fake exactly once."""

from __future__ import annotations

import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from .chaos import ChaosProxy, VirtualTime, finish_all, scaled, slack_like, wait_for
from .conftest import Clock
from .support import (
    check_exactly_once,
    killing,
    make_services,
    seed_due_clocks,
    start_worker,
    utc,
    via,
    wait_ready,
)

SPEED = 60.0
T0 = utc(2025, 12, 4, 3, 0)        # Thu 4 Dec 2025 12:00 in Tokyo
OUTAGE = 3.0                       # seconds the database is away (cut or black-holed)
RECOVERY = 40.0                    # seconds a worker may take to finish after it is back
FAULTS = [pytest.param("cut", id="cut"), pytest.param("blackhole", id="blackhole"),
          pytest.param("freeze", id="frozen-half-open")]
# the worker's database limits, short so that an outage is noticed within the test's time
SHORT_LIMITS = {"DATABASE_CONNECT_TIMEOUT": "2", "DATABASE_STATEMENT_TIMEOUT": "2",
                "DATABASE_IDLE_IN_TRANSACTION_TIMEOUT": "2", "DATABASE_ANSWER_TIMEOUT": "3",
                "DATABASE_TCP_USER_TIMEOUT": "2", "DATABASE_POOL_TIMEOUT": "2"}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_worker_recovers_alone_when_the_database_comes_back(
        pg_url: str, tmp_path: Path, fault: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SHORT_LIMITS.items():
        monkeypatch.setenv(name, value)
    virtual = VirtualTime(T0, SPEED)
    fake = slack_like(virtual, latency=0.005, jitter=0.003)
    services = make_services(pg_url, fake, Clock(T0))
    count = scaled(90)
    span = timedelta(minutes=5)
    instants = [T0 + timedelta(seconds=2) + span * i / count for i in range(count)]
    steps = [("remind_24h", "remind_4h", "breach")[i % 3] for i in range(count)]
    seeded = seed_due_clocks(services, instants=instants, steps=steps, channels=scaled(30))
    server = make_url(pg_url)
    log = tmp_path / "worker.log"
    epoch = virtual.start()
    processes: list[subprocess.Popen[str]] = []
    try:
        with ChaosProxy(server.host or "127.0.0.1", server.port or 5432) as proxy, \
                killing(processes):
            url = via(pg_url, "127.0.0.1", proxy.port)
            worker = start_worker(url, fake, log, t0=T0, epoch=epoch, speed=SPEED,
                                  until=T0 + span + timedelta(minutes=1), name=fault)
            processes.append(worker)
            wait_ready(worker, log)
            wait_for(lambda: sum(fake.posted().values()) >= scaled(20), 60,
                     "the first messages")
            getattr(proxy, fault)()
            before = sum(fake.posted().values())
            if fault != "freeze":
                time.sleep(OUTAGE)
                proxy.restore()
            assert worker.poll() is None, log.read_text()[-3000:]
            finish_all([worker], log, RECOVERY, services)
        assert before < count  # the trouble came mid-run
        counts = check_exactly_once(services, fake, set(seeded.expected.values()))
        assert len(counts) >= count
    finally:
        services.engine.dispose()
        fake.stop()
