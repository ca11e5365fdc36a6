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
from bot.listeners.common import say_private
from bot.listeners.followup_support import notice_blocks, notice_text
from bot.permissions import Action, allowed
from bot.syntax import UsageError, parse_discount, parse_extend, parse_ref
from bot.usecases.followup import (
    Notice,
    file_extension,
    find_deal,
    latest_bant,
    refusal,
    request_discount,
    roles_text,
)
from bot.views.followup_modals import bant_modal, ooo_modal

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services

__all__ = ["subcommands"]


def _where(body: dict[str, Any]) -> dict[str, str | None]:
    return {"channel": body.get("channel_id"), "thread_ts": body.get("thread_ts")}


def _deal_id(services: Services, actor: Actor, ref: int | None, body: dict[str, Any]
             ) -> int | Notice:
    with services.uow(actor=actor.user_id) as uow:
        found = find_deal(uow, actor, ref=ref, **_where(body))
        return found if isinstance(found, Notice) else found.id


def _bant(services: Services, actor: Actor, rest: str,
          body: dict[str, Any], client: Any, respond: Any) -> None:
    """Runs inside the ack: the trigger id is good for 3 seconds."""
    try:
        ref = parse_ref("bant", rest)
    except UsageError as problem:
        say_private(respond, problem.text(actor.lang))
        return
    with services.uow(actor=actor.user_id) as uow:
        found = find_deal(uow, actor, ref=ref, **_where(body))
        if isinstance(found, Notice):
            say_private(respond, found.text(actor.lang, actor.tz))
            return
        problem_notice = refusal(actor, found, Action.UPDATE_BANT)
        if problem_notice is not None:
            say_private(respond, problem_notice.text(actor.lang, actor.tz))
            return
        view = bant_modal(actor.lang, deal_id=found.id, company=found.company,
                          latest=latest_bant(uow, found.id),
                          metadata={"response_url": body.get("response_url")})
    client.views_open(trigger_id=body.get("trigger_id"), view=view)


def _ooo(services: Services, actor: Actor, rest: str,
         body: dict[str, Any], client: Any, respond: Any) -> None:
    """Runs inside the ack: opens the out-of-office modal."""
    del rest
    if not allowed(actor.role, Action.REGISTER_ABSENCE):
        say_private(respond, Notice("error.not_allowed",
                                    {"roles": roles_text(Action.REGISTER_ABSENCE)}
                                    ).text(actor.lang))
        return
    view = ooo_modal(actor.lang, now=services.now(),
                     metadata={"response_url": body.get("response_url")})
    client.views_open(trigger_id=body.get("trigger_id"), view=view)


def _extend(services: Services, actor: Actor, rest: str,
            body: dict[str, Any], client: Any, respond: Any) -> None:
    del client
    try:
        command = parse_extend(rest, actor.tz, services.now())
    except UsageError as problem:
        say_private(respond, problem.text(actor.lang))
        return
    deal_id = _deal_id(services, actor, command.ref, body)
    if isinstance(deal_id, Notice):
        say_private(respond, deal_id.text(actor.lang, actor.tz))
        return
    notice = file_extension(services, actor, deal_id, extra=command.extra,
                            new_due=command.new_due, reason=command.reason)
    say_private(respond, notice.text(actor.lang, actor.tz))


def _discount(services: Services, actor: Actor, rest: str,
              body: dict[str, Any], client: Any, respond: Any) -> None:
    del client
    try:
        ref, description = parse_discount(rest)
    except UsageError as problem:
        say_private(respond, problem.text(actor.lang))
        return
    deal_id = _deal_id(services, actor, ref, body)
    if isinstance(deal_id, Notice):
        say_private(respond, deal_id.text(actor.lang, actor.tz))
        return
    notice = request_discount(services, actor, deal_id, description)
    say_private(respond, notice_text(notice, actor), notice_blocks(notice, actor))


def subcommands(table: dict[str, Subcommand]) -> None:
    """Add this module's subcommands to `table`."""

    table["bant"] = Subcommand(_bant, opens_modal=True)
    table["ooo"] = Subcommand(_ooo, opens_modal=True)
    table["extend"] = Subcommand(_extend)
    table["discount"] = Subcommand(_discount)
