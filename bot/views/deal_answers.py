"""What the person who acted on a deal reads: a use case's `Reply` in their language and zone,
and `/deal status` (the deal's card without buttons, times in their zone; for staff, the Best
Partner Wins note)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject

from bot.messages import Reader, Reply
from bot.views.deal_card import card_blocks, plain_date
from bot.views.text import render_reply, render_text

if TYPE_CHECKING:
    from bot.context import Actor
    from bot.usecases.deal_queries import DealSummary

__all__ = ["reader_of", "reply_text", "status_answer"]


def reader_of(actor: Actor) -> Reader:
    """The person who acted, reading alone."""
    return Reader(actor.lang, actor.tz)


def reply_text(actor: Actor, reply: Reply) -> str:
    """A reply as its reader sees it."""
    return render_reply(reply, reader_of(actor))


def status_answer(actor: Actor, summary: DealSummary) -> tuple[str, list[dict[str, Any]]]:
    """The deal's card for one reader: no buttons, times in their zone."""
    extra: list[Block] = []
    if summary.best_partner_wins is not None:
        extra.append(ContextBlock(elements=[MarkdownTextObject(
            text=render_text(summary.best_partner_wins, reader_of(actor)))]))
    return card_blocks(summary.card, lang=actor.lang, viewer=actor.viewer,
                       when=lambda moment: plain_date(moment, actor.lang, actor.tz),
                       buttons=False, extra=extra)
