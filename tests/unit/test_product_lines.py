"""Cross-sell and upsell (spec, "Cross-sell and upsell", `cross-sell`, `upsell`, `faq`), rules 1 to 4."""

from __future__ import annotations

import pytest

from rules.answers import Answer, Term, render
from rules.facts import Partner
from rules.product_lines import AssociationConflictError, associate, cross_sell, upsell
from rules.sections import Section
from rules.vocabulary import CREDITS, Edition, LineCredit, Outcome, PartnerKind, Tier

PARTNER = Partner(PartnerKind.SOLUTIONS_PARTNER, Tier.GOLD)
PROVIDER = Partner(PartnerKind.PROVIDER)
S, P, E = Edition.STARTER, Edition.PROFESSIONAL, Edition.ENTERPRISE


def keys(answer: Answer) -> list[str]:
    return [r.key for r in answer.reasons]


# --- rule 1: associations are per customer and per product line --------------------------------


def test_associate_records_the_partner_per_line() -> None:
    after = associate({}, ["marketing", "sales"], "Acme")
    assert after == {"marketing": "Acme", "sales": "Acme"}


def test_lines_without_an_association_stay_open_to_another_partner() -> None:
    after = associate({"marketing": "Acme"}, ["sales", CREDITS, "core_seats"], "Bluebird")
    assert after == {"marketing": "Acme", "sales": "Bluebird", CREDITS: "Bluebird", "core_seats": "Bluebird"}


def test_one_partner_at_most_holds_a_line() -> None:
    with pytest.raises(AssociationConflictError) as caught:
        associate({"marketing": "Acme"}, ["sales", "marketing"], "Bluebird")
    assert caught.value.line == "marketing"


def test_the_holder_may_sell_its_own_line_again() -> None:
    assert associate({"marketing": "Acme"}, ["marketing"], "Acme") == {"marketing": "Acme"}


def test_associate_does_not_change_its_input() -> None:
    existing = {"marketing": "Acme"}
    associate(existing, ["sales"], "Acme")
    assert existing == {"marketing": "Acme"}


def test_cross_sell_of_an_open_line_is_eligible_and_needs_a_poi() -> None:
    answer = cross_sell("sales", LineCredit.NONE)
    assert answer.outcome is Outcome.ELIGIBLE
    assert keys(answer) == ["cross_sell.open", "cross_sell.one_per_line", "cross_sell.poi_needed"]
    assert answer.reasons[0].params["line"] == Term("line", "sales")
    assert answer.cites(Section.CROSS_SELL, Section.POI)


def test_cross_sell_with_a_signed_poi() -> None:
    answer = cross_sell("sales", LineCredit.NONE, poi_signed=True)
    assert answer.outcome is Outcome.ELIGIBLE
    assert keys(answer)[-1] == "cross_sell.poi_signed"


def test_cross_sell_of_a_line_held_by_another_partner_is_not_eligible() -> None:
    answer = cross_sell("marketing", LineCredit.OTHER, poi_signed=True)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer)[0] == "cross_sell.other_line"
    assert Section.CROSS_SELL in answer.citations


def test_cross_sell_of_own_line_is_an_upsell_credited_to_the_holder() -> None:
    answer = cross_sell("marketing", LineCredit.SELF)
    assert answer.outcome is Outcome.ELIGIBLE
    assert keys(answer) == ["cross_sell.own_line", "cross_sell.one_per_line"]
    assert answer.cites(Section.CROSS_SELL, Section.UPSELL)


def test_cross_sell_with_unknown_association_needs_review() -> None:
    answer = cross_sell(CREDITS, LineCredit.UNKNOWN)
    assert answer.outcome is Outcome.NEEDS_REVIEW
    assert keys(answer)[0] == "cross_sell.unknown"
    assert "cross_sell.poi_needed" in keys(answer)


# --- rule 2: established credit: every upsell of the line, involved or not ---------------------
# Professional to Enterprise included: rule 4's "Professional to Enterprise" is, in the source text (Upsell,
# caveat 1), about lines on which the partner has not established credit; caveat 2 covers every upsell.


@pytest.mark.parametrize(("before", "after"), [(S, P), (S, E), (P, E), (S, S), (P, P), (E, E), (None, None)])
@pytest.mark.parametrize("partner", [PARTNER, PROVIDER])
def test_established_credit_follows_every_upsell(before: Edition | None, after: Edition | None,
                                                 partner: Partner) -> None:
    line = "marketing" if before is not None else "core_seats"
    answer = upsell(partner, line, before, after, LineCredit.SELF)
    assert answer.outcome is Outcome.ELIGIBLE
    assert keys(answer) == ["upsell.own_credit", "upsell.full_value"]
    assert Section.UPSELL in answer.citations
    assert "involved or not" in render(answer)["reasons"][0]


