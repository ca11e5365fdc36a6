"""Listeners by kind, each kind with its `register(app, runtime)` (the Bolt starter's layout)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.listeners import actions, commands, events, shortcuts, views

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.app import Runtime

__all__ = ["register_listeners"]


def register_listeners(app: App, runtime: Runtime) -> None:
    """Register every listener of every kind."""
    commands.register(app, runtime)
    events.register(app, runtime)
    actions.register(app, runtime)
    views.register(app, runtime)
    shortcuts.register(app, runtime)
