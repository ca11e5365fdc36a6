"""Onboarding waiver, POI, discounts, incentives (spec, "Onboarding, waiver, discounts, incentives", rules 2
to 4; "What a closed deal earns", rule 1) and the consequence ladder ("Shared selling, overlay model,
review", rule 4)."""

from __future__ import annotations

from datetime import date

import pytest

from rules.answers import Answer, Term, render
from rules.conduct import (
    CONSEQUENCE_LADDER,
    Offer,
    consequence,
    discount,
    incentive,
    poi_requirement,
    waive_onboarding,
)
from rules.facts import Partner
from rules.sections import Section
from rules.vocabulary import Outcome, PartnerKind, Tier

PARTNER = Partner(PartnerKind.SOLUTIONS_PARTNER, Tier.GOLD)
PROVIDER = Partner(PartnerKind.PROVIDER)


def keys(answer: Answer) -> list[str]:
    return [r.key for r in answer.reasons]


# --- waive onboarding (rule 2) -----------------------------------------------------------------


@pytest.mark.parametrize("tier", list(Tier))
def test_a_solutions_partner_with_a_poi_naming_its_onboarding_may_waive(tier: Tier) -> None:
    answer = waive_onboarding(Partner(tier=tier), poi_signed=True, poi_names_partner_onboarding=True)
    assert answer.outcome is Outcome.ELIGIBLE
    assert keys(answer) == ["waive.ok", "waive.standard"]
    assert answer.cites(Section.WAIVE_ONBOARDING, Section.POI, Section.ONBOARDING)


@pytest.mark.parametrize(("poi", "names"), [(True, True), (True, False), (False, False)])
def test_providers_never_waive_onboarding(poi: bool, names: bool) -> None:
    answer = waive_onboarding(PROVIDER, poi_signed=poi, poi_names_partner_onboarding=names)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer)[0] == "waive.provider"


def test_waiving_needs_a_signed_poi() -> None:
    answer = waive_onboarding(PARTNER, poi_signed=False, poi_names_partner_onboarding=True)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer) == ["waive.no_poi", "waive.standard"]


def test_the_poi_must_say_the_partner_provides_the_onboarding() -> None:
    answer = waive_onboarding(PARTNER, poi_signed=True, poi_names_partner_onboarding=False)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer) == ["waive.poi_silent", "waive.standard"]


def test_waiver_renders_in_both_languages() -> None:
    answer = waive_onboarding(PROVIDER, poi_signed=True, poi_names_partner_onboarding=True)
    en, ja = render(answer, "en"), render(answer, "ja")
    assert en["reasons"][0] == "Solutions Providers cannot waive onboarding for their clients."
    assert ja["reasons"][0] == "Solutions Providerは、顧客の導入支援サービスの利用を免除できません。"
    assert [s["title"] for s in ja["sections"]] == [
        "導入支援サービスの免除", "関与の証明", "導入支援の獲得に必要な条件"]


# --- POI (earnings rule 1): customer-signed and shared on the deal by the close date ------------


def test_a_signed_shared_poi_by_the_close_date_counts() -> None:
    answer = poi_requirement(poi_signed=True, signed_on=date(2025, 6, 20), close_date=date(2025, 6, 30))
    assert answer.outcome is Outcome.ELIGIBLE
    assert keys(answer) == ["poi.ok", "poi.partner_responsibility"]
    assert answer.cites(Section.POI, Section.COMMISSION_RATES)


def test_a_poi_signed_on_the_close_date_counts() -> None:
    day = date(2025, 6, 30)
    assert poi_requirement(poi_signed=True, signed_on=day, close_date=day).outcome is Outcome.ELIGIBLE


def test_a_poi_signed_after_the_close_date_does_not_count() -> None:
    answer = poi_requirement(poi_signed=True, signed_on=date(2025, 7, 1), close_date=date(2025, 6, 30))
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer)[0] == "poi.after_close"
    assert answer.reasons[0].params == {"signed": date(2025, 7, 1), "close": date(2025, 6, 30)}


def test_an_unsigned_poi_does_not_count() -> None:
    answer = poi_requirement(poi_signed=False, close_date=date(2025, 12, 5))
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer) == ["poi.missing", "poi.due_by", "poi.partner_responsibility"]
    assert "Fri, Dec 5, 2025" in render(answer, "en")["reasons"][1]
    assert "2025年12月5日(金)" in render(answer, "ja")["reasons"][1]


def test_an_unsigned_poi_without_a_close_date() -> None:
    answer = poi_requirement(poi_signed=False)
    assert keys(answer) == ["poi.missing", "poi.partner_responsibility"]


def test_a_signed_poi_must_be_shared_on_the_deal() -> None:
    answer = poi_requirement(poi_signed=True, shared_on_deal=False)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer)[0] == "poi.not_shared"


# --- discounts (rule 3) ------------------------------------------------------------------------


@pytest.mark.parametrize("discussed", [True, False])
def test_a_discount_approved_in_writing_is_honoured_and_kept(discussed: bool) -> None:
    answer = discount(approved_in_writing=True, discussed_with_customer=discussed)
    assert answer.outcome is Outcome.ELIGIBLE
    assert keys(answer) == ["discount.approved", "discount.rule"]
    assert "kept on the deal" in render(answer)["reasons"][0]
    assert answer.citations == (Section.DISCOUNTING,)


