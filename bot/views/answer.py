"""A rule answer as Block Kit: the outcome, the reasons, and the cited sections by title."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from slack_sdk.models.blocks import ContextBlock, DividerBlock, MarkdownTextObject, SectionBlock

from bot.i18n import t
from bot.views.text import SECTION_TEXT, clip, escape
from rules.answers import Answer, Viewer, render
from rules.sections import title

__all__ = ["answer_blocks", "answer_text"]


def answer_text(answer: Answer, lang: str, viewer: Viewer, tz: tzinfo | None = None) -> str:
    """Plain text of an answer (notification text and the console)."""
    body = render(answer, lang, viewer, tz)
    lines = [t(f"outcome.{answer.outcome.value}", lang)]
    lines += [f"• {escape(r)}" for r in body["reasons"]]  # a reason may name what was typed
    cited = ", ".join(title(s, lang) for s in answer.citations)
    lines.append(t("answer.sources", lang, sections=cited))
    return "\n".join(lines)


def answer_blocks(answer: Answer, lang: str, viewer: Viewer, tz: tzinfo | None = None
                  ) -> list[dict[str, Any]]:
    """Block Kit blocks of an answer, rendered for `viewer` (the one confidentiality door)."""
    body = render(answer, lang, viewer, tz)
    headline = t(f"outcome.{answer.outcome.value}", lang)
    reasons = "\n".join(f"• {escape(r)}" for r in body["reasons"])
    cited = " · ".join(title(s, lang) for s in answer.citations)
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=clip(f"*{headline}*\n{reasons}", SECTION_TEXT))),
        DividerBlock(),
        ContextBlock(elements=[MarkdownTextObject(text=t("answer.sources", lang,
                                                         sections=cited))]),
    ]
    return [block.to_dict() for block in blocks]
