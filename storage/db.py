"""Engines and sessions. `DATABASE_URL` chooses the database; SQLite in the working directory by
default, PostgreSQL through psycopg 3 at scale."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from storage.pg_guard import DatabaseTimeouts, guard_answers

__all__ = ["DEFAULT_URL", "database_url", "make_engine", "make_session_factory"]

DEFAULT_URL = "sqlite:///coseller.db"


def database_url(url: str | None = None) -> str:
    """The URL to use: the argument, else `DATABASE_URL`, else a SQLite file here.

    `postgres://` and `postgresql://` mean PostgreSQL through psycopg 3.
    """
    chosen = url or os.environ.get("DATABASE_URL") or DEFAULT_URL
    for prefix in ("postgres://", "postgresql://"):
        if chosen.startswith(prefix):
            return "postgresql+psycopg://" + chosen[len(prefix):]
    return chosen


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str | None = None, *, timeouts: DatabaseTimeouts | None = None,
                **options: Any) -> Engine:
    """An engine for `url` with the settings Coseller relies on.

    SQLite: foreign keys on, WAL (readers never block the writer), a 30 s busy timeout, and
    `BEGIN IMMEDIATE` for every transaction so that a claim's read and write happen under one
    write lock. PostgreSQL: connections that cannot hang (`timeouts`, by default from the
    `DATABASE_*` environment: connect, statement and idle-in-transaction timeouts, keepalives,
    TCP user timeout, the client's own deadline on every answer) in a pre-pinged, recycled pool.
    """
    resolved = make_url(database_url(url))
    if resolved.get_backend_name() == "sqlite":
        engine = create_engine(resolved, connect_args={"check_same_thread": False,
                                                       "isolation_level": None}, **options)
        event.listen(engine, "connect", _sqlite_pragmas)

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    limits = timeouts or DatabaseTimeouts.from_env()
    connect_args = limits.connect_args(_url_options(resolved.query.get("options")))
    connect_args.update(options.pop("connect_args", {}))
    for name, value in limits.pool_options().items():
        options.setdefault(name, value)
    if not issubclass(options.get("poolclass") or QueuePool, QueuePool):
        options.pop("pool_timeout", None)   # only a queue pool waits for a free connection
    engine = create_engine(resolved, connect_args=connect_args, **options)
    guard_answers(engine, limits.answer)
    return engine


def _url_options(value: str | tuple[str, ...] | None) -> str | None:
    if isinstance(value, tuple):
        return " ".join(value)
    return value


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (use cases return them)."""
    return sessionmaker(engine, expire_on_commit=False)
