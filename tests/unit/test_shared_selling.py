"""Shared selling, overlay model (spec, "Shared selling, overlay model, review", rules 1, 2, 3 and 5; the
collaboration clock of "Clocks"; the Best Partner Wins trigger of "Vocabulary" > Motions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from rules.answers import Answer, Term, Viewer, render
from rules.domains import DomainError
from rules.money import Money
from rules.sections import Section
from rules.shared_selling import RegisteredBy, collaboration, pdm_support, registration
from rules.vocabulary import Outcome, Role

JST = timezone(timedelta(hours=9))
NEW_YORK = ZoneInfo("America/New_York")
PARTNER_VIEW = Viewer(Role.PARTNER, "Acme Consulting")


def keys(answer: Answer) -> list[str]:
    return [r.key for r in answer.reasons]


def register(**overrides: object) -> Answer:
    facts: dict[str, object] = {
        "customer_domain": "https://www.Example.COM/pricing",
        "registered_by": RegisteredBy.PARTNER,
        "relationship_established": True,
        "need_identified": True,
    }
    facts.update(overrides)
    return registration(**facts)  # type: ignore[arg-type]


# --- rule 1: registration on the customer's domain, once qualified; no expiry ------------------


def test_a_qualified_partner_registration_is_partner_sourced() -> None:
    answer = register()
    assert answer.outcome is Outcome.ELIGIBLE
    assert answer.fields["customer_domain"] == "example.com"
    assert answer.fields["motion"] == Term("motion", "partner_sourced")
    assert keys(answer) == ["registration.by_partner", "registration.gs_assigned", "registration.no_expiry",
                            "registration.visibility"]
    assert answer.cites(Section.SHARED_SELLING_TOOLS, Section.SALES_MOTIONS, Section.FAQ)
    assert render(answer)["motion"] == "partner_sourced"


def test_a_hubspot_registration_is_partner_assisted() -> None:
    answer = register(registered_by=RegisteredBy.HUBSPOT)
    assert answer.outcome is Outcome.ELIGIBLE
    assert answer.fields["motion"] == Term("motion", "partner_assisted")
    assert keys(answer)[0] == "registration.by_hubspot"


@pytest.mark.parametrize(("relationship", "need"), [(False, True), (True, False), (False, False)])
def test_an_unqualified_deal_is_not_registered(relationship: bool, need: bool) -> None:
    answer = register(relationship_established=relationship, need_identified=need)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer) == ["registration.not_qualified"]


def test_a_bare_domain_registration_is_not_accepted() -> None:
    answer = register(domain_only=True)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer) == ["registration.domain_only"]
    assert "no longer" in render(answer)["reasons"][0]


def test_shared_deals_do_not_expire() -> None:
    assert "registration.no_expiry" in keys(register())
    assert render(register())["reasons"][-2] == "Shared deals do not expire."


@pytest.mark.parametrize("text", ["", "not a domain", "someone@example.com", "10.0.0.1"])
def test_a_registration_needs_a_customer_domain(text: str) -> None:
    with pytest.raises(DomainError):
        register(customer_domain=text)


# --- rule 2: every registered deal gets a GS ---------------------------------------------------


@pytest.mark.parametrize("by", list(RegisteredBy))
def test_every_registered_deal_is_assigned_a_gs(by: RegisteredBy) -> None:
    answer = register(registered_by=by, customer_domain="shop.example.co.jp")
    assigned = [r for r in answer.reasons if r.key == "registration.gs_assigned"]
    assert [r.params["domain"] for r in assigned] == ["shop.example.co.jp"]
    text = render(answer)["reasons"][keys(answer).index("registration.gs_assigned")]
    assert "geography and segment" in text


# --- Best Partner Wins trigger (Vocabulary > Motions) ------------------------------------------


def test_a_partner_registration_on_a_customer_with_another_open_deal_starts_best_partner_wins() -> None:
    answer = register(other_partner_open_deal=True)
    assert answer.fields["best_partner_wins"] is True
    assert "registration.best_partner_wins" in keys(answer)
    assert Section.BEST_PARTNER_WINS in answer.citations


def test_no_other_open_deal_no_best_partner_wins() -> None:
    answer = register(other_partner_open_deal=False)
    assert answer.fields["best_partner_wins"] is False
    assert Section.BEST_PARTNER_WINS not in answer.citations


def test_a_hubspot_registration_does_not_start_best_partner_wins() -> None:
    answer = register(registered_by=RegisteredBy.HUBSPOT, other_partner_open_deal=True)
    assert "registration.best_partner_wins" not in keys(answer)
    assert answer.fields.get("best_partner_wins") in (None, False)


def test_a_partner_is_not_told_about_other_partners_on_the_customer() -> None:
    answer = register(other_partner_open_deal=True, viewer=PARTNER_VIEW)
    assert "best_partner_wins" not in answer.fields
    assert "registration.best_partner_wins" not in keys(answer)
    body = render(answer, "ja", viewer=PARTNER_VIEW)
    assert body["outcome"] == "eligible"
    assert "best_partner_wins" not in body


def test_registration_renders_in_both_languages() -> None:
    answer = register()
    en, ja = render(answer, "en"), render(answer, "ja")
    assert "example.com" in en["reasons"][1]
    assert ja["reasons"][1] == "example.comの取引には、地域やセグメントに応じたGSが自動で割り当てられます。"
    assert ja["reasons"][2] == "共有取引に有効期限はありません。"
    assert ja["sections"][0] == {"id": "shared-selling-tools", "title": "共同販売ツール"}


# --- rule 3: 72 hours to confirm collaboration on a HubSpot-owned deal -------------------------

NOTIFIED = datetime(2025, 11, 21, 16, 0, tzinfo=JST)
DUE = datetime(2025, 11, 24, 16, 0, tzinfo=JST)


def test_the_partner_has_72_calendar_hours() -> None:
    answer = collaboration(notified_at=NOTIFIED)
    assert answer.fields["due_at"] == DUE  # weekend and holiday count: calendar time
    assert answer.outcome is Outcome.NEEDS_REVIEW
    assert keys(answer) == ["collaboration.pending"]
    assert answer.citations == (Section.OVERLAY_MODEL,)


@pytest.mark.parametrize("after", [timedelta(minutes=5), timedelta(hours=71, minutes=59),
                                   timedelta(hours=72)])
def test_confirming_within_72_hours_collaborates(after: timedelta) -> None:
    answer = collaboration(notified_at=NOTIFIED, answered_at=NOTIFIED + after, accepted=True)
    assert answer.outcome is Outcome.ELIGIBLE
    assert keys(answer) == ["collaboration.accepted"]


def test_declining_leaves_the_deal_to_the_gs() -> None:
    answer = collaboration(notified_at=NOTIFIED, answered_at=NOTIFIED + timedelta(hours=1), accepted=False)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer) == ["collaboration.declined"]


def test_no_answer_within_72_hours_the_gs_takes_the_deal_alone() -> None:
    answer = collaboration(notified_at=NOTIFIED, now=DUE)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer) == ["collaboration.lapsed"]
    assert "alone" in render(answer)["reasons"][0]


def test_a_late_confirmation_does_not_count() -> None:
    late = DUE + timedelta(minutes=1)
    answer = collaboration(notified_at=NOTIFIED, answered_at=late, accepted=True)
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer) == ["collaboration.lapsed"]


def test_before_the_deadline_the_offer_is_pending() -> None:
    answer = collaboration(notified_at=NOTIFIED, now=DUE - timedelta(seconds=1))
    assert answer.outcome is Outcome.NEEDS_REVIEW


def test_instants_compare_across_offsets() -> None:
    answered = (DUE - timedelta(minutes=1)).astimezone(UTC)
    answer = collaboration(notified_at=NOTIFIED, answered_at=answered, accepted=True)
    assert answer.outcome is Outcome.ELIGIBLE


# Spec, Clocks: "time is absolute (UTC arithmetic)"; collaboration clock: "72 hours after the first
# notification, calendar time". With a ZoneInfo zone, plain `+ timedelta` would add wall-clock hours.
def test_72_hours_are_absolute_across_a_daylight_saving_change() -> None:
    notified = datetime(2025, 3, 7, 12, 0, tzinfo=NEW_YORK)  # DST starts Sun 9 March 2025
    due = collaboration(notified_at=notified).fields["due_at"]
    assert due.astimezone(UTC) - notified.astimezone(UTC) == timedelta(hours=72)
    answered = notified.astimezone(UTC) + timedelta(hours=71, minutes=30)
    in_time = collaboration(notified_at=notified, answered_at=answered, accepted=True)
    assert in_time.outcome is Outcome.ELIGIBLE


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        collaboration(notified_at=datetime(2025, 11, 21, 16, 0))
    with pytest.raises(ValueError):
        collaboration(notified_at=NOTIFIED, now=datetime(2025, 11, 21, 17, 0))


def test_collaboration_renders_in_both_languages() -> None:
    answer = collaboration(notified_at=NOTIFIED)
    en, ja = render(answer, "en"), render(answer, "ja")
    assert en["due_at"] == ja["due_at"] == "2025-11-24T16:00:00+09:00"
    assert "Mon 24 Nov 16:00" in en["reasons"][0]
    assert "11月24日(月) 16:00" in ja["reasons"][0]
    assert ja["sections"] == [{"id": "overlay-model", "title": "オーバーレイ営業モデルへの移行"}]


# --- rule 5: extra PDM support over 10,000 USD MRR a year outside the PDM's region -------------


def test_over_10000_usd_may_ask_for_extra_pdm_support() -> None:
    answer = pdm_support(Money.of("10000.01", "USD"))
    assert answer.outcome is Outcome.ELIGIBLE
    assert keys(answer) == ["pdm_support.over", "pdm_support.invitation"]
    assert answer.fields["mrr_usd"] == "10000.01"
    assert "invitation only" in render(answer)["reasons"][1]


@pytest.mark.parametrize("amount", ["10000", "10000.00", "9999.99", "0"])
def test_10000_usd_or_less_does_not_qualify(amount: str) -> None:
    answer = pdm_support(Money.of(amount, "USD"))
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert keys(answer) == ["pdm_support.under"]


def test_pdm_support_converts_other_currencies() -> None:
    rate = {"JPY": Decimal("0.0067")}
    assert pdm_support(Money.of("1500000", "JPY"), fx=rate).outcome is Outcome.ELIGIBLE  # 10,050 USD
    assert pdm_support(Money.of("1492537", "JPY"), fx=rate).outcome is Outcome.NOT_ELIGIBLE  # 9,999.998 USD


def test_pdm_support_without_a_rate_needs_review() -> None:
    answer = pdm_support(Money.of("1500000", "JPY"))
    assert answer.outcome is Outcome.NEEDS_REVIEW
    assert keys(answer) == ["upmarket.no_rate"]


def test_pdm_support_renders_in_both_languages() -> None:
    answer = pdm_support(Money.of("12000", "USD"))
    en, ja = render(answer, "en"), render(answer, "ja")
    assert "$12,000.00" in en["reasons"][0]
    assert "$10,000.00" in ja["reasons"][0]
    assert answer.cites(Section.FAQ, Section.ACCOUNT_TEAM)
    assert [s["title"] for s in ja["sections"]] == ["よくあるご質問", "HubSpotパートナーチーム"]
