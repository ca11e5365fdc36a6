"""The deal card: one message per deal in the deal channel, edited in place as the deal moves.

    facts = card_facts(uow, deal_id)          # bot.usecases.cards: the one read
    text, blocks = card_blocks(facts, lang=card_lang(facts), viewer=card_viewer(facts),
                               when=slack_date, buttons=True)

The card is a pure function of `CardFacts` (deal, items, partner, GS, clocks, the newest BANT
update and POI, the decision in the audit log, the thread's language), so any feature that
changes one of them only calls `bot.usecases.cards.refresh_card`. The outbox renders it at send
time (its renderer `deal_card` loads the facts and calls `card_message`): posted the first time
(the outbox records its `ts` as the deal's thread), updated in place with `chat.update`
afterwards. Nothing here reads storage.

Everything on the card is visible to the deal's partner: it names that partner only, and rule
answers go through `rules.render` with the partner as the viewer. The language is the
thread's (`bot.usecases.audience.thread_lang`); times are Slack date tokens, shown in each
reader's zone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.i18n import MESSAGES, t
from bot.messages import EndOfDay, Reader, due_param
from bot.usecases.cards import DECISION_STATUSES, CardFacts
from bot.views.text import (
    CONTEXT_TEXT,
    FIELD_TEXT,
    HEADER_TEXT,
    SECTION_TEXT,
    clip,
    end_of_day,
    escape,
    slack_date,
)
from rules import i18n as rules_i18n
from rules.answers import Answer, Viewer, render
from rules.eligibility import eligibility
from rules.money import Money
from rules.sections import title
from rules.vocabulary import Role
from storage.models import (
    BantUpdate,
    Clock,
    ClockState,
    Deal,
    DealStatus,
    LineItem,
    Party,
    PoiStatus,
)

if TYPE_CHECKING:
    pass

__all__ = [
    "DECISION_STATUSES",
    "CardFacts",
    "card_blocks",
    "card_lang",
    "card_message",
    "card_viewer",
    "line_name",
    "plain_date",
]

When = Callable[[datetime], str]


def plain_date(moment: datetime, lang: str, tz: Any) -> str:
    """An instant as text in the reader's zone (ephemeral answers and DMs)."""
    return rules_i18n.format_datetime(moment, lang, tz)


def line_name(line: str, lang: str, edition: str | None = None) -> str:
    """A product line's name (`Marketing Hub Professional`), a configured line title-cased."""
    found = rules_i18n.catalog(lang).get(f"term.line.{line}")
    name = found or line.replace("_", " ").title()
    return f"{name} {rules_i18n.text(f'term.edition.{edition}', lang)}" if edition else name


def card_lang(facts: CardFacts) -> str:
    """The card's language: its thread's (`bot.usecases.audience.thread_lang`)."""
    return facts.lang


def card_viewer(facts: CardFacts) -> Viewer:
    """The card's reader: the deal's partner (it is visible in the deal thread)."""
    return Viewer(Role.PARTNER, facts.partner.name if facts.partner else None)


def _mention(user: str | None) -> str:
    if user and user[:1] in ("U", "W"):
        return f"<@{user}>"
    return "Coseller"


def _status_text(deal: Deal, lang: str) -> str:
    return t(f"deals.status.{deal.status.value}", lang)


def _eligibility_blocks(answer: Answer, lang: str, viewer: Viewer) -> list[Block]:
    body = render(answer, lang, viewer)
    headline = t("deals.card.eligibility", lang, outcome=t(f"outcome.{answer.outcome.value}", lang))
    reasons = "\n".join(f"• {escape(r)}" for r in body["reasons"])  # names a partner typed
    cited = " · ".join(title(s, lang) for s in answer.citations)
    return [SectionBlock(text=MarkdownTextObject(text=clip(f"*{headline}*\n{reasons}",
                                                           SECTION_TEXT))),
            ContextBlock(elements=[MarkdownTextObject(text=t("answer.sources", lang,
                                                             sections=cited))])]


def _items_text(deal: Deal, items: tuple[LineItem, ...], lang: str) -> str:
    lines = []
    total = Money.zero(deal.currency)
    for item in items:
        money = Money(item.mrr, deal.currency)
        total = total + money
        edition = item.edition.value if item.edition else None
        lines.append(f"• {escape(line_name(item.line, lang, edition))}: "
                     f"{rules_i18n.format_money(money, lang)}")
    lines.append(t("deals.card.total", lang, amount=rules_i18n.format_money(total, lang)))
    return "\n".join(lines)


def _overdue(clock: Clock, deal: Deal) -> bool:
    """A reply the GS owes, past its due time and not come yet, on an open deal."""
    return clock.owed_by is Party.GS and clock.state is ClockState.BREACHED \
        and clock.stopped_at is None and deal.is_open


_REPLIES = ("response", "bant", "collaboration")  # what the deal asks while it is open


