"""The deal card: one message per deal in the deal channel, edited in place as the deal moves.

    facts = load_card(uow, deal_id)
    text, blocks = card_blocks(facts, lang=card_lang(facts), viewer=card_viewer(facts),
                               when=slack_date, buttons=True)

The card is a pure function of the rows `load_card` reads (deal, items, partner, GS, clocks, the
newest BANT update and POI, the decision in the audit log), so any feature that changes one of
them only calls `bot.usecases.cards.refresh_card`. The outbox renders it at send time (renderer
`deal_card`): posted the first time (the outbox records its `ts` as the deal's thread), updated
in place with `chat.update` afterwards.

Everything on the card is visible to the deal's partner: it names that partner only, and rule
answers go through `rules.render` with the partner as the viewer. The language is the
registering partner's (else the GS's); times are Slack date tokens, shown in each reader's zone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

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
from sqlalchemy import select

from bot.i18n import MESSAGES, lang_of, t
from bot.outbox import renderer
from rules import i18n as rules_i18n
from rules.answers import Answer, Viewer, render
from rules.eligibility import eligibility
from rules.facts import Deal as DealFacts
from rules.facts import Holding, Partner
from rules.facts import LineItem as ItemFacts
from rules.money import Money
from rules.sections import title
from rules.vocabulary import LineCredit, Role
from storage.models import (
    BantUpdate,
    Clock,
    ClockState,
    Deal,
    DealStatus,
    DealThread,
    PartnerOrg,
    Person,
    Poi,
    PoiStatus,
    ProductLineAssociation,
    Standing,
)

if TYPE_CHECKING:
    from bot.services import Services
    from storage.unit_of_work import UnitOfWork

__all__ = [
    "DECISION_STATUSES",
    "CardFacts",
    "card_blocks",
    "card_lang",
    "card_viewer",
    "deal_facts",
    "escape",
    "line_name",
    "load_card",
    "plain_date",
    "render_deal_card",
    "slack_date",
]

DECISION_STATUSES = frozenset({DealStatus.ACCEPTED, DealStatus.DECLINED, DealStatus.LAPSED,
                               DealStatus.WON, DealStatus.LOST, DealStatus.REMOVED})
When = Callable[[datetime], str]


@dataclass(frozen=True)
class Decision:
    """Who moved the deal to its current status, and when (from the audit log)."""

    actor: str
    at: datetime


@dataclass(frozen=True)
class CardFacts:
    """Everything a card shows, loaded once."""

    deal: Deal
    partner: PartnerOrg | None
    gs: Person | None
    registrant: Person | None
    partner_person: Person | None
    clocks: tuple[Clock, ...]
    bant: BantUpdate | None
    poi: Poi | None
    decision: Decision | None
    own_lines: tuple[str, ...]
    thread: DealThread | None


def escape(text: str) -> str:
    """Text safe inside Slack mrkdwn (`&`, `<`, `>`)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_date(moment: datetime, lang: str) -> str:
    """A Slack date token: every reader sees the instant in their own zone."""
    fallback = rules_i18n.format_datetime(moment, lang, UTC)
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def plain_date(moment: datetime, lang: str, tz: Any) -> str:
    """An instant as text in the reader's zone (ephemeral answers and DMs)."""
    return rules_i18n.format_datetime(moment, lang, tz)


def line_name(line: str, lang: str, edition: str | None = None) -> str:
    """A product line's name (`Marketing Hub Professional`), a configured line title-cased."""
    found = rules_i18n.catalog(lang).get(f"term.line.{line}")
    name = found or line.replace("_", " ").title()
    return f"{name} {rules_i18n.text(f'term.edition.{edition}', lang)}" if edition else name


def _decision(uow: UnitOfWork, deal: Deal) -> Decision | None:
    if deal.status not in DECISION_STATUSES:
        return None
    for entry in reversed(uow.audit.for_entity(Deal.__tablename__, deal.id)):
        change = (entry.changes or {}).get("status")
        if entry.action == "update" and isinstance(change, list) and len(change) == 2 \
                and change[1] == deal.status.value:
            return Decision(entry.actor, entry.at)
    return None


