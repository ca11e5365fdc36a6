"""Rule answers: `/roe` questions, a stored deal's eligibility and earnings, free-text mentions.

    reply = answer_roe(services, actor, "eligibility marketing/professional 800 USD",
                       channel_id="C1", thread_ts=None)
    answer_mention(services, actor, event)      # queues the thread reply in the outbox

The asker's organisation supplies the partner facts a question leaves out (kind, tier,
accreditations) and the default region; every answer is rendered for the asker (`actor.viewer`),
and a reply in a deal's thread for that deal's partner too, since the partner reads the thread.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time, tzinfo
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bot.context import Actor
from bot.i18n import t
from bot.outbox import enqueue
from bot.syntax import COMMANDS, Context, DealAsk, UsageError, parse_roe, usage_key
from bot.usecases.questions import Classified, classify, clean_mention, is_japanese
from bot.views.roe_answer import answer_reply, closest_reply, deal_reply, details, partner_note
from rules import i18n as rules_i18n
from rules.answers import Answer, Viewer
from rules.calendars import CalendarError
from rules.clock_answers import due_answer
from rules.conduct import waive_onboarding
from rules.earnings import earnings
from rules.eligibility import eligibility
from rules.facts import Deal as DealFacts
from rules.facts import Holding, Partner
from rules.facts import LineItem as ItemFacts
from rules.money import Money
from rules.product_lines import upsell
from rules.revenue_share import YearMonth, revenue_share_schedule
from rules.sections import Section
from rules.upmarket import upmarket_referral
from rules.vocabulary import HUBS, Edition, LineCredit, Motion, PartnerKind, Role
from storage.models import Deal, GsRoute, PartnerOrg, Poi, PoiStatus, ProductLineAssociation, Standing
from storage.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from bot.services import Services

__all__ = [
    "Reply",
    "answer_mention",
    "answer_roe",
    "deal_facts",
    "fx_rates",
    "help_text",
    "mention_reply",
    "partner_facts",
    "question_lang",
    "roe_context",
]

DEFAULT_REGION = "JP"


@dataclass(frozen=True)
class Reply:
    """What the asker is shown: text (and blocks when there is more than a line)."""

    text: str
    blocks: list[dict[str, Any]] | None = None


# -- facts from storage ---------------------------------------------------------------------------


def partner_facts(org: PartnerOrg | None) -> Partner:
    """A partner organisation as the rules see it (the default partner when there is none)."""
    if org is None:
        return Partner()
    return Partner(kind=org.kind, tier=org.tier, good_standing=org.standing is Standing.GOOD,
                   accreditations=frozenset(org.accreditations or ()),
                   local_language_exception=bool(org.local_language_exception))


def fx_rates(options: Mapping[str, Any]) -> dict[str, Decimal]:
    """Configured exchange rates (`[fx] JPY = "0.0067"`: USD per unit); bad entries are skipped."""
    table = options.get("fx") or {}
    rates: dict[str, Decimal] = {}
    if isinstance(table, Mapping):
        for code, value in table.items():
            try:
                rate = Decimal(str(value))
            except InvalidOperation:
                continue
            if rate.is_finite() and rate > 0:
                rates[str(code).upper()] = rate
    return rates


def _default_region(uow: UnitOfWork, actor: Actor, org: PartnerOrg | None) -> str:
    if org is not None and org.region_code:
        return org.region_code
    if actor.person_id is not None and actor.role is Role.GS:
        route = uow.session.scalar(select(GsRoute.region_code).where(
            GsRoute.gs_id == actor.person_id).order_by(GsRoute.id).limit(1))
        if route:
            return str(route)
    return DEFAULT_REGION


def roe_context(uow: UnitOfWork, services: Services, actor: Actor) -> Context:
    """What a question from `actor` may take for granted."""
    org = uow.session.get(PartnerOrg, actor.partner_org_id) if actor.partner_org_id else None
    region = _default_region(uow, actor, org)
    try:
        services.regions.calendar(region)
    except CalendarError:
        region = DEFAULT_REGION
    return Context(now=services.now(), partner=partner_facts(org), region=region,
                   regions=services.regions, fx=fx_rates(services.settings.options),
                   viewer=actor.viewer, tz=actor.tz)


def deal_facts(uow: UnitOfWork, deal: Deal) -> tuple[DealFacts, bool]:
    """A stored deal's commercial facts, and whether its customer-signed POI is still missing."""
    items = tuple(ItemFacts(line=i.line, edition=i.edition, mrr=Money(i.mrr, deal.currency))
                  for i in deal.items)
    pois = uow.session.scalars(select(Poi).where(Poi.deal_id == deal.id).order_by(Poi.id)).all()
    signed = [p for p in pois if p.status is PoiStatus.SIGNED]
    signed_on = min((p.signed_on for p in signed if p.signed_on), default=None)
    associations = uow.session.scalars(select(ProductLineAssociation).where(
        ProductLineAssociation.customer_domain == deal.customer_domain)).all()
    lines = {i.line for i in items}
    holdings = tuple(
        Holding(line=a.line, credited_partner=LineCredit.SELF
                if a.partner_org_id == deal.partner_org_id else LineCredit.OTHER)
        for a in associations if a.line in lines and a.deal_id != deal.id)
    facts = DealFacts(motion=deal.motion, items=items, customer_holdings=holdings,
                      poi_signed=bool(signed), poi_signed_on=signed_on,
                      close_date=deal.expected_close)
    return facts, not signed


