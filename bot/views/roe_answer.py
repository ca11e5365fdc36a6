"""Rule answers for one reader: the plain answer card (`bot.views.answer`) with the facts it
assumed, a schedule's payouts and a due time, a stored deal's two answers side by side, the
closest sections when a question cannot be decided, and `/roe help`.

    text, blocks = roe_view(answer_roe(services, actor, AskRoe(text)), reader)
    text, blocks = ruling_view(message.ruling, reader)     # the outbox, at send time

Every answer still goes through `rules.answers.render` for the answer's viewer (the one
confidentiality door); this module only adds lines around it. It never touches storage.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any

from slack_sdk.models.blocks import ContextBlock, DividerBlock, MarkdownTextObject, SectionBlock

from bot.i18n import t
from bot.messages import Answered, AssumedPartner, Closest, Reader, Reply, Ruling
from bot.syntax import COMMANDS, usage_key
from bot.usecases.answers import DealAnswer, Help, RoeResult
from bot.views.answer import answer_blocks, answer_text
from bot.views.text import CONTEXT_TEXT, clip, escape, render_reply, render_text, slack_date
from rules import i18n as rules_i18n
from rules.answers import Answer, Months, Viewer
from rules.money import Money
from rules.sections import Section, title

__all__ = [
    "Notes",
    "answer_reply",
    "answered_view",
    "closest_reply",
    "deal_reply",
    "details",
    "help_text",
    "partner_note",
    "roe_view",
    "ruling_view",
    "term",
]

Notes = list[str]


def term(kind: str, value: str, lang: str) -> str:
    """A vocabulary term in `lang` (the Japanese text's official terms)."""
    return rules_i18n.text(f"term.{kind}.{value}", lang)


def partner_note(partner: AssumedPartner, lang: str) -> str:
    """"Assuming a Solutions Partner, Gold tier" (and its accreditation), shown with an answer."""
    return t("roe.assumed_partner", lang, kind=term("kind", partner.kind.value, lang),
             tier=term("tier", partner.tier.value, lang),
             crm=t("roe.assumed_crm", lang) if partner.crm else "")


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
                       term=Months(fields["months"]).text(lang)))
        notes.append(t("roe.detail.payouts", lang, payouts=" · ".join(shown)))
    if answer.question == "response_due":
        due = fields["due_at"]
        assert isinstance(due, datetime)
        if in_channel:
            notes.append(t("roe.detail.due_everyone", lang,
                           due=slack_date(due, lang, shown_tz or due.tzinfo)))
        elif reader_tz is not None and shown_tz is not None and \
                due.astimezone(reader_tz).utcoffset() != due.astimezone(shown_tz).utcoffset():
            notes.append(t("roe.detail.due_yours", lang,
                           due=rules_i18n.format_datetime(due, lang, reader_tz)))
    return notes


def _notes_block(notes: Sequence[str]) -> dict[str, Any]:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(n, CONTEXT_TEXT))
                                  for n in notes[:10]]).to_dict()


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


# -- typed results, for one reader ------------------------------------------------------------


def answered_view(answered: Answered, reader: Reader) -> tuple[str, list[dict[str, Any]]]:
    """A rule answer for `reader`: in their language, for the answer's viewer; in a shared
    conversation a due time is a Slack date token (each reader sees their own zone), for one
    reader it is also shown in their zone when that differs."""
    lang, answer = reader.lang, answered.answer
    notes = [render_text(line, reader) for line in answered.before]
    notes += details(answer, lang, reader_tz=None if reader.shared else reader.tz,
                     shown_tz=answered.tz, in_channel=reader.shared)
    if answered.partner is not None:
        notes.append(partner_note(answered.partner, lang))
    notes += [render_text(line, reader) for line in answered.after]
    return answer_reply(answer, lang, answered.viewer, answered.tz, notes)


def ruling_view(ruling: Ruling, reader: Reader) -> tuple[str, list[dict[str, Any]]]:
    """A rule answer, or the sections closest to a question, for `reader`."""
    if isinstance(ruling, Closest):
        return closest_reply(ruling.sections, ruling.commands, reader.lang,
                             understood=ruling.understood)
    return answered_view(ruling, reader)


def help_text(lang: str) -> str:
    """Every `/roe` subcommand with its usage line and an example."""
    lines = [t("roe.helplist.title", lang)]
    lines += [f"• {t(usage_key(c), lang)}" for c in COMMANDS if c != "help"]
    lines.append(t("roe.helplist.mention", lang))
    return "\n".join(lines)


def _deal_view(found: DealAnswer, reader: Reader) -> tuple[str, list[dict[str, Any]]]:
    lang = reader.lang
    header = t("roe.deal.header", lang, id=found.deal_id, company=escape(found.company),
               domain=escape(found.domain), status=t(f"home.status.{found.status.value}", lang),
               motion=term("motion", found.motion.value, lang))
    notes = [t("roe.deal.partner", lang, kind=term("kind", found.partner.kind.value, lang),
               tier=term("tier", found.partner.tier.value, lang))]
    if found.poi_assumed:
        notes.append(t("roe.deal.poi_assumed", lang))
    if found.no_items:
        notes.append(t("roe.deal.no_items", lang))
    return deal_reply(header, [(t("roe.deal.eligibility", lang), found.eligibility),
                               (t("roe.deal.earnings", lang), found.earnings)],
                      lang=lang, viewer=found.viewer, tz=reader.tz, notes=notes)


def roe_view(result: RoeResult, reader: Reader) -> tuple[str, list[dict[str, Any]] | None]:
    """What `/roe` shows the asker: text, and blocks when there is more than a line."""
    if isinstance(result, Reply):
        return render_reply(result, reader), None
    if isinstance(result, Help):
        return help_text(reader.lang), None
    if isinstance(result, DealAnswer):
        return _deal_view(result, reader)
    return ruling_view(result, reader)
