"""OAuth installs that last: an expired bot token is refreshed (`oauth.v2.access`,
`grant_type=refresh_token`) once, stored, used for listener requests and for the outbox, and
never logged. Over signed HTTP against the fake Slack, in OAuth mode."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.oauth.installation_store import Installation

from bot.adapters.http import HttpServer
from bot.app import create_app
from bot.bootstrap import bootstrap
from bot.config import Settings
from bot.messages import Outgoing, Text, ToPerson, queue
from bot.pacing import Pacer
from storage.directory import import_directory
from tests.e2e.conftest import ROOT
from tests.e2e.support import SECRET, TEAM, Harness
from tests.fakes.slack import FakeSlack
from tests.integration.support import FakeClock

OLD_TOKEN = "xoxe.xoxb-1-old-expired-token"
OLD_REFRESH = "xoxe-1-old-refresh-token"
CLIENT_SECRET = "client-secret-never-logged"


@pytest.fixture
def oauth(tmp_path: Path, slack: FakeSlack, clock: FakeClock) -> Iterator[Harness]:
    """The app in OAuth mode, one installation whose bot token expired a minute ago."""
    settings = Settings(client_id="111.222", client_secret=CLIENT_SECRET, signing_secret=SECRET,
                        database_url=f"sqlite:///{tmp_path / 'oauth.db'}",
                        slack_api_url=slack.api_url, deal_channel="C0DEALS")
    services = bootstrap(settings, clock=clock)
    services.pacer = Pacer(0.0)
    with services.uow(actor="e2e") as uow:
        import_directory(uow, (ROOT / "examples" / "directory.toml").read_text())
        uow.commit()
    assert services.tokens is not None
    services.tokens.store.save(Installation(
        app_id="A0COSELL", team_id=TEAM, user_id="U0ADMIN1", bot_token=OLD_TOKEN,
        bot_id="B0COSELL", bot_user_id=slack.bot_user_id, bot_scopes=["chat:write"],
        bot_refresh_token=OLD_REFRESH, bot_token_expires_at=int(time.time()) - 60))
    app = create_app(services)
    services.pump.start()
    server = HttpServer(app, services, host="127.0.0.1", port=0).start()
    try:
        yield Harness(server, services, slack)
    finally:
        server.stop()
        services.pump.stop()
        services.engine.dispose()


def _bearer(call: Any) -> str:
    return str({k.lower(): v for k, v in call.headers.items()}.get("authorization", ""))


def test_an_expired_token_is_refreshed_once_stored_used_and_never_logged(
        oauth: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    for name in ("bot", "slack_sdk", "slack_bolt"):
        caplog.set_level(logging.DEBUG, logger=name)
    slack = oauth.slack

    # a listener request: Bolt authorises it with the installation, refreshing the token first
    reply = oauth.event({"type": "app_home_opened", "user": "U0ADMIN1", "channel": "DU0ADMIN1",
                         "tab": "home", "event_ts": f"{time.time():.6f}"})
    assert reply.status == 200
    [published] = oauth.wait_for(lambda: slack.calls_of("views.publish"))
    assert slack.refreshes == [OLD_REFRESH]
    new_token = "xoxe.xoxb-1-rotated-1"
    assert _bearer(published) == f"Bearer {new_token}"
    bot = oauth.services.tokens.store.find_bot(enterprise_id=None, team_id=TEAM)  # type: ignore[union-attr]
    assert bot is not None and bot.bot_token == new_token
    assert bot.bot_refresh_token == "xoxe-1-next-1"
    assert bot.bot_token_expires_at is not None and bot.bot_token_expires_at > time.time() + 3600

    # the outbox sends with the installation's (rotated) token of the message's workspace
    with oauth.services.uow(actor="e2e") as uow:
        admin = uow.directory.person(TEAM, "U0ADMIN1")
        assert admin is not None
        queue(uow, Outgoing("rotation:test", ToPerson(admin.id),
                            (Text("outbox.dead", {"key": "k", "error": "e", "attempts": 1}),)))
        uow.commit()
    [sent] = oauth.wait_for(lambda: [c for c in slack.calls_of("chat.postMessage")
                                     if c.args.get("channel") == "DU0ADMIN1"])
    assert _bearer(sent) == f"Bearer {new_token}"
    assert slack.refreshes == [OLD_REFRESH]          # refreshed once, not per request

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "oauth.v2.access" in logged or "rotated" in logged   # the log did see it happen
    for secret in (OLD_TOKEN, OLD_REFRESH, new_token, "xoxe-1-next-1", CLIENT_SECRET):
        assert secret not in logged, secret


def test_a_fresh_token_is_not_refreshed(oauth: Harness) -> None:
    store = oauth.services.tokens.store  # type: ignore[union-attr]
    store.save(Installation(app_id="A0COSELL", team_id=TEAM, user_id="U0ADMIN1",
                            bot_token="xoxb-fresh", bot_id="B0COSELL",
                            bot_user_id=oauth.slack.bot_user_id, bot_scopes=["chat:write"],
                            bot_refresh_token="xoxe-1-fresh",
                            bot_token_expires_at=int(time.time()) + 12 * 3600))
    client = oauth.services.tokens.client_for(TEAM)  # type: ignore[union-attr]
    assert client is not None and client.token == "xoxb-fresh"
    assert oauth.slack.refreshes == []


def test_the_outbox_refreshes_an_expired_token_itself(
        oauth: Harness, caplog: pytest.LogCaptureFixture) -> None:
    """No request came in since the token expired: the outbox refreshes it before sending."""
    caplog.set_level(logging.DEBUG)
    with oauth.services.uow(actor="e2e") as uow:
        admin = uow.directory.person(TEAM, "U0ADMIN1")
        assert admin is not None
        for n in range(3):
            queue(uow, Outgoing(f"rotation:{n}", ToPerson(admin.id),
                                (Text("outbox.dead", {"key": "k", "error": "e", "attempts": n}),)))
        uow.commit()
    sent = oauth.wait_for(lambda: len(found := [c for c in oauth.slack.calls_of("chat.postMessage")
                                                if c.args.get("channel") == "DU0ADMIN1"]) == 3
                          and found)
    assert {_bearer(c) for c in sent} == {"Bearer xoxe.xoxb-1-rotated-1"}
    assert oauth.slack.refreshes == [OLD_REFRESH]
    bot = oauth.services.tokens.store.find_bot(enterprise_id=None, team_id=TEAM)  # type: ignore[union-attr]
    assert bot is not None and bot.bot_token == "xoxe.xoxb-1-rotated-1"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in (OLD_TOKEN, OLD_REFRESH, "xoxe.xoxb-1-rotated-1", "xoxe-1-next-1",
                   CLIENT_SECRET):
        assert secret not in logged, secret