# -- /roe -----------------------------------------------------------------------------------------


def help_text(lang: str) -> str:
    """Every subcommand with its usage line and an example."""
    lines = [t("roe.helplist.title", lang)]
    lines += [f"• {t(usage_key(c), lang)}" for c in COMMANDS if c != "help"]
    lines.append(t("roe.helplist.mention", lang))
    return "\n".join(lines)


def _usage(problem: UsageError, lang: str) -> Reply:
    return Reply(problem.text(lang))


def answer_roe(services: Services, actor: Actor, text: str, *, channel_id: str | None,
               thread_ts: str | None) -> Reply:
    """The answer to `/roe <text>` for `actor` (ephemeral)."""
    lang = actor.lang
    with services.uow(actor=actor.user_id) as uow:
        ctx = roe_context(uow, services, actor)
        try:
            question = parse_roe(text, ctx)
        except UsageError as problem:
            return _usage(problem, lang)
        if question is None or isinstance(question, DealAsk):
            ask = question or DealAsk()
            deal = _find_deal(uow, ask, channel_id, thread_ts)
            if deal is None:
                if question is None:
                    return Reply(help_text(lang))
                key = "roe.deal.not_found" if ask.deal_id is not None else "roe.deal.no_thread"
                return Reply(t(key, lang))
            return _deal_answer(uow, ctx, actor, deal)
        if question.staff_only and not actor.is_staff:
            return Reply(t("roe.bpw.staff_only", lang))
        try:
            answer = question.decide()
        except ValueError:  # facts the rules refuse (a combination no parser caught)
            return _usage(UsageError("facts", grammar="roe", command=question.command), lang)
    tz = question.tz or actor.tz
    notes = details(answer, lang, reader_tz=actor.tz, shown_tz=tz)
    if question.partner is not None:
        notes.append(partner_note(question.partner, lang))
    text_out, blocks = answer_reply(answer, lang, actor.viewer, tz, notes)
    return Reply(text_out, blocks)


def _find_deal(uow: UnitOfWork, ask: DealAsk, channel_id: str | None, thread_ts: str | None
               ) -> Deal | None:
    if ask.deal_id is not None:
        return uow.session.get(Deal, ask.deal_id)
    if channel_id and thread_ts:
        return uow.deals.by_thread(channel_id, thread_ts)
    return None


def _label(key: str, lang: str) -> str:
    return rules_i18n.text(key, lang)


