"""Views listeners, one module per feature."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.listeners.views import deal_views, followup_views

if TYPE_CHECKING:
    from slack_bolt import App


__all__ = ["register"]


def register(app: App) -> None:
    """Register the views listeners."""
    deal_views.register(app)
    followup_views.register(app)
