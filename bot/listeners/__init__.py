"""Listeners by kind, each kind with its `register(app, services)` (the Bolt starter's layout)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.listeners import actions, commands, events, shortcuts, views

if TYPE_CHECKING:
    from slack_bolt import App


__all__ = ["register_listeners"]


def register_listeners(app: App) -> None:
    """Register every listener of every kind."""
    commands.register(app)
    events.register(app)
    actions.register(app)
    views.register(app)
    shortcuts.register(app)
