"""End-to-end harness: the real app over HTTP on loopback, a fake Slack Web API on another port,
requests signed exactly as Slack signs them, and payloads shaped like Slack's (built by
`bot.console.requests`, the same builders the local console uses)."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.adapters.http import HttpServer
from bot.console import requests as slack_requests
from bot.console.requests import SlackRequest
from bot.services import Services
from tests.fakes.slack import FakeSlack

SECRET = "e2e-signing-secret"
TEAM = "T0COSELL"


def sign(body: bytes, timestamp: int, secret: str = SECRET) -> str:
    """Slack's v0 signature of a request body (with the tests' signing secret)."""
    return slack_requests.sign(body, timestamp, secret)


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

    def send(self, request: SlackRequest, **options: Any) -> Reply:
        """POST a Slack-shaped request (see `bot.console.requests`), signed like Slack."""
        return self.post(request.body.encode(), request.content_type, **options)

    def command(self, command: str, text: str, *, user: str, **extra: Any) -> Reply:
        """A slash command, form-encoded as Slack sends it."""
        return self.send(slack_requests.slash_command(
            command, text, team_id=TEAM, user_id=user,
            channel_id=extra.pop("channel_id", "C0DEALS"),
            response_url=f"{self.slack.url}/respond/{user}-{time.monotonic_ns()}",
            trigger_id=f"trigger-{time.monotonic_ns()}", token="verification-token-unused",
            extra={k: str(v) for k, v in extra.items()}))

    def event(self, event: dict[str, Any], *, event_id: str | None = None,
              retry: int | None = None) -> Reply:
        """An Events API callback."""
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} \
            if retry else None
        return self.send(slack_requests.event_callback(
            event, team_id=TEAM, event_id=event_id or f"Ev{time.monotonic_ns()}",
            event_time=int(time.time()), bot_user_id=self.slack.bot_user_id), headers=headers)

    def interaction(self, payload: dict[str, Any]) -> Reply:
        """A block action, view submission or shortcut, as `payload=` form data."""
        return self.send(slack_requests.interaction(payload, team_id=TEAM))

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
