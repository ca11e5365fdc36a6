"""`/roe`: Rules of Engagement answers, with reasons and the sections they come from.

    /roe help                        every question with its usage and an example
    /roe eligibility ... | earnings ... | revenue-share ... | upmarket ... | bpw ... |
         upsell ... | waive ... | due ...
    /roe  (in a deal's thread), /roe deal [id]    the deal's own facts

Acknowledged at once; the answer is worked out in a lazy listener and shown only to the asker.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from bot.i18n import t
from bot.listeners.common import actor_of, polite, say_private, stranger
from bot.usecases.answers import answer_roe

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.services import Services

__all__ = ["register"]

log = logging.getLogger(__name__)


def register(app: App) -> None:
    """Register `/roe`."""

    def ack_now(ack: Any) -> None:
        ack()

    def work(services: Services, body: dict[str, Any], context: Any, respond: Any) -> None:
        actor = actor_of(context)
        if stranger(actor, respond):
            return
        assert actor is not None
        try:
            reply = answer_roe(services, actor, str(body.get("text") or ""),
                               channel_id=body.get("channel_id"),
                               thread_ts=body.get("thread_ts") or body.get("message_ts"))
        except Exception:  # the asker gets a polite answer; the log has the rest
            ref = context.get("request_id", "-")
            log.exception("/roe failed (request %s)", ref)
            say_private(respond, t("error.unexpected", actor.lang, ref=ref))
            return
        say_private(respond, reply.text, reply.blocks)

    app.command("/roe")(ack=ack_now, lazy=[polite(work)])
