"""What the chaos tests share: their size (`CHAOS_SCALE`), a clock that moves as a worker's wall
clock does, the Slack-like fake set up for the reliability tests, delivery driven to the end
through the public entry point (`bot.outbox.deliver_round`) with stalls told apart from
waiting, and a TCP proxy that can also black-hole the database or freeze its connections
half-open.

Sizes are small so the chaos suite runs in CI in well under two minutes; `CHAOS_SCALE=10` runs
it ten times bigger locally. Randomness is seeded; waits are bounded and generous: a test fails
on a real hang or a real loss, never on a slow machine.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlalchemy import func, select

from bot.outbox import deliver_round
from bot.pacing import Pacer
from bot.services import Services
from storage.models import OutboxMessage, OutboxState
from tests.fakes.slack_like import SlackLike
from tests.integration.support import FakeClock

from .support import add_users, finish, start_worker, wait_ready
from .tcpproxy import TcpProxy

SCALE = max(0.1, float(os.environ.get("CHAOS_SCALE", "1")))
TOKENS = ("xoxb-reliability", "xoxb-worker")  # the tests' and the worker processes' bot tokens


def scaled(n: int) -> int:
    """`n` times `CHAOS_SCALE`, at least 1."""
    return max(1, round(n * SCALE))


class TickingClock(FakeClock):
    """An injected clock that moves on by `tick` at every reading, as a process's wall clock
    does while it works (a sweep's `now` is a little earlier than what it writes last); `jump`
    moves it on by more. Deterministic: readings, not seconds, make it move."""

    def __init__(self, now: datetime, tick: timedelta = timedelta(milliseconds=1)) -> None:
        super().__init__(now)
        self.tick = tick

    def __call__(self) -> datetime:
        self.now += self.tick
        return self.now

    def seconds(self) -> float:
        """The clock as seconds (the fake Slack's rate limits run on it)."""
        return self.now.timestamp()


class VirtualTime:
    """The worker processes' virtual clock (`t0` at the real instant `epoch`, `speed` times
    faster), as seconds for the fake Slack's rate limits. `start` sets the epoch: call it once
    the database is seeded, so that setting up never eats into the workers' time."""

    def __init__(self, t0: datetime, speed: float) -> None:
        self.t0, self.speed = t0, speed
        self.epoch = time.time()

    def start(self, delay: float = 3.0) -> float:
        """Virtual time reaches `t0` `delay` real seconds from now (a worker process takes
        about that long to start: the work then falls due over time, not all at its first
        sweep); the epoch to give the workers."""
        self.epoch = time.time() + delay
        return self.epoch

    def __call__(self) -> float:
        return self.t0.timestamp() + (time.time() - self.epoch) * self.speed


def slack_like(clock: Callable[[], float] = time.monotonic, **options: object) -> SlackLike:
    """A started Slack-like fake that knows the directory's people and the tests' tokens."""
    fake = SlackLike(clock=clock, **options)  # type: ignore[arg-type]
    for token in TOKENS:
        fake.accept_everywhere(token)
    add_users(fake)
    return fake.start()


def outbox_client(services: Services, *, timeout: int = 1) -> WebClient:
    """The outbox's own Web API client (`services.client`, as bootstrap builds it), with a short
    timeout, and without slack_sdk's in-call wait for 429s: the test's time is injected, so a
    real-time wait inside the call would only make the test slow; the outbox honours
    `Retry-After` itself."""
    client = services.client
    client.timeout = timeout
    client.retry_handlers = [h for h in client.retry_handlers
                             if not isinstance(h, RateLimitErrorRetryHandler)]
    return client


def pending(services: Services) -> tuple[int, datetime | None]:
    """Pending rows and the earliest next attempt among them."""
    with services.uow() as uow:
        count, first = uow.session.execute(select(
            func.count(), func.min(OutboxMessage.next_attempt_at)).where(
            OutboxMessage.state == OutboxState.PENDING)).one()
    return int(count or 0), first


def deliver_until_done(services: Services, client: WebClient, clock: FakeClock, *,
                       limit: int = 100, max_rounds: int = 2000, stuck_rounds: int = 5,
                       pacer: Pacer | None = None, step: timedelta = timedelta(0)) -> int:
    """Run delivery rounds until no row is pending; the messages sent. When a round does
    nothing and rows wait for a later attempt, the clock jumps to the earliest (backoff,
    `Retry-After`, a lease, a pace: `pacer`, none by default). Rounds that find rows due now
    and move none of them, several in a row, are a stall: an AssertionError saying how many
    rows were left. `step`: a jump is at least that long (paced work comes due in fewer, fuller
    rounds)."""
    sent = idle = 0
    for _ in range(max_rounds):
        left, first = pending(services)
        if left == 0:
            return sent
        if first is not None and first > clock.now:
            clock.now = max(first, clock.now + step)
        done = deliver_round(services, client, limit=limit, pacer=pacer or Pacer(0.0))
        sent += done.sent
        if done.sent or done.failed:
            idle = 0
            continue
        idle += 1
        if idle >= stuck_rounds:
            raise AssertionError(f"delivery stalled: {left} rows pending and due, "
                                 f"{stuck_rounds} rounds sent none of them ({sent} sent)")
        clock.now += timedelta(minutes=6)  # a lease of a dead round runs out
    raise AssertionError(f"delivery never ran dry ({sent} sent)")


def storm(db_url: str, slack: SlackLike, log: Path, processes: list[subprocess.Popen[str]], *,
          kills: int, rng: random.Random, t0: datetime, epoch: float, speed: float,
          longest: float = 1.2, name: str = "storm") -> None:
    """Start a worker and SIGKILL it at a random point of its work, `kills` times in a row."""
    for kill in range(kills):
        worker = start_worker(db_url, slack, log, t0=t0, epoch=epoch, speed=speed,
                              name=f"{name}{kill}")
        processes.append(worker)
        wait_ready(worker, log)
        time.sleep(rng.uniform(0.05, longest))
        assert worker.poll() is None, f"worker {kill} died by itself:\n{log.read_text()[-3000:]}"
        worker.send_signal(signal.SIGKILL)
        assert worker.wait(10) == -signal.SIGKILL


def finish_all(processes: list[subprocess.Popen[str]], log: Path, timeout: float,
               services: Services | None = None) -> None:
    """Wait for every worker to finish by itself, successfully, all within `timeout`; when one
    does not, say what the outbox holds (`diagnose`)."""
    deadline = time.monotonic() + timeout
    try:
        for process in processes:
            finish(process, log, max(1.0, deadline - time.monotonic()))
    except AssertionError as error:
        if services is None:
            raise
        raise AssertionError(f"{diagnose(services)}\n{error}") from None


def diagnose(services: Services) -> str:
    """The outbox in one line: rows per state, and how many pending rows wait behind an earlier
    pending row of their conversation that is due later than they are (a head-of-line block)."""
    with services.uow() as uow:
        rows = uow.session.execute(select(
            OutboxMessage.id, OutboxMessage.channel, OutboxMessage.state,
            OutboxMessage.next_attempt_at)).all()
    states: dict[str, int] = {}
    first: dict[str, tuple[int, datetime]] = {}
    blocked = 0
    for ident, conversation, state, at in sorted(rows, key=lambda r: r[0]):
        states[state.value] = states.get(state.value, 0) + 1
        if state is not OutboxState.PENDING:
            continue
        head = first.setdefault(conversation, (ident, at))
        if head[0] != ident and head[1] > at:
            blocked += 1
    return f"outbox: {states}; pending rows due before the earlier row they wait for: {blocked}"


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll another process's progress until `predicate` holds (AssertionError at `timeout`)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


class ChaosProxy(TcpProxy):
    """A `TcpProxy` that can also lose packets: `blackhole` drops every byte of every connection,
    old and new (new ones are accepted and then hear nothing: a firewall dropping packets),
    until `restore`; `freeze` leaves the open connections half-open for good (open, silent: the
    server or a NAT forgot them without a FIN or RST) while new ones work."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        super().__init__(upstream_host, upstream_port)
        self._silent: set[socket.socket] = set()
        self._holing = False

    def blackhole(self) -> None:
        """Drop every byte, on open and new connections, until `restore`."""
        with self._lock:
            self._holing = True
            self._silent |= self._sockets

    def freeze(self) -> None:
        """The open connections go silent forever; new ones are forwarded."""
        with self._lock:
            self._silent |= self._sockets

    def restore(self) -> None:
        """Forward new connections again (silent ones stay silent); listen if not listening."""
        with self._lock:
            self._holing = False
        if self._listener is None:
            super().restore()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        with self._lock:
            if self._holing:
                self._silent |= {source, target}
        try:
            while data := source.recv(65536):
                with self._lock:
                    silent = source in self._silent or target in self._silent
                if not silent:
                    target.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._sockets -= {source, target}
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
