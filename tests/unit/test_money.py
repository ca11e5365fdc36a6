"""Money (spec, "What a closed deal earns", rule 7): exact decimals that keep their currency.

Also the money formatting per language (README: money formatted by Babel for the language) and the
rounding rule of rule 4 (half up to the currency's minor unit: 2 decimals for USD, 0 for JPY).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from rules.i18n import format_money
from rules.money import Money, MoneyError, check_currency, minor_unit, parse_amount

# --- exact, never float -------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0.1, 160.0, 1e3])
def test_floats_are_refused_by_of(value: float) -> None:
    with pytest.raises(MoneyError):
        Money.of(value, "USD")  # type: ignore[arg-type]


def test_floats_are_refused_by_the_constructor() -> None:
    with pytest.raises(MoneyError):
        Money(160.0, "USD")  # type: ignore[arg-type]


def test_bools_are_not_amounts() -> None:
    with pytest.raises(MoneyError):
        parse_amount(True)


def test_amounts_are_decimals() -> None:
    money = Money.of("800", "USD")
    assert isinstance(money.amount, Decimal)
    assert money.amount == Decimal("800")
    assert money.currency == "USD"


def test_decimal_arithmetic_is_exact() -> None:
    # 0.1 + 0.2 is 0.30000000000000004 in binary floating point; exact in Decimal.
    total = Money.of("0.1", "USD") + Money.of("0.2", "USD")
    assert total.amount == Decimal("0.3")


@pytest.mark.parametrize("text", ["abc", "", "1,000", "NaN", "Infinity", "-Infinity"])
def test_unparseable_or_infinite_amounts_are_refused(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_amount(text)


def test_negative_amounts_are_refused_unless_allowed() -> None:
    with pytest.raises(MoneyError):
        parse_amount("-1")
    assert parse_amount("-1", allow_negative=True) == Decimal(-1)


def test_parse_amount_strips_whitespace_and_accepts_ints() -> None:
    assert parse_amount(" 160.00 ") == Decimal("160.00")
    assert parse_amount(160) == Decimal(160)


# --- keeps its currency ------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["usd", "US", "USDX", "U$D", "ZZZ", ""])
def test_currency_must_be_an_iso_4217_code(code: str) -> None:
    with pytest.raises(MoneyError):
        check_currency(code)
    with pytest.raises(MoneyError):
        Money(Decimal(1), code)


@pytest.mark.parametrize("code", ["USD", "JPY", "EUR", "GBP", "AUD"])
def test_known_currencies_are_accepted(code: str) -> None:
    assert check_currency(code) == code


def test_adding_different_currencies_is_an_error() -> None:
    with pytest.raises(MoneyError):
        _ = Money.of("1", "USD") + Money.of("1", "JPY")


def test_subtracting_different_currencies_is_an_error() -> None:
    with pytest.raises(MoneyError):
        _ = Money.of("1", "USD") - Money.of("1", "JPY")


def test_comparing_different_currencies_is_an_error() -> None:
    with pytest.raises(MoneyError):
        _ = Money.of("1", "USD") < Money.of("1000", "JPY")
    with pytest.raises(MoneyError):
        _ = Money.of("1", "USD") <= Money.of("1000", "JPY")


def test_arithmetic_keeps_the_currency() -> None:
    assert (Money.of("800", "JPY") + Money.of("200", "JPY")) == Money.of("1000", "JPY")
    assert (Money.of("800", "USD") - Money.of("200", "USD")) == Money.of("600", "USD")
    assert Money.of("800", "USD").times(Decimal("0.20")) == Money.of("160", "USD")


def test_equal_amounts_compare_as_decimals() -> None:
    # The contract compares money as decimals: "160" equals "160.00".
    assert Money.of("160", "USD") == Money.of("160.00", "USD")
    assert Money.of("160", "USD") != Money.of("160", "JPY")


def test_ordering_within_a_currency() -> None:
    assert Money.of("2999.99", "USD") < Money.of("3000", "USD")
    assert Money.of("3000", "USD") <= Money.of("3000.00", "USD")


# --- minor units and rounding half up ----------------------------------------------------------


def test_minor_units_follow_the_currency() -> None:
    assert minor_unit("USD") == Decimal("0.01")
    assert minor_unit("JPY") == Decimal("1")


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("2.005", "USD", "2.01"),  # half up, not half even
        ("2.015", "USD", "2.02"),
        ("2.004", "USD", "2.00"),
        ("0.005", "USD", "0.01"),
        ("19200.5", "JPY", "19201"),  # half up
        ("19201.5", "JPY", "19202"),
        ("19200.4", "JPY", "19200"),
        ("2469.5", "JPY", "2470"),
    ],
)
def test_rounded_is_half_up_to_the_minor_unit(amount: str, currency: str, expected: str) -> None:
    rounded = Money.of(amount, currency).rounded()
    assert rounded.amount == Decimal(expected)
    assert rounded.text() == expected


def test_text_is_the_contract_decimal_string() -> None:
    assert Money.of("160", "USD").text() == "160.00"
    assert Money.of("480.5", "USD").text() == "480.50"
    assert Money.of("19200", "JPY").text() == "19200"  # no decimals for JPY
    assert str(Money.of("160", "USD")) == "160.00 USD"


def test_zero_is_at_the_minor_unit() -> None:
    assert Money.zero("USD").text() == "0.00"
    assert Money.zero("JPY").text() == "0"
    assert Money.zero("USD").amount == 0


def test_max_zero_never_goes_below_zero() -> None:
    assert (Money.of("100", "USD") - Money.of("150", "USD")).max_zero() == Money.zero("USD")
    assert Money.of("5", "USD").max_zero() == Money.of("5", "USD")


def test_money_is_immutable() -> None:
    money = Money.of("1", "USD")
    with pytest.raises(AttributeError):
        money.amount = Decimal(2)  # type: ignore[misc]


# --- formatting per language -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "lang", "expected"),
    [
        ("160", "USD", "en", "$160.00"),
        ("480", "USD", "en", "$480.00"),
        ("5760", "USD", "en", "$5,760.00"),
        ("19200", "JPY", "ja", "￥19,200"),  # full-width yen sign, no decimals
        ("57600", "JPY", "ja", "￥57,600"),
        ("19200", "JPY", "en", "¥19,200"),
        ("160", "USD", "ja", "$160.00"),
    ],
)
def test_format_money_per_language(amount: str, currency: str, lang: str, expected: str) -> None:
    assert format_money(Money.of(amount, currency), lang) == expected


def test_jpy_is_shown_without_decimals_in_both_languages() -> None:
    for lang in ("en", "ja"):
        shown = format_money(Money.of("96000", "JPY"), lang)
        assert "." not in shown
        assert "96,000" in shown
