"""The Home tab as a Block Kit `home` view, in the viewer's language and time zone.

    view = home_view(data, lang="ja", tz=ZoneInfo("Asia/Tokyo"))

Only the viewer sees their Home tab, so due times are written out in their own zone. An admin's
starts with what needs attention (`bot.views.admin_home`). Names and
companies are shown as typed (`bot.views.text.escape`): nobody's Home tab links or mentions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.i18n import MESSAGES, t
from bot.messages import EndOfDay, Reader, due_param
from bot.usecases.home import BreachLine, ClockLine, DealLine, HomeData, OrgSummary
from bot.views.admin_home import admin_blocks
from bot.views.text import CONTEXT_TEXT, SECTION_TEXT, clip, end_of_day, escape
from rules import i18n as rules_i18n
from rules.vocabulary import Role
from storage.models import Party

__all__ = ["LIST_LIMIT", "home_view", "stranger_view"]

LIST_LIMIT = 15
_KNOWN_KINDS = ("response", "bant", "collaboration", "onboarding", "poi")


def _kind_text(prefix: str, kind: str, lang: str) -> str:
    key = f"{prefix}.{kind}"
    if key in MESSAGES.catalog(lang):
        return t(key, lang)
    return t(f"{prefix}.other", lang, kind=kind)


def _deal_line(deal: DealLine, lang: str) -> str:
    return t("home.deal.line", lang, id=deal.id, company=escape(deal.company),
             domain=escape(deal.domain),
             status=t(f"home.status.{deal.status.value}", lang),
             motion=rules_i18n.text(f"term.motion.{deal.motion.value}", lang))


def _owes(owed_by: Party, role: Role | None, lang: str) -> str:
    if role is Role.PARTNER:
        return t("home.owes.your_org" if owed_by is Party.PARTNER else "home.owes.gs", lang)
    if role is Role.GS:
        return t("home.owes.you" if owed_by is Party.GS else "home.owes.partner", lang)
    return t("home.owes.partner" if owed_by is Party.PARTNER else "home.owes.gs", lang)


def _clock_line(clock: ClockLine, role: Role | None, lang: str, tz: tzinfo) -> str:
    return t("home.clock.overdue_line" if clock.overdue else "home.clock.line", lang,
             id=clock.deal_id, company=escape(clock.company),
             what=_kind_text("home.owed", clock.kind, lang),
             due=_due(clock, lang, tz), who=_owes(clock.owed_by, role, lang))


def _due(clock: ClockLine, lang: str, tz: tzinfo) -> str:
    """The due time in the reader's zone; a date-based clock's as the day it ends."""
    due = due_param(clock.kind, clock.due_at, clock.zone)
    if isinstance(due, EndOfDay):
        return end_of_day(due, Reader(lang, tz))
    return rules_i18n.format_datetime(due, lang, tz)


def _breach_line(breach: BreachLine, lang: str, tz: tzinfo) -> str:
    deal = t("home.breach.deal", lang, id=breach.deal_id, company=escape(breach.company or "")) \
        if breach.deal_id is not None else ""
    return t("home.breach.line", lang, at=rules_i18n.format_datetime(breach.occurred_at, lang, tz),
             what=_kind_text("home.breach", breach.kind, lang), deal=deal)


def _listing(lines: Sequence[str], empty: str, lang: str) -> str:
    if not lines:
        return f"_{empty}_"
    shown = [f"• {line}" for line in lines[:LIST_LIMIT]]
    if len(lines) > LIST_LIMIT:
        shown.append(t("home.more", lang, count=len(lines) - LIST_LIMIT))
    return clip("\n".join(shown), SECTION_TEXT - 100)  # under its section's title


def _section(title: str, body: str) -> list[Block]:
    return [SectionBlock(text=MarkdownTextObject(text=clip(f"*{title}*\n{body}", SECTION_TEXT)))]


def _org_blocks(org: OrgSummary, lang: str, tz: tzinfo) -> list[Block]:
    summary = t("home.pdm.org", lang, name=escape(org.name),
                kind=rules_i18n.text(f"term.kind.{org.kind.value}", lang),
                tier=rules_i18n.text(f"term.tier.{org.tier.value}", lang),
                deals=len(org.deals), clocks=len(org.clocks), breaches=len(org.breaches))
    parts = [
        _listing([_deal_line(d, lang) for d in org.deals], t("home.deals.none", lang), lang),
        _listing([_clock_line(c, Role.PDM, lang, tz) for c in org.clocks],
                 t("home.clocks.none", lang), lang),
        _listing([_breach_line(b, lang, tz) for b in org.breaches],
                 t("home.breaches.none", lang), lang),
    ]
    titles = [t("home.pdm.deals", lang), t("home.pdm.clocks", lang), t("home.pdm.breaches", lang)]
    body = "\n".join(f"_{title}_\n{part}" for title, part in zip(titles, parts, strict=True))
    return [SectionBlock(text=MarkdownTextObject(text=clip(f"*{summary}*\n{body}", SECTION_TEXT))),
            DividerBlock()]


def home_view(data: HomeData, *, lang: str, tz: tzinfo) -> dict[str, Any]:
    """The Home tab of one person."""
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=t("home.title", lang))),
        ContextBlock(elements=[MarkdownTextObject(text=clip(t(
            "home.hello", lang, name=escape(data.name or ""),
            at=rules_i18n.format_datetime(data.now, lang, tz)), CONTEXT_TEXT))]),
    ]
    if data.admin is not None:  # first: the 100-block cut below never reaches it
        blocks += admin_blocks(data.admin, lang=lang, tz=tz)
    if data.role in (Role.PARTNER, Role.GS, Role.ADMIN):
        deals_title = t("home.deals.partner" if data.role is Role.PARTNER else "home.deals.gs",
                        lang)
        blocks += _section(deals_title, _listing([_deal_line(d, lang) for d in data.deals],
                                                 t("home.deals.none", lang), lang))
        blocks.append(DividerBlock())
        blocks += _section(t("home.clocks.title", lang),
                           _listing([_clock_line(c, data.role, lang, tz) for c in data.clocks],
                                    t("home.clocks.none", lang), lang))
        blocks.append(DividerBlock())
        breaches_title = t("home.breaches.partner" if data.role is Role.PARTNER
                           else "home.breaches.gs", lang)
        blocks += _section(breaches_title,
                           _listing([_breach_line(b, lang, tz) for b in data.breaches],
                                    t("home.breaches.none", lang), lang))
        if data.own_breaches:
            blocks.append(DividerBlock())
            blocks += _section(t("home.breaches.own", lang),
                               _listing([_breach_line(b, lang, tz) for b in data.own_breaches],
                                        t("home.breaches.none", lang), lang))
    if data.role in (Role.PDM, Role.ADMIN):
        if data.role is Role.ADMIN:
            blocks.append(DividerBlock())
        blocks += _section(t("home.pdm.title", lang), "" if data.orgs else
                           f"_{t('home.pdm.none', lang)}_")
        for org in data.orgs[:20]:
            blocks += _org_blocks(org, lang, tz)
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=t("home.footer", lang))]))
    return View(type="home", blocks=blocks[:100]).to_dict()


def stranger_view(lang: str) -> dict[str, Any]:
    """The Home tab of someone not in the directory: ask an admin."""
    return View(type="home", blocks=[
        HeaderBlock(text=PlainTextObject(text=t("home.title", lang))),
        SectionBlock(text=MarkdownTextObject(text=t("error.unknown_user", lang))),
    ]).to_dict()
