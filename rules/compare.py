"""How a scenario's `expect` is compared with an answer (the contract's comparison rules).

Every key in `expect` must equal the answer's; datetimes compare as instants, money as decimals
("160" equals "160.00"), lists in order; keys the answer has beyond `expect` are ignored.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["differences"]


def _instant(text: str) -> datetime | None:
    if "T" not in text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    try:
        parsed = Decimal(value)
    except InvalidOperation:
        return None
    return parsed if parsed.is_finite() else None


def _same_scalar(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, str) and isinstance(actual, str):
        if expected == actual:
            return True
        left, right = _instant(expected), _instant(actual)
        if left is not None and right is not None:
            return left == right
    left_d, right_d = _decimal(expected), _decimal(actual)
    if left_d is not None and right_d is not None:
        return left_d == right_d
    return bool(expected == actual)


def differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Every place `actual` departs from `expected`, as `path: expected X, got Y` lines."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path or 'answer'}: expected an object, got {actual!r}"]
        found: list[str] = []
        for key, want in expected.items():
            where = f"{path}.{key}" if path else key
            if key not in actual:
                found.append(f"{where}: expected {want!r}, missing from the answer")
            else:
                found += differences(want, actual[key], where)
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{path}: expected a list, got {actual!r}"]
        if len(expected) != len(actual):
            return [f"{path}: expected {len(expected)} items, got {len(actual)}: {actual!r}"]
        found = []
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            found += differences(want, got, f"{path}[{index}]")
        return found
    if _same_scalar(expected, actual):
        return []
    return [f"{path}: expected {expected!r}, got {actual!r}"]
