"""`/deal` subcommands of a deal's life: register, offer, status, close, remove, poi."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.listeners.commands.deal import Subcommand

__all__ = ["subcommands"]


def subcommands(table: dict[str, Subcommand]) -> None:
    """Add this module's subcommands to `table`."""
    del table
