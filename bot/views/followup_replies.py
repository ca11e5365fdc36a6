"""What the person who acted on a follow-up is told: a reply, and with it (a discount request)
the rule answer it comes from, as text and as Block Kit."""

from __future__ import annotations

from typing import Any

from bot.messages import Reader, Reply
from bot.views.answer import answer_blocks, answer_text
from bot.views.text import render_reply
from rules.answers import Answer, Viewer

__all__ = ["reply_blocks", "reply_text"]


def reply_text(reply: Reply, reader: Reader, answer: Answer | None = None,
               viewer: Viewer | None = None) -> str:
    """The reply for its reader (followed by its rule answer, if any)."""
    text = render_reply(reply, reader)
    if answer is not None and viewer is not None:
        text += "\n\n" + answer_text(answer, reader.lang, viewer, reader.tz)
    return text


def reply_blocks(reply: Reply, reader: Reader, answer: Answer | None = None,
                 viewer: Viewer | None = None) -> list[dict[str, Any]] | None:
    """Blocks for a reply that carries a rule answer (None for plain text)."""
    if answer is None or viewer is None:
        return None
    head = {"type": "section", "text": {"type": "mrkdwn", "text": render_reply(reply, reader)}}
    return [head, *answer_blocks(answer, reader.lang, viewer, reader.tz)]
