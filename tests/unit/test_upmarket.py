"""The Upmarket Referral Program (spec, "Upmarket Referral Program", `upmarket-referral`), with the exchange
rate rule of "What a closed deal earns", rule 7."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rules.answers import Answer, Term, render
from rules.facts import Deal, Holding, LineItem, Partner
from rules.money import Money
from rules.sections import Section
from rules.upmarket import to_usd, upmarket_referral
from rules.vocabulary import CREDITS, Edition, LineCredit, Motion, Outcome, PartnerKind, Tier

ACCREDITED = frozenset({"crm_implementation"})


def partner(tier: Tier = Tier.PLATINUM, *, kind: PartnerKind = PartnerKind.SOLUTIONS_PARTNER,
            good_standing: bool = True, accreditations: frozenset[str] = ACCREDITED,
            local_language_exception: bool = False) -> Partner:
    return Partner(kind, tier, good_standing, accreditations, local_language_exception)


def item(line: str = "marketing", mrr: str = "3000", edition: Edition | None = Edition.PROFESSIONAL,
         currency: str = "USD") -> LineItem:
    return LineItem(line, Money.of(mrr, currency), edition)


def assisted(*items: LineItem, poi: bool = True, motion: Motion = Motion.PARTNER_ASSISTED,
             holdings: tuple[Holding, ...] = (), **extra: date) -> Deal:
    return Deal(motion, tuple(items) or (item(),), holdings, poi_signed=poi, **extra)


def keys(answer: Answer) -> list[str]:
    return [r.key for r in answer.reasons]


# --- a qualifying partner and deal -------------------------------------------------------------


@pytest.mark.parametrize("tier", [Tier.PLATINUM, Tier.DIAMOND, Tier.ELITE])
@pytest.mark.parametrize("edition", [Edition.PROFESSIONAL, Edition.ENTERPRISE])
def test_platinum_diamond_elite_on_a_qualifying_deal(tier: Tier, edition: Edition) -> None:
    answer = upmarket_referral(assisted(item(edition=edition)), partner(tier))
    assert answer.outcome is Outcome.ELIGIBLE
    assert keys(answer) == ["upmarket.qualifies", "upmarket.pay", "upmarket.no_guarantee"]
    assert answer.citations == (Section.UPMARKET_REFERRAL,)
    assert answer.fields["mrr_usd"] == "3000.00"


def test_pay_is_20_percent_for_12_months_while_active_and_not_guaranteed() -> None:
    text = render(upmarket_referral(assisted(), partner()))["reasons"]
    assert "20% of net revenue for the first 12 months" in text[1]
    assert "active for all 12 months" in text[1]
    assert "accrued monthly, paid quarterly" in text[1]
    assert text[-1] == "Eligible partners are not guaranteed to receive referrals."


# --- partner conditions ------------------------------------------------------------------------


@pytest.mark.parametrize("tier", [Tier.PARTNER, Tier.GOLD])
def test_lower_tiers_do_not_qualify(tier: Tier) -> None:
    answer = upmarket_referral(assisted(), partner(tier))
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer) == ["upmarket.tier", "upmarket.no_guarantee"]
    assert answer.reasons[0].params["tier"] == Term("tier", tier.value)
    assert tier.value.title() in render(answer)["reasons"][0]


@pytest.mark.parametrize("tier", list(Tier))
def test_providers_do_not_qualify(tier: Tier) -> None:
    answer = upmarket_referral(assisted(), partner(tier, kind=PartnerKind.PROVIDER))
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert "upmarket.provider" in keys(answer)


def test_partner_must_be_in_good_standing() -> None:
    answer = upmarket_referral(assisted(), partner(good_standing=False))
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer) == ["upmarket.standing", "upmarket.no_guarantee"]


def test_partner_must_be_crm_implementation_accredited() -> None:
    answer = upmarket_referral(assisted(), partner(accreditations=frozenset({"onboarding"})))
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer) == ["upmarket.accreditation", "upmarket.no_guarantee"]


def test_local_language_exception_needs_review() -> None:
    answer = upmarket_referral(assisted(), partner(accreditations=frozenset(), local_language_exception=True))
    assert answer.outcome is Outcome.NEEDS_REVIEW
    assert keys(answer) == ["upmarket.accreditation_exception", "upmarket.no_guarantee"]


def test_local_language_exception_is_moot_for_accredited_partners() -> None:
    answer = upmarket_referral(assisted(), partner(local_language_exception=True))
    assert answer.outcome is Outcome.ELIGIBLE


def test_local_language_exception_does_not_save_a_failing_deal() -> None:
    p = partner(accreditations=frozenset(), local_language_exception=True)
    answer = upmarket_referral(assisted(poi=False), p)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert "upmarket.poi" in keys(answer)


# --- deal conditions ---------------------------------------------------------------------------


def test_partner_sourced_deals_do_not_qualify() -> None:
    answer = upmarket_referral(assisted(motion=Motion.PARTNER_SOURCED), partner())
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer) == ["upmarket.motion", "upmarket.no_guarantee"]


@pytest.mark.parametrize("only", [
    item(edition=Edition.STARTER),
    item(CREDITS, edition=None, mrr="5000"),
    item("core_seats", edition=None, mrr="5000"),
])
def test_a_professional_or_enterprise_subscription_is_required(only: LineItem) -> None:
    answer = upmarket_referral(assisted(only), partner())
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert "upmarket.no_subscription" in keys(answer)


def test_mrr_of_exactly_3000_usd_qualifies() -> None:
    assert upmarket_referral(assisted(item(mrr="3000.00")), partner()).outcome is Outcome.ELIGIBLE


def test_mrr_below_3000_usd_does_not_qualify() -> None:
    answer = upmarket_referral(assisted(item(mrr="2999.99")), partner())
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer) == ["upmarket.mrr_below", "upmarket.no_guarantee"]
    assert answer.fields["mrr_usd"] == "2999.99"
    text = render(answer)["reasons"][0]
    assert "$2,999.99" in text
    assert "$3,000.00" in text


def test_mrr_adds_up_the_professional_and_enterprise_subscriptions() -> None:
    d = assisted(item("marketing", "1500"), item("sales", "1000", Edition.ENTERPRISE),
                 item("service", "500"), item("content", "2000", Edition.STARTER), item(CREDITS, "900", None))
    answer = upmarket_referral(d, partner())
    assert answer.outcome is Outcome.ELIGIBLE
    assert answer.fields["mrr_usd"] == "3000.00"


def test_starter_and_credits_do_not_count_toward_the_threshold() -> None:
    d = assisted(item("marketing", "2500"), item("sales", "2000", Edition.STARTER),
                 item(CREDITS, "900", None))
    answer = upmarket_referral(d, partner())
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert "upmarket.mrr_below" in keys(answer)


def test_existing_customers_count_upsell_and_cross_sell() -> None:
    d = assisted(item("marketing", "3000", Edition.ENTERPRISE),
                 holdings=(Holding("marketing", Edition.PROFESSIONAL, LineCredit.OTHER),
                           Holding("sales", Edition.STARTER)))
    assert upmarket_referral(d, partner()).outcome is Outcome.ELIGIBLE


def test_a_customer_signed_poi_is_required_at_close() -> None:
    answer = upmarket_referral(assisted(poi=False), partner())
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer) == ["upmarket.poi", "upmarket.no_guarantee"]


# Spec: "a customer-signed POI confirming the partner's services at close".
def test_a_poi_signed_after_close_does_not_qualify() -> None:
    d = assisted(poi_signed_on=date(2025, 7, 3), close_date=date(2025, 6, 30))
    assert upmarket_referral(d, partner()).outcome is Outcome.NOT_ELIGIBLE


def test_every_failing_condition_is_listed() -> None:
    p = Partner(PartnerKind.SOLUTIONS_PARTNER, Tier.GOLD, good_standing=False)
    answer = upmarket_referral(assisted(item(mrr="100"), motion=Motion.PARTNER_SOURCED, poi=False), p)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer) == ["upmarket.tier", "upmarket.standing", "upmarket.accreditation",
                            "upmarket.motion", "upmarket.mrr_below", "upmarket.poi",
                            "upmarket.no_guarantee"]


# --- exchange rates (rule 7) -------------------------------------------------------------------


def test_other_currencies_are_converted_with_the_configured_rate() -> None:
    d = assisted(item(mrr="450000", currency="JPY"))
    answer = upmarket_referral(d, partner(), fx={"JPY": Decimal("0.0067")})
    assert answer.outcome is Outcome.ELIGIBLE
    assert answer.fields["mrr_usd"] == "3015.00"


def test_converted_mrr_below_the_threshold_does_not_qualify() -> None:
    d = assisted(item(mrr="447000", currency="JPY"))
    answer = upmarket_referral(d, partner(), fx={"JPY": Decimal("0.0067")})
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert answer.fields["mrr_usd"] == "2994.90"
    below = answer.reasons[0]
    assert below.key == "upmarket.mrr_below"
    assert below.params["mrr"] == Money.of("447000", "JPY")
    ja = render(answer, "ja")["reasons"][0]
    assert "￥447,000" in ja
    assert "$2,994.90" in ja


def test_no_exchange_rate_needs_review() -> None:
    answer = upmarket_referral(assisted(item(mrr="450000", currency="JPY")), partner())
    assert answer.outcome is Outcome.NEEDS_REVIEW
    assert keys(answer) == ["upmarket.no_rate", "upmarket.no_guarantee"]
    assert answer.reasons[0].params["currency"] == "JPY"
    assert "mrr_usd" not in answer.fields


def test_a_rate_for_another_currency_does_not_help() -> None:
    answer = upmarket_referral(assisted(item(mrr="450000", currency="JPY")), partner(),
                               fx={"EUR": Decimal("1.08")})
    assert answer.outcome is Outcome.NEEDS_REVIEW


def test_no_exchange_rate_with_another_failure_is_not_eligible() -> None:
    answer = upmarket_referral(assisted(item(mrr="450000", currency="JPY"), poi=False), partner())
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert "upmarket.poi" in keys(answer)


def test_to_usd() -> None:
    assert to_usd(Money.of("10", "USD"), {}) == Money.of("10", "USD")
    assert to_usd(Money.of("1000", "JPY"), {"JPY": Decimal("0.0067")}) == Money.of("6.7", "USD")
    assert to_usd(Money.of("1000", "JPY"), {}) is None


# --- rendering ---------------------------------------------------------------------------------


def test_upmarket_renders_in_both_languages() -> None:
    answer = upmarket_referral(assisted(), partner(Tier.GOLD))
    en, ja = render(answer, "en"), render(answer, "ja")
    assert en["reasons"][0] == ("The program is for Platinum, Diamond or Elite tier partners; "
                                "this partner is Gold.")
    assert ja["reasons"][0] == ("このプログラムはPlatinum、Diamond、EliteティアのSolutions Partnerのみを"
                                "対象としています(現在のティア:Gold)。")
    assert ja["sections"] == [{"id": "upmarket-referral", "title": "HubSpot Upmarket Referralプログラム"}]
    review = render(upmarket_referral(assisted(item(mrr="450000", currency="JPY")), partner()), "ja")
    assert review["reasons"][0] == "要確認:JPYから米ドルへの為替レートが設定されていません。"
