"""End-to-end harness: the real app over HTTP on loopback, a fake Slack Web API on another port,
requests signed exactly as Slack signs them, and payloads shaped like Slack's."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from bot.adapters.http import HttpServer
from bot.fakeslack import FakeSlack
from bot.services import Services

SECRET = "e2e-signing-secret"
TEAM = "T0COSELL"


def sign(body: bytes, timestamp: int, secret: str = SECRET) -> str:
    """Slack's v0 signature of a request body."""
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Reply:
    """An HTTP answer from the app."""

    status: int
    body: str
    headers: dict[str, str]


@dataclass
class Harness:
    """The running app, its fake Slack, and helpers to talk to it as Slack does."""

    server: HttpServer
    services: Services
    slack: FakeSlack

    def post(self, body: bytes, content_type: str, *, signed: bool = True,
             timestamp: int | None = None, headers: dict[str, str] | None = None) -> Reply:
        """POST to /slack/events, signed like Slack unless told otherwise."""
        stamp = int(time.time()) if timestamp is None else timestamp
        sent = {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(stamp)}
        if signed:
            sent["X-Slack-Signature"] = sign(body, stamp)
        sent.update(headers or {})
        request = urllib.request.Request(self.server.url + "/slack/events", data=body,
                                         headers=sent, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Reply(response.status, response.read().decode(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode(), dict(error.headers))

    def get(self, path: str) -> Reply:
        """GET a path of the app."""
        try:
            with urllib.request.urlopen(self.server.url + path, timeout=10) as response:
                return Reply(response.status, response.read().decode(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode(), dict(error.headers))

    def command(self, command: str, text: str, *, user: str, **extra: Any) -> Reply:
        """A slash command, form-encoded as Slack sends it."""
        fields = {
            "token": "verification-token-unused", "team_id": TEAM, "team_domain": "coseller",
            "channel_id": extra.pop("channel_id", "C0DEALS"), "channel_name": "deals",
            "user_id": user, "user_name": user.lower(), "command": command, "text": text,
            "api_app_id": "A0COSELL", "is_enterprise_install": "false",
            "response_url": f"{self.slack.url}/respond/{user}-{time.monotonic_ns()}",
            "trigger_id": f"trigger-{time.monotonic_ns()}",
        }
        fields.update({k: str(v) for k, v in extra.items()})
        return self.post(urlencode(fields).encode(), "application/x-www-form-urlencoded")

    def event(self, event: dict[str, Any], *, event_id: str | None = None,
              retry: int | None = None) -> Reply:
        """An Events API callback."""
        envelope = {
            "token": "unused", "team_id": TEAM, "api_app_id": "A0COSELL", "event": event,
            "type": "event_callback", "event_id": event_id or f"Ev{time.monotonic_ns()}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": "U0COSELLBOT", "is_bot": True}],
        }
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} \
            if retry else None
        return self.post(json.dumps(envelope).encode(), "application/json", headers=headers)

    def interaction(self, payload: dict[str, Any]) -> Reply:
        """A block action, view submission or shortcut, as `payload=` form data."""
        payload.setdefault("team", {"id": TEAM, "domain": "coseller"})
        payload.setdefault("api_app_id", "A0COSELL")
        payload.setdefault("token", "unused")
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self.post(body, "application/x-www-form-urlencoded")

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Poll until `predicate()` is truthy (lazy listeners and the outbox run in threads)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.02)
        raise AssertionError("timed out waiting for the app")

    def responses(self, user: str | None = None) -> list[dict[str, Any]]:
        """Everything posted to response URLs (ephemeral answers), optionally for one user."""
        return [c.args for c in self.slack.calls_of("response_url")
                if user is None or str(c.args.get("response_url_id", "")).startswith(user)]
