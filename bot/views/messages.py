"""Typed messages (`bot.messages.Outgoing`) as Slack sees them: `chat.postMessage` arguments
for one reader. Called by the outbox at send time; knows nothing of storage. A message that
carries a rule answer (`ruling`) shows it under its lines, rendered by `bot.views.roe_answer`."""

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
from bot.views.roe_answer import ruling_view
from bot.views.text import BUTTON_TEXT, SECTION_TEXT, clip, render_text

__all__ = ["message_args"]


def _confirm(prefix: str, lang: str) -> ConfirmObject:
    return ConfirmObject(title=t(f"{prefix}_title", lang), text=t(f"{prefix}_text", lang),
                         confirm=t(f"{prefix}_yes", lang), deny=t(f"{prefix}_no", lang),
                         style="danger")


def _button(button: Button, reader: Reader) -> ButtonElement:
    label = clip(render_text(button.label, reader), BUTTON_TEXT, mrkdwn=False)
    return ButtonElement(text=PlainTextObject(text=label),
                         action_id=button.action_id, value=button.value, style=button.style,
                         confirm=_confirm(button.confirm, reader.lang) if button.confirm else None)


def message_args(message: Outgoing, reader: Reader) -> dict[str, Any]:
    """`chat.postMessage` arguments (without the channel): the text, and blocks when there are
    buttons."""
    text = "\n".join(render_text(line, reader) for line in message.lines)
    if message.ruling is not None:
        return _with_ruling(message, reader, text)
    args: dict[str, Any] = {"text": text}
    if message.buttons:
        block_id = f"actions-{message.deal_id}" if message.deal_id is not None else None
        args["blocks"] = [SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_TEXT))).to_dict(),
                          ActionsBlock(elements=[_button(b, reader) for b in message.buttons],
                                       block_id=block_id).to_dict()]
    return args


def _with_ruling(message: Outgoing, reader: Reader, text: str) -> dict[str, Any]:
    """A message with a rule answer: its lines, then the answer's text and blocks."""
    assert message.ruling is not None
    shown, blocks = ruling_view(message.ruling, reader)
    if text:
        shown = f"{text}\n{shown}"
        blocks = [SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_TEXT))).to_dict(),
                  *blocks]
    if message.buttons:
        block_id = f"actions-{message.deal_id}" if message.deal_id is not None else None
        blocks.append(ActionsBlock(elements=[_button(b, reader) for b in message.buttons],
                                   block_id=block_id).to_dict())
    return {"text": shown, "blocks": blocks}
