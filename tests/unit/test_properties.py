"""Properties of the rulebook over random valid facts (hypothesis).

Each property is a rule of `ROE-SPEC.md` that must hold for every input, not only the worked
examples: money is exact, revenue share adds up, Best Partner Wins names at most one winner and
only a signed one, Starter items never spoil a qualifying deal, item order does not matter, a
partner never sees another partner's name, and every answer renders in both languages.
"""

from __future__ import annotations

import dataclasses
import json
import string
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rules.answers import HUBSPOT, Answer, Viewer, render
from rules.best_partner_wins import best_partner_wins, decide
from rules.conduct import (
    CONSEQUENCE_LADDER,
    Offer,
    consequence,
    discount,
    incentive,
    poi_requirement,
    waive_onboarding,
)
from rules.earnings import earnings, managed_mrr, sold_mrr
from rules.eligibility import eligibility
from rules.facts import Claim, Deal, Holding, LineItem, Partner
from rules.i18n import LANGS, MissingMessageError
from rules.money import Money, minor_unit
from rules.product_lines import cross_sell, upsell
from rules.revenue_share import YearMonth, revenue_share_schedule
from rules.scenarios import answer_scenario
from rules.shared_selling import RegisteredBy, collaboration, pdm_support, registration
from rules.upmarket import upmarket_referral
from rules.vocabulary import (
    CREDITS,
    DEFAULT_HUB_AGNOSTIC_LINES,
    HUBS,
    Edition,
    LineCredit,
    Motion,
    Outcome,
    PartnerKind,
    Role,
    Tier,
)

PROPERTY = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

CURRENCIES = ("USD", "JPY", "EUR")
# A configured hub-agnostic product the catalogs do not name: rendered by its id.
EXTRA_LINE = "sales_agent_addon"
LINES = (*HUBS, CREDITS, *DEFAULT_HUB_AGNOSTIC_LINES, EXTRA_LINE)
MONEY_KEYS = frozenset({"monthly", "total", "amount"})
# Hubs come up more often, so that items meet the customer's holdings on the same line.
lines = st.sampled_from(HUBS) | st.sampled_from(LINES)

# ---------------------------------------------------------------------------------------------
# Strategies


def amounts(max_value: int = 10_000_000) -> st.SearchStrategy[Decimal]:
    """Non-negative exact amounts with 0 to 4 decimals (more than any minor unit)."""
    return st.integers(0, 4).flatmap(
        lambda places: st.decimals(min_value=0, max_value=max_value, places=places,
                                   allow_nan=False, allow_infinity=False))


def money(currency: str) -> st.SearchStrategy[Money]:
    return st.builds(Money, amounts(), st.just(currency))


@st.composite
def items(draw: st.DrawFn, currency: str) -> LineItem:
    line = draw(lines)
    edition = draw(st.sampled_from(Edition)) if line in HUBS else None
    return LineItem(line=line, mrr=draw(money(currency)), edition=edition)


@st.composite
def holdings(draw: st.DrawFn) -> tuple[Holding, ...]:
    held = []
    for line in draw(st.lists(lines, unique=True, max_size=5)):
        edition = draw(st.sampled_from(Edition)) if line in HUBS else None
        held.append(Holding(line=line, edition=edition,
                            credited_partner=draw(st.sampled_from(LineCredit))))
    return tuple(held)


@st.composite
def partners(draw: st.DrawFn) -> Partner:
    return Partner(
        kind=draw(st.sampled_from(PartnerKind)),
        tier=draw(st.sampled_from(Tier)),
        good_standing=draw(st.booleans()),
        accreditations=frozenset(draw(st.sets(st.sampled_from(["crm_implementation",
                                                               "platform_migration"])))),
        local_language_exception=draw(st.booleans()),
    )


