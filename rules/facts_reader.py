"""Reading facts out of JSON, with the exact field named in every error.

Used by the scenario files and by anything else that takes facts as JSON. Errors are one line:
`deal.items[0].edition: unknown edition 'pro' (expected one of: starter, professional, enterprise)`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from rules.money import Money, MoneyError, check_currency, parse_amount

__all__ = ["FactError", "Fields"]

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")
_MISSING: Any = object()


class FactError(ValueError):
    """A fact that is missing, of the wrong type, or out of range; `field` is its path."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


class Fields:
    """A JSON object being read. Remembers which keys were read, to report the others."""

    def __init__(self, data: object, path: str = "") -> None:
        if not isinstance(data, dict):
            raise FactError(path, f"expected a JSON object, got {_kind(data)}")
        self._data: dict[str, Any] = data
        self._path = path
        self._read: set[str] = set()
        self._children: list[Fields] = []

    def path(self, key: str | int) -> str:
        """The dotted path of `key` under this object."""
        if isinstance(key, int):
            return f"{self._path}[{key}]"
        return f"{self._path}.{key}" if self._path else key

    def read_keys(self) -> list[str]:
        """Every key of the object, marked as read (for maps keyed by data, like `fx`)."""
        self._read.update(self._data)
        return list(self._data)

    def has(self, key: str) -> bool:
        """Whether `key` is present (and not null)."""
        self._read.add(key)
        return self._data.get(key) is not None

    def raw(self, key: str, default: Any = _MISSING) -> Any:
        """The raw JSON value at `key`; required unless a default is given."""
        self._read.add(key)
        value = self._data.get(key)
        if value is None:
            if default is _MISSING:
                raise FactError(self.path(key), "is required")
            return default
        return value

    def _typed(self, key: str, kind: type[T], label: str, default: Any) -> T:
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value  # type: ignore[no-any-return]
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise FactError(self.path(key), f"expected {label}, got {_kind(value)}")
        return value

    def text(self, key: str, default: Any = _MISSING) -> Any:
        """A string."""
        return self._typed(key, str, "a string", default)

    def flag(self, key: str, default: Any = _MISSING) -> Any:
        """A boolean (true/false, not 0/1 or "yes")."""
        return self._typed(key, bool, "true or false", default)

    def whole(self, key: str, default: Any = _MISSING, *, minimum: int = 0) -> Any:
        """A whole number, at least `minimum`."""
        value = self._typed(key, int, "a whole number", default)
        if isinstance(value, int) and value < minimum:
            raise FactError(self.path(key), f"must be at least {minimum}, got {value}")
        return value

    def choice(self, key: str, enum: type[E], default: Any = _MISSING) -> Any:
        """One value of `enum`, by its string value."""
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        return _choice(self.path(key), value, enum)

    def decimal(self, key: str, *, allow_negative: bool = False) -> Decimal:
        """A decimal amount written as a string ("800.00") or an integer."""
        value = self.raw(key)
        try:
            return parse_amount(value, allow_negative=allow_negative)
        except MoneyError as error:
            raise FactError(self.path(key), str(error)) from None

    def currency(self, key: str = "currency") -> str:
        """An ISO 4217 currency code."""
        value = self.text(key)
        try:
            return check_currency(value)
        except MoneyError as error:
            raise FactError(self.path(key), str(error)) from None

    def money(self, amount_key: str, currency_key: str = "currency") -> Money:
        """A non-negative amount with the currency beside it."""
        return Money(self.decimal(amount_key), self.currency(currency_key))

    def day(self, key: str, default: Any = _MISSING) -> Any:
        """A calendar date, `YYYY-MM-DD`."""
        value = self.text(key, default)
        if value is default and default is not _MISSING:
            return value
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise FactError(self.path(key), f"{value!r} is not a date (YYYY-MM-DD)") from None

    def instant(self, key: str, default: Any = _MISSING) -> Any:
        """An aware datetime: ISO 8601 with an offset. A naive one is refused, never guessed."""
        value = self.text(key, default)
        if value is default and default is not _MISSING:
            return value
        return parse_instant(self.path(key), value)

    def obj(self, key: str, default: Any = _MISSING) -> Any:
        """A nested object."""
        value = self.raw(key, default)
        if value is default and default is not _MISSING and not isinstance(default, dict):
            return value
        child = Fields(value, self.path(key))
        self._children.append(child)
        return child

    def objects(self, key: str, default: Any = _MISSING) -> Any:
        """A list of objects."""
        values = self.listed(key, default)
        if values is default and default is not _MISSING:
            return values
        children = [Fields(v, self.path(key) + f"[{i}]") for i, v in enumerate(values)]
        self._children.extend(children)
        return children

    def listed(self, key: str, default: Any = _MISSING) -> Any:
        """A JSON list."""
        value = self.raw(key, default)
        if value is default and default is not _MISSING:
            return value
        if not isinstance(value, list):
            raise FactError(self.path(key), f"expected a list, got {_kind(value)}")
        return value

    def each(self, key: str, read: Callable[[Any, str], T], default: Any = _MISSING) -> Any:
        """A list whose items are read by `read(value, path)`."""
        values = self.listed(key, default)
        if values is default and default is not _MISSING:
            return values
        return [read(v, self.path(key) + f"[{i}]") for i, v in enumerate(values)]

    def unread(self, ignore: frozenset[str] = frozenset()) -> list[str]:
        """Paths of keys nobody read (likely typos), in this object and those read below it."""
        found = [self.path(k) for k in self._data
                 if k not in self._read and k not in ignore and not k.startswith("_")]
        for child in self._children:
            found += child.unread()
        return found


def parse_instant(path: str, value: str) -> datetime:
    """Parse an ISO 8601 datetime that carries its offset."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise FactError(path, f"{value!r} is not an ISO 8601 datetime") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise FactError(path, f"{value!r} has no UTC offset: write e.g. {value}+09:00")
    return parsed


def _choice(path: str, value: object, enum: type[E]) -> E:
    allowed = ", ".join(e.value for e in enum)
    if not isinstance(value, str):
        raise FactError(path, f"expected one of: {allowed}; got {_kind(value)}")
    try:
        return enum(value)
    except ValueError:
        noun = enum.__name__.lower()
        raise FactError(path, f"unknown {noun} {value!r} (expected one of: {allowed})") from None


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "a list"
    return "an object"
