"""The shared tokens: each one's valid forms, and its invalid forms naming the field at fault."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

import pytest

from bot.syntax import UsageError, parse_close, parse_poi, parse_roe, parse_status, within
from bot.syntax.deal import POI_STATUSES
from bot.syntax.tokens import (
    amount,
    clock_time,
    day,
    deal_ref,
    duration,
    holding,
    hours,
    month,
    number,
    product,
    rate,
    split_ref,
    stamp,
)
from rules.money import Money
from rules.revenue_share import YearMonth
from rules.vocabulary import Edition, LineCredit
from storage.models import PoiStatus


def fails(call: object, *args: object) -> UsageError:
    assert callable(call)
    with pytest.raises(UsageError) as caught:
        call(*args)
    return caught.value


@pytest.mark.parametrize(("word", "ref"), [("12", 12), ("#12", 12), ("＃１２", 12),
                                           ("999999999", 999_999_999), ("#007", 7)])
def test_deal_refs(word: str, ref: int) -> None:
    assert deal_ref(word) == ref


@pytest.mark.parametrize("word", ["1234567890", "#1234567890123", "twelve", "#", "1.5", "-3",
                                  "١٢", "12a"])
def test_not_deal_refs(word: str) -> None:
    assert deal_ref(word) is None


def test_a_bare_number_is_a_deal_only_where_the_command_says_so() -> None:
    assert deal_ref("12", bare=False) is None and deal_ref("#12", bare=False) == 12
    assert split_ref("#7 15% off") == (7, "15% off")
    assert split_ref("20 seats", bare=False) == (None, "20 seats")


def test_one_deal_number_rule_for_roe_and_deal() -> None:
    """The copies disagreed: `/roe deal 1234567890123` was accepted (and could overflow the
    database's integer id) while `/deal` took up to 12 digits and the follow-ups 9."""
    with pytest.raises(UsageError) as caught:
        parse_roe("deal 1234567890123")
    assert (caught.value.problem, caught.value.field) == ("deal_id", "deal")
    assert fails(parse_status, "1234567890").params["word"] == "1234567890"
    assert parse_status("#123456789") == 123_456_789
    assert parse_close("won 42").ref == 42


@pytest.mark.parametrize(("word", "following", "money", "took"), [
    ("800", "USD", Money(Decimal(800), "USD"), True),
    ("800USD", None, Money(Decimal(800), "USD"), False),
    ("$1,000", None, Money(Decimal(1000), "USD"), False),
    ("96,000円", None, Money(Decimal(96000), "JPY"), False),
    ("1_000", "jpy", Money(Decimal(1000), "JPY"), True),
])
def test_amounts(word: str, following: str | None, money: Money, took: bool) -> None:
    assert amount(word, following) == (money, took)


def test_amount_problems_name_the_field() -> None:
    assert amount("marketing", None) is None
    assert (fails(amount, "800", "XYZ").problem, fails(amount, "800", "XYZ").field) == \
        ("currency", "currency")
    assert fails(amount, "800", None).problem == "currency_missing"
    with pytest.raises(UsageError) as caught:
        amount("800", "poi", flags=frozenset({"poi"}))
    assert caught.value.problem == "currency_missing"
    assert number("1,000.50") == number("1 000.50") == Decimal("1000.50")
    assert number("abc") is None


def test_products_editions_holdings_and_rates() -> None:
    assert product("marketing/professional") == ("marketing", Edition.PROFESSIONAL)
    assert product("credits") == ("credits", None)
    assert product("hello") is None
    assert fails(product, "marketing/pro").field == "edition"
    assert fails(product, "marketing").problem == "edition_missing"
    assert fails(product, "marketting/professional").field == "line"
    assert fails(product, "credits/starter").problem == "edition_extra"
    assert holding("sales/starter:other").credited_partner is LineCredit.OTHER
    assert holding("sales/starter").credited_partner is LineCredit.UNKNOWN
    assert fails(holding, "sales/starter:maybe").field == "credit"
    assert fails(holding, "nothing").field == "holds"
    assert rate("JPY=0.0067") == ("JPY", Decimal("0.0067"))
    assert rate("tier=gold") is None
    assert fails(rate, "JPY=-1").field == "fx"


def test_dates_times_and_durations() -> None:
    assert day("2025-11-21") == day("2025/11/21") == day("２０２５-１１-２１") == date(2025, 11, 21)
    assert day("soon") is None
    assert fails(day, "2025-02-30").field == "date"
    assert clock_time("16:00") == time(16) and clock_time("9") == time(9)
    assert fails(clock_time, "25:00").field == "time"
    assert stamp("2025-07-04T10:00") == (date(2025, 7, 4), time(10))
    assert stamp("2025-07-04") == (date(2025, 7, 4), None)
    assert month("2025-08") == month("2025/08/15") == YearMonth(2025, 8)
    assert fails(month, "August").field == "month"
    assert hours("24h") == hours("24hours") == hours("24時間") == 24
    assert hours("24") is None
    assert duration("1d12h") == timedelta(days=1, hours=12)
    assert duration("0h") is None and duration("soon") is None


def test_within_names_the_grammar_and_command() -> None:
    with pytest.raises(UsageError) as caught, within("roe", "due", rename={"time": "time_missing"}):
        day("2025-13-01")
    assert (caught.value.key, caught.value.field) == ("roe.problem.date", "date")
    assert "2025-13-01" in caught.value.text("en") and "/roe due" in caught.value.text("en")
    with pytest.raises(UsageError) as renamed, within("roe", "due", rename={"time": "time_missing"}):
        clock_time("25:00")
    assert renamed.value.problem == "time_missing"


def test_poi_words_are_the_stored_statuses() -> None:
    assert set(POI_STATUSES) == {s.value for s in PoiStatus}
    args = parse_poi("#4 signed 2025/11/20 onboarding <https://x.example/poi|link>")
    assert (args.ref, args.status, args.signed_on, args.names_partner_onboarding, args.url) == \
        (4, "signed", date(2025, 11, 20), True, "https://x.example/poi")
    assert fails(parse_poi, "signed 2025-13-01").params["word"] == "2025-13-01"
    assert fails(parse_poi, "maybe").problem == "poi_status"
