"""Socket Mode: the app over a WebSocket Slack opens to us (no public URL needed).

    handler = socket_mode_handler(app, app_token=settings.app_token)
    handler.start()        # blocks until interrupted

Bolt's own `SocketModeHandler` (slack_sdk's built-in client, no extra dependency) receives the
envelopes, runs the same listeners as over HTTP, and acknowledges on the socket.
"""

from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.config import ConfigError

__all__ = ["socket_mode_handler"]


def socket_mode_handler(app: App, *, app_token: str) -> SocketModeHandler:
    """The Socket Mode handler for `app`, not yet connected (`start()` connects and blocks)."""
    if not app_token.startswith("xapp-"):
        raise ConfigError("SLACK_APP_TOKEN: expected an app-level token starting with 'xapp-'")
    return SocketModeHandler(app, app_token, web_client=app.client)
