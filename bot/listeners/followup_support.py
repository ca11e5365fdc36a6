"""What the follow-up listeners share: answering the person who acted, after a modal too.

A slash command or a button has a `response_url` for the immediate answer; a modal submitted from
one carries it in its private metadata, so the answer still lands where the person asked. With no
response URL at all, the answer is a direct message through the outbox.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackClientError
from slack_sdk.webhook import WebhookClient

from bot.listeners.common import actor_of, stranger
from bot.outbox import enqueue
from bot.usecases.followup import Notice
from bot.views.answer import answer_blocks, answer_text

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.services import Services

__all__ = ["action_value", "notice_blocks", "notice_text", "post_response", "tell"]

log = logging.getLogger(__name__)


def notice_text(notice: Notice, actor: Actor) -> str:
    """A notice for the actor, in their language and zone (with its rule answer, if any)."""
    text = notice.text(actor.lang, actor.tz)
    if notice.answer is not None:
        text += "\n\n" + answer_text(notice.answer, actor.lang, actor.viewer, actor.tz)
    return text


def notice_blocks(notice: Notice, actor: Actor) -> list[dict[str, Any]] | None:
    """Blocks for a notice that carries a rule answer (None for plain text)."""
    if notice.answer is None:
        return None
    head = {"type": "section", "text": {"type": "mrkdwn", "text": notice.text(actor.lang,
                                                                               actor.tz)}}
    return [head, *answer_blocks(notice.answer, actor.lang, actor.viewer, actor.tz)]


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


def tell(services: Services, actor: Actor, url: str | None, notice: Notice) -> None:
    """Tell the actor how it went: through the response URL, else a direct message."""
    text = notice_text(notice, actor)
    blocks = notice_blocks(notice, actor)
    if url and post_response(url, text, blocks=blocks):
        return
    with services.uow(actor=actor.user_id) as uow:
        args: dict[str, Any] = {"text": text}
        if blocks:
            args["blocks"] = blocks
        enqueue(uow, key=f"notice:{actor.user_id}:{uuid.uuid4().hex}",
                payload={"method": "chat.postMessage", "dm": actor.user_id, "args": args},
                team_id=actor.team_id)
        uow.commit()


def clicked(body: dict[str, Any], context: Any, respond: Any) -> tuple[Actor | None, int | None]:
    """The user who clicked a button (a stranger is answered here and comes back as None) and
    the record id the button carries (None when it is not a plausible id)."""
    actor = actor_of(context)
    if stranger(actor, respond):
        return None, None
    value = action_value(body)
    return actor, int(value) if value.isdigit() and len(value) < 10 else None


def action_value(body: dict[str, Any]) -> str:
    """The value of the (first) action of a block_actions payload."""
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")