def _deal_answer(uow: UnitOfWork, ctx: Context, actor: Actor, deal: Deal) -> Reply:
    """Eligibility and earnings of a stored deal, from its items, motion, POIs and partner."""
    lang = actor.lang
    if actor.role is Role.PARTNER and not actor.owns(deal.partner_org_id):
        return Reply(t("error.not_your_deal", lang))
    org = uow.session.get(PartnerOrg, deal.partner_org_id) if deal.partner_org_id else None
    partner = partner_facts(org)
    facts, poi_missing = deal_facts(uow, deal)
    verdict = eligibility(facts, partner)
    assumed = facts if not poi_missing else replace(facts, poi_signed=True, poi_signed_on=None)
    earned = earnings(assumed, partner, fx=ctx.fx)
    header = t("roe.deal.header", lang, id=deal.id, company=deal.company,
               domain=deal.customer_domain, status=t(f"home.status.{deal.status.value}", lang),
               motion=_label(f"term.motion.{deal.motion.value}", lang))
    notes = [t("roe.deal.partner", lang, kind=_label(f"term.kind.{partner.kind.value}", lang),
               tier=_label(f"term.tier.{partner.tier.value}", lang))]
    if poi_missing and deal.is_open:
        notes.append(t("roe.deal.poi_assumed", lang))
    elif poi_missing:
        earned = earnings(facts, partner, fx=ctx.fx)
    if not deal.items:
        notes.append(t("roe.deal.no_items", lang))
    text, blocks = deal_reply(header, [(t("roe.deal.eligibility", lang), verdict),
                                       (t("roe.deal.earnings", lang), earned)],
                              lang=lang, viewer=actor.viewer, tz=actor.tz, notes=notes)
    return Reply(text, blocks)


# -- mentions -------------------------------------------------------------------------------------


def question_lang(text: str, fallback: str) -> str:
    """Japanese for a question written in Japanese, English for one in English words, else the
    asker's language."""
    if is_japanese(text):
        return "ja"
    if len(re.findall(r"[A-Za-z]{3,}", text)) >= 2:
        return "en"
    return fallback


@dataclass(frozen=True)
class _Decided:
    answer: Answer
    notes: list[str]
    tz: tzinfo | None


def _items(found: Classified) -> list[ItemFacts] | None:
    facts = found.facts
    products = list(facts.products)
    if not products and facts.starter_only:
        products = [("marketing", Edition.STARTER)]
    if not products:
        return None
    currency = facts.amounts[0].currency if facts.amounts else "USD"
    amounts = facts.amounts if len(facts.amounts) == len(products) else []
    return [ItemFacts(line=line, edition=edition,
                      mrr=amounts[index] if amounts else Money.zero(currency))
            for index, (line, edition) in enumerate(products)]


def _decide(found: Classified, ctx: Context, lang: str) -> _Decided | None:
    """An answer when the question carries enough facts; None sends the closest sections."""
    facts = found.facts
    name = found.topic.name if found.topic else None
    partner = ctx.partner if not facts.provider else replace(ctx.partner,
                                                             kind=PartnerKind.PROVIDER)
    poi_assumed = facts.poi is None
    motion = facts.motion or Motion.PARTNER_SOURCED
    if name == "eligibility":
        items = _items(found)
        if items is None:
            return None
        deal = DealFacts(motion=motion, items=tuple(items))
        return _Decided(eligibility(deal, partner), [], None)
    if name in ("earnings", "upmarket"):
        items = _items(found)
        if items is None or len(found.facts.amounts) != len(items):
            return None
        motion = facts.motion or (Motion.PARTNER_ASSISTED if name == "upmarket" else motion)
        deal = DealFacts(motion=motion, items=tuple(items), poi_signed=facts.poi is not False)
        notes = [partner_note(partner, lang)]
        if poi_assumed:
            notes.append(t("answers.assumed_poi", lang))
        answer = earnings(deal, partner, fx=ctx.fx) if name == "earnings" else \
            upmarket_referral(deal, partner, fx=ctx.fx)
        return _Decided(answer, notes, None)
    if name == "revenue_share" and facts.amounts:
        start = facts.month or YearMonth.of(ctx.now.astimezone(ctx.tz).date())
        answer = revenue_share_schedule(facts.amounts[0], partner, start)
        notes = details(answer, lang, reader_tz=None, shown_tz=None)
        notes.append(partner_note(partner, lang))
        if facts.month is None:
            notes.append(t("answers.assumed_start", lang, month=str(start)))
        return _Decided(answer, notes, None)
    if name == "upsell" and facts.line is not None:
        editions = facts.editions if facts.line in HUBS else []
        if facts.line != "credits" and len(editions) < 2:
            return None
        lowest, highest = (editions[0], editions[-1]) if editions else (None, None)
        if lowest is not None and highest is not None and highest.rank < lowest.rank:
            return None
        credit = facts.credit or LineCredit.UNKNOWN
        return _Decided(upsell(partner, facts.line, lowest, highest, credit), [], None)
    if name == "waive" and (facts.poi is not None or not partner.is_solutions_partner):
        answer = waive_onboarding(partner, poi_signed=bool(facts.poi),
                                  poi_names_partner_onboarding=bool(facts.poi_names_onboarding))
        return _Decided(answer, [partner_note(partner, lang)], None)
    if name == "due":
        region = facts.region or ctx.region
        try:
            calendar = ctx.regions.calendar(region)
        except CalendarError:
            return None
        if facts.day is not None and facts.at is None:
            return None
        received: datetime = ctx.now if facts.day is None else \
            calendar.local_time(facts.day, facts.at or time(0))
        answer = due_answer(received, region, ctx.regions)
        notes = details(answer, lang, reader_tz=None, shown_tz=calendar.tz, in_channel=True)
        if facts.day is None:
            notes.insert(0, t("answers.assumed_now", lang, region=region))
        return _Decided(answer, notes, calendar.tz)
    return None


