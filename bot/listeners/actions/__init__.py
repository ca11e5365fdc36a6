"""Actions listeners, one module per feature."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.listeners.actions import breach_actions, clock_actions, deal_actions

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.app import Runtime

__all__ = ["register"]


def register(app: App, runtime: Runtime) -> None:
    """Register the actions listeners."""
    deal_actions.register(app, runtime)
    clock_actions.register(app, runtime)
    breach_actions.register(app, runtime)
