"""Fixtures of the storage integration tests: every test runs on SQLite (a file of its own) and,
when `TEST_DATABASE_URL` is set, on PostgreSQL too (a schema of its own, dropped afterwards)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.unit_of_work import UnitOfWork

from .support import FakeClock, World, fresh_database, needs_postgres, seed_world

BACKENDS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=needs_postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database under test: `sqlite` or `postgresql`."""
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of this test's own."""
    with fresh_database(backend, tmp_path) as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on an empty database (no tables)."""
    made = make_engine(db_url)
    yield made
    made.dispose()


@pytest.fixture
def migrated(engine: Engine) -> Engine:
    """The engine, its database migrated to the head."""
    upgrade(engine)
    return engine


@pytest.fixture
def factory(migrated: Engine) -> sessionmaker[Session]:
    """Sessions on the migrated database."""
    return make_session_factory(migrated)


@pytest.fixture
def clock() -> FakeClock:
    """The injected time (starts at `support.T0`)."""
    return FakeClock()


@pytest.fixture
def uow(factory: sessionmaker[Session], clock: FakeClock) -> Callable[..., UnitOfWork]:
    """Make a unit of work on the test database: `with uow(actor="U1") as work: ...`."""

    def make(actor: str = "U0TEST") -> UnitOfWork:
        return UnitOfWork(factory, actor=actor, clock=clock)

    return make


@pytest.fixture
def world(factory: sessionmaker[Session], clock: FakeClock) -> World:
    """A region, three partner organisations, two partner users, a GS and a PDM."""
    return seed_world(factory, clock)
