"""Engines and sessions. `DATABASE_URL` chooses the database; SQLite in the working directory by
default, PostgreSQL through psycopg 3 at scale."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

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


def make_engine(url: str | None = None, **options: Any) -> Engine:
    """An engine for `url` with the settings Coseller relies on.

    SQLite: foreign keys on, WAL (readers never block the writer), a 30 s busy timeout, and
    `BEGIN IMMEDIATE` for every transaction so that a claim's read and write happen under one
    write lock. PostgreSQL: a pre-pinged pool.
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
    options.setdefault("pool_pre_ping", True)
    return create_engine(resolved, **options)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (use cases return them)."""
    return sessionmaker(engine, expire_on_commit=False)
