"""The word reader of `/roe`: which words a subcommand accepts, read one at a time.

    words = read(Spec("earnings", items=True, flags=frozenset({"poi"})), "marketing/pro... poi")

The first word nobody expects is the problem (`word`), named back to the asker. Partner words
(`provider`, `tier=gold`, `crm`) adjust the asker's organisation (`partner`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from bot.syntax.errors import UsageError
from bot.syntax.tokens import amount, holding, product, rate, words
from rules.facts import Holding, LineItem, Partner
from rules.money import Money
from rules.upmarket import CRM_IMPLEMENTATION
from rules.vocabulary import Edition, Motion, PartnerKind, Tier

__all__ = ["MAX_ITEMS", "PARTNER_FLAGS", "Spec", "Words", "motion", "partner", "read"]

MAX_ITEMS = 20  # products (or holdings, or claims) in one question
PARTNER_FLAGS = frozenset({"provider", "partner", "crm", "local-language", "gold", "platinum",
                           "diamond", "elite"})
_SEPARATORS = ("+", ",")


@dataclass
class Words:
    """What the reader found in the text of one subcommand."""

    items: list[LineItem] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    options: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    holdings: list[Holding] = field(default_factory=list)
    fx: dict[str, Decimal] = field(default_factory=dict)
    amounts: list[Money] = field(default_factory=list)
    rest: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Spec:
    """Which words a subcommand accepts."""

    command: str
    items: bool = False
    amounts: bool = False
    flags: frozenset[str] = frozenset()
    options: frozenset[str] = frozenset()
    takes_value: frozenset[str] = frozenset()
    holds: bool = False
    fx: bool = False
    rest: bool = False


class _Reader:
    """Reads the words of one subcommand's text by its spec, one word at a time."""

    def __init__(self, spec: Spec, text: str) -> None:
        self.spec = spec
        self.tokens = words(text)
        self.index = 0
        self.words = Words()

    def peek(self, offset: int = 0) -> str | None:
        at = self.index + offset
        return self.tokens[at] if at < len(self.tokens) else None

    def read(self) -> Words:
        while self.index < len(self.tokens):
            word = self.tokens[self.index]
            self.index += 1
            if not self._word(word):
                raise UsageError("word", word=word)
        if self.spec.items:
            if not self.words.items:
                raise UsageError("no_items", field="items")
            if len({i.mrr.currency for i in self.words.items}) > 1:
                raise UsageError("currencies", field="items")
        return self.words

    def _word(self, word: str) -> bool:
        """Take one word (and what belongs to it); False when nothing here expects it."""
        spec, found, low = self.spec, self.words, word.lower()
        if low in _SEPARATORS:
            return True
        if low in spec.flags:
            found.flags.add(low)
            return True
        key, sep, value = low.partition("=")
        if sep and key in spec.options:
            if not value:
                raise UsageError("value_missing", field=key, word=word)
            found.options[key] = value
            return True
        if low in spec.takes_value:
            value_word = self.peek()
            if value_word is None or value_word in _SEPARATORS:
                raise UsageError("value_missing", field=low, word=word)
            found.values[low] = value_word
            self.index += 1
            return True
        if spec.holds and low == "holds":
            self._holds(word)
            return True
        if spec.fx and low == "fx":
            self._rates(word)
            return True
        if spec.fx and (exchange := rate(word)) is not None:
            found.fx[exchange[0]] = exchange[1]
            return True
        if spec.items and (line := product(word)) is not None:
            self._item(word, *line)
            return True
        if spec.amounts and (money := amount(word, self.peek(), flags=spec.flags)) is not None:
            self.index += 1 if money[1] else 0
            found.amounts.append(money[0])
            return True
        if spec.rest:
            found.rest.append(word)
            return True
        return False

    def _holds(self, word: str) -> None:
        more = True
        taken = 0
        while more and (value_word := self.peek()) is not None:
            if len(self.words.holdings) >= MAX_ITEMS:
                raise UsageError("too_many", field="holds", limit=str(MAX_ITEMS))
            self.words.holdings.append(holding(value_word))
            taken += 1
            self.index += 1
            more = self.peek() == ","
            self.index += 1 if more else 0
        if not taken:
            raise UsageError("value_missing", field="holds", word=word)

    def _rates(self, word: str) -> None:
        taken = 0
        while (value_word := self.peek()) is not None and \
                (exchange := rate(value_word)) is not None:
            self.words.fx[exchange[0]] = exchange[1]
            taken += 1
            self.index += 1
        if not taken:
            raise UsageError("value_missing", field="fx", word=word)

    def _item(self, word: str, line: str, edition: Edition | None) -> None:
        amount_word = self.peek()
        found = amount(amount_word, self.peek(1), flags=self.spec.flags) if amount_word else None
        if found is None:
            raise UsageError("money", field="amount", item=word)
        money, took = found
        self.index += 2 if took else 1
        if len(self.words.items) >= MAX_ITEMS:
            raise UsageError("too_many", field="items", limit=str(MAX_ITEMS))
        self.words.items.append(LineItem(line=line, edition=edition, mrr=money))


def read(spec: Spec, text: str) -> Words:
    """Read the words of `text` by `spec`; the first word nobody expects is the problem."""
    return _Reader(spec, text).read()


def partner(base: Partner, found: Words) -> Partner:
    """The asker's organisation, with the partner words of the question applied."""
    result = base
    if "provider" in found.flags:
        result = replace(result, kind=PartnerKind.PROVIDER)
    if "partner" in found.flags:
        result = replace(result, kind=PartnerKind.SOLUTIONS_PARTNER)
    tier = found.options.get("tier") or next(
        (f for f in ("gold", "platinum", "diamond", "elite") if f in found.flags), None)
    if tier is not None:
        try:
            result = replace(result, tier=Tier(tier))
        except ValueError:
            raise UsageError("tier", field="tier", tier=tier,
                             known=", ".join(t.value for t in Tier)) from None
    if "crm" in found.flags:
        result = replace(result, accreditations=result.accreditations | {CRM_IMPLEMENTATION})
    if "local-language" in found.flags:
        result = replace(result, local_language_exception=True)
    return result


def motion(found: Words, default: Motion = Motion.PARTNER_SOURCED) -> Motion:
    """The sales motion the words say (`assisted`, `sourced`), else `default`."""
    if "assisted" in found.flags:
        return Motion.PARTNER_ASSISTED
    if "sourced" in found.flags:
        return Motion.PARTNER_SOURCED
    return default
