"""Slash-command listeners: `/roe` (rule answers) and `/deal` (shared deals)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.listeners.commands import deal, roe

if TYPE_CHECKING:
    from slack_bolt import App


__all__ = ["register"]


def register(app: App) -> None:
    """Register the slash commands."""
    roe.register(app)
    deal.register(app)