def _shown(clock: Clock, facts: CardFacts) -> bool:
    """Whether the card lists a clock: a running one, and a breached one while it still
    counts. A closed deal asks for no reply (its POI and onboarding clocks go on); a BANT
    prompt's breach shows until the partner shares BANT or a newer prompt replaces it."""
    deal = facts.deal
    if clock.kind in _REPLIES and not deal.is_open:
        return False
    if clock.state is ClockState.RUNNING:
        return True
    if clock.state is not ClockState.BREACHED or clock.kind == "collaboration":
        return False
    if clock.owed_by is Party.GS:
        return _overdue(clock, deal)
    if clock.kind == "bant":
        newest = max((c.id for c in facts.clocks if c.kind == "bant"), default=clock.id)
        return clock.stopped_at is None and clock.id == newest
    return True


def _clocks_text(facts: CardFacts, lang: str, when: When) -> str:
    # an offer not answered in time lapsed (the decision line says so): it is not a breach;
    # a GS's breached reply is flagged while overdue, and stops when the reply comes
    shown = [c for c in facts.clocks if _shown(c, facts)]
    if not shown:
        return t("deals.card.no_clocks", lang)
    lines = []
    for clock in shown:
        kind_key = f"deals.clock.{clock.kind}"
        kind = t(kind_key, lang) if kind_key in _catalog(lang) else clock.kind
        template = "deals.card.clock_line" if clock.state is ClockState.RUNNING \
            else "deals.card.clock_overdue" if _overdue(clock, facts.deal) \
            else "deals.card.clock_breached"
        lines.append(t(template, lang, kind=kind,
                       owed_by=t(f"deals.party.{clock.owed_by.value}", lang),
                       due=_due(facts, clock, lang, when)))
    return "\n".join(lines)


def _due(facts: CardFacts, clock: Clock, lang: str, when: When) -> str:
    """A clock's due time: the end of a day for the date-based clocks (never the next 00:00)."""
    due = due_param(clock.kind, clock.due_at, facts.zone)
    if isinstance(due, EndOfDay):
        return end_of_day(due, Reader(lang, ZoneInfo("UTC"), shared=True))
    return when(due)


def _catalog(lang: str) -> Mapping[str, str]:
    return MESSAGES.catalog(lang)


def _bant_text(bant: BantUpdate | None, lang: str, when: When) -> str:
    if bant is None:
        return t("deals.card.no_bant", lang)
    rows = [f"*{t('deals.card.bant', lang, when=when(bant.created_at))}*"]
    for name in ("budget", "authority", "need", "timing", "next_step"):
        value = getattr(bant, name)
        if value:
            rows.append(f"{t(f'deals.bant.{name}', lang)}: {clip(escape(str(value)), 400)}")
    if bant.expected_close is not None:
        rows.append(f"{t('deals.card.expected_close', lang)}: "
                    f"{rules_i18n.format_date(bant.expected_close, lang)}")
    return "\n".join(rows)


def _poi_text(facts: CardFacts, lang: str, when: When) -> str:
    poi = facts.poi
    if poi is None:
        return t("deals.poi.none", lang)
    if poi.status is PoiStatus.SIGNED and poi.signed_on is not None:
        text = t("deals.poi.signed_on", lang, date=rules_i18n.format_date(poi.signed_on, lang))
    else:
        text = t(f"deals.poi.{poi.status.value}", lang, when=when(poi.recorded_at))
    if poi.names_partner_onboarding:
        text += t("deals.poi.onboarding", lang)
    close = facts.rules_deal.close_date
    if facts.rules_deal.poi_late and close is not None:  # the rules: it earns nothing
        text += t("deals.poi.late", lang, close=rules_i18n.format_date(close, lang))
    return text


def _decision_blocks(facts: CardFacts, lang: str, when: When, buttons: bool) -> list[Block]:
    deal = facts.deal
    value = f"{deal.id}:{deal.version}"
    if deal.status is DealStatus.REGISTERED:
        gs = _mention(facts.gs.slack_user_id) if facts.gs else t("deals.card.no_gs", lang)
        blocks: list[Block] = [ContextBlock(elements=[MarkdownTextObject(
            text=clip(t("deals.card.waiting_gs", lang, gs=gs), CONTEXT_TEXT))])]
        if buttons:
            blocks.append(ActionsBlock(block_id="deal_decision", elements=[
                ButtonElement(text=t("deals.button.accept_registration", lang),
                              action_id="deal_accept", value=value, style="primary"),
                ButtonElement(text=t("deals.button.decline_registration", lang),
                              action_id="deal_decline", value=value, style="danger",
                              confirm=_confirm(lang, "deals.confirm.decline_registration",
                                               deal.id)),
            ]))
        return blocks
    if deal.status is DealStatus.OFFERED:
        clock = next((c for c in facts.clocks if c.kind == "collaboration"
                      and c.state is ClockState.RUNNING), None)
        partner = escape(facts.partner.name) if facts.partner else "-"
        due = when(clock.due_at) if clock else "-"
        blocks = [ContextBlock(elements=[MarkdownTextObject(
            text=clip(t("deals.card.waiting_partner", lang, partner=partner, due=due),
                      CONTEXT_TEXT))])]
        if buttons:
            blocks.append(ActionsBlock(block_id="offer_decision", elements=[
                ButtonElement(text=t("deals.button.accept_offer", lang),
                              action_id="offer_accept", value=value, style="primary"),
                ButtonElement(text=t("deals.button.decline_offer", lang),
                              action_id="offer_decline", value=value, style="danger",
                              confirm=_confirm(lang, "deals.confirm.decline_offer", deal.id)),
            ]))
        return blocks
    if facts.decision is not None:
        return [ContextBlock(elements=[MarkdownTextObject(text=t(
            f"deals.card.decided.{deal.status.value}", lang,
            who=_mention(facts.decision.actor), when=when(facts.decision.at)))])]
    return []


