"""home (events)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.app import Runtime

__all__ = ["register"]


def register(app: App, runtime: Runtime) -> None:
    """Register this module's listeners."""
    del app, runtime
