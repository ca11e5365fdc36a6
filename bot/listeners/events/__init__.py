"""Events listeners, one module per feature."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.listeners.events import channels, home, mentions, messages

if TYPE_CHECKING:
    from slack_bolt import App


__all__ = ["register"]


def register(app: App) -> None:
    """Register the events listeners."""
    messages.register(app)
    mentions.register(app)
    home.register(app)
    channels.register(app)
