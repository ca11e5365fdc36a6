"""Deal eligibility (spec, "Rule decisions" > "Deal eligibility", `deal-eligibility`, `faq`), rules 1 to 5."""

from __future__ import annotations

import pytest

from rules.answers import Answer, Term, render
from rules.eligibility import assess, eligibility, product
from rules.facts import Deal, Holding, LineItem, Partner
from rules.money import Money
from rules.sections import Section
from rules.vocabulary import (
    CREDITS,
    DEFAULT_HUB_AGNOSTIC_LINES,
    HUBS,
    Edition,
    LineCredit,
    Motion,
    Outcome,
    PartnerKind,
    Tier,
)

PARTNER = Partner(PartnerKind.SOLUTIONS_PARTNER, Tier.DIAMOND)
PROVIDER = Partner(PartnerKind.PROVIDER)


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def hub(line: str, edition: Edition, mrr: str = "800") -> LineItem:
    return LineItem(line, usd(mrr), edition)


def agnostic(line: str, mrr: str = "100") -> LineItem:
    return LineItem(line, usd(mrr))


def deal(*items: LineItem, holdings: tuple[Holding, ...] = (),
         motion: Motion = Motion.PARTNER_SOURCED) -> Deal:
    return Deal(motion, tuple(items), holdings)


def keys(answer: Answer) -> list[str]:
    return [r.key for r in answer.reasons]


# --- rule 1: at least one qualifying item ------------------------------------------------------


@pytest.mark.parametrize("line", HUBS)
@pytest.mark.parametrize("edition", [Edition.PROFESSIONAL, Edition.ENTERPRISE])
@pytest.mark.parametrize("motion", list(Motion))
def test_professional_or_enterprise_hub_qualifies(line: str, edition: Edition, motion: Motion) -> None:
    answer = eligibility(deal(hub(line, edition), motion=motion), PARTNER)
    assert answer.outcome is Outcome.ELIGIBLE
    assert "eligibility.qualifying_item" in keys(answer)
    assert answer.reasons[0].params["product"] == Term("product", f"{line}/{edition.value}")


def test_hubspot_credits_qualify() -> None:
    answer = eligibility(deal(agnostic(CREDITS)), PARTNER)
    assert answer.outcome is Outcome.ELIGIBLE
    assert answer.reasons[0].params["product"] == Term("product", "credits")


@pytest.mark.parametrize("line", DEFAULT_HUB_AGNOSTIC_LINES)
def test_hub_agnostic_products_qualify(line: str) -> None:
    answer = eligibility(deal(agnostic(line)), PARTNER)
    assert answer.outcome is Outcome.ELIGIBLE
    assert "eligibility.qualifying_item" in keys(answer)


def test_a_deal_without_items_is_not_eligible() -> None:
    answer = eligibility(deal(), PARTNER)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer) == ["eligibility.no_items"]


@pytest.mark.parametrize("partner", [PARTNER, PROVIDER, Partner(tier=Tier.GOLD)])
def test_eligibility_does_not_depend_on_the_partner(partner: Partner) -> None:
    qualifying = deal(hub("marketing", Edition.PROFESSIONAL))
    starter = deal(hub("marketing", Edition.STARTER))
    assert eligibility(qualifying, partner).outcome is Outcome.ELIGIBLE
    assert eligibility(starter, partner).outcome is Outcome.NOT_ELIGIBLE


# --- rule 2: only Starter items ----------------------------------------------------------------


def test_a_single_starter_item_does_not_qualify() -> None:
    answer = eligibility(deal(hub("marketing", Edition.STARTER, "20")), PARTNER)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert "eligibility.only_starter" in keys(answer)
    assert "eligibility.discretion" not in keys(answer)
    assert Section.DEAL_ELIGIBILITY in answer.citations


def test_many_starter_items_do_not_qualify() -> None:
    items = [hub(line, Edition.STARTER, "20") for line in HUBS]
    answer = eligibility(deal(*items), PARTNER)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer)[-1] == "eligibility.only_starter"


# --- rule 3: lines the customer already holds --------------------------------------------------


@pytest.mark.parametrize(
    ("item", "held"),
    [
        (hub("marketing", Edition.PROFESSIONAL), Holding("marketing", Edition.PROFESSIONAL)),
        (hub("marketing", Edition.ENTERPRISE), Holding("marketing", Edition.PROFESSIONAL)),  # Pro -> Ent
        (hub("marketing", Edition.PROFESSIONAL), Holding("marketing", Edition.ENTERPRISE)),
        (agnostic(CREDITS), Holding(CREDITS)),
        (agnostic("core_seats"), Holding("core_seats")),
    ],
)
def test_an_item_on_a_line_already_held_does_not_count(item: LineItem, held: Holding) -> None:
    answer = eligibility(deal(item, holdings=(held,)), PARTNER)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert "eligibility.already_held" in keys(answer)
    assert keys(answer)[-1] == "eligibility.no_qualifying_item"
    assert answer.cites(Section.DEAL_ELIGIBILITY, Section.UPSELL)
    assert assess(deal(item, holdings=(held,))).counted == ()