@st.composite
def deals(draw: st.DrawFn, min_items: int = 0) -> Deal:
    currency = draw(st.sampled_from(CURRENCIES))
    return Deal(
        motion=draw(st.sampled_from(Motion)),
        items=tuple(draw(st.lists(items(currency), min_size=min_items, max_size=6))),
        customer_holdings=draw(holdings()),
        poi_signed=draw(st.booleans()),
    )


fx_tables = st.dictionaries(
    st.sampled_from(["JPY", "EUR"]),
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal("2"), places=4,
                allow_nan=False, allow_infinity=False),
)

# Partner names: "Zq" and eight random letters. All the same length, so two distinct names are
# never substrings of one another, and "Zq" appears in no message of either catalog.
names = st.text(string.ascii_lowercase, min_size=8, max_size=8).map(lambda s: "Zq" + s)


@st.composite
def bpw_cases(draw: st.DrawFn) -> tuple[list[Claim], str]:
    """Claims on one sales process, and the name of a partner that is not among them."""
    count = draw(st.integers(1, 5))
    all_names = draw(st.lists(names, min_size=count + 1, max_size=count + 1, unique=True))
    claimants, outsider = all_names[:-1], all_names[-1]
    shared_currency = draw(st.sampled_from(CURRENCIES))
    claims = []
    for name in claimants:
        others = [n for n in claimants if n != name]
        referred_by = draw(st.none() | st.sampled_from(others)) if others else None
        mrr_kind = draw(st.sampled_from(["none", "tie", "random", "other_currency"]))
        if mrr_kind == "none":
            mrr = None
        elif mrr_kind == "tie":  # few distinct values, so equal MRRs (rule 5) come up often
            mrr = Money(draw(st.sampled_from([Decimal(100), Decimal("100.00"), Decimal(250)])),
                        shared_currency)
        elif mrr_kind == "random":
            mrr = draw(money(shared_currency))
        else:
            mrr = draw(money(draw(st.sampled_from(CURRENCIES))))
        claims.append(Claim(
            partner=name,
            poi_signed=draw(st.booleans()),
            sourced=draw(st.booleans()),
            referred_by=referred_by,
            onboarding_mrr=mrr,
            acknowledged_secondary=draw(st.none() | st.booleans()),
        ))
    return claims, outsider


year_months = st.builds(YearMonth, st.integers(2000, 2100), st.integers(1, 12))
termination_days = st.none() | st.dates(min_value=date(1999, 1, 1), max_value=date(2105, 12, 31))


@st.composite
def revenue_share_inputs(draw: st.DrawFn) -> tuple[Money, Partner, YearMonth, date | None]:
    """MRR, partner, first month, and a termination mostly near the schedule's window."""
    start = draw(year_months)
    mrr = draw(st.sampled_from(CURRENCIES).flatmap(money))
    near = st.tuples(st.integers(-3, 40), st.integers(1, 28)).map(
        lambda t: date(start.plus(t[0]).year, start.plus(t[0]).month, t[1]))
    return mrr, draw(partners()), start, draw(st.none() | near | termination_days)
zones = st.sampled_from([UTC, timezone(timedelta(hours=9)), timezone(timedelta(hours=-5)),
                         ZoneInfo("Asia/Tokyo"), ZoneInfo("America/New_York")])
instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                        timezones=zones)
domains = st.sampled_from(["example.com", "https://www.Example.COM/about", "acme.co.jp",
                           "bücher.example", "shop.example.org."])
maybe_dates = st.none() | st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def upsells(draw: st.DrawFn) -> Answer:
    line = draw(st.sampled_from(LINES))
    before = after = None
    if line in HUBS:
        before, after = sorted(draw(st.lists(st.sampled_from(Edition), min_size=2, max_size=2)),
                               key=lambda e: e.rank)
    return upsell(draw(partners()), line, before, after, draw(st.sampled_from(LineCredit)))


@st.composite
def sold_mrrs(draw: st.DrawFn) -> Answer:
    currency = draw(st.sampled_from(CURRENCIES))
    return sold_mrr(draw(money(currency)), draw(money(currency)),
                    credit_established=draw(st.booleans()))


