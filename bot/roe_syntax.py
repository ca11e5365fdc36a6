"""The text of `/roe` commands: a subcommand and its facts, parsed into a rule question.

    /roe eligibility marketing/professional 800 USD + sales/starter 20 USD [assisted]

A problem names the word at fault and comes with the subcommand's usage line and an example.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.i18n import t
from rules.answers import Answer
from rules.eligibility import eligibility
from rules.facts import Deal, LineItem, Partner
from rules.money import Money, MoneyError, check_currency, parse_amount
from rules.vocabulary import Edition, Motion, ProductCatalog

__all__ = ["Question", "SyntaxProblem", "parse_items", "parse_roe"]

CATALOG = ProductCatalog()
_ITEM = re.compile(r"^(?P<line>[a-z_]+)(?:/(?P<edition>[a-z]+))?\s+(?P<amount>[0-9][0-9,._]*)"
                   r"\s*(?P<currency>[A-Za-z]{3})?$")


class SyntaxProblem(ValueError):  # noqa: N818 - reads as what it is
    """Text that is not a command; `key` and `params` say why in either language."""

    def __init__(self, command: str, key: str, **params: str) -> None:
        super().__init__(key)
        self.command = command
        self.key = key
        self.params = params

    def text(self, lang: str) -> str:
        """The problem in `lang`."""
        return t(f"roe.problem.{self.key}", lang, **self.params)


@dataclass(frozen=True)
class Question:
    """A parsed question, decided on demand."""

    command: str
    decide: Callable[[], Answer]


def parse_items(command: str, text: str, default_currency: str | None = None) -> list[LineItem]:
    """`marketing/professional 800 USD + sales/starter 20 USD` as line items of one currency."""
    items: list[LineItem] = []
    for part in [p.strip() for p in re.split(r"[+,]", text) if p.strip()]:
        match = _ITEM.match(part)
        if match is None:
            raise SyntaxProblem(command, "item", item=part)
        line = match["line"]
        if not CATALOG.knows(line):
            raise SyntaxProblem(command, "line", line=line, known=", ".join(CATALOG.lines()))
        edition = None
        if CATALOG.is_hub(line):
            if match["edition"] is None:
                raise SyntaxProblem(command, "edition_missing", line=line)
            try:
                edition = Edition(match["edition"])
            except ValueError:
                raise SyntaxProblem(command, "edition", edition=match["edition"]) from None
        elif match["edition"] is not None:
            raise SyntaxProblem(command, "edition_extra", line=line)
        currency = (match["currency"] or default_currency or "").upper()
        try:
            check_currency(currency)
            amount = parse_amount(match["amount"].replace(",", "").replace("_", ""))
        except MoneyError:
            raise SyntaxProblem(command, "money", item=part) from None
        items.append(LineItem(line=line, edition=edition, mrr=Money(amount, currency)))
    if not items:
        raise SyntaxProblem(command, "no_items")
    if len({i.mrr.currency for i in items}) > 1:
        raise SyntaxProblem(command, "currencies")
    return items


def _eligibility(rest: str) -> Question:
    words = rest.split()
    motion = Motion.PARTNER_ASSISTED if "assisted" in words else Motion.PARTNER_SOURCED
    facts = " ".join(w for w in words if w not in ("assisted", "sourced"))
    deal = Deal(motion=motion, items=tuple(parse_items("eligibility", facts)))
    return Question("eligibility", lambda: eligibility(deal, Partner()))


PARSERS: dict[str, Callable[[str], Question]] = {
    "eligibility": _eligibility,
}


def parse_roe(text: str) -> Question | None:
    """The question in `/roe` text; None asks for help. Raises `SyntaxProblem`."""
    command, _, rest = text.strip().partition(" ")
    command = command.lower()
    if command in ("", "help", "ヘルプ"):
        return None
    parser = PARSERS.get(command)
    if parser is None:
        raise SyntaxProblem("help", "unknown_command", name=command, known=", ".join(PARSERS))
    return parser(rest.strip())


