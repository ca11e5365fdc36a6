"""What the follow-up listeners share: answering the person who acted (after a modal too), and
opening the BANT and out-of-office modals, which a `/deal` subcommand and a reminder's button
both open, in one way.

A slash command or a button has a `response_url` for the immediate answer; a modal submitted from
one carries it in its private metadata, so the answer still lands where the person asked. With no
response URL at all, the answer is a direct message through the outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from slack_sdk.errors import SlackClientError
from slack_sdk.webhook import WebhookClient

from bot.listeners.common import actor_of, say_private, stranger
from bot.messages import Reader, Refused, Reply
from bot.syntax.tokens import deal_ref
from bot.usecases.absences import open_absence
from bot.usecases.bant import open_bant
from bot.usecases.deal_support import DealRef
from bot.usecases.followup_shared import tell_actor
from bot.views.followup_modals import bant_modal, ooo_modal
from bot.views.text import render_reply

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services

__all__ = ["action_value", "answer", "clicked", "meta", "post_response", "reader",
           "show_bant", "show_ooo", "tell"]

log = logging.getLogger(__name__)


def reader(actor: Actor) -> Reader:
    """The person who acted, reading alone: their language and zone."""
    return Reader(actor.lang, actor.tz)


def answer(respond: Any, actor: Actor, reply: Reply) -> None:
    """An ephemeral answer (a refusal, or how it went) to the person who acted."""
    say_private(respond, render_reply(reply, reader(actor)))


def meta(body: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A modal's private metadata: where to answer when it is submitted, and more."""
    return {"response_url": body.get("response_url"), **extra}


def post_response(url: str, text: str, *, blocks: list[dict[str, Any]] | None = None,
                  replace: bool = False) -> bool:
    """Post to a response URL: ephemeral, or replacing the message the button was on."""
    try:
        response = WebhookClient(url, timeout=10).send(
            text=text, blocks=blocks, response_type="ephemeral", replace_original=replace)
    except (SlackClientError, OSError) as error:
        log.warning("response_url post failed: %s", error)
        return False
    return response.status_code < 400


def tell(services: Services, actor: Actor, url: str | None, reply: Reply) -> None:
    """Tell the actor how it went: through the response URL, else a direct message."""
    if url and post_response(url, render_reply(reply, reader(actor))):
        return
    tell_actor(services, actor, reply)


Form = TypeVar("Form")


def open_modal(actor: Actor, body: dict[str, Any], client: Any, respond: Any,
               form: Callable[[], Form], view: Callable[[Form], dict[str, Any]]) -> None:
    """Ask the use case for the modal's form (or tell the actor why not) and open the modal.
    Runs inside the ack: a trigger id is good for 3 seconds."""
    try:
        filled = form()
    except Refused as refused:
        answer(respond, actor, refused.reply)
        return
    client.views_open(trigger_id=body.get("trigger_id"), view=view(filled))


def show_bant(services: Services, actor: Actor, where: DealRef, body: dict[str, Any],
              client: Any, respond: Any) -> None:
    """Open the BANT modal for the deal (or say why not)."""
    open_modal(actor, body, client, respond, lambda: open_bant(services, actor, where),
               lambda form: bant_modal(actor.lang, deal_id=form.deal_id, company=form.company,
                                       latest=form.latest, metadata=meta(body)))


def show_ooo(services: Services, actor: Actor, body: dict[str, Any], client: Any,
             respond: Any) -> None:
    """Open the out-of-office modal (or say why not)."""
    open_modal(actor, body, client, respond, lambda: open_absence(services, actor),
               lambda form: ooo_modal(actor.lang, now=form.now, metadata=meta(body),
                                      colleagues=form.colleagues))


def clicked(body: dict[str, Any], context: Any, respond: Any) -> tuple[Actor | None, int | None]:
    """The user who clicked a button (a stranger is answered here and comes back as None) and
    the record id the button carries (None when it is not a plausible id)."""
    actor = actor_of(context)
    if stranger(actor, respond):
        return None, None
    value = action_value(body)
    return actor, deal_ref(value)  # a record's id: the same rule as a deal number


def action_value(body: dict[str, Any]) -> str:
    """The value of the (first) action of a block_actions payload."""
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")