def mention_reply(uow: UnitOfWork, services: Services, actor: Actor, question: str,
                  viewer: Viewer) -> tuple[str, list[dict[str, Any]]]:
    """The thread reply to a free-text question: the answer with its citations, or the
    closest sections (title and one-line summary) and the `/roe` command that would answer it."""
    lang = question_lang(clean_mention(question), actor.lang)
    ctx = roe_context(uow, services, actor)
    found = classify(question, regions=tuple(services.regions.codes()))
    decided = _decide(found, ctx, lang) if found.topic is not None else None
    if decided is not None:
        return answer_reply(decided.answer, lang, viewer, decided.tz, decided.notes)
    if found.topic is None:
        # Best Partner Wins is suggested to staff only: unasked, in a thread a partner reads,
        # it would hint that another partner is on the customer
        sections = [Section.DEAL_ELIGIBILITY, Section.COMMISSION_RATES, Section.COMMUNICATION]
        if not viewer.is_partner:
            sections.append(Section.BEST_PARTNER_WINS)
        return closest_reply(sections, ["/roe help"], lang, understood=False)
    sections, commands = found.closest()
    return closest_reply(sections, commands, lang)


def answer_mention(services: Services, actor: Actor, event: Mapping[str, Any]) -> bool:
    """Answer an `app_mention` in its thread (through the outbox); False when already queued."""
    channel = str(event.get("channel") or "")
    ts = str(event.get("ts") or event.get("event_ts") or "")
    thread_ts = str(event.get("thread_ts") or ts)
    question = str(event.get("text") or "")
    with services.uow(actor=actor.user_id) as uow:
        if not actor.known:
            text = t("error.unknown_user", question_lang(clean_mention(question), actor.lang))
            blocks: list[dict[str, Any]] | None = None
        else:
            viewer = actor.viewer
            deal = uow.deals.by_thread(channel, thread_ts) if thread_ts else None
            if deal is not None and deal.partner_org_id is not None and actor.is_staff:
                org = uow.session.get(PartnerOrg, deal.partner_org_id)
                viewer = Viewer(Role.PARTNER, org.name if org else None)
            text, blocks = mention_reply(uow, services, actor, question, viewer)
        args: dict[str, Any] = {"channel": channel, "thread_ts": thread_ts, "text": text}
        if blocks:
            args["blocks"] = blocks
        queued = enqueue(uow, key=f"mention:{actor.team_id}:{channel}:{ts}",
                         payload={"method": "chat.postMessage", "args": args}, channel=channel,
                         thread_ts=thread_ts, team_id=actor.team_id)
        uow.commit()
    return queued