@st.composite
def collaborations(draw: st.DrawFn) -> Answer:
    notified = draw(instants)
    answered = draw(st.none() | st.timedeltas(timedelta(0), timedelta(days=6)).map(
        lambda d: notified + d))
    accepted = None if answered is None else draw(st.booleans())
    now = draw(st.none() | st.timedeltas(timedelta(0), timedelta(days=6)).map(lambda d: notified + d))
    return collaboration(notified_at=notified, answered_at=answered, accepted=accepted, now=now)


@st.composite
def registrations(draw: st.DrawFn) -> Answer:
    return registration(
        customer_domain=draw(domains),
        registered_by=draw(st.sampled_from(RegisteredBy)),
        relationship_established=draw(st.booleans()),
        need_identified=draw(st.booleans()),
        other_partner_open_deal=draw(st.booleans()),
        domain_only=draw(st.booleans()),
        viewer=draw(viewers()),
    )


@st.composite
def viewers(draw: st.DrawFn) -> Viewer:
    role = draw(st.sampled_from(Role))
    return Viewer(role, draw(names)) if role is Role.PARTNER else Viewer(role)


@st.composite
def bpw_answers(draw: st.DrawFn) -> tuple[Answer, Viewer]:
    claims, outsider = draw(bpw_cases())
    viewer = draw(st.sampled_from([HUBSPOT, Viewer(Role.PDM), Viewer(Role.PARTNER, outsider),
                                   *(Viewer(Role.PARTNER, c.partner) for c in claims)]))
    return best_partner_wins(claims, viewer), viewer


def _staff(answers: st.SearchStrategy[Answer]) -> st.SearchStrategy[tuple[Answer, Viewer]]:
    return st.tuples(answers, st.sampled_from([HUBSPOT, Viewer(Role.PDM), Viewer(Role.ADMIN)])
                     | viewers())


@st.composite
def registration_answers(draw: st.DrawFn) -> tuple[Answer, Viewer]:
    viewer = draw(viewers())
    answer = registration(
        customer_domain=draw(domains),
        registered_by=draw(st.sampled_from(RegisteredBy)),
        relationship_established=draw(st.booleans()),
        need_identified=draw(st.booleans()),
        other_partner_open_deal=draw(st.booleans()),
        domain_only=draw(st.booleans()),
        viewer=viewer,
    )
    return answer, viewer


@st.composite
def clock_answers(draw: st.DrawFn) -> Answer:
    """The clock questions, asked as scenario files (their facts are read there)."""
    recent = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31),
                          timezones=zones)
    question = draw(st.sampled_from(["collaboration_due", "response_due", "onboarding_due"]))
    data: dict[str, Any] = {"question": question}
    if question == "collaboration_due":
        data["notified_at"] = draw(recent).isoformat()
    elif question == "response_due":
        data["received_at"] = draw(recent).isoformat()
    else:
        data["subscription_start"] = draw(recent).date().isoformat()
    if question != "collaboration_due":
        data["region"] = draw(st.sampled_from(["JP", "US", {"country": "JP", "timezone": "Asia/Tokyo",
                                                              "closures": ["2025-12-29", "2025-12-30"]}]))
    if draw(st.booleans()):
        data["now"] = draw(recent).isoformat()
    return answer_scenario(data).decision


