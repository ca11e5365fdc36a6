"""Reminder and escalation messages: text and Block Kit, in one language, with actionable buttons.

Due times in channel messages use Slack's date token, so every reader sees their own time zone.
"""

from __future__ import annotations

from datetime import datetime
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
from rules.i18n import format_datetime

__all__ = ["buttons", "due_token", "message"]


def due_token(moment: datetime, lang: str) -> str:
    """A Slack date token (shown in each reader's zone), with a fallback in the moment's zone."""
    fallback = format_datetime(moment, lang)
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def buttons(lang: str, deal_id: int, names: tuple[str, ...]) -> dict[str, Any]:
    """An actions block with the named buttons (`bant_open`, `ooo_open`, `extension_open`,
    `breach_extend`, `breach_remove`, `breach_dismiss`), each carrying the deal id."""
    elements = [ButtonElement(text=PlainTextObject(text=t(f"button.{name}", lang)),
                              action_id=name, value=str(deal_id),
                              style="danger" if name == "breach_remove" else None,
                              confirm=_confirm_removal(lang) if name == "breach_remove" else None)
                for name in names]
    return ActionsBlock(elements=elements, block_id=f"actions-{deal_id}").to_dict()


def _confirm_removal(lang: str) -> ConfirmObject:
    return ConfirmObject(title=t("breach.confirm_title", lang), text=t("breach.confirm_text", lang),
                         confirm=t("breach.confirm_yes", lang), deny=t("breach.confirm_no", lang),
                         style="danger")


def message(text: str, extra: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """chat.postMessage arguments: the text, as a section, and any further blocks."""
    blocks = [SectionBlock(text=MarkdownTextObject(text=text)).to_dict(), *(extra or [])]
    return {"text": text, "blocks": blocks}
