"""Typed messages (`bot.messages.Outgoing`) as Slack sees them: `chat.postMessage` arguments
for one reader. Called by the outbox at send time; knows nothing of storage."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.i18n import t
from bot.messages import Button, Outgoing, Reader
from bot.views.text import render_text

__all__ = ["message_args"]


def _confirm(prefix: str, lang: str) -> ConfirmObject:
    return ConfirmObject(title=t(f"{prefix}_title", lang), text=t(f"{prefix}_text", lang),
                         confirm=t(f"{prefix}_yes", lang), deny=t(f"{prefix}_no", lang),
                         style="danger")


def _button(button: Button, reader: Reader) -> ButtonElement:
    return ButtonElement(text=PlainTextObject(text=render_text(button.label, reader)),
                         action_id=button.action_id, value=button.value, style=button.style,
                         confirm=_confirm(button.confirm, reader.lang) if button.confirm else None)


def message_args(message: Outgoing, reader: Reader) -> dict[str, Any]:
    """`chat.postMessage` arguments (without the channel): the text, and blocks when there are
    buttons."""
    text = "\n".join(render_text(line, reader) for line in message.lines)
    args: dict[str, Any] = {"text": text}
    if message.buttons:
        block_id = f"actions-{message.deal_id}" if message.deal_id is not None else None
        args["blocks"] = [SectionBlock(text=MarkdownTextObject(text=text)).to_dict(),
                          ActionsBlock(elements=[_button(b, reader) for b in message.buttons],
                                       block_id=block_id).to_dict()]
    return args