any_answer: st.SearchStrategy[tuple[Answer, Viewer]] = st.one_of(
    _staff(clock_answers()),
    _staff(st.builds(eligibility, deals(), partners())),
    _staff(st.builds(lambda d, p, fx: earnings(d, p, fx=fx), deals(), partners(), fx_tables)),
    _staff(st.builds(lambda m, p, s, t: revenue_share_schedule(m, p, s, terminated_on=t),
                     st.sampled_from(CURRENCIES).flatmap(money), partners(), year_months,
                     termination_days)),
    _staff(sold_mrrs()),
    _staff(st.builds(lambda d, p, fx: upmarket_referral(d, p, fx=fx), deals(), partners(), fx_tables)),
    bpw_answers(),
    _staff(upsells()),
    _staff(st.builds(lambda line, c, poi: cross_sell(line, c, poi_signed=poi), st.sampled_from(LINES),
                     st.sampled_from(LineCredit), st.none() | st.booleans())),
    _staff(st.builds(lambda p, a, b: waive_onboarding(p, poi_signed=a, poi_names_partner_onboarding=b),
                     partners(), st.booleans(), st.booleans())),
    _staff(st.builds(lambda s, on, close, shared: poi_requirement(poi_signed=s, signed_on=on,
                                                                  close_date=close, shared_on_deal=shared),
                     st.booleans(), maybe_dates, maybe_dates, st.booleans())),
    _staff(st.builds(lambda a, b: discount(approved_in_writing=a, discussed_with_customer=b),
                     st.booleans(), st.booleans())),
    _staff(st.builds(incentive, st.sampled_from(Offer))),
    _staff(st.builds(lambda n, last: consequence(breaches=n, last_step=last), st.integers(0, 12),
                     st.none() | st.sampled_from(CONSEQUENCE_LADDER))),
    _staff(collaborations()),
    registration_answers(),
    _staff(st.builds(lambda m, fx: pdm_support(m, fx=fx), st.sampled_from(CURRENCIES).flatmap(money),
                     fx_tables)),
    _staff(st.builds(lambda acts, m: managed_mrr(acts, portal_mrr=m),
                     st.lists(st.sampled_from(["login", "view", "create_asset", "edit_asset",
                                               "configure"]), max_size=4),
                     st.none() | st.sampled_from(CURRENCIES).flatmap(money))),
)

# ---------------------------------------------------------------------------------------------
# Helpers


def assert_exact(value: Any, where: str = "answer") -> None:
    """No float anywhere in `value` (an Answer, its fields, its reasons, or rendered JSON)."""
    assert not isinstance(value, float), f"{where} is a float: {value!r}"
    if isinstance(value, Money):
        assert type(value.amount) is Decimal, f"{where} is Money of {type(value.amount).__name__}"
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            assert_exact(key, f"{where} key")
            assert_exact(item, f"{where}.{key}")
    elif isinstance(value, (list, tuple, set, frozenset)):
        for index, item in enumerate(value):
            assert_exact(item, f"{where}[{index}]")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for spec in dataclasses.fields(value):
            assert_exact(getattr(value, spec.name), f"{where}.{spec.name}")


def assert_money_strings(rendered: Any, currency: str | None, where: str = "answer") -> None:
    """Every money value of a rendered answer is a decimal string at its currency's minor unit."""
    if isinstance(rendered, Mapping):
        for key, item in rendered.items():
            if key in MONEY_KEYS:
                assert currency is not None, f"{where}.{key}: money without a currency"
                assert isinstance(item, str), f"{where}.{key} is not a decimal string: {item!r}"
                exponent = Decimal(item).as_tuple().exponent
                assert exponent == minor_unit(currency).as_tuple().exponent, f"{where}.{key}: {item}"
            else:
                assert_money_strings(item, currency, f"{where}.{key}")
    elif isinstance(rendered, list):
        for index, item in enumerate(rendered):
            assert_money_strings(item, currency, f"{where}[{index}]")


def shown(answer: Answer, lang: str, viewer: Viewer) -> str:
    return json.dumps(render(answer, lang, viewer), ensure_ascii=False)


def months_between(first: YearMonth, last: YearMonth) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


# ---------------------------------------------------------------------------------------------
# Properties


@PROPERTY
@given(any_answer)
def test_money_is_never_a_float(case: tuple[Answer, Viewer]) -> None:
    answer, viewer = case
    assert_exact(answer.fields, "fields")
    assert_exact(answer.reasons, "reasons")
    for lang in LANGS:
        rendered = render(answer, lang, viewer)
        assert_exact(rendered, f"rendered[{lang}]")
        assert json.loads(json.dumps(rendered)) == rendered  # plain JSON: no Decimal, no float
        assert_money_strings(rendered, rendered.get("currency"))


