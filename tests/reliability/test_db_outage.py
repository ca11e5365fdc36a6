"""PostgreSQL that disappears, is black-holed or freezes half-open (a TCP proxy between the clients
and the server; the server keeps running for the other tests): a connection never hangs, a job
says in one log line that the database failed, and a worker recovers by itself when the database
returns, every expected message sent exactly once. Skipped without TEST_DATABASE_URL.

The limits are the production ones (`storage.pg_guard.DatabaseTimeouts`), made short here.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from storage.db import make_engine
from storage.pg_guard import DatabaseTimeouts
from tests.fakes.slack import FakeSlack

from .conftest import Clock
from .support import (
    check_exactly_once,
    finish,
    killing,
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
SHORT = {"DATABASE_CONNECT_TIMEOUT": "2", "DATABASE_STATEMENT_TIMEOUT": "1",
         "DATABASE_IDLE_IN_TRANSACTION_TIMEOUT": "1", "DATABASE_ANSWER_TIMEOUT": "1.5",
         "DATABASE_TCP_USER_TIMEOUT": "2", "DATABASE_POOL_TIMEOUT": "2"}


@pytest.fixture
def proxy(pg_url: str) -> Iterator[TcpProxy]:
    server = make_url(pg_url)
    with TcpProxy(server.host or "127.0.0.1", server.port or 5432) as running:
        yield running


@pytest.fixture
def engine(pg_url: str, proxy: TcpProxy) -> Iterator[Engine]:
    made = make_engine(via(pg_url, "127.0.0.1", proxy.port),
                       timeouts=DatabaseTimeouts.from_env(SHORT))
    yield made
    made.dispose()


def _within(seconds: float, work: Callable[[], object]) -> BaseException | None:
    """Run `work` in a thread; its error (None if it succeeded). A hang fails the test."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            work()
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, f"still waiting on the database after {seconds} s: it hangs"
    return outcome[0]


def _select(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1")).scalar_one()


def test_the_limits_reach_the_server(engine: Engine) -> None:
    with engine.connect() as connection:
        assert connection.execute(text("SHOW statement_timeout")).scalar_one() == "1s"
        assert connection.execute(
            text("SHOW idle_in_transaction_session_timeout")).scalar_one() == "1s"
        assert connection.execute(text("SHOW search_path")).scalar_one().startswith("it_")
        params = connection.connection.dbapi_connection.info.get_parameters()  # type: ignore
    assert params["keepalives"] == "1" and params["tcp_user_timeout"] == "2000"
    assert params["connect_timeout"] == "2"


@pytest.mark.parametrize("outage", ["cut", "black_hole", "freeze"])
def test_a_connection_fails_instead_of_hanging_and_recovers(engine: Engine, proxy: TcpProxy,
                                                            outage: str) -> None:
    _select(engine)                                    # a pooled connection, open
    getattr(proxy, outage)()
    error = _within(30, lambda: _select(engine))
    assert isinstance(error, DBAPIError), error
    error = _within(30, lambda: _select(engine))      # and a fresh connect gives up too
    assert isinstance(error, DBAPIError), error
    proxy.restore()
    assert _within(30, lambda: _select(engine)) is None


def test_a_frozen_transaction_is_ended_by_the_server(engine: Engine, proxy: TcpProxy,
                                                     pg_url: str) -> None:
    """A worker frozen inside a transaction does not hold its row locks for ever."""
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE frozen_lock (id int primary key)"))
        connection.execute(text("INSERT INTO frozen_lock VALUES (1)"))
    holder = engine.connect()
    holder.execute(text("SELECT id FROM frozen_lock FOR UPDATE")).all()
    proxy.freeze()                                     # the lock holder goes silent
    direct = make_engine(pg_url, timeouts=DatabaseTimeouts.from_env(SHORT))

    def lock() -> None:
        with direct.connect() as other:
            other.execute(text("SET lock_timeout = '20s'"))
            other.execute(text("SELECT id FROM frozen_lock FOR UPDATE")).all()

    try:
        assert _within(30, lock) is None              # the server ended the idle transaction
    finally:
        direct.dispose()
        proxy.restore()
        with contextlib.suppress(DBAPIError):
            holder.close()


def test_a_scheduled_worker_recovers_by_itself_from_each_outage(
        pg_url: str, slack: FakeSlack, tmp_path: Path) -> None:
    """One worker on the production scheduler through the database cut, then black-holed, then
    frozen half-open, a few seconds each: every job fails with a line saying why, and once the
    database is back every message goes out exactly once."""
    services = make_services(pg_url, slack, Clock(T0))
    count = 120
    span = timedelta(minutes=40)                       # 20 s at 120 times the wall clock
    instants = [T0 + timedelta(seconds=2) + span * i / count for i in range(count)]
    steps = [("remind_24h", "remind_4h", "breach")[i % 3] for i in range(count)]
    seeded = seed_due_clocks(services, instants=instants, steps=steps)
    server = make_url(pg_url)
    log = tmp_path / "worker.log"
    processes: list[subprocess.Popen[str]] = []
    with TcpProxy(server.host or "127.0.0.1", server.port or 5432) as proxy, killing(processes):
        url = via(pg_url, "127.0.0.1", proxy.port)
        with _environment(SHORT):                     # the worker's limits
            worker = start_worker(url, slack, log, t0=T0, epoch=time.time(), speed=120.0,
                                  until=T0 + span + timedelta(minutes=1), name="sched",
                                  extra=("--scheduler", "0.2"))
        processes.append(worker)
        wait_ready(worker, log)
        sent_before = 0
        for outage in ("cut", "black_hole", "freeze"):
            _wait_sent(slack, sent_before + 10, log)
            getattr(proxy, outage)()
            sent_before = sum(posted(slack).values())
            time.sleep(3)                              # the outage lasts this long
            assert worker.poll() is None, log.read_text()[-3000:]
            proxy.restore()
        finish(worker, log, timeout=120)
    assert sent_before < count                         # the last outage came mid-run
    lines = log.read_text().splitlines()
    failures = [line for line in lines if "the database is unavailable" in line]
    for why in ("server closed the connection", "connection timeout expired",
                "did not answer within 1.5 s"):        # cut, black hole, frozen half-open
        assert any(why in line for line in failures), (why, failures[-10:] or lines[-30:])
    counts = check_exactly_once(services, slack, set(seeded.expected.values()))
    assert len(counts) >= count
    services.engine.dispose()


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """`values` in this process's environment (a worker started meanwhile inherits them)."""
    old = dict(os.environ)
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(old)


def _wait_sent(slack: FakeSlack, at_least: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while sum(posted(slack).values()) < at_least:
        assert time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.05)
