"""Rendering answers (spec: "Every answer the bot gives about a rule carries an outcome, the reasons in the
asker's language, the citations"; "Money answers carry amounts and a currency"; Best Partner Wins >
Confidentiality), through `rules.answers.render`, the one door to a person."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from rules.answers import (
    HUBSPOT,
    Answer,
    ConfidentialityError,
    PartnerName,
    Term,
    Viewer,
    combine,
    reason,
    render,
    render_reason,
)
from rules.best_partner_wins import best_partner_wins
from rules.conduct import Offer, consequence, discount, incentive, poi_requirement, waive_onboarding
from rules.earnings import earnings, managed_mrr, sold_mrr
from rules.eligibility import eligibility
from rules.facts import Claim, Deal, Holding, LineItem, Partner
from rules.i18n import MissingMessageError, format_date, format_datetime, format_number
from rules.money import Money
from rules.product_lines import cross_sell, upsell
from rules.revenue_share import YearMonth, revenue_share_schedule
from rules.sections import Section, title
from rules.shared_selling import RegisteredBy, collaboration, pdm_support, registration
from rules.upmarket import upmarket_referral
from rules.vocabulary import Edition, LineCredit, Motion, Outcome, PartnerKind, Role, Tier

JST = timezone(timedelta(hours=9))
GOLD = Partner(PartnerKind.SOLUTIONS_PARTNER, Tier.GOLD)
UPMARKET = Partner(PartnerKind.SOLUTIONS_PARTNER, Tier.ELITE,
                   accreditations=frozenset({"crm_implementation"}))
ACME, BLUE = "Acme Consulting", "Bluebird Digital"
AS_ACME = Viewer(Role.PARTNER, ACME)
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")

# The spec's table of sections (ids used in citations), English and Japanese titles.
SPEC_TITLES = {
    "account-team": ("Your HubSpot Account Team", "HubSpotパートナーチーム"),
    "commission-rates": ("Eligibility & Commission Rates", "取引の条件とコミッションの料率"),
    "managed-mrr": ("Managed Monthly Recurring Revenue", "管理による月間経常収益(MRR)"),
    "sold-mrr": ("Sold Monthly Recurring Revenue", "販売による月間経常収益(MRR)"),
    "poi": ("Proof of Involvement", "関与の証明"),
    "communication": ("Communication", "コミュニケーション"),
    "onboarding": ("Onboarding Requirements", "導入支援の獲得に必要な条件"),
    "discounting": ("Discounting", "割引"),
    "incentives": ("Use Good Judgment (UGJ) on Incentives", "インセンティブに対する適切な判断"),
    "review": ("Review and Resolution", "審査と決議"),
    "shared-selling-tools": ("Shared Selling Tools", "共同販売ツール"),
    "overlay-model": ("Transitioning to an overlay sales model", "オーバーレイ営業モデルへの移行"),
    "sales-motions": ("Sales Motions (Partner Sourced, Partner Assisted)", "販売形態"),
    "deal-eligibility": ("Deal Eligibility", "対象となる取引の条件"),
    "best-partner-wins": ("Best Partner Wins Process", "Best Partner Winsのプロセス"),
    "upmarket-referral": ("HubSpot Upmarket Referral Program", "HubSpot Upmarket Referralプログラム"),
    "cross-sell": ("Cross-Sell", "クロスセル"),
    "upsell": ("Upsell", "アップセル"),
    "waive-onboarding": ("Waive Onboarding", "導入支援サービスの免除"),
    "revenue-share": ("Revenue Share", "レベニューシェア"),
    "faq": ("Frequently Asked Questions", "よくあるご質問"),
}


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def pro(line: str = "marketing", mrr: str = "800", currency: str = "USD") -> LineItem:
    return LineItem(line, Money.of(mrr, currency), Edition.PROFESSIONAL)


def representative() -> dict[str, Answer]:
    """At least one answer of every decision, across outcomes."""
    sourced = Deal(Motion.PARTNER_SOURCED, (pro(), LineItem("sales", usd("20"), Edition.STARTER)),
                   poi_signed=True)
    unknown = Deal(Motion.PARTNER_SOURCED, (pro(),),
                   (Holding("marketing", Edition.STARTER, LineCredit.UNKNOWN),))
    assisted = Deal(Motion.PARTNER_ASSISTED, (pro(mrr="450000", currency="JPY"),), poi_signed=True)
    claims = [Claim(ACME, True, sourced=True), Claim(BLUE, True, referred_by=ACME)]
    notified = datetime(2025, 11, 21, 16, 0, tzinfo=JST)
    return {
        "eligibility.eligible": eligibility(sourced, GOLD),
        "eligibility.review": eligibility(unknown, GOLD),
        "eligibility.starter": eligibility(Deal(Motion.PARTNER_SOURCED, (
            LineItem("sales", usd("20"), Edition.STARTER),)), GOLD),
        "earnings.sourced": earnings(sourced, GOLD),
        "earnings.no_poi": earnings(Deal(Motion.PARTNER_SOURCED, (pro(),)), GOLD),
        "earnings.assisted": earnings(assisted, UPMARKET),
        "earnings.provider": earnings(Deal(Motion.PARTNER_ASSISTED, (pro(),), poi_signed=True),
                                      Partner(PartnerKind.PROVIDER)),
        "revenue_share": revenue_share_schedule(Money.of("96000", "JPY"), GOLD, YearMonth(2025, 8),
                                                terminated_on=date(2026, 2, 10)),
        "sold_mrr": sold_mrr(usd("1200"), usd("800")),
        "managed_mrr": managed_mrr(["login", "edit_asset"], portal_mrr=usd("3000")),
        "upmarket.eligible": upmarket_referral(Deal(Motion.PARTNER_ASSISTED, (pro(mrr="3000"),),
                                                    poi_signed=True), UPMARKET),
        "upmarket.review": upmarket_referral(assisted, UPMARKET),
        "upmarket.failing": upmarket_referral(Deal(Motion.PARTNER_SOURCED, (pro(mrr="10"),)),
                                              Partner(tier=Tier.GOLD, good_standing=False)),
        "bpw.staff": best_partner_wins(claims),
        "bpw.review": best_partner_wins([Claim(ACME, True), Claim(BLUE, True)]),
        "cross_sell": cross_sell("credits", LineCredit.NONE),
        "upsell": upsell(GOLD, "sales", Edition.STARTER, Edition.ENTERPRISE, LineCredit.NONE),
        "waive": waive_onboarding(GOLD, poi_signed=True, poi_names_partner_onboarding=False),
        "poi": poi_requirement(poi_signed=False, close_date=date(2025, 12, 5)),
        "discount": discount(approved_in_writing=False, discussed_with_customer=False),
        "incentive": incentive(Offer.KICKBACK),
        "consequence": consequence(breaches=4, last_step="tier_change"),
        "registration": registration(customer_domain="example.com", registered_by=RegisteredBy.PARTNER,
                                     relationship_established=True, need_identified=True,
                                     other_partner_open_deal=True),
        "collaboration": collaboration(notified_at=notified, now=notified + timedelta(hours=80)),
        "pdm_support": pdm_support(usd("12000")),
    }


ANSWERS = representative()


# --- every answer renders in both languages ----------------------------------------------------


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_every_answer_renders_in_english_and_japanese(name: str) -> None:
    answer = ANSWERS[name]
    en, ja = render(answer, "en"), render(answer, "ja")
    for body, lang in ((en, "en"), (ja, "ja")):
        assert body["question"] == answer.question
        assert body["outcome"] == answer.outcome.value
        assert body["citations"] == [s.value for s in answer.citations]
        assert body["lang"] == lang
        assert body["reasons"], "every answer gives its reasons"
        assert all(isinstance(r, str) and r for r in body["reasons"])
        assert not any(PLACEHOLDER.search(r) for r in body["reasons"]), body["reasons"]
    assert len(en["reasons"]) == len(ja["reasons"])
    assert all(JAPANESE.search(r) for r in ja["reasons"]), ja["reasons"]
    assert not any(JAPANESE.search(r) for r in en["reasons"]), en["reasons"]
    # Fields beyond the common ones do not depend on the language.
    strip = {"reasons", "sections", "lang"}
    assert {k: v for k, v in en.items() if k not in strip} == {k: v for k, v in ja.items() if k not in strip}


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_citations_render_with_the_spec_titles(name: str) -> None:
    answer = ANSWERS[name]
    assert answer.citations, "every answer cites at least one section"
    assert len(set(answer.citations)) == len(answer.citations)
    for lang, index in (("en", 0), ("ja", 1)):
        sections = render(answer, lang)["sections"]
        assert sections == [{"id": s.value, "title": SPEC_TITLES[s.value][index]} for s in answer.citations]


def test_outcomes_come_from_the_fixed_vocabulary() -> None:
    allowed = {"eligible", "not_eligible", "needs_review", "decided", "no_winner"}
    assert {render(a)["outcome"] for a in ANSWERS.values()} <= allowed


def test_the_default_language_is_english() -> None:
    assert render(ANSWERS["discount"])["lang"] == "en"


def test_an_unsupported_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        render(ANSWERS["discount"], "fr")


def test_a_missing_message_is_an_error() -> None:
    with pytest.raises(MissingMessageError):
        render_reason(reason("no.such_key"), "en")


# --- money: a decimal string with its currency beside it ---------------------------------------


def test_money_fields_are_decimal_strings_with_a_currency() -> None:
    body = render(ANSWERS["earnings.sourced"], "ja")
    assert body["monthly"] == "164.00"
    assert body["currency"] == "USD"
    jpy = render(ANSWERS["revenue_share"], "ja")
    assert jpy["monthly"] == "19200"
    assert jpy["total"] == "134400"  # Aug 2025 to Feb 2026: 7 months
    assert jpy["currency"] == "JPY"


def test_money_in_reasons_is_formatted_for_the_language() -> None:
    answer = ANSWERS["revenue_share"]
    assert "￥19,200" in render(answer, "ja")["reasons"][0]
    assert "¥19,200" in render(answer, "en")["reasons"][0]
    usd_answer = revenue_share_schedule(usd("800"), GOLD, YearMonth(2025, 8))
    assert "$160.00" in render(usd_answer, "ja")["reasons"][0]


def test_an_answer_without_money_has_no_currency() -> None:
    assert "currency" not in render(ANSWERS["discount"])


def test_an_answer_may_not_mix_currencies() -> None:
    answer = Answer("x", Outcome.ELIGIBLE, (), (Section.FAQ,), {"a": usd("1"), "b": Money.of("1", "JPY")})
    with pytest.raises(ValueError, match="mixes currencies"):
        render(answer)


def test_an_explicit_currency_field_is_kept() -> None:
    answer = Answer("x", Outcome.ELIGIBLE, (), (Section.FAQ,), {"currency": "USD", "amount": usd("5")})
    assert render(answer)["currency"] == "USD"


def test_nested_money_is_rendered() -> None:
    answer = Answer("x", Outcome.ELIGIBLE, (), (Section.FAQ,),
                    {"rows": [{"amount": Money.of("57600", "JPY")}], "n": Decimal("1.50"), "ok": True,
                     "day": date(2025, 12, 5), "none": None})
    body = render(answer)
    assert body["rows"] == [{"amount": "57600"}]
    assert body["currency"] == "JPY"
    assert body["n"] == "1.50"
    assert body["ok"] is True
    assert body["day"] == "2025-12-05"
    assert body["none"] is None


def test_unrenderable_fields_are_refused() -> None:
    answer = Answer("x", Outcome.ELIGIBLE, (), (Section.FAQ,), {"f": 1.5})
    with pytest.raises(TypeError):
        render(answer)


# --- terms, numbers, dates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "en", "ja"),
    [
        (Term("product", "marketing/professional"), "Marketing Hub Professional",
         "Marketing Hub Professional"),
        (Term("product", "sales/starter"), "Sales Hub Starter", "Sales Hub Starter"),
        (Term("product", "credits"), "HubSpot Credits", "HubSpotクレジット"),
        (Term("line", "core_seats"), "Core Seats", "コアシート"),
        (Term("line", "reports_addon"), "Reports Add-on", "レポートの上限数の引き上げ"),
        (Term("tier", "diamond"), "Diamond", "Diamond"),
        (Term("motion", "partner_assisted"), "Partner Assisted", "Partner Assisted"),
        (Term("offer", "gift"), "a gift", "贈呈品"),
        (Term("consequence", "suspension"), "suspension from the program", "本プログラムの参加停止"),
    ],
)
def test_terms_are_shown_translated(term: Term, en: str, ja: str) -> None:
    item = reason("eligibility.qualifying_item", product=term)
    assert render_reason(item, "en") == f"{en} is a qualifying item."
    assert render_reason(item, "ja") == f"{ja}は対象となる製品です。"


def test_a_configured_hub_agnostic_line_without_a_message_gets_a_readable_name() -> None:
    item = reason("eligibility.qualifying_item", product=Term("product", "payments_addon"))
    assert render_reason(item, "en") == "Payments Addon is a qualifying item."
    assert render_reason(item, "ja").startswith("Payments Addon")


def test_term_fields_render_as_their_value() -> None:
    body = render(ANSWERS["registration"])
    assert body["motion"] == "partner_sourced"


def test_numbers_are_grouped_per_language() -> None:
    assert format_number(1200, "en") == "1,200"
    assert format_number(Decimal("1234567.5"), "ja") == "1,234,567.5"
    item = reason("upmarket.no_rate", currency=Decimal("1200"))
    assert "1,200" in render_reason(item, "en")
    assert "1,200" in render_reason(item, "ja")


def test_dates_per_language() -> None:
    assert format_date(date(2025, 12, 5), "en") == "Fri, Dec 5, 2025"
    assert format_date(date(2025, 12, 5), "ja") == "2025年12月5日(金)"


def test_datetimes_are_shown_in_the_readers_zone() -> None:
    instant = datetime(2025, 11, 26, 7, 0, tzinfo=UTC)
    assert format_datetime(instant, "en", JST).startswith("Wed 26 Nov 16:00")
    assert format_datetime(instant, "ja", JST).startswith("11月26日(水) 16:00")
    answer = collaboration(notified_at=instant)
    assert "Sat 29 Nov 16:00" in render(answer, "en", tz=JST)["reasons"][0]
    assert render(answer, "en", tz=JST)["due_at"] == "2025-11-29T07:00:00+00:00"


def test_naive_datetimes_cannot_be_shown() -> None:
    with pytest.raises(ValueError):
        format_datetime(datetime(2025, 11, 26, 16, 0), "en")


# --- viewers and confidentiality ---------------------------------------------------------------


def test_viewers() -> None:
    assert HUBSPOT.role is Role.GS
    assert not HUBSPOT.is_partner
    assert HUBSPOT.may_see(BLUE)
    assert Viewer(Role.PDM).may_see(BLUE)
    assert Viewer(Role.ADMIN).may_see(BLUE)
    assert AS_ACME.is_partner
    assert AS_ACME.may_see(ACME)
    assert not AS_ACME.may_see(BLUE)
    assert not Viewer(Role.PARTNER).may_see(BLUE)


def _naming(name: str) -> Answer:
    return Answer("best_partner_wins", Outcome.DECIDED,
                  (reason("bpw.only_signed", winner=PartnerName(name)),), (Section.BEST_PARTNER_WINS,))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_partner_may_not_see_another_partners_name_in_a_reason(lang: str) -> None:
    with pytest.raises(ConfidentialityError) as caught:
        render(_naming(BLUE), lang, viewer=AS_ACME)
    assert BLUE not in str(caught.value)


def test_a_partner_may_not_see_another_partners_name_in_a_field() -> None:
    answer = Answer("x", Outcome.DECIDED, (), (Section.BEST_PARTNER_WINS,), {"winner": PartnerName(BLUE)})
    with pytest.raises(ConfidentialityError):
        render(answer, viewer=AS_ACME)
    nested = Answer("x", Outcome.DECIDED, (), (Section.BEST_PARTNER_WINS,),
                    {"claims": [{"partner": PartnerName(BLUE)}]})
    with pytest.raises(ConfidentialityError):
        render(nested, viewer=AS_ACME)


def test_a_partner_sees_its_own_name() -> None:
    assert render(_naming(ACME), viewer=AS_ACME)["reasons"] == [
        f"{ACME} is the only partner with a customer-signed POI."]


@pytest.mark.parametrize("viewer", [HUBSPOT, Viewer(Role.GS), Viewer(Role.PDM)])
def test_staff_see_every_name(viewer: Viewer) -> None:
    assert BLUE in render(_naming(BLUE), "ja", viewer=viewer)["reasons"][0]


def test_a_staff_best_partner_wins_answer_naming_b_is_refused_to_partner_a() -> None:
    answer = best_partner_wins([Claim(ACME, False), Claim(BLUE, True)])
    assert render(answer)["winner"] == BLUE
    with pytest.raises(ConfidentialityError):
        render(answer, "en", viewer=AS_ACME)
    with pytest.raises(ConfidentialityError):
        render(answer, "ja", viewer=AS_ACME)


def test_best_partner_wins_for_a_partner_never_includes_other_names() -> None:
    claims = [Claim(ACME, False), Claim(BLUE, True)]
    for lang in ("en", "ja"):
        body = render(best_partner_wins(claims, viewer=AS_ACME), lang, viewer=AS_ACME)
        assert BLUE not in str(body)
        assert body["you_win"] is False


# --- helpers -----------------------------------------------------------------------------------


def test_combine_keeps_first_seen_order_without_duplicates() -> None:
    assert combine([Section.FAQ, Section.UPSELL, Section.FAQ, Section.POI]) == (
        Section.FAQ, Section.UPSELL, Section.POI)


def test_answer_cites() -> None:
    answer = ANSWERS["earnings.sourced"]
    assert answer.cites(Section.COMMISSION_RATES, Section.REVENUE_SHARE)
    assert not answer.cites(Section.BEST_PARTNER_WINS)


def test_section_titles_match_the_spec_table() -> None:
    assert {s.value for s in Section} == set(SPEC_TITLES)
    for section in Section:
        assert (title(section, "en"), title(section, "ja")) == SPEC_TITLES[section.value]
