"""Slack-shaped request bodies: slash commands, Events API callbacks, interactions (block actions,
view submissions, view closings), signed like Slack when asked.

    request = slash_command("/roe", "eligibility", team_id=TEAM, user_id="U0AIKO01", ...)
    headers = request.headers(secret="...")        # X-Slack-Signature, X-Slack-Request-Timestamp

Written once, for the two places that talk to the app as Slack does: the local console (which
hands them to Bolt in process, unsigned) and the end-to-end tests (which POST them, signed, to the
app over HTTP). Field names and shapes follow Slack's documented payloads.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

__all__ = [
    "APP_ID",
    "FORM",
    "JSON",
    "SlackRequest",
    "block_actions",
    "event_callback",
    "interaction",
    "sign",
    "slash_command",
    "view_closed",
    "view_submission",
]

APP_ID = "A0COSELL"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def sign(body: bytes, timestamp: int, secret: str) -> str:
    """Slack's v0 signature of a request body."""
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class SlackRequest:
    """A request body as Slack would send it, with its content type."""

    body: str
    content_type: str

    def headers(self, *, secret: str | None = None, timestamp: int | None = None
                ) -> dict[str, str]:
        """The HTTP headers Slack sends with it; signed when `secret` is given."""
        stamp = int(time.time()) if timestamp is None else timestamp
        headers = {"Content-Type": self.content_type, "X-Slack-Request-Timestamp": str(stamp)}
        if secret is not None:
            headers["X-Slack-Signature"] = sign(self.body.encode(), stamp, secret)
        return headers


def slash_command(command: str, text: str, *, team_id: str, user_id: str, channel_id: str,
                  response_url: str, trigger_id: str, user_name: str | None = None,
                  team_domain: str = "coseller", channel_name: str = "deals",
                  token: str = "unused", api_app_id: str = APP_ID,
                  extra: dict[str, str] | None = None) -> SlackRequest:
    """A slash command, form-encoded as Slack sends it."""
    fields = {
        "token": token, "team_id": team_id, "team_domain": team_domain,
        "channel_id": channel_id, "channel_name": channel_name, "user_id": user_id,
        "user_name": user_name or user_id.lower(), "command": command, "text": text,
        "api_app_id": api_app_id, "is_enterprise_install": "false",
        "response_url": response_url, "trigger_id": trigger_id,
    }
    fields.update(extra or {})
    return SlackRequest(urlencode(fields), FORM)


def event_callback(event: dict[str, Any], *, team_id: str, event_id: str, event_time: int,
                   bot_user_id: str, token: str = "unused", api_app_id: str = APP_ID
                   ) -> SlackRequest:
    """An Events API callback wrapping `event`, as JSON."""
    envelope = {
        "token": token, "team_id": team_id, "api_app_id": api_app_id, "event": event,
        "type": "event_callback", "event_id": event_id, "event_time": event_time,
        "authorizations": [{"team_id": team_id, "user_id": bot_user_id, "is_bot": True}],
    }
    return SlackRequest(json.dumps(envelope), JSON)


def interaction(payload: dict[str, Any], *, team_id: str, team_domain: str = "coseller",
                token: str = "unused", api_app_id: str = APP_ID) -> SlackRequest:
    """A block action, view submission or shortcut, as `payload=` form data (the team, app and
    token filled in when the payload has none)."""
    payload = {"team": {"id": team_id, "domain": team_domain}, "api_app_id": api_app_id,
               "token": token, **payload}
    return SlackRequest(urlencode({"payload": json.dumps(payload)}), FORM)


def block_actions(action: dict[str, Any], *, user: dict[str, Any], trigger_id: str,
                  container: dict[str, Any], view: dict[str, Any] | None = None,
                  channel_id: str | None = None, response_url: str | None = None,
                  message: dict[str, Any] | None = None) -> dict[str, Any]:
    """The payload of a click on a button or a pick in a menu, on a message or in a view."""
    payload: dict[str, Any] = {
        "type": "block_actions", "user": user, "trigger_id": trigger_id, "enterprise": None,
        "is_enterprise_install": False, "actions": [action], "state": {"values": {}},
        "container": container,
    }
    if view is not None:
        payload["view"] = view
    if channel_id is not None:
        payload["channel"] = {"id": channel_id, "name": "deals"}
    if response_url is not None:
        payload["response_url"] = response_url
    if message is not None:
        payload["message"] = message
    return payload


def view_submission(view: dict[str, Any], values: dict[str, Any], *, user: dict[str, Any],
                    team_id: str, trigger_id: str, view_hash: str,
                    api_app_id: str = APP_ID) -> dict[str, Any]:
    """The payload of a modal's submission with the given state `values`."""
    return {
        "type": "view_submission", "user": user, "trigger_id": trigger_id,
        "is_enterprise_install": False, "enterprise": None, "response_urls": [],
        "view": {**view, "type": "modal", "team_id": team_id, "app_id": api_app_id,
                 "callback_id": view.get("callback_id", ""),
                 "private_metadata": view.get("private_metadata", ""),
                 "hash": view_hash, "root_view_id": view.get("id", ""),
                 "state": {"values": values}},
    }


def view_closed(view: dict[str, Any], *, user: dict[str, Any]) -> dict[str, Any]:
    """The payload sent when a modal with `notify_on_close` is closed."""
    return {"type": "view_closed", "user": user, "view": view, "is_cleared": False}