def load_card(uow: UnitOfWork, deal_id: int) -> CardFacts:
    """Read the rows a card shows."""
    deal = uow.deals.get(deal_id)
    session = uow.session
    partner = session.get(PartnerOrg, deal.partner_org_id) if deal.partner_org_id else None
    gs = session.get(Person, deal.gs_id) if deal.gs_id else None
    registrant = session.get(Person, deal.registered_by_id) if deal.registered_by_id else None
    partner_person = None
    if deal.partner_org_id is not None:
        partner_person = session.scalars(select(Person).where(
            Person.partner_org_id == deal.partner_org_id, Person.role == Role.PARTNER,
            Person.active.is_(True)).order_by(Person.id).limit(1)).first()
    clocks = session.scalars(select(Clock).where(Clock.deal_id == deal.id)
                             .order_by(Clock.due_at, Clock.id)).all()
    bant = session.scalars(select(BantUpdate).where(BantUpdate.deal_id == deal.id)
                           .order_by(BantUpdate.created_at.desc(), BantUpdate.id.desc())
                           .limit(1)).first()
    poi = session.scalars(select(Poi).where(Poi.deal_id == deal.id)
                          .order_by(Poi.recorded_at.desc(), Poi.id.desc()).limit(1)).first()
    own: tuple[str, ...] = ()
    if deal.partner_org_id is not None:
        own = tuple(session.scalars(select(ProductLineAssociation.line).where(
            ProductLineAssociation.customer_domain == deal.customer_domain,
            ProductLineAssociation.partner_org_id == deal.partner_org_id,
            (ProductLineAssociation.deal_id.is_(None)) | (ProductLineAssociation.deal_id != deal.id),
        )).all())
    return CardFacts(deal=deal, partner=partner, gs=gs, registrant=registrant,
                     partner_person=partner_person,
                     clocks=tuple(clocks), bant=bant, poi=poi, decision=_decision(uow, deal),
                     own_lines=own, thread=deal.thread)


def card_lang(facts: CardFacts) -> str:
    """The registering partner's language, else that of the deal's partner (an offered deal),
    else the GS's, else English."""
    if facts.registrant is not None and facts.registrant.role is Role.PARTNER:
        return lang_of(facts.registrant.locale)
    if facts.partner_person is not None:
        return lang_of(facts.partner_person.locale)
    if facts.gs is not None:
        return lang_of(facts.gs.locale)
    return "en"


def card_viewer(facts: CardFacts) -> Viewer:
    """The card's reader: the deal's partner (it is visible in the deal thread)."""
    return Viewer(Role.PARTNER, facts.partner.name if facts.partner else None)


def deal_facts(facts: CardFacts) -> tuple[DealFacts, Partner]:
    """The rulebook's view of the deal: items, own held lines, POI, close date.

    Lines held through another partner are left out on purpose: the card is shown to the
    deal's partner, who must not learn that another partner is on the customer.
    """
    deal = facts.deal
    items = tuple(ItemFacts(line=i.line, mrr=Money(i.mrr, deal.currency), edition=i.edition)
                  for i in deal.items)
    holdings = tuple(Holding(line=line, credited_partner=LineCredit.SELF)
                     for line in facts.own_lines)
    signed = facts.poi is not None and facts.poi.status is PoiStatus.SIGNED
    rules_deal = DealFacts(motion=deal.motion, items=items, customer_holdings=holdings,
                           poi_signed=signed,
                           poi_signed_on=facts.poi.signed_on if signed and facts.poi else None,
                           close_date=deal.expected_close)
    org = facts.partner
    partner = Partner() if org is None else Partner(
        kind=org.kind, tier=org.tier,
        good_standing=org.standing in (Standing.GOOD, Standing.WARNED),
        accreditations=frozenset(org.accreditations or ()),
        local_language_exception=org.local_language_exception)
    return rules_deal, partner


def _mention(user: str | None) -> str:
    if user and user[:1] in ("U", "W"):
        return f"<@{user}>"
    return "Coseller"


def _status_text(deal: Deal, lang: str) -> str:
    return t(f"deals.status.{deal.status.value}", lang)


def _eligibility_blocks(answer: Answer, lang: str, viewer: Viewer) -> list[Block]:
    body = render(answer, lang, viewer)
    headline = t("deals.card.eligibility", lang, outcome=t(f"outcome.{answer.outcome.value}", lang))
    reasons = "\n".join(f"• {r}" for r in body["reasons"])
    cited = " · ".join(title(s, lang) for s in answer.citations)
    return [SectionBlock(text=MarkdownTextObject(text=f"*{headline}*\n{reasons}"[:3000])),
            ContextBlock(elements=[MarkdownTextObject(text=t("answer.sources", lang,
                                                             sections=cited))])]


def _items_text(deal: Deal, lang: str) -> str:
    lines = []
    total = Money.zero(deal.currency)
    for item in deal.items:
        money = Money(item.mrr, deal.currency)
        total = total + money
        edition = item.edition.value if item.edition else None
        lines.append(f"• {escape(line_name(item.line, lang, edition))}: "
                     f"{rules_i18n.format_money(money, lang)}")
    lines.append(t("deals.card.total", lang, amount=rules_i18n.format_money(total, lang)))
    return "\n".join(lines)


def _clocks_text(facts: CardFacts, lang: str, when: When) -> str:
    shown = [c for c in facts.clocks if c.state in (ClockState.RUNNING, ClockState.BREACHED)]
    if not shown:
        return t("deals.card.no_clocks", lang)
    lines = []
    for clock in shown:
        kind_key = f"deals.clock.{clock.kind}"
        kind = t(kind_key, lang) if kind_key in _catalog(lang) else clock.kind
        template = "deals.card.clock_line" if clock.state is ClockState.RUNNING \
            else "deals.card.clock_breached"
        lines.append(t(template, lang, kind=kind,
                       owed_by=t(f"deals.party.{clock.owed_by.value}", lang),
                       due=when(clock.due_at)))
    return "\n".join(lines)


