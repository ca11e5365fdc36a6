"""The revenue-share schedule (spec, "What a closed deal earns", rule 4; `revenue-share`, `commission-rates`).

Worked examples from the texts: 800 USD MRR accrues 160 USD a month, paid as 480 USD a quarter; 96,000 JPY
accrues 19,200 JPY a month, paid as 57,600 JPY a quarter. The scenario example: 800 USD for a gold partner
from 2025-08 gives 160.00 a month for 36 months, 5760.00 in all, payouts from 2025-Q3 (320.00) to 2028-Q3
(160.00 for July 2028).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rules.answers import Answer, Months, render
from rules.facts import Partner
from rules.money import Money
from rules.revenue_share import YearMonth, revenue_share_schedule, schedule
from rules.sections import Section
from rules.vocabulary import Outcome, PartnerKind, Tier

GOLD = Partner(PartnerKind.SOLUTIONS_PARTNER, Tier.GOLD)
PROVIDER = Partner(PartnerKind.PROVIDER)


def money(amount: str, currency: str = "USD") -> Money:
    return Money.of(amount, currency)


def payouts(answer: Answer) -> list[tuple[str, Money, int]]:
    return [(p["quarter"], p["amount"], p["months"]) for p in answer.fields["payouts"]]


# --- the worked examples -----------------------------------------------------------------------


def test_spec_example_800_usd_gold_from_august_2025() -> None:
    answer = revenue_share_schedule(money("800"), GOLD, YearMonth(2025, 8))
    assert answer.outcome is Outcome.ELIGIBLE
    assert answer.fields["monthly"] == money("160.00")
    assert answer.fields["months"] == 36
    assert answer.fields["total"] == money("5760.00")
    got = payouts(answer)
    assert got[0] == ("2025-Q3", money("320.00"), 2)  # August and September
    assert all(amount == money("480.00") and months == 3 for _, amount, months in got[1:-1])
    assert got[-1] == ("2028-Q3", money("160.00"), 1)  # July 2028
    assert [q for q, _, _ in got] == [
        "2025-Q3", "2025-Q4",
        "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4",
        "2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4",
        "2028-Q1", "2028-Q2", "2028-Q3",
    ]


def test_accruals_list_every_month_from_the_first() -> None:
    answer = revenue_share_schedule(money("800"), GOLD, YearMonth(2025, 8))
    accruals = answer.fields["accruals"]
    assert len(accruals) == 36
    assert accruals[0]["month"] == "2025-08"
    assert accruals[1]["month"] == "2025-09"
    assert accruals[5]["month"] == "2026-01"
    assert accruals[-1]["month"] == "2028-07"
    assert {a["amount"] for a in accruals} == {money("160.00")}


def test_800_usd_is_paid_as_480_a_quarter() -> None:
    answer = revenue_share_schedule(money("800"), GOLD, YearMonth(2025, 7))
    got = payouts(answer)
    assert len(got) == 12
    assert all(amount == money("480.00") and months == 3 for _, amount, months in got)
    assert got[0][0] == "2025-Q3"
    assert got[-1][0] == "2028-Q2"


def test_96000_jpy_accrues_19200_and_is_paid_as_57600_a_quarter() -> None:
    answer = revenue_share_schedule(money("96000", "JPY"), GOLD, YearMonth(2025, 10))
    assert answer.fields["monthly"] == money("19200", "JPY")
    assert answer.fields["total"] == money("691200", "JPY")  # 36 x 19,200
    assert all(amount == money("57600", "JPY") for _, amount, _ in payouts(answer))
    body = render(answer, "ja")
    assert body["monthly"] == "19200"  # JPY has no decimals
    assert body["payouts"][0] == {"quarter": "2025-Q4", "amount": "57600", "months": 3}
    assert body["currency"] == "JPY"


# --- term: 36 months for solutions partners, 12 for providers ----------------------------------


@pytest.mark.parametrize("tier", list(Tier))
def test_solutions_partners_are_paid_for_up_to_36_months(tier: Tier) -> None:
    answer = revenue_share_schedule(money("800"), Partner(tier=tier), YearMonth(2025, 1))
    assert answer.fields["months"] == 36
    assert [r.key for r in answer.reasons][1] == "revenue_share.term_partner"


def test_providers_are_paid_for_up_to_12_months() -> None:
    answer = revenue_share_schedule(money("800"), PROVIDER, YearMonth(2025, 8))
    assert answer.fields["months"] == 12
    assert answer.fields["total"] == money("1920.00")
    assert answer.fields["accruals"][-1]["month"] == "2026-07"
    assert payouts(answer)[-1] == ("2026-Q3", money("160.00"), 1)
    assert answer.reasons[1].key == "revenue_share.term_provider"
    assert answer.reasons[1].params["term"] == Months(12)


# --- termination: the month the subscription ends is the last that accrues ---------------------


@pytest.mark.parametrize("ended", [date(2025, 10, 1), date(2025, 10, 15), date(2025, 10, 31)])
def test_the_month_the_subscription_ends_is_the_last_that_accrues(ended: date) -> None:
    answer = revenue_share_schedule(money("800"), GOLD, YearMonth(2025, 8), terminated_on=ended)
    assert answer.outcome is Outcome.ELIGIBLE
    assert answer.fields["months"] == 3
    assert [a["month"] for a in answer.fields["accruals"]] == ["2025-08", "2025-09", "2025-10"]
    assert answer.fields["total"] == money("480.00")
    assert payouts(answer) == [("2025-Q3", money("320.00"), 2), ("2025-Q4", money("160.00"), 1)]
    stop = [i for i, r in enumerate(answer.reasons) if r.key == "revenue_share.terminated"]
    assert len(stop) == 1
    assert answer.reasons[stop[0]].params["day"] == ended
    assert "stops after 3 months" in render(answer, "en")["reasons"][stop[0]]
    assert "3か月で停止" in render(answer, "ja")["reasons"][stop[0]]


def test_ending_in_the_first_month_accrues_that_month() -> None:
    answer = revenue_share_schedule(money("800"), GOLD, YearMonth(2025, 8), terminated_on=date(2025, 8, 3))
    assert answer.fields["months"] == 1
    assert answer.fields["total"] == money("160.00")


def test_ending_before_the_first_month_accrues_nothing() -> None:
    answer = revenue_share_schedule(money("800"), GOLD, YearMonth(2025, 8), terminated_on=date(2025, 7, 31))
    assert answer.outcome is Outcome.NOT_ELIGIBLE
    assert answer.fields["months"] == 0
    assert answer.fields["total"] == Money.zero("USD")
    assert answer.fields["payouts"] == []


def test_ending_after_the_term_changes_nothing() -> None:
    answer = revenue_share_schedule(money("800"), PROVIDER, YearMonth(2025, 8),
                                    terminated_on=date(2030, 1, 1))
    assert answer.fields["months"] == 12
    assert "revenue_share.terminated" not in [r.key for r in answer.reasons]


# --- rounding: each accrual half up; totals and payouts add up the rounded accruals -------------


def test_each_accrual_is_rounded_half_up_and_totals_add_the_rounded_accruals() -> None:
    # 20% of 10.025 is 2.005: rounded half up to 2.01 (not 2.00), and 36 x 2.01 = 72.36 (not 72.18).
    answer = revenue_share_schedule(money("10.025"), GOLD, YearMonth(2025, 1))
    assert answer.fields["monthly"] == money("2.01")
    assert {a["amount"].amount for a in answer.fields["accruals"]} == {Decimal("2.01")}
    assert answer.fields["total"] == money("72.36")
    assert payouts(answer)[0] == ("2025-Q1", money("6.03"), 3)


def test_jpy_accruals_are_rounded_to_whole_yen() -> None:
    # 20% of 12,347.5 is 2,469.5: rounded half up to 2,470.
    answer = revenue_share_schedule(money("12347.5", "JPY"), PROVIDER, YearMonth(2025, 1))
    assert answer.fields["monthly"] == money("2470", "JPY")
    assert answer.fields["total"] == money("29640", "JPY")  # 12 x 2,470
    assert render(answer)["total"] == "29640"


@pytest.mark.parametrize(("mrr", "start"), [("800", (2025, 8)), ("333.33", (2024, 11)),
                                            ("10.025", (2025, 12)), ("96000", (2025, 2))])
def test_payouts_add_up_to_the_total(mrr: str, start: tuple[int, int]) -> None:
    answer = revenue_share_schedule(money(mrr), GOLD, YearMonth(*start))
    paid = Money.zero("USD")
    for _, amount, _ in payouts(answer):
        paid = paid + amount
    assert paid == answer.fields["total"]
    assert sum(months for _, _, months in payouts(answer)) == answer.fields["months"]


def test_amounts_are_exact_decimals() -> None:
    answer = revenue_share_schedule(money("333.33"), GOLD, YearMonth(2025, 8))
    assert answer.fields["monthly"] == money("66.67")  # 66.666 rounded
    assert isinstance(answer.fields["total"].amount, Decimal)
    assert answer.fields["total"] == money("2400.12")  # 36 x 66.67


def test_schedule_helper_groups_by_calendar_quarter() -> None:
    accruals, quarters = schedule(money("100"), 5, YearMonth(2025, 12))
    assert [str(a.month) for a in accruals] == ["2025-12", "2026-01", "2026-02", "2026-03", "2026-04"]
    assert [(p.quarter, p.amount, p.months) for p in quarters] == [
        ("2025-Q4", money("20.00"), 1), ("2026-Q1", money("60.00"), 3), ("2026-Q2", money("20.00"), 1)]


# --- reasons, citations, rendering -------------------------------------------------------------


def test_reasons_and_citations() -> None:
    answer = revenue_share_schedule(money("800"), GOLD, YearMonth(2025, 8))
    assert [r.key for r in answer.reasons] == [
        "revenue_share.rate", "revenue_share.term_partner", "revenue_share.paid_quarterly",
        "revenue_share.rounding"]
    assert answer.citations == (Section.REVENUE_SHARE, Section.COMMISSION_RATES)


def test_schedule_renders_in_both_languages() -> None:
    answer = revenue_share_schedule(money("800"), GOLD, YearMonth(2025, 8))
    en, ja = render(answer, "en"), render(answer, "ja")
    assert en["monthly"] == ja["monthly"] == "160.00"
    assert en["total"] == "5760.00"
    assert en["payouts"][0] == {"quarter": "2025-Q3", "amount": "320.00", "months": 2}
    assert en["accruals"][0] == {"month": "2025-08", "amount": "160.00"}
    assert en["currency"] == "USD"
    assert en["reasons"][0] == "Revenue share is 20% of the MRR sold: $160.00 a month on $800.00."
    assert ja["reasons"][0] == (
        "レベニューシェアは契約された製品ラインのMRRの20%です。MRR $800.00の場合、毎月$160.00となります。")
    assert ja["reasons"][2] == "レベニューシェアは毎月発生し、四半期ごとに支払われます。"
    assert [s["title"] for s in ja["sections"]] == ["レベニューシェア", "取引の条件とコミッションの料率"]


def test_termination_renders_the_date_per_language() -> None:
    answer = revenue_share_schedule(money("96000", "JPY"), GOLD, YearMonth(2025, 8),
                                    terminated_on=date(2025, 12, 5))
    en, ja = render(answer, "en"), render(answer, "ja")
    assert "Fri, Dec 5, 2025" in en["reasons"][3]
    assert "2025年12月5日(金)" in ja["reasons"][3]
    assert "5か月" in ja["reasons"][3]
    assert "￥19,200" in ja["reasons"][0]


# --- YearMonth ---------------------------------------------------------------------------------


def test_year_month_parse_and_arithmetic() -> None:
    assert YearMonth.parse("2025-08") == YearMonth(2025, 8)
    assert YearMonth(2025, 8).plus(35) == YearMonth(2028, 7)
    assert YearMonth(2025, 12).plus(1) == YearMonth(2026, 1)
    assert str(YearMonth(2025, 8)) == "2025-08"
    assert YearMonth.of(date(2025, 11, 20)) == YearMonth(2025, 11)
    assert [YearMonth(2025, m).quarter for m in (1, 3, 4, 6, 7, 9, 10, 12)] == [
        "2025-Q1", "2025-Q1", "2025-Q2", "2025-Q2", "2025-Q3", "2025-Q3", "2025-Q4", "2025-Q4"]


@pytest.mark.parametrize("text", ["2025-8", "2025/08", "25-08", "2025-13", "2025-00", "abcd-ef", ""])
def test_year_month_rejects_bad_text(text: str) -> None:
    with pytest.raises(ValueError, match="month"):
        YearMonth.parse(text)