def test_an_unapproved_discount_discussed_with_the_customer_is_not_honoured() -> None:
    answer = discount(approved_in_writing=False, discussed_with_customer=True)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer) == ["discount.unapproved_discussed", "discount.rule"]
    assert "not be honoured" in render(answer)["reasons"][0]


def test_an_undiscussed_unapproved_discount_needs_approval_first() -> None:
    answer = discount(approved_in_writing=False, discussed_with_customer=False)
    assert answer.outcome is Outcome.NEEDS_REVIEW
    assert keys(answer) == ["discount.ask_first", "discount.rule"]


def test_discount_renders_in_japanese() -> None:
    ja = render(discount(approved_in_writing=False, discussed_with_customer=True), "ja")
    assert ja["reasons"][0] == "HubSpotからの書面による承認なしに顧客に言及された割引は、適用されません。"
    assert ja["sections"] == [{"id": "discounting", "title": "割引"}]


# --- incentives (rule 4) -----------------------------------------------------------------------


def test_offering_nothing_is_fine() -> None:
    answer = incentive(Offer.NONE)
    assert answer.outcome is Outcome.ELIGIBLE
    assert keys(answer) == ["incentive.none"]
    assert answer.citations == (Section.INCENTIVES,)


@pytest.mark.parametrize("offer", [o for o in Offer if o is not Offer.NONE])
def test_anything_of_value_or_off_channel_requests_are_prohibited(offer: Offer) -> None:
    answer = incentive(offer)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer) == ["incentive.prohibited", "incentive.rule"]
    assert answer.reasons[0].params["offer"] == Term("offer", offer.value)
    for lang in ("en", "ja"):
        assert render(answer, lang)["reasons"][0]


def test_the_offer_vocabulary_covers_the_spec() -> None:
    assert {o.value for o in Offer} == {"none", "gift", "kickback", "reward", "other_value",
                                        "off_channel_request"}


def test_incentive_renders_in_both_languages() -> None:
    answer = incentive(Offer.OFF_CHANNEL_REQUEST)
    en, ja = render(answer, "en"), render(answer, "ja")
    assert en["reasons"][0] == (
        "Offering HubSpot staff a request to talk outside approved channels is prohibited.")
    assert ja["reasons"][0] == (
        "HubSpot担当者に承認されたチャネル以外でのコミュニケーションの要求を提供することは、"
        "固く禁じられています。")


# --- consequences (shared selling rule 4): mildest first; the bot suggests, people decide -------


def test_the_ladder_is_in_the_spec_order_mildest_first() -> None:
    assert CONSEQUENCE_LADDER == ("warning", "revenue_share_loss", "tier_change", "opportunities_ban",
                                  "suspension", "termination")


def test_a_first_breach_suggests_a_warning_email_to_the_primary_contact() -> None:
    answer = consequence(breaches=1)
    assert answer.outcome is Outcome.NEEDS_REVIEW
    assert answer.fields["suggested"] == "warning"
    assert answer.fields["ladder"] == list(CONSEQUENCE_LADDER)
    assert keys(answer) == ["consequence.suggest", "consequence.warning_by_email",
                            "consequence.people_decide"]
    assert "primary contact" in render(answer)["reasons"][1]
    assert Section.REVIEW in answer.citations


@pytest.mark.parametrize(("last", "expected"), list(zip(CONSEQUENCE_LADDER, [*CONSEQUENCE_LADDER[1:],
                                                                              "termination"], strict=True)))
def test_the_next_step_follows_the_last_one(last: str, expected: str) -> None:
    answer = consequence(breaches=2, last_step=last)
    assert answer.fields["suggested"] == expected
    assert answer.outcome is Outcome.NEEDS_REVIEW
    assert answer.reasons[0].params["step"] == Term("consequence", expected)


def test_no_breach_suggests_nothing() -> None:
    answer = consequence(breaches=0)
    assert answer.outcome is Outcome.NEEDS_REVIEW
    assert answer.fields["suggested"] is None
    assert keys(answer) == ["consequence.no_breach", "consequence.people_decide"]


def test_repeat_breaches_may_lead_to_termination() -> None:
    answer = consequence(breaches=3, last_step="warning")
    assert "consequence.repeat" in keys(answer)
    assert "consequence.repeat" not in keys(consequence(breaches=2, last_step="warning"))


@pytest.mark.parametrize("breaches", [1, 2, 5, 50])
def test_people_always_decide(breaches: int) -> None:
    answer = consequence(breaches=breaches)
    assert answer.outcome is Outcome.NEEDS_REVIEW
    assert keys(answer)[-1] == "consequence.people_decide"


def test_bad_consequence_input_is_refused() -> None:
    with pytest.raises(ValueError):
        consequence(breaches=-1)
    with pytest.raises(ValueError):
        consequence(breaches=1, last_step="firing")


def test_consequence_renders_in_both_languages() -> None:
    answer = consequence(breaches=2, last_step="warning")
    en, ja = render(answer, "en"), render(answer, "ja")
    assert en["reasons"][0] == (
        "With 2 breaches recorded, the next step of the ladder is loss of revenue share.")
    assert ja["reasons"][0] == "記録された違反は2件のため、次の措置はレベニューシェアの権利喪失です。"
    assert en["suggested"] == ja["suggested"] == "revenue_share_loss"
    assert ja["sections"][0] == {"id": "review", "title": "審査と決議"}
