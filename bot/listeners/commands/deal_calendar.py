"""`/deal closure`: an admin adds or removes a closure day of a region's calendar.

    /deal closure add <region> <date> <name>
    /deal closure remove <region> <date>
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.listeners.commands.subcommand import Subcommand
from bot.listeners.common import say_usage
from bot.listeners.followup_support import answer
from bot.messages import Refused
from bot.syntax import UsageError
from bot.syntax.closure import parse_closure
from bot.usecases.closures import ChangeClosure, change_closure

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services

__all__ = ["subcommands"]


def _closure(services: Services, actor: Actor, rest: str,
             body: dict[str, Any], client: Any, respond: Any) -> None:
    del body, client
    try:
        parsed = parse_closure(rest, services.now().astimezone(actor.tz).date())
    except UsageError as problem:
        say_usage(respond, actor, problem)
        return
    try:
        reply = change_closure(services, actor, ChangeClosure(parsed.region, parsed.day,
                                                              parsed.name, add=parsed.add))
    except Refused as refused:
        reply = refused.reply
    answer(respond, actor, reply)


def subcommands(table: dict[str, Subcommand]) -> None:
    """Add this module's subcommands to `table`."""
    table["closure"] = Subcommand(_closure)
