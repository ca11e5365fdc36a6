"""Shortcuts listeners, one module per feature."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.listeners.shortcuts import register_deal

if TYPE_CHECKING:
    from slack_bolt import App


__all__ = ["register"]


def register(app: App) -> None:
    """Register the shortcuts listeners."""
    register_deal.register(app)
