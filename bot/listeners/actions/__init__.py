"""Actions listeners, one module per feature."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.listeners.actions import (
    admin_actions,
    breach_actions,
    clock_actions,
    deal_actions,
    timeline_actions,
)

if TYPE_CHECKING:
    from slack_bolt import App


__all__ = ["register"]


def register(app: App) -> None:
    """Register the actions listeners."""
    deal_actions.register(app)
    clock_actions.register(app)
    breach_actions.register(app)
    timeline_actions.register(app)
    admin_actions.register(app)
