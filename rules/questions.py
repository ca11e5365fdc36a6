"""The registry of rule questions: each question once, with its facts, its decision and its names.

    q = question("revenue_share")          # or by_command("revenue-share"), by_topic("due")
    q.decide(**q.read(fields, context))     # what a scenario file asks
    q.sections, q.command, q.aliases, q.topic

Scenario files (`rules.scenarios`), `/roe` (its subcommands and their aliases) and the topics of
free-text mentions all read this one table, so that a question is named, answered and cited the
same way wherever it is asked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rules.answers import Answer
from rules.best_partner_wins import best_partner_wins
from rules.clock_answers import collaboration_due, onboarding_due, response_due
from rules.conduct import (
    CONSEQUENCE_LADDER,
    Offer,
    consequence,
    discount,
    incentive,
    poi_requirement,
    waive_onboarding,
)
from rules.domains import DomainError
from rules.earnings import earnings, managed_mrr, sold_mrr
from rules.eligibility import eligibility
from rules.facts_reader import FactError, Fields
from rules.money import Money
from rules.product_lines import cross_sell, upsell
from rules.revenue_share import YearMonth, revenue_share_schedule
from rules.scenario_facts import (
    Context,
    read_absences,
    read_claims,
    read_deal,
    read_edition,
    read_extensions,
    read_fx,
    read_line,
    read_partner,
    read_region,
)
from rules.sections import Section
from rules.shared_selling import RegisteredBy, collaboration, pdm_support, registration
from rules.upmarket import upmarket_referral
from rules.vocabulary import LineCredit

__all__ = ["REGISTRY", "RuleQuestion", "by_command", "by_topic", "names", "question"]

Facts = dict[str, Any]
Reader = Callable[[Fields, Context], Facts]


@dataclass(frozen=True, slots=True)
class RuleQuestion:
    """One rule question.

    `name` is the scenario files' `question`; `read` turns a scenario's fields into the keyword
    arguments of `decide`; `sections` are where a reader looks it up (the closest sections of a
    mention); `command` is its `/roe` subcommand and `aliases` the other words `/roe` accepts for
    it; `topic` names its free-text mention topic; `example` is a `/roe` line that asks it;
    `field_errors` maps a decision's own error type to the field at fault.
    """

    name: str
    read: Reader
    decide: Callable[..., Answer]
    sections: tuple[Section, ...]
    command: str | None = None
    aliases: tuple[str, ...] = ()
    topic: str | None = None
    example: str | None = None
    staff_only: bool = False
    field_errors: tuple[tuple[type[ValueError], str], ...] = ()

    def answer(self, f: Fields, ctx: Context) -> Answer:
        """Read the facts of `f` and decide; a decision's known error names its field."""
        facts = self.read(f, ctx)
        try:
            return self.decide(**facts)
        except FactError:
            raise
        except ValueError as error:
            for kind, field in self.field_errors:
                if isinstance(error, kind):
                    raise FactError(f.path(field), str(error)) from None
            raise


# -- readers: a scenario's fields as the decision's arguments ------------------------------------


def _deal_and_partner(f: Fields, ctx: Context) -> Facts:
    return {"deal": read_deal(f.obj("deal"), ctx.catalog),
            "partner": read_partner(f.obj("partner", {}))}


def _with_fx(f: Fields, ctx: Context) -> Facts:
    return {**_deal_and_partner(f, ctx), "fx": read_fx(f)}


def _revenue_share(f: Fields, ctx: Context) -> Facts:
    text = f.text("start_month")
    try:
        start = YearMonth.parse(text)
    except ValueError as error:
        raise FactError(f.path("start_month"), str(error)) from None
    terminated = f.day("terminated_on", None)
    return {"mrr": f.money("mrr"), "partner": read_partner(f.obj("partner", {})),
            "start_month": start, "terminated_on": terminated}


def _sold_mrr(f: Fields, ctx: Context) -> Facts:
    currency = f.currency()
    return {"mrr_now": Money(f.decimal("mrr_now"), currency),
            "mrr_year_ago": Money(f.decimal("mrr_year_ago"), currency),
            "credit_established": f.flag("credit_established", False)}


_ACTIVITIES = frozenset({"login", "view", "create_asset", "edit_asset", "configure"})


def _activity(value: object, path: str) -> str:
    if value not in _ACTIVITIES:
        raise FactError(path, f"unknown activity {value!r} (expected one of: "
                              f"{', '.join(sorted(_ACTIVITIES))})")
    return str(value)


def _managed_mrr(f: Fields, ctx: Context) -> Facts:
    activities = f.each("activities", _activity)
    portal = f.money("portal_mrr") if f.has("portal_mrr") else None
    return {"activities": activities, "portal_mrr": portal}


