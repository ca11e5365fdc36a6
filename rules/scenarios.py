"""Scenario files: any decision asked as JSON and answered as JSON (the public contract).

`answer_scenario(data)` reads the facts of one scenario, decides, and renders the answer in the
scenario's language for its viewer. The questions and their facts are those of `ROE-SPEC.md`,
plus the extensions listed in the README; field errors name the exact field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from rules.answers import HUBSPOT, Answer, Viewer, render
from rules.best_partner_wins import best_partner_wins
from rules.calendars import DEFAULT_WORKWEEK, CalendarError, RegionCalendar, RegionSpec
from rules.clocks import (
    Absence,
    Clock,
    Extension,
    collaboration_clock,
    extend,
    onboarding_clock,
    remaining,
    response_clock,
    state,
)
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
from rules.escalation import plan
from rules.facts import Claim, Deal, Holding, LineItem, Partner
from rules.facts_reader import FactError, Fields
from rules.i18n import LANGS
from rules.money import Money, MoneyError, check_currency
from rules.product_lines import cross_sell, upsell
from rules.regions import RegionDirectory
from rules.revenue_share import YearMonth, revenue_share_schedule
from rules.sections import Section
from rules.shared_selling import RegisteredBy, collaboration, pdm_support, registration
from rules.upmarket import upmarket_referral
from rules.vocabulary import (
    Edition,
    LineCredit,
    Motion,
    Outcome,
    PartnerKind,
    ProductCatalog,
    Role,
    Tier,
)

__all__ = ["META_KEYS", "QUESTIONS", "Context", "ScenarioResult", "answer_scenario"]

META_KEYS = frozenset({"question", "lang", "expect", "viewer", "id", "name", "title",
                       "description", "comment", "notes"})


@dataclass(frozen=True, slots=True)
class Context:
    """What a question needs beyond its facts: the product catalog and the viewer."""

    catalog: ProductCatalog
    viewer: Viewer


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """A rendered answer, the decision behind it, and warnings about fields nobody read."""

    answer: dict[str, Any]
    decision: Answer
    warnings: tuple[str, ...]


def read_partner(f: Fields) -> Partner:
    """The `partner` facts (missing booleans default as the contract says)."""
    accreditations = f.each("accreditations", _text_item, default=[])
    return Partner(
        kind=f.choice("kind", PartnerKind, PartnerKind.SOLUTIONS_PARTNER),
        tier=f.choice("tier", Tier, Tier.PARTNER),
        good_standing=f.flag("good_standing", True),
        accreditations=frozenset(accreditations),
        local_language_exception=f.flag("local_language_exception", False),
    )


def _text_item(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise FactError(path, "expected a string")
    return value


def _line(f: Fields, catalog: ProductCatalog) -> str:
    line: str = f.text("line")
    if not catalog.knows(line):
        known = ", ".join(catalog.lines())
        raise FactError(f.path("line"), f"unknown product line {line!r} (known: {known})")
    return line


def _edition(f: Fields, line: str, catalog: ProductCatalog, key: str = "edition") -> Edition | None:
    if catalog.is_hub(line):
        edition: Edition = f.choice(key, Edition)
        return edition
    if f.has(key):
        raise FactError(f.path(key), f"{line!r} has no editions; leave {key} out")
    return None


def read_item(f: Fields, catalog: ProductCatalog) -> LineItem:
    """One line item: line, edition (hubs only), MRR and currency."""
    line = _line(f, catalog)
    edition = _edition(f, line, catalog)
    return LineItem(line=line, edition=edition, mrr=f.money("mrr"))


def read_holding(f: Fields, catalog: ProductCatalog) -> Holding:
    """A product line the customer already holds."""
    line = _line(f, catalog)
    edition = _edition(f, line, catalog)
    credited = f.choice("credited_partner", LineCredit, LineCredit.NONE)
    return Holding(line=line, edition=edition, credited_partner=credited)


def read_deal(f: Fields, catalog: ProductCatalog) -> Deal:
    """The `deal` facts. All items share one currency."""
    items = tuple(read_item(i, catalog) for i in f.objects("items"))
    for index, item in enumerate(items):
        if item.mrr.currency != items[0].mrr.currency:
            raise FactError(f.path("items") + f"[{index}].currency",
                            "all items of a deal share one currency "
                            f"({items[0].mrr.currency}), got {item.mrr.currency}")
    holdings = tuple(read_holding(h, catalog) for h in f.objects("customer_holdings", []))
    return Deal(
        motion=f.choice("motion", Motion),
        items=items,
        customer_holdings=holdings,
        poi_signed=f.flag("poi_signed", False),
        poi_signed_on=f.day("poi_signed_on", None),
        close_date=f.day("close_date", None),
    )


def read_fx(f: Fields) -> dict[str, Decimal]:
    """`fx`: units of USD per unit of each currency, e.g. {"JPY": "0.0067"}."""
    table: Fields | None = f.obj("fx", None)
    if table is None:
        return {}
    rates: dict[str, Decimal] = {}
    for code in table.read_keys():
        try:
            check_currency(code)
        except MoneyError as error:
            raise FactError(table.path(code), str(error)) from None
        rate = table.decimal(code)
        if rate <= 0:
            raise FactError(table.path(code), "an exchange rate must be positive")
        rates[code] = rate
    return rates


def read_viewer(f: Fields) -> Viewer:
    """Who reads the answer: `{"role": "partner", "partner": "Acme"}`; HubSpot staff by default."""
    spec: Fields | None = f.obj("viewer", None)
    if spec is None:
        return HUBSPOT
    role: Role = spec.choice("role", Role)
    if role is Role.PARTNER:
        return Viewer(role, spec.text("partner"))
    return Viewer(role)


def _claims(f: Fields) -> list[Claim]:
    claims: list[Claim] = []
    for c in f.objects("claims"):
        mrr = c.money("onboarding_mrr") if c.has("onboarding_mrr") else None
        if mrr is None and c.has("currency"):
            c.currency()
        claims.append(Claim(
            partner=c.text("partner"),
            poi_signed=c.flag("poi_signed", False),
            sourced=c.flag("sourced", False),
            referred_by=c.text("referred_by", None),
            onboarding_mrr=mrr,
            acknowledged_secondary=c.flag("acknowledged_in_writing", None),
        ))
    names = [c.partner for c in claims]
    for index, claim in enumerate(claims):
        if names.index(claim.partner) != index:
            raise FactError(f.path("claims") + f"[{index}].partner",
                            f"{claim.partner!r} appears twice")
        if claim.referred_by is not None and claim.referred_by not in names:
            raise FactError(f.path("claims") + f"[{index}].referred_by",
                            f"{claim.referred_by!r} is not one of the claims' partners")
    if not claims:
        raise FactError(f.path("claims"), "at least one claim is required")
    return claims


def _q_eligibility(f: Fields, ctx: Context) -> Answer:
    return eligibility(read_deal(f.obj("deal"), ctx.catalog), read_partner(f.obj("partner", {})))


def _q_earnings(f: Fields, ctx: Context) -> Answer:
    return earnings(read_deal(f.obj("deal"), ctx.catalog), read_partner(f.obj("partner", {})),
                    fx=read_fx(f))


def _q_revenue_share(f: Fields, ctx: Context) -> Answer:
    text = f.text("start_month")
    try:
        start = YearMonth.parse(text)
    except ValueError as error:
        raise FactError(f.path("start_month"), str(error)) from None
    terminated = f.day("terminated_on", None)
    return revenue_share_schedule(f.money("mrr"), read_partner(f.obj("partner", {})), start,
                                  terminated_on=terminated)


def _q_sold_mrr(f: Fields, ctx: Context) -> Answer:
    currency = f.currency()
    return sold_mrr(Money(f.decimal("mrr_now"), currency),
                    Money(f.decimal("mrr_year_ago"), currency),
                    credit_established=f.flag("credit_established", False))


def _q_managed_mrr(f: Fields, ctx: Context) -> Answer:
    allowed = {"login", "view", "create_asset", "edit_asset", "configure"}

    def activity(value: object, path: str) -> str:
        if value not in allowed:
            raise FactError(path, f"unknown activity {value!r} (expected one of: "
                                  f"{', '.join(sorted(allowed))})")
        return str(value)

    activities = f.each("activities", activity)
    portal = f.money("portal_mrr") if f.has("portal_mrr") else None
    return managed_mrr(activities, portal_mrr=portal)


def _q_upmarket(f: Fields, ctx: Context) -> Answer:
    return upmarket_referral(read_deal(f.obj("deal"), ctx.catalog),
                             read_partner(f.obj("partner", {})), fx=read_fx(f))


def _q_bpw(f: Fields, ctx: Context) -> Answer:
    return best_partner_wins(_claims(f), ctx.viewer)


def _q_upsell(f: Fields, ctx: Context) -> Answer:
    line = _line(f, ctx.catalog)
    partner = read_partner(f.obj("partner", {}))
    before = _edition(f, line, ctx.catalog, "from_edition")
    after = _edition(f, line, ctx.catalog, "to_edition")
    if before is not None and after is not None and after.rank < before.rank:
        raise FactError(f.path("to_edition"), f"{after.value} is below {before.value}: "
                                              "a downgrade is not an upsell")
    return upsell(partner, line, before, after, f.choice("line_credit", LineCredit))


def _q_cross_sell(f: Fields, ctx: Context) -> Answer:
    line = _line(f, ctx.catalog)
    return cross_sell(line, f.choice("line_credit", LineCredit),
                      poi_signed=f.flag("poi_signed", None))


def _q_waive(f: Fields, ctx: Context) -> Answer:
    return waive_onboarding(read_partner(f.obj("partner", {})),
                            poi_signed=f.flag("poi_signed", False),
                            poi_names_partner_onboarding=f.flag("poi_names_partner_onboarding",
                                                                False))


def _q_poi(f: Fields, ctx: Context) -> Answer:
    return poi_requirement(poi_signed=f.flag("poi_signed"), signed_on=f.day("signed_on", None),
                           close_date=f.day("close_date", None),
                           shared_on_deal=f.flag("shared_on_deal", True))


def _q_discount(f: Fields, ctx: Context) -> Answer:
    return discount(approved_in_writing=f.flag("approved_in_writing", False),
                    discussed_with_customer=f.flag("discussed_with_customer", False))


def _q_incentive(f: Fields, ctx: Context) -> Answer:
    return incentive(f.choice("offer", Offer))


def _q_consequence(f: Fields, ctx: Context) -> Answer:
    last = f.text("last_step", None)
    if last is not None and last not in CONSEQUENCE_LADDER:
        raise FactError(f.path("last_step"), f"unknown step {last!r} (expected one of: "
                                             f"{', '.join(CONSEQUENCE_LADDER)})")
    return consequence(breaches=f.whole("breaches"), last_step=last)


def _q_collaboration(f: Fields, ctx: Context) -> Answer:
    answer = f.text("answer", None)
    if answer not in (None, "accept", "decline"):
        raise FactError(f.path("answer"), f"expected accept or decline, got {answer!r}")
    answered = f.instant("answered_at", None)
    if (answer is None) != (answered is None):
        missing = "answered_at" if answered is None else "answer"
        raise FactError(f.path(missing), "answer and answered_at go together")
    return collaboration(notified_at=f.instant("notified_at"), answered_at=answered,
                         accepted=None if answer is None else answer == "accept",
                         now=f.instant("now", None))


def _q_registration(f: Fields, ctx: Context) -> Answer:
    domain = f.text("customer_domain")
    try:
        return registration(
            customer_domain=domain,
            registered_by=f.choice("registered_by", RegisteredBy, RegisteredBy.PARTNER),
            relationship_established=f.flag("relationship_established", True),
            need_identified=f.flag("need_identified", True),
            other_partner_open_deal=f.flag("other_partner_open_deal", False),
            domain_only=f.flag("domain_only", False),
            viewer=ctx.viewer,
        )
    except DomainError as error:
        raise FactError(f.path("customer_domain"), str(error)) from None


def _q_pdm_support(f: Fields, ctx: Context) -> Answer:
    return pdm_support(f.money("sourced_mrr_outside_region"), fx=read_fx(f))


_CALENDARS: dict[tuple[object, ...], RegionCalendar] = {}
_DIRECTORY = RegionDirectory()


def read_region(f: Fields) -> RegionCalendar:
    """`region`: a code of the default table ("JP", "US-CA") or a table of its own.

    Calendars are cached per distinct definition, so a thousand scenarios in one region build
    one calendar.
    """
    value = f.raw("region")
    if isinstance(value, str):
        try:
            return _DIRECTORY.calendar(value)
        except CalendarError as error:
            raise FactError(f.path("region"), error.message) from None
    spec_fields: Fields = f.obj("region")
    country = spec_fields.text("country")
    default = _DIRECTORY.spec(country) if country in _DIRECTORY.codes() else None
    timezone = spec_fields.text("timezone", default.timezone if default else None)
    if timezone is None:
        raise FactError(spec_fields.path("timezone"), "is required for a country without a "
                                                      "default region")
    workweek = spec_fields.each("workweek", _weekday, default=None)
    closures = spec_fields.each("closures", _closure_day, default=[])
    subdiv = spec_fields.text("subdiv", None)
    key = (country, subdiv, timezone, tuple(sorted(workweek)) if workweek is not None else None,
           tuple(sorted(closures)))
    if key not in _CALENDARS:
        spec = RegionSpec(code=country if subdiv is None else f"{country}-{subdiv}",
                          country=country, timezone=timezone, subdiv=subdiv,
                          workweek=frozenset(workweek) if workweek is not None
                          else DEFAULT_WORKWEEK,
                          closures=dict.fromkeys(closures, ""))
        try:
            _CALENDARS[key] = RegionCalendar(spec)
        except CalendarError as error:
            raise FactError(spec_fields.path(error.field), error.message) from None
    return _CALENDARS[key]


def _weekday(value: object, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise FactError(path, "expected a day number, 0 (Monday) to 6 (Sunday)")
    return value


def _closure_day(value: object, path: str) -> date:
    if not isinstance(value, str):
        raise FactError(path, "expected a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FactError(path, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _absences(f: Fields) -> list[Absence]:
    found: list[Absence] = []
    for a in f.objects("absences", []):
        start, end = a.instant("start"), a.instant("end")
        if end <= start:
            raise FactError(a.path("end"), "the absence ends before it starts")
        found.append(Absence(start=start, end=end, registered_at=a.instant("registered_at"),
                             delegate=a.text("delegate", None)))
    return found


def _extensions(f: Fields) -> list[Extension]:
    found: list[Extension] = []
    for e in f.objects("extensions", []):
        hours = e.decimal("extra_hours") if e.has("extra_hours") else None
        new_due = e.instant("new_due", None)
        if (hours is None) == (new_due is None):
            raise FactError(e.path("extra_hours"), "give either extra_hours or new_due")
        reason_text = e.text("reason")
        if not reason_text.strip():
            raise FactError(e.path("reason"), "an extension needs a reason")
        granted_by = e.text("granted_by")
        if not granted_by.strip():
            raise FactError(e.path("granted_by"), "an extension needs the name of who granted it")
        if hours is not None and hours <= 0:
            raise FactError(e.path("extra_hours"), "extra time must be positive")
        found.append(Extension(granted_by=granted_by, reason=reason_text,
                               granted_at=e.instant("granted_at"), new_due=new_due,
                               extra=None if hours is None else timedelta(hours=float(hours))))
    return found


def _clock_fields(clock: Clock, calendar: RegionCalendar | None, f: Fields) -> dict[str, Any]:
    fields: dict[str, Any] = {"due_at": clock.due_at, "basis": clock.basis.value}
    if clock.region is not None:
        fields["region"] = clock.region
    if calendar is not None:
        fields["escalations"] = [
            {"key": s.key, "at": s.at, "action": s.action.value,
             "audience": [a.value for a in s.audience]}
            for s in plan(clock, calendar)
        ]
    now = f.instant("now", None)
    if now is not None:
        fields["state"] = state(clock, now, calendar).value
        fields["remaining_seconds"] = int(remaining(clock, calendar, now).total_seconds())
    return fields


def _q_response_due(f: Fields, ctx: Context) -> Answer:
    calendar = read_region(f)
    clock = response_clock(f.instant("received_at"), calendar, absences=_absences(f))
    for index, extension in enumerate(_extensions(f)):
        try:
            clock = extend(clock, extension, calendar)
        except ValueError as error:
            raise FactError(f.path("extensions") + f"[{index}].new_due", str(error)) from None
    return Answer("response_due", Outcome.DECIDED, clock.reasons, (Section.COMMUNICATION,),
                  _clock_fields(clock, calendar, f))


def _q_collaboration_due(f: Fields, ctx: Context) -> Answer:
    clock = collaboration_clock(f.instant("notified_at"))
    fields = _clock_fields(clock, None, f)
    return Answer("collaboration_due", Outcome.DECIDED, clock.reasons, (Section.OVERLAY_MODEL,),
                  fields)


def _q_onboarding_due(f: Fields, ctx: Context) -> Answer:
    calendar = read_region(f)
    start = f.day("subscription_start")
    customer = f.day("customer_date", None)
    if customer is not None and customer < start:
        raise FactError(f.path("customer_date"), "is before the subscription start")
    clock = onboarding_clock(start, calendar, customer_date=customer)
    fields = _clock_fields(clock, calendar, f)
    fields["due_date"] = calendar.local_date(clock.due_at - timedelta(microseconds=1))
    return Answer("onboarding_due", Outcome.DECIDED, clock.reasons, (Section.ONBOARDING,), fields)


QUESTIONS: dict[str, Callable[[Fields, Context], Answer]] = {
    "eligibility": _q_eligibility,
    "earnings": _q_earnings,
    "revenue_share": _q_revenue_share,
    "sold_mrr": _q_sold_mrr,
    "upmarket_referral": _q_upmarket,
    "best_partner_wins": _q_bpw,
    "upsell": _q_upsell,
    "waive_onboarding": _q_waive,
    "managed_mrr": _q_managed_mrr,
    "cross_sell": _q_cross_sell,
    "poi": _q_poi,
    "discount": _q_discount,
    "incentive": _q_incentive,
    "consequence": _q_consequence,
    "collaboration": _q_collaboration,
    "registration": _q_registration,
    "pdm_support": _q_pdm_support,
    "response_due": _q_response_due,
    "collaboration_due": _q_collaboration_due,
    "onboarding_due": _q_onboarding_due,
}


def answer_scenario(data: object, *, catalog: ProductCatalog | None = None) -> ScenarioResult:
    """Answer one scenario (a parsed JSON object). Raises `FactError` naming the bad field."""
    f = Fields(data)
    question = f.text("question")
    handler = QUESTIONS.get(question)
    if handler is None:
        raise FactError("question", f"unknown question {question!r} (expected one of: "
                                    f"{', '.join(QUESTIONS)})")
    lang = f.text("lang", "en")
    if lang not in LANGS:
        raise FactError("lang", f"unsupported language {lang!r} (expected one of: "
                                f"{', '.join(LANGS)})")
    viewer = read_viewer(f)
    f.raw("expect", None)
    try:
        decision = handler(f, Context(catalog or ProductCatalog(), viewer))
    except FactError:
        raise
    except ValueError as error:
        raise FactError("", str(error)) from None
    rendered = render(decision, lang, viewer)
    warnings = tuple(f"{path}: unknown field, ignored" for path in f.unread(META_KEYS))
    return ScenarioResult(rendered, decision, warnings)
