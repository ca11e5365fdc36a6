"""`/roe`: Rules of Engagement answers, with reasons and the sections they come from.

    /roe help                        every question with its usage and an example
    /roe eligibility ... | earnings ... | revenue-share ... | upmarket ... | bpw ... |
         upsell ... | waive ... | due ...
    /roe  (in a deal's thread), /roe deal [id]    the deal's own facts

Acknowledged at once; the answer is worked out in a lazy listener and shown only to the asker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.listeners.common import actor_of, polite, say_private, stranger
from bot.messages import Reader, Refused
from bot.usecases.answers import AskRoe, answer_roe
from bot.views.roe_answer import roe_view
from bot.views.text import render_reply

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.services import Services

__all__ = ["register"]


def register(app: App) -> None:
    """Register `/roe`."""

    def ack_now(ack: Any) -> None:
        ack()

    def work(services: Services, body: dict[str, Any], context: Any, respond: Any) -> None:
        actor = actor_of(context)
        if actor is None:  # no user to answer for
            stranger(actor, respond)
            return
        reader = Reader(actor.lang, actor.tz)
        command = AskRoe(str(body.get("text") or ""), channel_id=body.get("channel_id"),
                         thread_ts=body.get("thread_ts") or body.get("message_ts"))
        try:
            result = answer_roe(services, actor, command)
        except Refused as refused:
            say_private(respond, render_reply(refused.reply, reader))
            return
        say_private(respond, *roe_view(result, reader))

    app.command("/roe")(ack=ack_now, lazy=[polite(work)])