def test_a_held_line_does_not_affect_the_other_lines() -> None:
    answer = eligibility(
        deal(hub("marketing", Edition.PROFESSIONAL), holdings=(Holding("sales", Edition.PROFESSIONAL),)),
        PARTNER,
    )
    assert answer.outcome is Outcome.ELIGIBLE


def test_already_held_item_beside_a_qualifying_one_does_not_count() -> None:
    d = deal(
        hub("marketing", Edition.PROFESSIONAL, "800"),
        hub("sales", Edition.PROFESSIONAL, "500"),
        holdings=(Holding("sales", Edition.PROFESSIONAL),),
    )
    found = assess(d)
    assert [i.line for i in found.qualifying] == ["marketing"]
    assert found.counted_mrr("USD") == usd("800")
    assert eligibility(d, PARTNER).outcome is Outcome.ELIGIBLE


@pytest.mark.parametrize("edition", [Edition.PROFESSIONAL, Edition.ENTERPRISE])
@pytest.mark.parametrize("credit", [LineCredit.NONE, LineCredit.SELF])
def test_starter_upgrade_counts_when_no_other_partner_has_credit(edition: Edition, credit: LineCredit
                                                                 ) -> None:
    d = deal(hub("marketing", edition), holdings=(Holding("marketing", Edition.STARTER, credit),))
    answer = eligibility(d, PARTNER)
    assert answer.outcome is Outcome.ELIGIBLE
    assert "eligibility.starter_upgrade" in keys(answer)
    assert answer.cites(Section.DEAL_ELIGIBILITY, Section.UPSELL, Section.FAQ)


@pytest.mark.parametrize("edition", [Edition.PROFESSIONAL, Edition.ENTERPRISE])
def test_starter_upgrade_does_not_count_when_another_partner_has_credit(edition: Edition) -> None:
    d = deal(hub("marketing", edition), holdings=(Holding("marketing", Edition.STARTER, LineCredit.OTHER),))
    answer = eligibility(d, PARTNER)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert "eligibility.starter_upgrade_other" in keys(answer)
    assert "eligibility.starter_upgrade" not in keys(answer)


def test_more_starter_seats_on_a_held_starter_line_do_not_count() -> None:
    d = deal(hub("marketing", Edition.STARTER, "20"), holdings=(Holding("marketing", Edition.STARTER),))
    answer = eligibility(d, PARTNER)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert "eligibility.already_held" in keys(answer)


def test_upsell_of_own_line_is_explained() -> None:
    d = deal(hub("marketing", Edition.ENTERPRISE),
             holdings=(Holding("marketing", Edition.PROFESSIONAL, LineCredit.SELF),))
    answer = eligibility(d, PARTNER)
    own = [r for r in answer.reasons if r.key == "eligibility.own_line_upsell"]
    assert len(own) == 1
    assert own[0].params["line"] == Term("line", "marketing")


# --- rule 4: Starter items bundled with a qualifying item --------------------------------------


def test_starter_bundled_with_a_qualifying_item_earns_credit_with_it() -> None:
    # The spec's example scenario: Marketing Pro 800 + Sales Starter 20.
    d = deal(hub("marketing", Edition.PROFESSIONAL, "800"), hub("sales", Edition.STARTER, "20"))
    answer = eligibility(d, PARTNER)
    assert answer.outcome is Outcome.ELIGIBLE
    bundled = [r for r in answer.reasons if r.key == "eligibility.bundled_starter"]
    assert [r.params["product"] for r in bundled] == [Term("product", "sales/starter")]
    assert answer.cites(Section.DEAL_ELIGIBILITY, Section.FAQ)
    found = assess(d)
    assert [i.line for i in found.counted] == ["marketing", "sales"]
    assert found.counted_mrr("USD") == usd("820")


@pytest.mark.parametrize("qualifier", [agnostic(CREDITS), agnostic("reports_addon"),
                                       hub("service", Edition.ENTERPRISE)])
def test_starter_bundles_with_any_qualifying_item(qualifier: LineItem) -> None:
    d = deal(qualifier, hub("sales", Edition.STARTER, "20"))
    assert eligibility(d, PARTNER).outcome is Outcome.ELIGIBLE
    assert len(assess(d).counted) == 2


def test_starter_bundles_with_a_qualifying_starter_upgrade() -> None:
    d = deal(hub("marketing", Edition.PROFESSIONAL), hub("sales", Edition.STARTER, "20"),
             holdings=(Holding("marketing", Edition.STARTER, LineCredit.NONE),))
    assert eligibility(d, PARTNER).outcome is Outcome.ELIGIBLE
    assert len(assess(d).counted) == 2