def _confirm(lang: str, key: str, deal_id: int) -> ConfirmObject:
    return ConfirmObject(title=t("deals.confirm.title", lang), text=t(key, lang, deal=deal_id),
                         confirm=t("deals.confirm.yes", lang), deny=t("deals.confirm.no", lang))


def card_blocks(facts: CardFacts, *, lang: str, viewer: Viewer, when: When,
                buttons: bool = True, extra: Sequence[Block] = ()
                ) -> tuple[str, list[dict[str, Any]]]:
    """The card's notification text and blocks, in `lang`, for `viewer`; `when` shows an
    instant (a Slack date token in channels, the reader's zone in ephemeral answers)."""
    deal = facts.deal
    status = _status_text(deal, lang)
    company = escape(deal.company)
    header = t("deals.card.header", lang, deal=deal.id, company=deal.company,
               domain=deal.customer_domain)
    gs = _mention(facts.gs.slack_user_id) if facts.gs else t("deals.card.no_gs", lang)
    partner = escape(facts.partner.name) if facts.partner else "-"
    segment_key = f"deals.segment.{deal.segment}"
    segment = t(segment_key, lang) if segment_key in _catalog(lang) else deal.segment
    fields = [
        f"*{t('deals.card.status', lang)}*\n{status}",
        f"*{t('deals.card.motion', lang)}*\n"
        f"{rules_i18n.text(f'term.motion.{deal.motion.value}', lang)}",
        f"*{t('deals.card.gs', lang)}*\n{gs}",
        f"*{t('deals.card.partner', lang)}*\n{partner}",
        f"*{t('deals.card.region', lang)}*\n{escape(deal.region_code)} · {escape(segment)}",
    ]
    if deal.expected_close is not None:
        fields.append(f"*{t('deals.card.expected_close', lang)}*\n"
                      f"{rules_i18n.format_date(deal.expected_close, lang)}")
    if deal.subscription_start is not None:
        fields.append(f"*{t('deals.card.subscription_start', lang)}*\n"
                      f"{rules_i18n.format_date(deal.subscription_start, lang)}")
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=clip(header, HEADER_TEXT, mrkdwn=False))),
        SectionBlock(fields=[MarkdownTextObject(text=clip(f, FIELD_TEXT)) for f in fields]),
        SectionBlock(text=MarkdownTextObject(text=clip(
            f"*{t('deals.card.items', lang)}*\n{_items_text(deal, facts.items, lang)}",
            SECTION_TEXT))),
        *_eligibility_blocks(eligibility(facts.rules_deal, facts.rules_partner), lang, viewer),
        DividerBlock(),
        SectionBlock(text=MarkdownTextObject(text=clip(
            f"*{t('deals.card.clocks', lang)}*\n{_clocks_text(facts, lang, when)}",
            SECTION_TEXT))),
        SectionBlock(text=MarkdownTextObject(text=clip(_bant_text(facts.bant, lang, when),
                                                       SECTION_TEXT))),
        SectionBlock(text=MarkdownTextObject(text=clip(
            f"*{t('deals.card.poi', lang)}*\n{_poi_text(facts, lang, when)}",
            SECTION_TEXT))),
        *extra,
        *_decision_blocks(facts, lang, when, buttons),
        ContextBlock(elements=[MarkdownTextObject(text=t(
            "deals.card.footer", lang, deal=deal.id, when=when(deal.updated_at)))]),
    ]
    text = t("deals.card.text", lang, deal=deal.id, company=company,
             domain=escape(deal.customer_domain), status=status)
    return text, [block.to_dict() for block in blocks]


def card_message(facts: CardFacts, *, default_channel: str) -> tuple[str, dict[str, Any]]:
    """The card as the outbox sends it (Web API method, arguments): in the thread's language,
    for its partner, times as Slack date tokens; posted the first time (to the thread's channel,
    else `default_channel`), then edited in place."""
    lang = card_lang(facts)
    text, blocks = card_blocks(facts, lang=lang, viewer=card_viewer(facts),
                               when=lambda moment: slack_date(moment, lang, facts.tz))
    thread = facts.thread
    channel = thread.channel_id if thread is not None else default_channel
    if thread is not None and thread.card_ts:
        return "chat.update", {"channel": channel, "ts": thread.card_ts, "text": text,
                               "blocks": blocks}
    return "chat.postMessage", {"channel": channel, "text": text, "blocks": blocks,
                                "unfurl_links": False}
