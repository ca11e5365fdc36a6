"""What a `/deal` subcommand is; the feature modules each contribute theirs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services

__all__ = ["Subcommand"]


@dataclass(frozen=True)
class Subcommand:
    """A `/deal` subcommand, run in the lazy listener started as soon as the command is
    acknowledged; `opens_modal` ones open a modal (trigger ids expire in 3 s)."""

    run: Callable[[Services, Actor, str, dict[str, Any], Any, Any], None]
    opens_modal: bool = False