@PROPERTY
@given(any_answer)
def test_rendering_never_misses_a_message(case: tuple[Answer, Viewer]) -> None:
    answer, viewer = case
    for lang in LANGS:
        try:
            rendered = render(answer, lang, viewer)
        except MissingMessageError as error:  # pragma: no cover - the failure being looked for
            raise AssertionError(f"{answer.question} in {lang}: {error}") from error
        assert rendered["lang"] == lang
        assert rendered["outcome"] == answer.outcome.value
        assert len(rendered["reasons"]) == len(answer.reasons)
        assert all(isinstance(r, str) and r for r in rendered["reasons"])
        assert rendered["citations"] == [s.value for s in answer.citations]


@PROPERTY
@given(revenue_share_inputs())
# Exact halves at the minor unit: rounded half up, not to even.
@example((Money(Decimal("2.5"), "JPY"), Partner(), YearMonth(2025, 8), None))
@example((Money(Decimal("0.025"), "USD"), Partner(kind=PartnerKind.PROVIDER), YearMonth(2025, 11),
          date(2026, 1, 31)))
@example((Money(Decimal("96000"), "JPY"), Partner(), YearMonth(2025, 8), date(2025, 7, 31)))
def test_revenue_share_adds_up(case: tuple[Money, Partner, YearMonth, date | None]) -> None:
    mrr, partner, start, terminated_on = case
    answer = revenue_share_schedule(mrr, partner, start, terminated_on=terminated_on)
    fields = answer.fields
    monthly, total, months = fields["monthly"], fields["total"], fields["months"]
    accruals, payouts = fields["accruals"], fields["payouts"]
    quantum = minor_unit(mrr.currency)
    term = 36 if partner.kind is PartnerKind.SOLUTIONS_PARTNER else 12

    assert monthly.amount == (mrr.amount * Decimal("0.20")).quantize(quantum, ROUND_HALF_UP)
    assert months <= term
    if terminated_on is None:
        assert months == term
    else:
        assert months == max(0, min(term, months_between(start, YearMonth.of(terminated_on)) + 1))
    assert len(accruals) == months
    assert total.amount == monthly.amount * months
    assert total == sum((a["amount"] for a in accruals), Money.zero(mrr.currency))
    assert total == sum((p["amount"] for p in payouts), Money.zero(mrr.currency))
    assert sum(p["months"] for p in payouts) == months
    for offset, accrual in enumerate(accruals):
        assert accrual["month"] == str(start.plus(offset))
        assert accrual["amount"].currency == mrr.currency
        assert accrual["amount"].amount.as_tuple().exponent == quantum.as_tuple().exponent
    if terminated_on is not None and accruals:
        assert accruals[-1]["month"] <= str(YearMonth.of(terminated_on))
    # payouts: one per calendar quarter, in order, each the sum of that quarter's accruals
    quarters = [YearMonth.parse(a["month"]).quarter for a in accruals]
    assert [p["quarter"] for p in payouts] == list(dict.fromkeys(quarters))
    for payout in payouts:
        in_quarter = [a["amount"] for a, q in zip(accruals, quarters, strict=True)
                      if q == payout["quarter"]]
        assert payout["amount"] == sum(in_quarter, Money.zero(mrr.currency))
        assert payout["months"] == len(in_quarter) <= 3
    assert answer.outcome is (Outcome.ELIGIBLE if months else Outcome.NOT_ELIGIBLE)


