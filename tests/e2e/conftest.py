"""Fixtures: a migrated SQLite database with the example directory, the fake Slack, the app."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.http import HttpServer
from bot.app import create_app
from bot.bootstrap import bootstrap
from bot.config import Settings
from bot.pacing import Pacer
from storage.directory import import_directory
from tests.e2e.support import SECRET, Harness
from tests.fakes.slack import FakeSlack
from tests.integration.support import FakeClock as Clock  # re-exported for the tests

ROOT = Path(__file__).resolve().parents[2]




@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 11, 21, 7, 0, tzinfo=UTC))   # Fri 21 Nov 2025 16:00 JST


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.add_user("U0AIKO01", locale="ja-JP", tz="Asia/Tokyo")
        fake.add_user("U0DANA01", locale="en-US", tz="America/New_York")
        fake.add_user("U0GSHIRO", locale="ja-JP", tz="Asia/Tokyo")
        fake.add_user("U0GSMAYA", locale="en-US", tz="America/New_York")
        fake.add_user("U0PDMKEN", locale="en-US", tz="Asia/Tokyo")
        fake.add_user("U0ADMIN1", locale="en-US", tz="UTC")
        yield fake


@pytest.fixture
def harness(tmp_path: Path, slack: FakeSlack, clock: Clock) -> Iterator[Harness]:
    settings = Settings(bot_token="xoxb-e2e", signing_secret=SECRET,
                        database_url=f"sqlite:///{tmp_path / 'e2e.db'}",
                        slack_api_url=slack.api_url, deal_channel="C0DEALS")
    services = bootstrap(settings, clock=clock)
    services.pacer = Pacer(0.0)  # Slack's one message a second per channel, not in tests
    with services.uow(actor="e2e") as uow:
        import_directory(uow, (ROOT / "examples" / "directory.toml").read_text())
        uow.commit()
    app = create_app(services)
    services.pump.start()
    server = HttpServer(app, services, host="127.0.0.1", port=0).start()
    try:
        yield Harness(server, services, slack)
    finally:
        server.stop()
        services.pump.stop()
        services.engine.dispose()
