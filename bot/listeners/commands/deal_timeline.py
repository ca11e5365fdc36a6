"""`/deal timeline [deal]`: the evidence behind a deal's clocks, ephemerally (the same answer as
the Timeline button of a breach notice)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.listeners.commands.subcommand import Subcommand
from bot.listeners.common import say_private, say_usage
from bot.messages import Reader, Refused
from bot.syntax import UsageError, parse_timeline
from bot.usecases.deal_support import DealRef
from bot.usecases.timeline import ShowTimeline, deal_timeline
from bot.views.text import render_reply
from bot.views.timeline import timeline_answer

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services

__all__ = ["show_timeline", "subcommands"]


def show_timeline(services: Services, actor: Actor, ref: DealRef, respond: Any) -> None:
    """Answer `actor` with the deal's timeline, or with why not."""
    try:
        timeline = deal_timeline(services, actor, ShowTimeline(ref))
    except Refused as refused:
        say_private(respond, render_reply(refused.reply, Reader(actor.lang, actor.tz)))
        return
    say_private(respond, *timeline_answer(timeline, actor.lang, actor.tz, actor.viewer))


def _timeline(services: Services, actor: Actor, rest: str, body: dict[str, Any], client: Any,
              respond: Any) -> None:
    del client
    try:
        number = parse_timeline(rest)
    except UsageError as usage:
        say_usage(respond, actor, usage)
        return
    show_timeline(services, actor, DealRef(
        number, channel=str(body.get("channel_id") or "") or None,
        thread_ts=str(body.get("thread_ts") or "") or None), respond)


def subcommands(table: dict[str, Subcommand]) -> None:
    """Add `timeline` to `table`."""
    table["timeline"] = Subcommand(_timeline)
