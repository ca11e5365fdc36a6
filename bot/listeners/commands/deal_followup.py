"""`/deal` subcommands that follow a deal up: bant, ooo, extend, discount.

    /deal bant [#deal]                                           opens the BANT modal
    /deal ooo                                                    opens the out-of-office modal
    /deal extend [#deal] <hours>h|<YYYY-MM-DD HH:MM> <reason>    asks for (grants) more time
    /deal discount [#deal] <the discount>                        asks the GS for written approval

The deal is the one named, the thread the command was run in, or the actor's only open deal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.listeners.commands.subcommand import Subcommand
from bot.listeners.common import say_private, say_usage
from bot.listeners.followup_support import answer, reader, show_bant, show_ooo
from bot.messages import Refused
from bot.syntax import UsageError, parse_discount, parse_extend, parse_ref
from bot.usecases.deal_support import DealRef
from bot.usecases.discounts import RequestDiscount, request_discount
from bot.usecases.extensions import FileExtension, file_extension
from bot.views.followup_replies import reply_blocks, reply_text

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services

__all__ = ["subcommands"]


def _where(body: dict[str, Any], ref: int | None) -> DealRef:
    return DealRef(ref, body.get("channel_id"), body.get("thread_ts"))


def _bant(services: Services, actor: Actor, rest: str,
          body: dict[str, Any], client: Any, respond: Any) -> None:
    """Runs inside the ack: the trigger id is good for 3 seconds."""
    try:
        ref = parse_ref("bant", rest)
    except UsageError as problem:
        say_usage(respond, actor, problem)
        return
    show_bant(services, actor, _where(body, ref), body, client, respond)


def _ooo(services: Services, actor: Actor, rest: str,
         body: dict[str, Any], client: Any, respond: Any) -> None:
    """Runs inside the ack: opens the out-of-office modal."""
    del rest
    show_ooo(services, actor, body, client, respond)


def _extend(services: Services, actor: Actor, rest: str,
            body: dict[str, Any], client: Any, respond: Any) -> None:
    del client
    try:
        parsed = parse_extend(rest, actor.tz, services.now())
    except UsageError as problem:
        say_usage(respond, actor, problem)
        return
    command = FileExtension(_where(body, parsed.ref), parsed.reason, extra=parsed.extra,
                            new_due=parsed.new_due)
    try:
        reply = file_extension(services, actor, command)
    except Refused as refused:
        reply = refused.reply
    answer(respond, actor, reply)


def _discount(services: Services, actor: Actor, rest: str,
              body: dict[str, Any], client: Any, respond: Any) -> None:
    del client
    try:
        ref, description = parse_discount(rest)
    except UsageError as problem:
        say_usage(respond, actor, problem)
        return
    try:
        done = request_discount(services, actor, RequestDiscount(_where(body, ref), description))
    except Refused as refused:
        answer(respond, actor, refused.reply)
        return
    shown = reader(actor)
    say_private(respond, reply_text(done.reply, shown, done.answer, actor.viewer),
                reply_blocks(done.reply, shown, done.answer, actor.viewer))


def subcommands(table: dict[str, Subcommand]) -> None:
    """Add this module's subcommands to `table`."""

    table["bant"] = Subcommand(_bant, opens_modal=True)
    table["ooo"] = Subcommand(_ooo, opens_modal=True)
    table["extend"] = Subcommand(_extend)
    table["discount"] = Subcommand(_discount)
