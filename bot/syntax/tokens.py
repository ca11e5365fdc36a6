"""The words every command shares, read one way: deal references, amounts with currencies,
products and editions, holdings, exchange rates, dates, times and durations.

    deal_ref("#12")                 # 12 (and `12`; at most 9 digits: what a deal id can be)
    amount("800", "USD")            # (Money(800, "USD"), True): it took the next word
    product("marketing/professional")
    day("2025/11/21"), clock_time("16:00"), hours("24h"), duration("1d12h")

A function returns None when the word is not its kind of token, and raises `UsageError` (with a
generic problem name and the field) when it is, but wrong: the grammar using it names the command.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time, timedelta
from decimal import Decimal, InvalidOperation

from babel.numbers import is_currency

from bot.syntax.errors import UsageError
from rules.facts import Holding
from rules.money import Money, MoneyError, check_currency, parse_amount
from rules.revenue_share import YearMonth
from rules.vocabulary import Edition, LineCredit, ProductCatalog

__all__ = [
    "CATALOG",
    "CREDITS",
    "DEAL_DIGITS",
    "amount",
    "clock_time",
    "day",
    "deal_ref",
    "duration",
    "edition",
    "first_day",
    "holding",
    "hours",
    "is_currency_code",
    "is_hour_unit",
    "month",
    "normalise",
    "number",
    "product",
    "rate",
    "split_ref",
    "stamp",
    "words",
]

CATALOG = ProductCatalog()
CREDITS = {c.value: c for c in LineCredit}
DEAL_DIGITS = 9  # deal ids are 32-bit integers: nine digits always fit, ten may not
_DEAL_REF = re.compile(rf"^(#)?([0-9]{{1,{DEAL_DIGITS}}})$")
_PRODUCT = re.compile(r"^(?P<line>[a-z][a-z0-9_]*)(?:/(?P<edition>[a-z]*))?$")
_AMOUNT = re.compile(r"^(?P<pre>[$¥€£])?(?P<num>[0-9][0-9,_]*(?:\.[0-9]+)?)"
                     r"(?P<cur>[A-Za-z]{3}|円|ドル)?$")
_SYMBOLS = {"$": "USD", "¥": "JPY", "€": "EUR", "£": "GBP", "円": "JPY", "ドル": "USD"}
_DAY = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_STAMP = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[T ](\d{1,2}):?(\d{2})?$", re.IGNORECASE)
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?$")
_HOURS = re.compile(r"^(\d{1,6})\s*(?:h|hr|hrs|hour|hours|時間)$", re.IGNORECASE)
_HOUR_UNIT = re.compile(r"^(?:h|hr|hrs|hour|hours|時間)$", re.IGNORECASE)
_DURATION = re.compile(r"(\d+)\s*([wdhm])", re.IGNORECASE)
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}


def normalise(text: str) -> str:
    """Full-width characters (a Japanese keyboard's `８００ ＵＳＤ`) read as their ASCII forms."""
    return unicodedata.normalize("NFKC", text).replace("→", "->").strip()


def words(text: str) -> list[str]:
    """Words, with `+` and `,` (not inside a number such as 1,000) as separators of their own."""
    found: list[str] = []
    for word in normalise(text).replace("+", " + ").split():
        parts = re.split(r"(,)(?!\d{3}(?!\d))", word)
        found += [p for p in parts if p]
    return found


# -- deals --------------------------------------------------------------------------------------


def deal_ref(word: str, *, bare: bool = True) -> int | None:
    """A deal number, `#12` (or `12` when `bare`); None when the word is not one.

    One rule for every command: ASCII digits after NFKC (so `＃１２` is `#12`), at most nine,
    which every deal id fits and the database's integer column always accepts."""
    found = _DEAL_REF.match(normalise(word))
    if found is None or (not bare and found[1] is None):
        return None
    return int(found[2])


def split_ref(text: str, *, bare: bool = True) -> tuple[int | None, str]:
    """A leading deal reference and the rest of the text."""
    head, _, rest = text.strip().partition(" ")
    ref = deal_ref(head, bare=bare)
    return (None, text.strip()) if ref is None else (ref, rest.strip())


# -- money and products -------------------------------------------------------------------------


def is_currency_code(word: str) -> bool:
    """Whether `word` is a three-letter ISO currency code (any case)."""
    return len(word) == 3 and word.isalpha() and word.isascii() and bool(is_currency(word.upper()))


def number(text: str) -> Decimal | None:
    """A plain amount as people type it (`1,000`, `1 000`, `1_000.50`); None if not a number."""
    try:
        return parse_amount(re.sub(r"[,\s，_]", "", normalise(text)))
    except MoneyError:
        return None


def amount(word: str, following: str | None, *, flags: frozenset[str] = frozenset()
           ) -> tuple[Money, bool] | None:
    """An amount with its currency (`800 USD`, `800USD`, `$800`, `96,000円`) and whether it took
    the following word as its currency; None when `word` is not an amount. A following word in
    `flags` is never taken as a currency."""
    match = _AMOUNT.match(word)
    if match is None:
        return None
    currency = _SYMBOLS.get(match["pre"] or "") or _SYMBOLS.get(match["cur"] or "") or \
        (match["cur"] or "").upper()
    took = False
    if not currency and following is not None and is_currency_code(following) and \
            following.lower() not in flags:
        currency, took = following.upper(), True
    if not currency:
        if following is not None and re.fullmatch(r"[A-Za-z]{3}", following) and \
                following.lower() not in flags:
            raise UsageError("currency", field="currency", currency=following)
        raise UsageError("currency_missing", field="currency", amount=word)
    try:
        check_currency(currency)
        value = parse_amount(match["num"].replace(",", "").replace("_", ""))
    except MoneyError:
        raise UsageError("money", field="amount", item=word) from None
    return Money(value, currency), took


def product(word: str) -> tuple[str, Edition | None] | None:
    """`marketing/professional` as a line and edition; None when the word is not a product."""
    match = _PRODUCT.match(word.lower())
    if match is None:
        return None
    line = match["line"]
    if not CATALOG.knows(line):
        if match["edition"] is not None:
            raise UsageError("line", field="line", line=line, known=", ".join(CATALOG.lines()))
        return None
    if not CATALOG.is_hub(line):
        if match["edition"]:
            raise UsageError("edition_extra", field="edition", line=line)
        return line, None
    if not match["edition"]:
        raise UsageError("edition_missing", field="edition", line=line)
    return line, edition(match["edition"])


def edition(word: str) -> Edition:
    """An edition by its name (`starter`, `professional`, `enterprise`)."""
    try:
        return Edition(word.lower())
    except ValueError:
        raise UsageError("edition", field="edition", edition=word) from None


def holding(word: str) -> Holding:
    """`marketing/starter:other`: a line the customer holds and who is credited on it (unknown
    when not said: the bot cannot know)."""
    name, _, credit = word.partition(":")
    found = product(name) if name else None
    if found is None:
        raise UsageError("holding", field="holds", holding=word)
    value = CREDITS.get(credit.lower() or "unknown")
    if value is None:
        raise UsageError("credit", field="credit", credit=credit)
    return Holding(line=found[0], edition=found[1], credited_partner=value)


def rate(word: str) -> tuple[str, Decimal] | None:
    """`JPY=0.0067`: USD per unit of a currency; None when the word is not a rate."""
    currency, sep, text = word.partition("=")
    if not sep or not is_currency_code(currency):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise UsageError("fx", field="fx", fx=word) from None
    if not value.is_finite() or value <= 0:
        raise UsageError("fx", field="fx", fx=word)
    return currency.upper(), value


# -- dates, times, durations ----------------------------------------------------------------------


def day(word: str) -> date | None:
    """`2025-11-21` or `2025/11/21`; None when not date-shaped, a problem when no such day."""
    match = _DAY.match(normalise(word))
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise UsageError("date", field="date", date=word) from None


def clock_time(word: str) -> time | None:
    """`16:00` (or `16`); None when not time-shaped, a problem when no such time."""
    match = _TIME.match(normalise(word))
    if match is None:
        return None
    return _time(match[1], match[2] or "0", word)


def _time(hour: str, minute: str, word: str) -> time:
    try:
        return time(int(hour), int(minute))
    except ValueError:
        raise UsageError("time", field="time", time=word) from None


def stamp(word: str) -> tuple[date, time | None] | None:
    """`2025-11-21T16:00` (or a bare day): a day and maybe its time; None when not one."""
    text = normalise(word)
    if (found := day(text)) is not None:
        return found, None
    match = _STAMP.match(text)
    if match is None:
        return None
    try:
        when = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise UsageError("date", field="date", date=word) from None
    return when, _time(match[4], match[5] or "0", word)


def month(word: str) -> YearMonth:
    """`2025-08` (or a day in it) as a month."""
    cleaned = normalise(word).replace("/", "-")
    try:
        return YearMonth.parse(cleaned)
    except ValueError:
        try:
            return YearMonth.of(date.fromisoformat(cleaned))
        except ValueError:
            raise UsageError("month", field="month", month=word) from None


def first_day(word: str) -> date:
    """`2026-03-15`, or `2026-03` for its first day."""
    cleaned = normalise(word).replace("/", "-")
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        pass
    try:
        found = YearMonth.parse(cleaned)
    except ValueError:
        raise UsageError("date", field="date", date=word) from None
    return date(found.year, found.month, 1)


def hours(word: str) -> int | None:
    """`24h`, `48hours`, `24時間` as a number of hours; None when the word is not one."""
    match = _HOURS.match(normalise(word))
    return None if match is None else int(match[1])


def is_hour_unit(word: str) -> bool:
    """`h`, `hours`, `時間`: the unit of a number of hours written apart from it."""
    return _HOUR_UNIT.match(normalise(word)) is not None


def duration(text: str) -> timedelta | None:
    """`2h`, `3d`, `1w`, `90m`, `1d12h` as a positive timedelta; None if it is not one."""
    compact = normalise(text).replace(" ", "")
    if not compact or _DURATION.sub("", compact):
        return None
    total = timedelta(0)
    for count, unit in _DURATION.findall(compact):
        total += timedelta(**{_UNITS[unit.lower()]: int(count)})
    return total if total > timedelta(0) else None
