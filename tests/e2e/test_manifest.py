"""bot/manifest.yaml creates the Slack app in one step: it must match what the app listens to."""

from __future__ import annotations

import json
import time
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.app import BOT_SCOPES, create_app
from bot.bootstrap import bootstrap
from bot.config import Settings
from tests.e2e.listeners_seen import Seen, recording
from tests.e2e.support import SECRET, Harness
from tests.fakes.slack import FakeSlack

SHORTCUT_TYPES = {"message": "message_action", "global": "shortcut"}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    text = (resources.files("bot") / "manifest.yaml").read_text(encoding="utf-8")
    loaded = yaml.safe_load(text)
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture
def seen(tmp_path: Path, slack: FakeSlack) -> Seen:
    settings = Settings(bot_token="xoxb-manifest", signing_secret=SECRET,
                        database_url=f"sqlite:///{tmp_path / 'manifest.db'}",
                        slack_api_url=slack.api_url)
    services = bootstrap(settings)
    try:
        with recording() as found:
            create_app(services)
    finally:
        services.engine.dispose()
    return found


def manifest_events(manifest: dict[str, Any]) -> set[str]:
    """Event types the manifest subscribes to (`message.channels` is a `message` event)."""
    return {name.split(".")[0] for name in manifest["settings"]["event_subscriptions"]["bot_events"]}


def test_scopes_are_the_apps(manifest: dict[str, Any]) -> None:
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)
    assert len(set(BOT_SCOPES)) == len(BOT_SCOPES)


def test_commands_match_the_listeners(manifest: dict[str, Any], seen: Seen) -> None:
    commands = manifest["features"]["slash_commands"]
    assert {c["command"] for c in commands} == seen.commands == {"/roe", "/deal"}
    for command in commands:
        assert command["description"] and command["usage_hint"]
        assert len(command["description"]) <= 100
        assert command["url"].endswith("/slack/events")


def test_events_match_the_listeners(manifest: dict[str, Any], seen: Seen) -> None:
    assert manifest_events(manifest) == seen.events
    bot_events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert {"app_mention", "message.channels", "message.groups", "app_home_opened"} <= bot_events


def test_shortcuts_match_the_listeners(manifest: dict[str, Any], seen: Seen) -> None:
    declared = {(SHORTCUT_TYPES[s["type"]], s["callback_id"])
                for s in manifest["features"]["shortcuts"]}
    registered = set()
    for kind, callback in seen.shortcuts:
        # app.shortcut("id") answers a shortcut of either type
        either = next((k for k, c in declared if c == callback), kind)
        registered.add((either if kind == "any" else kind, callback))
    assert declared == registered
    assert ("message_action", "register_deal_shortcut") in declared
    [shortcut] = manifest["features"]["shortcuts"]
    assert shortcut["name"] == "Register a shared deal"


def test_settings(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["interactivity"] == {"is_enabled": True,
                                         "request_url": "https://example.com/slack/events"}
    assert settings["event_subscriptions"]["request_url"] == "https://example.com/slack/events"
    assert settings["socket_mode_enabled"] is False
    assert settings["org_deploy_enabled"] is False
    features = manifest["features"]
    assert features["app_home"]["home_tab_enabled"] is True
    assert features["bot_user"]["display_name"]
    info = manifest["display_information"]
    assert info["name"] == "Coseller" and len(info["description"]) <= 140
    assert 175 <= len(info["long_description"]) <= 4000


def test_every_declared_surface_is_answered_over_http(manifest: dict[str, Any],
                                                      harness: Harness) -> None:
    """Slack sends what the manifest declares; the app handles each (no 404 for `unhandled`)."""
    for command in manifest["features"]["slash_commands"]:
        assert harness.command(command["command"], "help", user="U0GSMAYA").status == 200
    for shortcut in manifest["features"]["shortcuts"]:
        payload = {"type": SHORTCUT_TYPES[shortcut["type"]], "callback_id": shortcut["callback_id"],
                   "trigger_id": f"trigger-{time.monotonic_ns()}",
                   "user": {"id": "U0DANA01", "team_id": "T0COSELL", "name": "dana"},
                   "channel": {"id": "C0DEALS", "name": "deals"},
                   "message": {"type": "message", "user": "U0DANA01", "ts": "1763708400.000100",
                               "text": "Bluebird Health wants Sales Hub, bluebirdhealth.com"},
                   "message_ts": "1763708400.000100",
                   "response_url": f"{harness.slack.url}/respond/U0DANA01-{time.monotonic_ns()}"}
        assert harness.interaction(payload).status == 200, shortcut
    examples = {
        "app_mention": {"type": "app_mention", "user": "U0DANA01", "channel": "C0DEALS",
                        "text": "<@U0COSELLBOT> help", "ts": "1763708401.000100"},
        "message": {"type": "message", "user": "U0DANA01", "channel": "C0DEALS",
                    "text": "hello", "ts": "1763708402.000100", "channel_type": "channel"},
        "app_home_opened": {"type": "app_home_opened", "user": "U0DANA01", "channel": "D0DANA01",
                            "tab": "home", "event_ts": "1763708403.000100"},
        "member_joined_channel": {"type": "member_joined_channel", "user": "U0DANA01",
                                  "channel": "C0DEALS", "channel_type": "C"},
        "member_left_channel": {"type": "member_left_channel", "user": "U0DANA01",
                                "channel": "C0DEALS", "channel_type": "C"},
        "channel_shared": {"type": "channel_shared", "channel": "C0DEALS",
                           "connected_team_id": "T0OTHER", "event_ts": "1763708404.000100"},
        "channel_unshared": {"type": "channel_unshared", "channel": "C0DEALS",
                             "previously_connected_team_id": "T0OTHER",
                             "is_ext_shared": False, "event_ts": "1763708405.000100"},
    }
    for event in manifest_events(manifest):
        reply = harness.event(json.loads(json.dumps(examples[event])))
        assert reply.status == 200, event
