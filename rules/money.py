"""Exact money: a `Decimal` amount with its ISO 4217 currency, never a float.

Minor units come from CLDR through Babel (2 decimals for USD, 0 for JPY), so rounding follows
the currency rather than a hard-coded table.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from babel.numbers import get_currency_precision, is_currency

__all__ = ["Money", "MoneyError", "check_currency", "minor_unit", "parse_amount"]


MAX_AMOUNT = Decimal(10) ** 15


class MoneyError(ValueError):
    """A currency or amount that is not acceptable."""


@cache
def check_currency(code: str) -> str:
    """Return `code` if it is an ISO 4217 currency code, else raise `MoneyError`."""
    if not isinstance(code, str) or len(code) != 3 or not code.isalpha() or not code.isupper():
        raise MoneyError(f"{code!r} is not an ISO 4217 currency code (three capital letters)")
    if not is_currency(code):
        raise MoneyError(f"unknown currency {code!r}")
    return code


@cache
def minor_unit(currency: str) -> Decimal:
    """The smallest unit of `currency` as a quantum: Decimal('0.01') for USD, Decimal('1') for JPY."""
    return Decimal(1).scaleb(-get_currency_precision(check_currency(currency)))


def parse_amount(text: object, *, allow_negative: bool = False) -> Decimal:
    """Parse a decimal string (or int) into a finite Decimal; floats are refused on purpose."""
    if isinstance(text, (bool, float)):
        raise MoneyError("amounts are decimal strings such as \"800.00\", not floating-point numbers")
    if not isinstance(text, (str, int, Decimal)):
        raise MoneyError(f"{text!r} is not a decimal amount")
    try:
        value = Decimal(text.strip() if isinstance(text, str) else text)
    except InvalidOperation:
        raise MoneyError(f"{text!r} is not a decimal amount") from None
    if not value.is_finite():
        raise MoneyError(f"{text!r} is not a finite amount")
    if value < 0 and not allow_negative:
        raise MoneyError(f"{text!r} is negative")
    if abs(value) >= MAX_AMOUNT:
        raise MoneyError(f"{text!r} is too large (amounts stay below 10^15)")
    return value


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount in one currency. Arithmetic across currencies is an error, not a guess."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise MoneyError(f"Money amount must be a Decimal, got {type(self.amount).__name__}")
        check_currency(self.currency)

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        """Build from a decimal string: `Money.of("800", "USD")`."""
        return cls(parse_amount(amount, allow_negative=True), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Zero in `currency`, at its minor unit."""
        return cls(Decimal(0).quantize(minor_unit(currency)), currency)

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise MoneyError(f"cannot combine {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def times(self, factor: Decimal | int) -> Money:
        """Multiply by an exact factor (unrounded)."""
        return Money(self.amount * factor, self.currency)

    def rounded(self) -> Money:
        """Round half up to the currency's minor unit."""
        return Money(self.amount.quantize(minor_unit(self.currency), ROUND_HALF_UP), self.currency)

    def truncated(self) -> Money:
        """Cut (toward zero) to the minor unit: for showing a converted amount beside a threshold."""
        return Money(self.amount.quantize(minor_unit(self.currency), ROUND_DOWN), self.currency)

    def max_zero(self) -> Money:
        """This amount, or zero when it is negative."""
        return self if self.amount >= 0 else Money.zero(self.currency)

    def text(self) -> str:
        """The amount as the contract's decimal string, at the currency's minor unit."""
        return str(self.amount.quantize(minor_unit(self.currency), ROUND_HALF_UP))

    def __str__(self) -> str:
        return f"{self.text()} {self.currency}"
