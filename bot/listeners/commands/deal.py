"""`/deal <subcommand>`: one command, subcommands registered by feature modules.

    /deal register | offer | status | close | remove | poi        (deal_lifecycle)
    /deal bant | ooo | extend | discount                          (deal_followup)
    /deal timeline                                                (deal_timeline)
    /deal closure add|remove (admins)                             (deal_calendar)

Each subcommand handler gets the actor, the rest of the text, the request body, the Bolt client
and `respond`; `/deal` alone or `/deal help` lists them in the user's language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.listeners.commands import deal_calendar, deal_followup, deal_lifecycle, deal_timeline
from bot.listeners.commands.subcommand import Subcommand
from bot.listeners.common import ack_now, actor_of, polite, say_private, stranger
from bot.messages import Reader, Reply
from bot.views.text import render_reply

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.services import Services

__all__ = ["SUBCOMMANDS", "Subcommand", "register"]


SUBCOMMANDS: dict[str, Subcommand] = {}


def register(app: App) -> None:
    """Register `/deal` and its subcommands."""
    deal_lifecycle.subcommands(SUBCOMMANDS)
    deal_followup.subcommands(SUBCOMMANDS)
    deal_timeline.subcommands(SUBCOMMANDS)
    deal_calendar.subcommands(SUBCOMMANDS)

    def split(body: dict[str, Any]) -> tuple[str, str]:
        name, _, rest = str(body.get("text") or "").strip().partition(" ")
        return name.lower(), rest.strip()

    def work(services: Services, body: dict[str, Any], context: Any, client: Any, respond: Any) -> None:
        name, rest = split(body)
        sub = SUBCOMMANDS.get(name)
        actor = actor_of(context)
        if stranger(actor, respond):
            return
        assert actor is not None
        if sub is None:
            reply = Reply.of("deal.help") if name in ("", "help") else \
                Reply.refusal("deal.unknown_subcommand", name=name)
            say_private(respond, render_reply(reply, Reader(actor.lang, actor.tz)))
            return
        sub.run(services, actor, rest, body, client, respond)

    app.command("/deal")(ack=ack_now, lazy=[polite(work)])