def _catalog(lang: str) -> Mapping[str, str]:
    return MESSAGES.catalog(lang)


def _bant_text(bant: BantUpdate | None, lang: str, when: When) -> str:
    if bant is None:
        return t("deals.card.no_bant", lang)
    rows = [f"*{t('deals.card.bant', lang, when=when(bant.created_at))}*"]
    for name in ("budget", "authority", "need", "timing", "next_step"):
        value = getattr(bant, name)
        if value:
            rows.append(f"{t(f'deals.bant.{name}', lang)}: {escape(str(value))[:400]}")
    if bant.expected_close is not None:
        rows.append(f"{t('deals.card.expected_close', lang)}: "
                    f"{rules_i18n.format_date(bant.expected_close, lang)}")
    return "\n".join(rows)


def _poi_text(poi: Poi | None, lang: str, when: When) -> str:
    if poi is None:
        return t("deals.poi.none", lang)
    if poi.status is PoiStatus.SIGNED and poi.signed_on is not None:
        text = t("deals.poi.signed_on", lang, date=rules_i18n.format_date(poi.signed_on, lang))
    else:
        text = t(f"deals.poi.{poi.status.value}", lang, when=when(poi.recorded_at))
    if poi.names_partner_onboarding:
        text += t("deals.poi.onboarding", lang)
    return text


def _decision_blocks(facts: CardFacts, lang: str, when: When, buttons: bool) -> list[Block]:
    deal = facts.deal
    value = f"{deal.id}:{deal.version}"
    if deal.status is DealStatus.REGISTERED:
        gs = _mention(facts.gs.slack_user_id) if facts.gs else t("deals.card.no_gs", lang)
        blocks: list[Block] = [ContextBlock(elements=[MarkdownTextObject(
            text=t("deals.card.waiting_gs", lang, gs=gs))])]
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
            text=t("deals.card.waiting_partner", lang, partner=partner, due=due))])]
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
        f"*{t('deals.card.region', lang)}*\n{deal.region_code} · {escape(segment)}",
    ]
    if deal.expected_close is not None:
        fields.append(f"*{t('deals.card.expected_close', lang)}*\n"
                      f"{rules_i18n.format_date(deal.expected_close, lang)}")
    if deal.subscription_start is not None:
        fields.append(f"*{t('deals.card.subscription_start', lang)}*\n"
                      f"{rules_i18n.format_date(deal.subscription_start, lang)}")
    rules_deal, partner_facts = deal_facts(facts)
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=header[:150])),
        SectionBlock(fields=[MarkdownTextObject(text=f) for f in fields]),
        SectionBlock(text=MarkdownTextObject(
            text=f"*{t('deals.card.items', lang)}*\n{_items_text(deal, lang)}"[:3000])),
        *_eligibility_blocks(eligibility(rules_deal, partner_facts), lang, viewer),
        DividerBlock(),
        SectionBlock(text=MarkdownTextObject(
            text=f"*{t('deals.card.clocks', lang)}*\n{_clocks_text(facts, lang, when)}"[:3000])),
        SectionBlock(text=MarkdownTextObject(text=_bant_text(facts.bant, lang, when)[:3000])),
        SectionBlock(text=MarkdownTextObject(
            text=f"*{t('deals.card.poi', lang)}*\n{_poi_text(facts.poi, lang, when)}"[:3000])),
        *extra,
        *_decision_blocks(facts, lang, when, buttons),
        ContextBlock(elements=[MarkdownTextObject(text=t(
            "deals.card.footer", lang, deal=deal.id, when=when(deal.updated_at)))]),
    ]
    text = t("deals.card.text", lang, deal=deal.id, company=company,
             domain=escape(deal.customer_domain), status=status)
    return text, [block.to_dict() for block in blocks]


@renderer("deal_card")
def render_deal_card(services: Services, uow: UnitOfWork, payload: dict[str, Any]
                     ) -> tuple[str, dict[str, Any]]:
    """The outbox renderer: post the card the first time, then edit it in place."""
    facts = load_card(uow, int(payload["deal_id"]))
    lang = card_lang(facts)
    text, blocks = card_blocks(facts, lang=lang, viewer=card_viewer(facts),
                               when=lambda moment: slack_date(moment, lang))
    thread = facts.thread
    channel = thread.channel_id if thread is not None else services.settings.deal_channel
    if thread is not None and thread.card_ts:
        return "chat.update", {"channel": channel, "ts": thread.card_ts, "text": text,
                               "blocks": blocks}
    return "chat.postMessage", {"channel": channel, "text": text, "blocks": blocks,
                                "unfurl_links": False}