def _bpw(f: Fields, ctx: Context) -> Facts:
    return {"claims": read_claims(f), "viewer": ctx.viewer}


def _upsell(f: Fields, ctx: Context) -> Facts:
    line = read_line(f, ctx.catalog)
    partner = read_partner(f.obj("partner", {}))
    before = read_edition(f, line, ctx.catalog, "from_edition")
    after = read_edition(f, line, ctx.catalog, "to_edition")
    if before is not None and after is not None and after.rank < before.rank:
        raise FactError(f.path("to_edition"), f"{after.value} is below {before.value}: "
                                              "a downgrade is not an upsell")
    return {"partner": partner, "line": line, "from_edition": before, "to_edition": after,
            "line_credit": f.choice("line_credit", LineCredit)}


def _cross_sell(f: Fields, ctx: Context) -> Facts:
    line = read_line(f, ctx.catalog)
    return {"line": line, "association": f.choice("line_credit", LineCredit),
            "poi_signed": f.flag("poi_signed", None)}


def _waive(f: Fields, ctx: Context) -> Facts:
    return {"partner": read_partner(f.obj("partner", {})),
            "poi_signed": f.flag("poi_signed", False),
            "poi_names_partner_onboarding": f.flag("poi_names_partner_onboarding", False)}


def _poi(f: Fields, ctx: Context) -> Facts:
    return {"poi_signed": f.flag("poi_signed"), "signed_on": f.day("signed_on", None),
            "close_date": f.day("close_date", None),
            "shared_on_deal": f.flag("shared_on_deal", True)}


def _discount(f: Fields, ctx: Context) -> Facts:
    return {"approved_in_writing": f.flag("approved_in_writing", False),
            "discussed_with_customer": f.flag("discussed_with_customer", False)}


def _incentive(f: Fields, ctx: Context) -> Facts:
    return {"offer": f.choice("offer", Offer)}


def _consequence(f: Fields, ctx: Context) -> Facts:
    last = f.text("last_step", None)
    if last is not None and last not in CONSEQUENCE_LADDER:
        raise FactError(f.path("last_step"), f"unknown step {last!r} (expected one of: "
                                             f"{', '.join(CONSEQUENCE_LADDER)})")
    return {"breaches": f.whole("breaches"), "last_step": last}


def _collaboration(f: Fields, ctx: Context) -> Facts:
    answer = f.text("answer", None)
    if answer not in (None, "accept", "decline"):
        raise FactError(f.path("answer"), f"expected accept or decline, got {answer!r}")
    answered = f.instant("answered_at", None)
    if (answer is None) != (answered is None):
        missing = "answered_at" if answered is None else "answer"
        raise FactError(f.path(missing), "answer and answered_at go together")
    return {"notified_at": f.instant("notified_at"), "answered_at": answered,
            "accepted": None if answer is None else answer == "accept",
            "now": f.instant("now", None)}


def _registration(f: Fields, ctx: Context) -> Facts:
    return {"customer_domain": f.text("customer_domain"),
            "registered_by": f.choice("registered_by", RegisteredBy, RegisteredBy.PARTNER),
            "relationship_established": f.flag("relationship_established", True),
            "need_identified": f.flag("need_identified", True),
            "other_partner_open_deal": f.flag("other_partner_open_deal", False),
            "domain_only": f.flag("domain_only", False),
            "viewer": ctx.viewer}


def _pdm_support(f: Fields, ctx: Context) -> Facts:
    return {"sourced_mrr_outside_region": f.money("sourced_mrr_outside_region"),
            "fx": read_fx(f)}


def _response_due(f: Fields, ctx: Context) -> Facts:
    return {"calendar": read_region(f), "received_at": f.instant("received_at"),
            "absences": read_absences(f), "extensions": read_extensions(f),
            "now": f.instant("now", None)}


def _collaboration_due(f: Fields, ctx: Context) -> Facts:
    return {"notified_at": f.instant("notified_at"), "now": f.instant("now", None)}


def _onboarding_due(f: Fields, ctx: Context) -> Facts:
    calendar = read_region(f)
    start = f.day("subscription_start")
    customer = f.day("customer_date", None)
    if customer is not None and customer < start:
        raise FactError(f.path("customer_date"), "is before the subscription start")
    return {"calendar": calendar, "subscription_start": start, "customer_date": customer,
            "now": f.instant("now", None)}


# -- the registry ------------------------------------------------------------------------------

