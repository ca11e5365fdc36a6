"""`/deal closure`: an admin adds or removes a closure day of a region's calendar.

    /deal closure add <region> <date> <name>      parse_closure
    /deal closure remove <region> <date>

The date is read as people type it: `2026-12-24`, `2026/12/24`, `2026年12月24日`, `Dec 24 2026`,
`24 December 2026`, or without a year (`12/24`, `12月24日`, `Dec 24`: the next such day from
today). Problems are `UsageError`s of the `calendar` grammar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.syntax.errors import UsageError, within
from bot.syntax.tokens import normalise

__all__ = ["ClosureArgs", "parse_closure", "typed_day"]

_ADD = frozenset({"add", "追加"})
_REMOVE = frozenset({"remove", "delete", "削除"})
_FULL = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_SHORT = re.compile(r"^(\d{1,2})[/月](\d{1,2})日?$")
_REGION = re.compile(r"^[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?$")
_MONTHS = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1)
    for name in names}


@dataclass(frozen=True)
class ClosureArgs:
    """`/deal closure`: add (with its name) or remove a region's closure day."""

    add: bool
    region: str
    day: date
    name: str = ""


def _day(year: int, month: int, number: int, typed: str) -> date:
    try:
        return date(year, month, number)
    except ValueError:
        raise UsageError("date", field="date", word=typed) from None


def _next(month: int, number: int, today: date, typed: str) -> date:
    """The next `month`/`number` on or after `today` (a 29 February: the next leap year's)."""
    for year in range(today.year, today.year + 9):
        try:
            found = date(year, month, number)
        except ValueError:
            continue
        if found >= today:
            return found
    raise UsageError("date", field="date", word=typed)


def _month_name(words: list[str], today: date) -> tuple[date, int] | None:
    """`Dec 24`, `Dec 24, 2026`, `24 December 2026`: a day and how many words it took."""
    first = [w.strip(",").lower() for w in words[:3]]
    if len(first) >= 2 and first[0] in _MONTHS and first[1].isdigit():
        month, number = _MONTHS[first[0]], int(first[1])
    elif len(first) >= 2 and first[0].isdigit() and first[1] in _MONTHS:
        month, number = _MONTHS[first[1]], int(first[0])
    else:
        return None
    typed = " ".join(words[:3 if len(first) == 3 and first[2].isdigit() else 2])
    if len(first) == 3 and first[2].isdigit() and len(first[2]) == 4:
        return _day(int(first[2]), month, number, typed), 3
    return _next(month, number, today, typed), 2


def typed_day(words: list[str], today: date) -> tuple[date, int] | None:
    """The day at the start of `words` as people type it, and how many words it took; None
    when they do not start with a date; a `UsageError` for a date that does not exist."""
    if not words:
        return None
    word = normalise(words[0])
    if (full := _FULL.match(word)) is not None:
        return _day(int(full[1]), int(full[2]), int(full[3]), words[0]), 1
    if (short := _SHORT.match(word)) is not None:
        return _next(int(short[1]), int(short[2]), today, words[0]), 1
    return _month_name([normalise(w) for w in words], today)


def parse_closure(text: str, today: date) -> ClosureArgs:
    """`add <region> <date> <name>` or `remove <region> <date>` (`today` reads a date typed
    without a year)."""
    with within("calendar", "closure"):
        words = normalise(text).split()
        verb = words.pop(0).lower() if words else ""
        if verb not in _ADD | _REMOVE:
            raise UsageError("verb", field="verb", word=verb or "-")
        if not words or not _REGION.match(words[0]):
            raise UsageError("region", field="region", word=words[0] if words else "-")
        region = words.pop(0).upper()
        found = typed_day(words, today)
        if found is None:
            raise UsageError("date", field="date", word=" ".join(words[:2]) or "-")
        day, taken = found
        rest = " ".join(words[taken:]).strip()
        if verb in _ADD and not rest:
            raise UsageError("name", field="name")
        if verb in _REMOVE and rest:
            raise UsageError("word", field="word", word=rest)
    return ClosureArgs(verb in _ADD, region, day, rest[:200])
