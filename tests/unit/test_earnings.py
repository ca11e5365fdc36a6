"""What a closed deal earns (spec, "What a closed deal earns": rules 1 to 3, 5 and 6, with the monthly figure
of rule 4); cross-sell and upsell rule 2 where it bears on earnings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rules.answers import Answer, Months, render
from rules.earnings import earnings, managed_mrr, sold_mrr
from rules.facts import Deal, Holding, LineItem, Partner
from rules.money import Money, MoneyError
from rules.sections import Section
from rules.vocabulary import Edition, LineCredit, Motion, Outcome, PartnerKind, Tier

GOLD = Partner(PartnerKind.SOLUTIONS_PARTNER, Tier.GOLD)
UPMARKET = Partner(PartnerKind.SOLUTIONS_PARTNER, Tier.PLATINUM,
                   accreditations=frozenset({"crm_implementation"}))
PROVIDER = Partner(PartnerKind.PROVIDER)


def money(amount: str, currency: str = "USD") -> Money:
    return Money.of(amount, currency)


def marketing_pro(mrr: str = "800", currency: str = "USD") -> LineItem:
    return LineItem("marketing", money(mrr, currency), Edition.PROFESSIONAL)


def closed(*items: LineItem, motion: Motion = Motion.PARTNER_SOURCED, poi: bool = True,
           holdings: tuple[Holding, ...] = (), **extra: date) -> Deal:
    return Deal(motion, tuple(items), holdings, poi_signed=poi, **extra)


def keys(answer: Answer) -> list[str]:
    return [r.key for r in answer.reasons]


def earns_nothing(answer: Answer) -> bool:
    f = answer.fields
    return (answer.outcome is Outcome.NOT_ELIGIBLE and f["revenue_share"] is False
            and f["sold_mrr_credit"] is False and f["months"] == 0 and "monthly" not in f)


# --- rule 1: nothing without a customer-signed POI ---------------------------------------------


@pytest.mark.parametrize("motion", list(Motion))
@pytest.mark.parametrize("partner", [GOLD, UPMARKET, PROVIDER])
def test_nothing_is_earned_without_a_signed_poi(motion: Motion, partner: Partner) -> None:
    answer = earnings(closed(marketing_pro("5000"), motion=motion, poi=False), partner)
    assert earns_nothing(answer)
    assert keys(answer) == ["earnings.no_poi", "poi.partner_responsibility"]
    assert Section.POI in answer.citations


def test_collecting_the_poi_is_the_partners_job() -> None:
    text = render(earnings(closed(marketing_pro(), poi=False), GOLD))["reasons"]
    assert "partner's responsibility" in text[-1]
    assert "month of the sale" in text[-1]


# Spec: earnings rule 1, "a customer-signed POI shared on the deal by the close date".
def test_a_poi_signed_after_the_close_date_earns_nothing() -> None:
    d = closed(marketing_pro(), poi_signed_on=date(2025, 7, 2), close_date=date(2025, 6, 30))
    assert earns_nothing(earnings(d, GOLD))


def test_a_poi_signed_on_the_close_date_counts() -> None:
    d = closed(marketing_pro(), poi_signed_on=date(2025, 6, 30), close_date=date(2025, 6, 30))
    assert earnings(d, GOLD).outcome is Outcome.ELIGIBLE


def test_a_deal_that_is_not_eligible_earns_nothing() -> None:
    starter = LineItem("marketing", money("20"), Edition.STARTER)
    answer = earnings(closed(starter), GOLD)
    assert earns_nothing(answer)
    assert keys(answer) == ["eligibility.only_starter", "earnings.deal_not_eligible"]
    assert answer.cites(Section.COMMISSION_RATES, Section.SALES_MOTIONS, Section.DEAL_ELIGIBILITY)


# --- rule 2: Partner Sourced --------------------------------------------------------------------


def test_partner_sourced_solutions_partner_earns_credit_and_36_months_of_share() -> None:
    answer = earnings(closed(marketing_pro()), GOLD)
    assert answer.outcome is Outcome.ELIGIBLE
    assert answer.fields["revenue_share"] is True
    assert answer.fields["sold_mrr_credit"] is True
    assert answer.fields["months"] == 36
    assert answer.fields["monthly"] == money("160.00")
    assert keys(answer) == ["earnings.sold_credit", "earnings.sourced_share", "earnings.monthly"]
    assert answer.cites(Section.COMMISSION_RATES, Section.SALES_MOTIONS, Section.SOLD_MRR,
                        Section.REVENUE_SHARE)


def test_partner_sourced_provider_earns_12_months_of_share_and_no_sold_credit() -> None:
    answer = earnings(closed(marketing_pro()), PROVIDER)
    assert answer.outcome is Outcome.ELIGIBLE
    assert answer.fields["revenue_share"] is True
    assert answer.fields["sold_mrr_credit"] is False
    assert answer.fields["months"] == 12
    assert "earnings.provider_no_tier" in keys(answer)
    assert answer.reasons[keys(answer).index("earnings.sourced_share")].params["term"] == Months(12)


@pytest.mark.parametrize("tier", list(Tier))
def test_every_solutions_partner_tier_earns_36_months(tier: Tier) -> None:
    assert earnings(closed(marketing_pro()), Partner(tier=tier)).fields["months"] == 36


# --- rule 3: Partner Assisted ------------------------------------------------------------------


def test_partner_assisted_earns_sold_credit_only() -> None:
    answer = earnings(closed(marketing_pro(), motion=Motion.PARTNER_ASSISTED), GOLD)
    assert answer.outcome is Outcome.ELIGIBLE
    assert answer.fields["revenue_share"] is False
    assert answer.fields["sold_mrr_credit"] is True
    assert answer.fields["months"] == 0
    assert "monthly" not in answer.fields
    assert "earnings.assisted_no_share" in keys(answer)
    assert Section.UPMARKET_REFERRAL in answer.citations


def test_partner_assisted_provider_earns_nothing() -> None:
    answer = earnings(closed(marketing_pro(), motion=Motion.PARTNER_ASSISTED), PROVIDER)
    assert earns_nothing(answer)
    assert keys(answer)[-1] == "earnings.nothing_for_provider"


def test_partner_assisted_upmarket_referral_earns_12_months_of_share() -> None:
    answer = earnings(closed(marketing_pro("3000"), motion=Motion.PARTNER_ASSISTED), UPMARKET)
    assert answer.outcome is Outcome.ELIGIBLE
    assert answer.fields["revenue_share"] is True
    assert answer.fields["sold_mrr_credit"] is True
    assert answer.fields["months"] == 12
    assert answer.fields["monthly"] == money("600.00")
    assert "earnings.assisted_upmarket" in keys(answer)
    assert Section.UPMARKET_REFERRAL in answer.citations


def test_partner_assisted_below_the_upmarket_threshold_earns_no_share() -> None:
    answer = earnings(closed(marketing_pro("2999.99"), motion=Motion.PARTNER_ASSISTED), UPMARKET)
    assert answer.fields["revenue_share"] is False
    assert answer.fields["months"] == 0


def test_partner_assisted_upmarket_without_exchange_rate_needs_review() -> None:
    d = closed(marketing_pro("500000", "JPY"), motion=Motion.PARTNER_ASSISTED)
    answer = earnings(d, UPMARKET)
    assert answer.outcome is Outcome.NEEDS_REVIEW
    assert answer.fields["revenue_share"] is False
    assert "earnings.assisted_upmarket_review" in keys(answer)
    assert "upmarket.no_rate" in keys(answer)
    assert "upmarket.no_guarantee" not in keys(answer)


def test_partner_assisted_upmarket_with_exchange_rate() -> None:
    d = closed(marketing_pro("500000", "JPY"), motion=Motion.PARTNER_ASSISTED)
    answer = earnings(d, UPMARKET, fx={"JPY": Decimal("0.0067")})
    assert answer.outcome is Outcome.ELIGIBLE
    assert answer.fields["months"] == 12
    assert answer.fields["monthly"] == money("100000", "JPY")


# --- rule 4 (monthly figure) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mrr", "currency", "monthly"),
    [("800", "USD", "160.00"), ("96000", "JPY", "19200"), ("10.025", "USD", "2.01"),
     ("12347.5", "JPY", "2470")],
)
def test_monthly_revenue_share_is_20_percent_rounded_half_up(mrr: str, currency: str, monthly: str) -> None:
    answer = earnings(closed(marketing_pro(mrr, currency)), GOLD)
    assert answer.fields["monthly"] == money(monthly, currency)
    assert answer.fields["monthly"].text() == monthly


def test_monthly_counts_bundled_starter_but_not_lines_already_held() -> None:
    d = closed(
        marketing_pro("800"),
        LineItem("sales", money("20"), Edition.STARTER),
        LineItem("service", money("500"), Edition.PROFESSIONAL),
        holdings=(Holding("service", Edition.PROFESSIONAL),),
    )
    answer = earnings(d, GOLD)
    assert answer.fields["monthly"] == money("164.00")  # 20% of 820
    monthly = answer.reasons[keys(answer).index("earnings.monthly")]
    assert monthly.params["mrr"] == money("820")


def test_earnings_needs_review_when_eligibility_does() -> None:
    d = closed(marketing_pro(), holdings=(Holding("marketing", Edition.STARTER, LineCredit.UNKNOWN),))
    answer = earnings(d, GOLD)
    assert answer.outcome is Outcome.NEEDS_REVIEW
    assert "eligibility.missing_fact" in keys(answer)


def test_monthly_under_review_is_20_percent_of_the_lines_sold() -> None:
    d = closed(marketing_pro(), holdings=(Holding("marketing", Edition.STARTER, LineCredit.UNKNOWN),))
    answer = earnings(d, GOLD)
    if answer.fields.get("revenue_share"):
        assert answer.fields["monthly"] == money("160.00")
        assert "$0.00" not in " ".join(render(answer)["reasons"])


# Spec: cross-sell and upsell rule 2, "revenue share and sold credit on every upsell of that line, involved
# or not", although the deal itself does not qualify (deal eligibility rule 3).
def test_upsell_of_a_line_with_established_credit_earns() -> None:
    d = closed(LineItem("marketing", money("3600"), Edition.ENTERPRISE),
               holdings=(Holding("marketing", Edition.PROFESSIONAL, LineCredit.SELF),))
    answer = earnings(d, GOLD)
    assert answer.fields["revenue_share"] is True
    assert answer.fields["sold_mrr_credit"] is True
    assert answer.fields["months"] == 36
    assert answer.fields["monthly"] == money("720.00")  # 20% of the line's 3,600
    assert Section.UPSELL in answer.citations


def test_earnings_render_in_both_languages() -> None:
    answer = earnings(closed(marketing_pro("96000", "JPY")), GOLD)
    en, ja = render(answer, "en"), render(answer, "ja")
    assert en["monthly"] == ja["monthly"] == "19200"
    assert en["currency"] == ja["currency"] == "JPY"
    assert en["reasons"][-1] == "Revenue share accrues ¥19,200 a month (20% of ¥96,000 MRR)."
    assert ja["reasons"][-1] == "レベニューシェアは毎月￥19,200発生します(MRR ￥96,000の20%)。"
    assert "最長3年間" in ja["reasons"][1]
    usd = render(earnings(closed(marketing_pro()), GOLD), "en")
    assert usd["monthly"] == "160.00"
    assert "$160.00 a month" in usd["reasons"][-1]


# --- rule 5: sold MRR --------------------------------------------------------------------------


def test_sold_mrr_is_today_minus_a_year_ago() -> None:
    answer = sold_mrr(money("1200"), money("800"))
    assert answer.outcome is Outcome.ELIGIBLE
    assert answer.fields["amount"] == money("400")
    assert [r.key for r in answer.reasons] == ["sold_mrr.growth", "sold_mrr.tier"]
    assert answer.citations == (Section.SOLD_MRR,)


@pytest.mark.parametrize(("now", "before"), [("800", "1200"), ("800", "800")])
def test_sold_mrr_is_never_below_zero(now: str, before: str) -> None:
    answer = sold_mrr(money(now), money(before))
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert answer.fields["amount"] == Money.zero("USD")
    assert answer.reasons[0].key == "sold_mrr.no_growth"
    assert render(answer)["amount"] == "0.00"


def test_sold_mrr_of_a_new_line_is_its_full_value() -> None:
    assert sold_mrr(money("96000", "JPY"), Money.zero("JPY")).fields["amount"] == money("96000", "JPY")


def test_established_credit_follows_the_full_value_of_the_line() -> None:
    answer = sold_mrr(money("1200"), money("800"), credit_established=True)
    assert answer.fields["amount"] == money("1200")
    assert answer.reasons[0].key == "sold_mrr.established"
    assert sold_mrr(money("800"), money("1200"), credit_established=True).fields["amount"] == money("800")


def test_sold_mrr_refuses_mixed_currencies() -> None:
    with pytest.raises(MoneyError):
        sold_mrr(money("1200"), money("800", "JPY"))


def test_sold_mrr_renders_in_both_languages() -> None:
    answer = sold_mrr(money("1200"), money("800"))
    assert "$400.00" in render(answer, "en")["reasons"][0]
    ja = render(answer, "ja")
    assert "$400.00" in ja["reasons"][0]
    assert ja["sections"] == [{"id": "sold-mrr", "title": "販売による月間経常収益(MRR)"}]


# --- rule 6: managed MRR -----------------------------------------------------------------------


@pytest.mark.parametrize("activities", [["create_asset"], ["edit_asset"], ["login", "create_asset"],
                                        ["login", "view", "edit_asset"]])
def test_active_servicing_counts_for_managed_mrr(activities: list[str]) -> None:
    answer = managed_mrr(activities)
    assert answer.outcome is Outcome.ELIGIBLE
    assert answer.reasons[0].key == "managed_mrr.active"
    assert answer.citations == (Section.MANAGED_MRR,)


@pytest.mark.parametrize("activities", [["login"], ["login", "login"], ["login", "view"]])
def test_logging_in_alone_does_not_count(activities: list[str]) -> None:
    answer = managed_mrr(activities)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert [r.key for r in answer.reasons] == ["managed_mrr.login_only"]
    assert "amount" not in answer.fields


def test_no_activity_does_not_count() -> None:
    answer = managed_mrr([])
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert [r.key for r in answer.reasons] == ["managed_mrr.no_activity"]


def test_managed_mrr_amount_is_the_portal_mrr() -> None:
    answer = managed_mrr(["edit_asset"], portal_mrr=money("96000", "JPY"))
    assert answer.fields["amount"] == money("96000", "JPY")
    ja = render(answer, "ja")
    assert ja["amount"] == "96000"
    assert ja["currency"] == "JPY"
    assert "￥96,000" in ja["reasons"][1]


def test_login_only_ignores_portal_mrr() -> None:
    assert "amount" not in managed_mrr(["login"], portal_mrr=money("800")).fields