S = Section
REGISTRY: tuple[RuleQuestion, ...] = (
    RuleQuestion("eligibility", _deal_and_partner, eligibility,
                 (S.DEAL_ELIGIBILITY, S.COMMISSION_RATES, S.FAQ), command="eligibility",
                 aliases=("eligible", "elig", "対象"), topic="eligibility",
                 example="/roe eligibility marketing/professional 800 USD + sales/starter 20 USD"),
    RuleQuestion("earnings", _with_fx, earnings, (S.COMMISSION_RATES, S.SALES_MOTIONS, S.POI),
                 command="earnings", aliases=("earn", "earning", "報酬", "コミッション"),
                 topic="earnings", example="/roe earnings marketing/professional 800 USD poi"),
    RuleQuestion("revenue_share", _revenue_share, revenue_share_schedule,
                 (S.REVENUE_SHARE, S.COMMISSION_RATES), command="revenue-share",
                 aliases=("revenue_share", "revshare", "rs", "レベニューシェア"),
                 topic="revenue_share", example="/roe revenue-share 800 USD from 2025-08"),
    RuleQuestion("sold_mrr", _sold_mrr, sold_mrr, (S.SOLD_MRR,), topic="sold_mrr"),
    RuleQuestion("upmarket_referral", _with_fx, upmarket_referral,
                 (S.UPMARKET_REFERRAL, S.SALES_MOTIONS), command="upmarket",
                 aliases=("upmarket-referral", "upmarket_referral"), topic="upmarket",
                 example="/roe upmarket marketing/enterprise 3000 USD poi tier=platinum crm"),
    RuleQuestion("best_partner_wins", _bpw, best_partner_wins, (S.BEST_PARTNER_WINS, S.FAQ),
                 command="bpw", aliases=("best-partner-wins",), topic="bpw",
                 example="/roe bpw A:poi:sourced B:poi:referred-by-A", staff_only=True),
    RuleQuestion("upsell", _upsell, upsell, (S.UPSELL, S.FAQ), command="upsell",
                 aliases=("アップセル",), topic="upsell",
                 example="/roe upsell marketing starter professional credit=none"),
    RuleQuestion("waive_onboarding", _waive, waive_onboarding,
                 (S.WAIVE_ONBOARDING, S.POI, S.ONBOARDING), command="waive",
                 aliases=("waive-onboarding", "waiver", "免除"), topic="waive",
                 example="/roe waive poi onboarding"),
    RuleQuestion("managed_mrr", _managed_mrr, managed_mrr, (S.MANAGED_MRR,), topic="managed_mrr"),
    RuleQuestion("cross_sell", _cross_sell, cross_sell, (S.CROSS_SELL, S.POI), topic="cross_sell"),
    RuleQuestion("poi", _poi, poi_requirement, (S.POI, S.COMMISSION_RATES), topic="poi"),
    RuleQuestion("discount", _discount, discount, (S.DISCOUNTING,), topic="discount"),
    RuleQuestion("incentive", _incentive, incentive, (S.INCENTIVES,), topic="incentive"),
    RuleQuestion("consequence", _consequence, consequence, (S.REVIEW, S.COMMUNICATION),
                 topic="review"),
    RuleQuestion("collaboration", _collaboration, collaboration,
                 (S.OVERLAY_MODEL, S.SALES_MOTIONS), topic="collaboration"),
    RuleQuestion("registration", _registration, registration, (S.SHARED_SELLING_TOOLS, S.FAQ),
                 topic="registration", field_errors=((DomainError, "customer_domain"),)),
    RuleQuestion("pdm_support", _pdm_support, pdm_support, (S.ACCOUNT_TEAM, S.FAQ),
                 topic="account_team"),
    RuleQuestion("response_due", _response_due, response_due, (S.COMMUNICATION,),
                 command="due", aliases=("response-due", "reply", "期限", "返信期限"), topic="due",
                 example="/roe due 2025-11-21 16:00 JP"),
    RuleQuestion("collaboration_due", _collaboration_due, collaboration_due, (S.OVERLAY_MODEL,)),
    RuleQuestion("onboarding_due", _onboarding_due, onboarding_due,
                 (S.ONBOARDING, S.WAIVE_ONBOARDING), topic="onboarding"),
)
_BY_NAME = {q.name: q for q in REGISTRY}
_BY_COMMAND = {word: q for q in REGISTRY if q.command for word in (q.command, *q.aliases)}
_BY_TOPIC = {q.topic: q for q in REGISTRY if q.topic}


def names() -> tuple[str, ...]:
    """Every question's name, in the registry's order (the scenario files' `question` values)."""
    return tuple(_BY_NAME)


def question(name: str) -> RuleQuestion | None:
    """The question a scenario file names."""
    return _BY_NAME.get(name)


def by_command(word: str) -> RuleQuestion | None:
    """The question a `/roe` subcommand (or one of its aliases) asks."""
    return _BY_COMMAND.get(word)


def by_topic(topic: str) -> RuleQuestion | None:
    """The question a free-text mention topic is about."""
    return _BY_TOPIC.get(topic)
