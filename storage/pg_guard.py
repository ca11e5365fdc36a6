"""PostgreSQL connections that cannot hang: every limit a worker needs so that a database that
disappears, is black-holed or freezes half-open costs a failed job, never a stuck one.

    timeouts = DatabaseTimeouts.from_env()        # DATABASE_CONNECT_TIMEOUT, ... (README)
    engine = create_engine(url, connect_args=timeouts.connect_args(url.query.get("options")),
                           **timeouts.pool_options())
    guard_answers(engine, timeouts.answer)        # the client's own deadline on every answer

The server enforces `statement_timeout` and `idle_in_transaction_session_timeout` (a frozen
worker's open transaction and its row locks are ended by the server); the kernel enforces TCP
keepalives and `tcp_user_timeout` (a peer that vanished). Neither helps when the path to the
server still accepts bytes but nothing answers (a proxy or load balancer that froze): psycopg
would then wait forever. `guard_answers` makes psycopg give up after `answer` seconds, close the
connection (its state is unknown: it is never reused) and raise an `OperationalError`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import errors
from psycopg.abc import RV, PQGen
from sqlalchemy import Engine, event

__all__ = ["DatabaseTimeouts", "GuardedConnection", "guard_answers", "unavailable"]

_WAIT_INTERVAL = 0.1   # psycopg's own: how often a wait checks for Ctrl-C


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name}: expected a number of seconds, got {raw!r}") from None
    if value < 0:
        raise ValueError(f"{name}: expected 0 or more seconds, got {raw!r}")
    return value


@dataclass(frozen=True)
class DatabaseTimeouts:
    """Every PostgreSQL limit, in seconds (0: none). `answer` None: the statement timeout plus
    10 s (none when there is no statement timeout)."""

    connect: float = 10.0
    statement: float = 60.0
    idle_in_transaction: float = 60.0
    keepalives_idle: float = 30.0
    keepalives_interval: float = 10.0
    keepalives_count: int = 3
    tcp_user: float = 30.0
    answer_override: float | None = None
    pool_timeout: float = 10.0
    pool_recycle: float = 1800.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> DatabaseTimeouts:
        """The limits from `DATABASE_*` environment variables, else the defaults."""
        env = os.environ if env is None else env
        d = cls()
        answer = env.get("DATABASE_ANSWER_TIMEOUT")
        return cls(
            connect=_seconds(env, "DATABASE_CONNECT_TIMEOUT", d.connect),
            statement=_seconds(env, "DATABASE_STATEMENT_TIMEOUT", d.statement),
            idle_in_transaction=_seconds(env, "DATABASE_IDLE_IN_TRANSACTION_TIMEOUT",
                                         d.idle_in_transaction),
            keepalives_idle=_seconds(env, "DATABASE_KEEPALIVES_IDLE", d.keepalives_idle),
            keepalives_interval=_seconds(env, "DATABASE_KEEPALIVES_INTERVAL",
                                         d.keepalives_interval),
            keepalives_count=int(_seconds(env, "DATABASE_KEEPALIVES_COUNT", d.keepalives_count)),
            tcp_user=_seconds(env, "DATABASE_TCP_USER_TIMEOUT", d.tcp_user),
            answer_override=(None if answer is None or not answer.strip()
                             else _seconds(env, "DATABASE_ANSWER_TIMEOUT", 0.0)),
            pool_timeout=_seconds(env, "DATABASE_POOL_TIMEOUT", d.pool_timeout),
            pool_recycle=_seconds(env, "DATABASE_POOL_RECYCLE", d.pool_recycle),
        )

    @property
    def answer(self) -> float | None:
        """How long the client waits for any answer of the server (None: for ever)."""
        if self.answer_override is not None:
            return self.answer_override or None
        return self.statement + 10.0 if self.statement else None

    def connect_args(self, url_options: str | None = None) -> dict[str, Any]:
        """libpq parameters: connect timeout, keepalives, TCP user timeout, and the server-side
        timeouts as `options` (the URL's own `options` come after: they win)."""
        server = []
        if self.statement:
            server.append(f"-c statement_timeout={_ms(self.statement)}")
        if self.idle_in_transaction:
            server.append(f"-c idle_in_transaction_session_timeout="
                          f"{_ms(self.idle_in_transaction)}")
        args: dict[str, Any] = {"keepalives": 1,
                                "keepalives_idle": max(1, round(self.keepalives_idle)),
                                "keepalives_interval": max(1, round(self.keepalives_interval)),
                                "keepalives_count": max(1, self.keepalives_count),
                                "tcp_user_timeout": _ms(self.tcp_user)}
        if self.connect:
            args["connect_timeout"] = max(1, round(self.connect))
        options = " ".join([*server, *([url_options] if url_options else [])])
        if options:
            args["options"] = options
        return args

    def pool_options(self) -> dict[str, Any]:
        """SQLAlchemy pool settings: pinged before use, recycled, a bounded wait for a slot."""
        options: dict[str, Any] = {"pool_pre_ping": True, "pool_timeout": self.pool_timeout}
        if self.pool_recycle:
            options["pool_recycle"] = self.pool_recycle
        return options


def _ms(seconds: float) -> int:
    return max(1, round(seconds * 1000))


class GuardedConnection(psycopg.Connection[Any]):
    """A psycopg connection that waits at most `answer_timeout` seconds for any answer, then
    closes itself and raises: a half-open connection fails instead of hanging."""

    answer_timeout: float | None = None

    def wait(self, gen: PQGen[RV], interval: float = _WAIT_INTERVAL,
             timeout: float | None = None) -> RV:
        """psycopg's wait, with this connection's deadline unless the caller gave one."""
        limit = timeout if timeout is not None else self.answer_timeout
        try:
            return super().wait(gen, interval=interval, timeout=limit)
        except errors._WaitTimeout:
            if timeout is not None:   # psycopg's own deadline (a cancel): its handling
                raise
            self.pgconn.finish()      # in an unknown state: never to be used again
            raise errors.OperationalError(
                f"the database did not answer within {limit:g} s (a frozen or half-open "
                "connection?): connection closed") from None


def guard_answers(engine: Engine, answer: float | None) -> None:
    """Make every new connection of `engine` a `GuardedConnection` waiting at most `answer`
    seconds for each answer (None: psycopg's default, for ever)."""

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect: Any, _record: Any, cargs: tuple[Any, ...],
                 cparams: dict[str, Any]) -> GuardedConnection:
        connection = GuardedConnection.connect(*cargs, **cparams)
        connection.answer_timeout = answer
        return connection


def unavailable(error: Exception) -> str:
    """One line saying why the database could not be used (a log line, not a traceback): the
    driver's error and its first line, e.g. "the database is unavailable (ConnectionTimeout:
    connection timeout expired)"."""
    cause: BaseException = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return f"the database is unavailable ({type(cause).__name__}: {lines[0] if lines else ''})"