# --- rule 3: Starter to Professional or Enterprise with no other partner credited --------------


@pytest.mark.parametrize("after", [P, E])
def test_starter_upgrade_with_no_other_partner_credited_is_eligible(after: Edition) -> None:
    answer = upsell(PARTNER, "sales", S, after, LineCredit.NONE)
    assert answer.outcome is Outcome.ELIGIBLE
    assert keys(answer) == ["upsell.starter_upgrade", "upsell.full_value"]
    assert answer.cites(Section.UPSELL, Section.FAQ)


@pytest.mark.parametrize("after", [P, E])
def test_starter_upgrade_with_unknown_credit_needs_review(after: Edition) -> None:
    answer = upsell(PARTNER, "sales", S, after, LineCredit.UNKNOWN)
    assert answer.outcome is Outcome.NEEDS_REVIEW
    assert keys(answer) == ["upsell.starter_credit_unknown"]


# --- rule 4: not eligible ----------------------------------------------------------------------


@pytest.mark.parametrize("credit", [LineCredit.NONE, LineCredit.OTHER, LineCredit.UNKNOWN])
def test_professional_to_enterprise_is_not_eligible(credit: LineCredit) -> None:
    answer = upsell(PARTNER, "marketing", P, E, credit)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert "upsell.full_value" not in keys(answer)


def test_professional_to_enterprise_reason() -> None:
    answer = upsell(PARTNER, "marketing", P, E, LineCredit.NONE)
    assert keys(answer) == ["upsell.pro_to_enterprise"]


@pytest.mark.parametrize(("before", "after"), [(S, P), (S, E), (P, E), (S, S), (P, P), (None, None)])
def test_upsell_of_a_line_sold_through_another_partner_is_not_eligible(before: Edition | None,
                                                                       after: Edition | None) -> None:
    line = "marketing" if before is not None else "reports_addon"
    answer = upsell(PARTNER, line, before, after, LineCredit.OTHER)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer) == ["upsell.other_partner"]


@pytest.mark.parametrize(("before", "after"), [(S, S), (P, P), (E, E), (None, None)])
def test_more_seats_where_the_partner_never_established_credit_is_not_eligible(
        before: Edition | None, after: Edition | None) -> None:
    line = "marketing" if before is not None else "core_seats"
    answer = upsell(PARTNER, line, before, after, LineCredit.NONE)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer) == ["upsell.no_credit"]


def test_more_seats_with_unknown_credit_needs_review() -> None:
    answer = upsell(PARTNER, "core_seats", None, None, LineCredit.UNKNOWN)
    assert answer.outcome is Outcome.NEEDS_REVIEW
    assert keys(answer) == ["upsell.credit_unknown"]


def test_upsell_rules_are_the_same_for_providers() -> None:
    for credit in LineCredit:
        for before, after in [(S, P), (P, E), (P, P)]:
            a = upsell(PARTNER, "service", before, after, credit)
            b = upsell(PROVIDER, "service", before, after, credit)
            assert (a.outcome, keys(a)) == (b.outcome, keys(b))


def test_a_downgrade_is_not_an_upsell() -> None:
    with pytest.raises(ValueError, match="lower edition"):
        upsell(PARTNER, "marketing", E, P, LineCredit.SELF)


def test_editions_go_together() -> None:
    with pytest.raises(ValueError):
        upsell(PARTNER, "marketing", S, None, LineCredit.SELF)
    with pytest.raises(ValueError):
        upsell(PARTNER, "marketing", None, P, LineCredit.SELF)


# --- rendering ---------------------------------------------------------------------------------


def test_upsell_renders_in_both_languages() -> None:
    answer = upsell(PARTNER, "marketing", S, P, LineCredit.NONE)
    en, ja = render(answer, "en"), render(answer, "ja")
    assert en["reasons"][0].startswith("Upselling Marketing Hub from Starter to Professional or Enterprise")
    assert ja["reasons"][0].startswith("Marketing HubをStarterからProfessionalまたはEnterpriseへアップセル")
    assert [s["title"] for s in ja["sections"]] == [
        "アップセル", "よくあるご質問", "取引の条件とコミッションの料率"]


def test_cross_sell_renders_product_names_in_japanese() -> None:
    ja = render(cross_sell(CREDITS, LineCredit.OTHER), "ja")
    assert ja["reasons"][0] == "この顧客のHubSpotクレジットは、すでに別のパートナーに関連付けられています。"
    assert ja["sections"][0] == {"id": "cross-sell", "title": "クロスセル"}
    en = render(cross_sell("reports_addon", LineCredit.NONE), "en")
    assert "Reports Add-on" in en["reasons"][0]