def test_starter_items_alone_count_for_nothing() -> None:
    found = assess(deal(hub("sales", Edition.STARTER, "20")))
    assert found.counted == ()
    assert found.counted_mrr("USD") == Money.zero("USD")


# --- rule 5: discretion and unknown facts ------------------------------------------------------


def test_an_eligible_deal_says_acceptance_is_at_hubspot_discretion() -> None:
    answer = eligibility(deal(hub("marketing", Edition.PROFESSIONAL)), PARTNER)
    assert answer.outcome is Outcome.ELIGIBLE
    assert keys(answer)[-1] == "eligibility.discretion"
    assert answer.citations[0] is Section.DEAL_ELIGIBILITY
    assert Section.COMMISSION_RATES in answer.citations
    assert "acceptance" in render(answer)["reasons"][-1].lower()
    assert "discretion" in render(answer)["reasons"][-1]


def test_unknown_credit_on_the_starter_line_needs_review_naming_the_missing_fact() -> None:
    d = deal(hub("marketing", Edition.PROFESSIONAL),
             holdings=(Holding("marketing", Edition.STARTER, LineCredit.UNKNOWN),))
    answer = eligibility(d, PARTNER)
    assert answer.outcome is Outcome.NEEDS_REVIEW
    assert keys(answer) == ["eligibility.starter_credit_unknown", "eligibility.missing_fact"]
    assert answer.reasons[0].params["product"] == Term("product", "marketing/professional")
    assert "eligibility.discretion" not in keys(answer)
    text = render(answer)["reasons"]
    assert "Marketing Hub Professional" in text[0]
    assert "another partner receives credit" in text[1]


def test_unknown_upgrade_with_a_bundled_starter_still_needs_review() -> None:
    d = deal(hub("marketing", Edition.PROFESSIONAL), hub("sales", Edition.STARTER, "20"),
             holdings=(Holding("marketing", Edition.STARTER, LineCredit.UNKNOWN),))
    assert eligibility(d, PARTNER).outcome is Outcome.NEEDS_REVIEW


def test_an_unknown_item_beside_a_qualifying_one_does_not_block_the_deal() -> None:
    # Rule 1: one qualifying item is enough, whatever the other item turns out to be.
    d = deal(hub("marketing", Edition.PROFESSIONAL), hub("sales", Edition.PROFESSIONAL),
             holdings=(Holding("sales", Edition.STARTER, LineCredit.UNKNOWN),))
    answer = eligibility(d, PARTNER)
    assert answer.outcome is Outcome.ELIGIBLE
    assert "eligibility.starter_credit_unknown" in keys(answer)


# --- citations and rendering -------------------------------------------------------------------


def test_citations_have_no_duplicates() -> None:
    d = deal(hub("marketing", Edition.PROFESSIONAL), hub("sales", Edition.PROFESSIONAL),
             agnostic(CREDITS), hub("service", Edition.STARTER, "20"),
             holdings=(Holding("marketing", Edition.STARTER), Holding("sales", Edition.STARTER),
                       Holding(CREDITS)))
    answer = eligibility(d, PARTNER)
    assert len(answer.citations) == len(set(answer.citations))


def test_product_term_of_an_item() -> None:
    assert product(hub("sales", Edition.ENTERPRISE)) == Term("product", "sales/enterprise")
    assert product(agnostic("core_seats")) == Term("product", "core_seats")


def test_eligibility_renders_in_english_and_japanese() -> None:
    d = deal(hub("marketing", Edition.PROFESSIONAL, "800"), hub("sales", Edition.STARTER, "20"))
    answer = eligibility(d, PARTNER)
    en, ja = render(answer, "en"), render(answer, "ja")
    assert en["outcome"] == ja["outcome"] == "eligible"
    assert en["citations"] == ja["citations"] == ["deal-eligibility", "faq", "commission-rates"]
    assert en["reasons"][0] == "Marketing Hub Professional is a qualifying item."
    assert ja["reasons"][0] == "Marketing Hub Professionalは対象となる製品です。"
    assert "Sales Hub Starter" in ja["reasons"][1]
    assert "HubSpotの裁量" in ja["reasons"][-1]
    assert [s["title"] for s in ja["sections"]] == [
        "対象となる取引の条件", "よくあるご質問", "取引の条件とコミッションの料率"]
    assert ja["lang"] == "ja"


def test_only_starter_renders_in_japanese() -> None:
    ja = render(eligibility(deal(hub("marketing", Edition.STARTER, "20")), PARTNER), "ja")
    assert ja["outcome"] == "not_eligible"
    assert "Starter製品のみ" in ja["reasons"][-1]
