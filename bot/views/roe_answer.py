"""Rule answers beyond the plain answer card: the facts assumed, schedule and due-time details,
a deal's two answers side by side, and the closest sections when a question cannot be decided.

Every answer still goes through `bot.views.answer` (rendered for the viewer: the one
confidentiality door); this module only adds lines around it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any

from slack_sdk.models.blocks import ContextBlock, DividerBlock, MarkdownTextObject, SectionBlock

from bot.i18n import t
from bot.views.answer import answer_blocks, answer_text
from rules import i18n as rules_i18n
from rules.answers import Answer, Viewer
from rules.facts import Partner
from rules.money import Money
from rules.sections import Section, title
from rules.upmarket import CRM_IMPLEMENTATION

__all__ = [
    "Notes",
    "answer_reply",
    "closest_reply",
    "deal_reply",
    "details",
    "partner_note",
    "slack_date",
    "term",
]

Notes = list[str]


def term(kind: str, value: str, lang: str) -> str:
    """A vocabulary term in `lang` (the Japanese text's official terms)."""
    return rules_i18n.text(f"term.{kind}.{value}", lang)


def slack_date(moment: datetime, lang: str) -> str:
    """Slack's date token: every reader of a channel message sees it in their own zone."""
    fallback = rules_i18n.format_datetime(moment, lang)
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def partner_note(partner: Partner, lang: str) -> str:
    """"Assuming a Solutions Partner, Gold tier" (and its accreditation), shown with an answer."""
    crm = partner.is_solutions_partner and CRM_IMPLEMENTATION in partner.accreditations
    return t("roe.assumed_partner", lang, kind=term("kind", partner.kind.value, lang),
             tier=term("tier", partner.tier.value, lang),
             crm=t("roe.assumed_crm", lang) if crm else "")


def details(answer: Answer, lang: str, *, reader_tz: tzinfo | None, shown_tz: tzinfo | None,
            in_channel: bool = False) -> Notes:
    """Lines an answer's reasons do not carry: a schedule's payouts, a due time for the reader."""
    notes: Notes = []
    fields = answer.fields
    if answer.question == "revenue_share" and fields.get("payouts"):
        payouts = [f"{p['quarter']} {rules_i18n.format_money(p['amount'], lang)}"
                   for p in fields["payouts"]]
        shown = payouts if len(payouts) <= 6 else [*payouts[:5], "…", payouts[-1]]
        total = fields["total"]
        assert isinstance(total, Money)
        notes.append(t("roe.detail.total", lang, total=rules_i18n.format_money(total, lang),
                       months=fields["months"]))
        notes.append(t("roe.detail.payouts", lang, payouts=" · ".join(shown)))
    if answer.question == "response_due":
        due = fields["due_at"]
        assert isinstance(due, datetime)
        if in_channel:
            notes.append(t("roe.detail.due_everyone", lang, due=slack_date(due, lang)))
        elif reader_tz is not None and shown_tz is not None and \
                due.astimezone(reader_tz).utcoffset() != due.astimezone(shown_tz).utcoffset():
            notes.append(t("roe.detail.due_yours", lang,
                           due=rules_i18n.format_datetime(due, lang, reader_tz)))
    return notes


def _notes_block(notes: Sequence[str]) -> dict[str, Any]:
    return ContextBlock(elements=[MarkdownTextObject(text=n) for n in notes[:10]]).to_dict()


def answer_reply(answer: Answer, lang: str, viewer: Viewer, tz: tzinfo | None, notes: Notes
                 ) -> tuple[str, list[dict[str, Any]]]:
    """Text and blocks of one answer, with its notes under it."""
    text = answer_text(answer, lang, viewer, tz)
    blocks = answer_blocks(answer, lang, viewer, tz)
    if notes:
        text += "\n" + "\n".join(notes)
        blocks.append(_notes_block(notes))
    return text, blocks


def deal_reply(header: str, answers: Sequence[tuple[str, Answer]], *, lang: str, viewer: Viewer,
               tz: tzinfo | None, notes: Notes) -> tuple[str, list[dict[str, Any]]]:
    """A stored deal's answers (eligibility, then what it earns), each under its heading."""
    texts = [header]
    blocks: list[dict[str, Any]] = [SectionBlock(text=MarkdownTextObject(text=header)).to_dict()]
    for heading, answer in answers:
        texts += [f"*{heading}*", answer_text(answer, lang, viewer, tz)]
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*{heading}*")).to_dict())
        blocks += answer_blocks(answer, lang, viewer, tz)
    if notes:
        texts += notes
        blocks.append(_notes_block(notes))
    return "\n".join(texts), blocks


def _summary_key(section: Section) -> str:
    return "answers.summary." + section.value.replace("-", "_")


def closest_reply(sections: Sequence[Section], commands: Sequence[str], lang: str,
                  *, understood: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """The sections closest to a question, each with its title and a one-line summary, and the
    `/roe` commands that would answer it."""
    intro = t("answers.closest.intro" if understood else "answers.closest.unknown", lang)
    lines = [f"• *{title(s, lang)}*: {t(_summary_key(s), lang)}" for s in sections]
    blocks: list[dict[str, Any]] = [
        SectionBlock(text=MarkdownTextObject(text=intro)).to_dict(),
        SectionBlock(text=MarkdownTextObject(text="\n".join(lines))).to_dict(),
    ]
    texts = [intro, *lines]
    if commands:
        asks = t("answers.closest.ask", lang, commands="  ".join(f"`{c}`" for c in commands))
        blocks += [DividerBlock().to_dict(),
                   ContextBlock(elements=[MarkdownTextObject(text=asks)]).to_dict()]
        texts.append(asks)
    return "\n".join(texts), blocks