@PROPERTY
@given(bpw_cases())
def test_best_partner_wins_has_at_most_one_signed_winner(case: tuple[list[Claim], str]) -> None:
    claims, outsider = case
    decision = decide(claims)
    signed = [c for c in claims if c.poi_signed]
    if not signed:
        assert decision.outcome is Outcome.NO_WINNER
        assert decision.winner is None
    if decision.outcome is Outcome.DECIDED:
        assert decision.winner is not None
        assert decision.winner in claims
        assert decision.winner.poi_signed
    else:
        assert decision.winner is None
    if len(signed) == 1:
        assert decision.winner is signed[0]
    if decision.rule == 4:  # divided services: the higher-MRR onboarding wins, strictly
        assert decision.winner is not None and decision.winner.onboarding_mrr is not None
        rivals = [c.onboarding_mrr for c in signed if c is not decision.winner]
        assert all(m is not None and m < decision.winner.onboarding_mrr for m in rivals)

    staff = render(best_partner_wins(claims), "en")
    if decision.winner is None:
        assert "winner" not in staff
    else:
        assert staff["winner"] == decision.winner.partner
    # told to each partner: at most one hears it won, and only a signed one
    winners = []
    for name in [c.partner for c in claims] + [outsider]:
        seen = render(best_partner_wins(claims, Viewer(Role.PARTNER, name)), "en",
                      Viewer(Role.PARTNER, name))
        if seen["you_win"]:
            winners.append(name)
            assert seen["winner"] == name
        else:
            assert "winner" not in seen
    assert len(winners) <= 1
    assert outsider not in winners
    if winners:
        assert decision.winner is not None and winners == [decision.winner.partner]
        assert next(c for c in claims if c.partner == winners[0]).poi_signed
    else:
        assert decision.winner is None


@PROPERTY
@given(deals(min_items=1), st.sampled_from(HUBS), amounts(), st.integers(0, 6))
def test_adding_a_starter_item_never_spoils_an_eligible_deal(deal: Deal, line: str, mrr: Decimal,
                                                            where: int) -> None:
    partner = Partner()
    before = eligibility(deal, partner)
    starter = LineItem(line=line, mrr=Money(mrr, deal.items[0].mrr.currency), edition=Edition.STARTER)
    position = min(where, len(deal.items))
    bigger = dataclasses.replace(deal, items=(*deal.items[:position], starter, *deal.items[position:]))
    after = eligibility(bigger, partner)
    if before.outcome is Outcome.ELIGIBLE:
        assert after.outcome is Outcome.ELIGIBLE


@PROPERTY
@given(deals(), partners(), st.data())
def test_eligibility_does_not_depend_on_item_order(deal: Deal, partner: Partner,
                                                   data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(deal.items))
    first = eligibility(deal, partner)
    second = eligibility(dataclasses.replace(deal, items=tuple(shuffled)), partner)
    assert first.outcome is second.outcome
    assert set(first.citations) == set(second.citations)


@PROPERTY
@given(bpw_cases(), st.sampled_from(RegisteredBy), st.booleans(), st.booleans(), st.booleans(),
       st.booleans(), domains)
def test_a_partner_never_sees_another_partners_name(
    case: tuple[list[Claim], str], registered_by: RegisteredBy, relationship: bool, need: bool,
    domain_only: bool, other_open: bool, domain: str,
) -> None:
    claims, outsider = case
    claimants = [c.partner for c in claims]
    for name in [*claimants, outsider]:
        viewer = Viewer(Role.PARTNER, name)
        others = [n for n in claimants if n != name]

        def reg(other_partner_open_deal: bool, viewer: Viewer = viewer) -> Answer:
            return registration(customer_domain=domain, registered_by=registered_by,
                                 relationship_established=relationship, need_identified=need,
                                 other_partner_open_deal=other_partner_open_deal,
                                 domain_only=domain_only, viewer=viewer)

        for lang in LANGS:
            texts = [shown(best_partner_wins(claims, viewer), lang, viewer),
                     shown(reg(other_open), lang, viewer)]
            for text in texts:
                for other in others:
                    assert other not in text, f"{name} sees {other} ({lang}): {text}"
            # whether another partner is on the customer is not told to a partner either
            assert "best_partner_wins" not in render(reg(other_open), lang, viewer)
            assert shown(reg(True), lang, viewer) == shown(reg(False), lang, viewer)
