"""Mentions: a free-text rule question, in English or Japanese, answered in its thread.

    done = answer_mention(services, actor, AskMention(text, channel="C1", ts="171.0001"))
    done.message.ruling       # the rule answer, or the closest sections, queued for the thread

The question is classified (`bot.usecases.questions`); when it carries enough facts the rules
decide it, else the closest sections and the `/roe` command that would answer it are given. The
reply goes to the mention's thread through the outbox, in the question's language, and is
rendered at send time for the thread's viewer: the asker, or in a deal's thread the deal's
partner (who reads the thread), so staff asking there never show a partner what it may not see.
Someone not in the directory is told, in the thread, to ask an admin.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time
from typing import TYPE_CHECKING

from bot.context import Actor
from bot.messages import Answered, AssumedPartner, Closest, Outgoing, Ruling, Text, ToChannel, queue
from bot.permissions import Action
from bot.syntax import Context
from bot.usecases.answers import roe_context
from bot.usecases.policy import refusal
from bot.usecases.questions import Classified, classify, clean_mention, question_lang
from rules.answers import Viewer
from rules.calendars import CalendarError
from rules.clock_answers import due_answer
from rules.conduct import waive_onboarding
from rules.earnings import earnings
from rules.eligibility import eligibility
from rules.facts import Deal as DealFacts
from rules.facts import LineItem as ItemFacts
from rules.money import Money
from rules.product_lines import upsell
from rules.revenue_share import YearMonth, revenue_share_schedule
from rules.sections import Section
from rules.upmarket import upmarket_referral
from rules.vocabulary import HUBS, Edition, LineCredit, Motion, PartnerKind, Role

if TYPE_CHECKING:
    from bot.services import Services
    from storage.unit_of_work import AbstractUnitOfWork

__all__ = ["AskMention", "Mentioned", "answer_mention", "decide_mention"]


@dataclass(frozen=True)
class AskMention:
    """An `app_mention`: its text, where it was written, and the thread it was written in
    (none: the mention starts its own thread)."""

    text: str
    channel: str
    ts: str
    thread_ts: str | None = None


@dataclass(frozen=True)
class Mentioned:
    """The reply queued for a mention (`queued` is False when it had been queued before: Slack
    retried the event, or sent the same message twice)."""

    message: Outgoing
    queued: bool

    @property
    def ruling(self) -> Ruling | None:
        """The answer, or the closest sections (None for a stranger's refusal)."""
        return self.message.ruling


def answer_mention(services: Services, actor: Actor, command: AskMention) -> Mentioned:
    """Answer a mention in its thread, through the outbox (once per mention)."""
    thread_ts = command.thread_ts or command.ts
    lang = question_lang(clean_mention(command.text), actor.lang)
    to = ToChannel(command.channel, lang, thread_ts)
    key = f"mention:{actor.team_id}:{command.channel}:{command.ts}"
    with services.uow(actor=actor.user_id) as uow:
        refused = refusal(actor, Action.ASK_RULES)
        if refused is not None:
            message = Outgoing(key, to, refused.lines)
        else:
            viewer = _thread_viewer(uow, actor, command.channel, thread_ts)
            ruling = decide_mention(command.text, roe_context(uow, services, actor), viewer)
            message = Outgoing(key, to, (), ruling=ruling)
        queued = queue(uow, message)
        uow.commit()
    return Mentioned(message, queued)


def _thread_viewer(uow: AbstractUnitOfWork, actor: Actor, channel: str, thread_ts: str
                   ) -> Viewer:
    """Who reads the answer: in a deal's thread, staff answer for the deal's partner."""
    deal = uow.deals.by_thread(channel, thread_ts)
    if deal is not None and deal.partner_org_id is not None and actor.is_staff:
        org = uow.directory.find_org(deal.partner_org_id)
        return Viewer(Role.PARTNER, org.name if org else None)
    return actor.viewer


def decide_mention(question: str, ctx: Context, viewer: Viewer) -> Ruling:
    """The answer to a free-text question, with its notes; else the closest sections (title and
    one-line summary) and the `/roe` command that would answer it."""
    found = classify(question, regions=tuple(ctx.regions.codes()))
    decided = _decide(found, ctx, viewer) if found.topic is not None else None
    if decided is not None:
        return decided
    if found.topic is None:
        # Best Partner Wins is suggested to staff only: unasked, in a thread a partner reads,
        # it would hint that another partner is on the customer
        sections = [Section.DEAL_ELIGIBILITY, Section.COMMISSION_RATES, Section.COMMUNICATION]
        if not viewer.is_partner:
            sections.append(Section.BEST_PARTNER_WINS)
        return Closest(tuple(sections), ("/roe help",), understood=False)
    sections, commands = found.closest()
    return Closest(tuple(sections), tuple(commands))


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


def _decide(found: Classified, ctx: Context, viewer: Viewer) -> Answered | None:
    """An answer when the question carries enough facts; None sends the closest sections."""
    facts = found.facts
    name = found.topic.name if found.topic else None
    partner = ctx.partner if not facts.provider else replace(ctx.partner,
                                                             kind=PartnerKind.PROVIDER)
    assumed = AssumedPartner.of(partner)
    motion = facts.motion or Motion.PARTNER_SOURCED
    if name == "eligibility":
        items = _items(found)
        if items is None:
            return None
        deal = DealFacts(motion=motion, items=tuple(items))
        return Answered(eligibility(deal, partner), viewer)
    if name in ("earnings", "upmarket"):
        items = _items(found)
        if items is None or len(found.facts.amounts) != len(items):
            return None
        motion = facts.motion or (Motion.PARTNER_ASSISTED if name == "upmarket" else motion)
        deal = DealFacts(motion=motion, items=tuple(items), poi_signed=facts.poi is not False)
        answer = earnings(deal, partner, fx=ctx.fx) if name == "earnings" else \
            upmarket_referral(deal, partner, fx=ctx.fx)
        poi = (Text("answers.assumed_poi"),) if facts.poi is None else ()
        return Answered(answer, viewer, partner=assumed, after=poi)
    if name == "revenue_share" and facts.amounts:
        start = facts.month or YearMonth.of(ctx.now.astimezone(ctx.tz).date())
        answer = revenue_share_schedule(facts.amounts[0], partner, start)
        told = (Text("answers.assumed_start", {"month": str(start)}),) \
            if facts.month is None else ()
        return Answered(answer, viewer, partner=assumed, after=told)
    if name == "upsell" and facts.line is not None:
        editions = facts.editions if facts.line in HUBS else []
        if facts.line != "credits" and len(editions) < 2:
            return None
        lowest, highest = (editions[0], editions[-1]) if editions else (None, None)
        if lowest is not None and highest is not None and highest.rank < lowest.rank:
            return None
        credit = facts.credit or LineCredit.UNKNOWN
        return Answered(upsell(partner, facts.line, lowest, highest, credit), viewer)
    if name == "waive" and (facts.poi is not None or not partner.is_solutions_partner):
        answer = waive_onboarding(partner, poi_signed=bool(facts.poi),
                                  poi_names_partner_onboarding=bool(facts.poi_names_onboarding))
        return Answered(answer, viewer, partner=assumed)
    if name == "due":
        return _due(found, ctx, viewer)
    return None


def _due(found: Classified, ctx: Context, viewer: Viewer) -> Answered | None:
    """When a reply is due, for a message received at the time asked (else now) in the region
    asked (else the asker's)."""
    facts = found.facts
    region = facts.region or ctx.region
    try:
        calendar = ctx.regions.calendar(region)
    except CalendarError:
        return None
    if facts.day is not None and facts.at is None:
        return None
    received: datetime = ctx.now if facts.day is None else \
        calendar.local_time(facts.day, facts.at or time(0))
    now = (Text("answers.assumed_now", {"region": region}),) if facts.day is None else ()
    return Answered(due_answer(received, region, ctx.regions), viewer, calendar.tz, before=now)
