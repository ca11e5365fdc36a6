"""Fixtures of the reliability tests: an injected clock, the fake Slack, services on a SQLite
ledger with the example directory (and a second admin), the app over HTTP for the tests that
talk to it as Slack does, and databases of their own for the worker processes (a SQLite file,
or a PostgreSQL schema when `TEST_DATABASE_URL` is set)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.adapters.http import HttpServer
from bot.app import create_app
from bot.services import Services
from tests.e2e.support import Harness
from tests.fakes.slack import FakeSlack
from tests.integration.support import PG_URL, fresh_database, needs_postgres
from tests.integration.support import FakeClock as Clock  # re-exported for the tests

from .support import add_users, make_services, plain_client, utc


@pytest.fixture
def clock() -> Clock:
    return Clock(utc(2025, 12, 1, 1, 0))  # Mon 1 Dec 2025 10:00 in Tokyo


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        add_users(fake)
        yield fake


@pytest.fixture
def services(tmp_path: Path, slack: FakeSlack, clock: Clock) -> Iterator[Services]:
    """Services without the app: the tests call the sweep and the delivery themselves."""
    made = make_services(f"sqlite:///{tmp_path / 'ledger.db'}", slack, clock)
    yield made
    made.engine.dispose()


@pytest.fixture
def client(slack: FakeSlack) -> WebClient:
    return plain_client(slack)


@pytest.fixture
def harness(tmp_path: Path, slack: FakeSlack, clock: Clock) -> Iterator[Harness]:
    """The app over signed HTTP with its outbox pump running (the e2e harness)."""
    services = make_services(f"sqlite:///{tmp_path / 'app.db'}", slack, clock)
    app = create_app(services)
    services.pump.start()
    server = HttpServer(app, services, host="127.0.0.1", port=0).start()
    try:
        yield Harness(server, services, slack)
    finally:
        server.stop()
        services.pump.stop()
        services.engine.dispose()


BACKENDS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=needs_postgres)]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of this test's own: a SQLite file, or a PostgreSQL schema."""
    with fresh_database(str(request.param), tmp_path) as url:
        yield url


@pytest.fixture
def pg_url(tmp_path: Path) -> Iterator[str]:
    """An empty PostgreSQL schema of this test's own (skipped without TEST_DATABASE_URL)."""
    if not PG_URL:
        pytest.skip("set TEST_DATABASE_URL to run on PostgreSQL")
    with fresh_database("postgresql", tmp_path) as url:
        yield url
