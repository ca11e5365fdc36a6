"""Answers: an outcome, the reasons (message keys with parameters) and the sections cited.

Decisions build `Answer` values that hold no text; `render` turns one into the scenario
contract's JSON shape in English or Japanese, for a given viewer. Rendering is the one door
through which an answer reaches a person, so it also enforces confidentiality: a partner never
sees another partner's name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any

from rules import i18n
from rules.money import Money
from rules.sections import Section, title
from rules.vocabulary import Outcome, Role

__all__ = [
    "Answer",
    "ConfidentialityError",
    "Localized",
    "Months",
    "PartnerName",
    "Reason",
    "Term",
    "Viewer",
    "combine",
    "reason",
    "render",
    "render_reason",
]


@dataclass(frozen=True, slots=True)
class Term:
    """A word of the vocabulary shown translated: `Term("line", "marketing")` -> Marketing Hub."""

    kind: str
    value: str


@dataclass(frozen=True, slots=True)
class Localized:
    """Text that comes already translated from elsewhere (a holiday's name from `holidays`)."""

    en: str
    ja: str

    def text(self, lang: str) -> str:
        """The text in `lang`, English when it has no Japanese."""
        return (self.ja or self.en) if lang == "ja" else self.en


@dataclass(frozen=True, slots=True)
class Months:
    """A span of months, shown as the source texts state it: whole years beyond one year as years
    (up to 3 years, 最長3年間; never 36か月間), anything else as months (最長12か月間)."""

    count: int

    def text(self, lang: str) -> str:
        """`3 years` / `3年間`, or `12 months` / `12か月間`."""
        years, rest = divmod(self.count, 12)
        if years > 1 and rest == 0:
            return i18n.plural_text("span.years", lang, years)
        return i18n.plural_text("span.months", lang, self.count)


@dataclass(frozen=True, slots=True)
class PartnerName:
    """A partner organisation's name: shown to HubSpot staff, never to another partner."""

    name: str


Param = str | int | Decimal | Money | date | datetime | Term | PartnerName | Localized | Months


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason, as a message key and its parameters."""

    key: str
    params: Mapping[str, Param] = field(default_factory=dict)


def reason(key: str, /, **params: Param) -> Reason:
    """Build a reason: `reason("eligibility.only_starter")`."""
    return Reason(key, params)


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who reads an answer. Partners see only their own organisation by name."""

    role: Role = Role.GS
    partner: str | None = None

    @property
    def is_partner(self) -> bool:
        """Whether confidentiality rules apply to this viewer."""
        return self.role is Role.PARTNER

    def may_see(self, name: str) -> bool:
        """HubSpot staff see every partner; a partner sees only itself."""
        return not self.is_partner or name == self.partner


HUBSPOT = Viewer()


class ConfidentialityError(RuntimeError):
    """An answer would show a partner another partner's name. Always a bug, never shown."""


@dataclass(frozen=True, slots=True)
class Answer:
    """A decision: outcome, reasons, citations and question-specific fields (money as `Money`)."""

    question: str
    outcome: Outcome
    reasons: tuple[Reason, ...]
    citations: tuple[Section, ...]
    fields: Mapping[str, Any] = field(default_factory=dict)

    def cites(self, *sections: Section) -> bool:
        """Whether every one of `sections` is cited."""
        return all(s in self.citations for s in sections)


def combine(citations: Iterable[Section]) -> tuple[Section, ...]:
    """Citations without duplicates, in first-seen order."""
    return tuple(dict.fromkeys(citations))


def _term_text(term: Term, lang: str) -> str:
    if term.kind == "product":
        line, _, edition = term.value.partition("/")
        name = _term_text(Term("line", line), lang)
        return f"{name} {i18n.text(f'term.edition.{edition}', lang)}" if edition else name
    key = f"term.{term.kind}.{term.value}"
    if term.kind == "line" and key not in i18n.catalog(lang):
        return term.value.replace("_", " ").title()  # a configured hub-agnostic product
    return i18n.text(key, lang)


def _param_text(value: Param, lang: str, viewer: Viewer, tz: tzinfo | None) -> str:
    if isinstance(value, PartnerName):
        if not viewer.may_see(value.name):
            raise ConfidentialityError("a partner-facing answer names another partner")
        return value.name
    if isinstance(value, Term):
        return _term_text(value, lang)
    if isinstance(value, (Localized, Months)):
        return value.text(lang)
    if isinstance(value, Money):
        return i18n.format_money(value, lang)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, Decimal)):
        return i18n.format_number(value, lang)
    if isinstance(value, datetime):
        return i18n.format_datetime(value, lang, tz)
    if isinstance(value, date):
        return i18n.format_date(value, lang)
    return value


def render_reason(item: Reason, lang: str, viewer: Viewer = HUBSPOT, tz: tzinfo | None = None) -> str:
    """One reason as text in `lang`, for `viewer`, with times shown in `tz`."""
    params = {name: _param_text(value, lang, viewer, tz) for name, value in item.params.items()}
    count = item.params.get("count")
    if isinstance(count, int) and not isinstance(count, bool):
        return i18n.plural_text(item.key, lang, count, **params)
    return i18n.text(item.key, lang, **params)


def _json_value(value: Any, viewer: Viewer, currencies: set[str]) -> Any:
    if isinstance(value, Money):
        currencies.add(value.currency)
        return value.text()
    if isinstance(value, PartnerName):
        if not viewer.may_see(value.name):
            raise ConfidentialityError("a partner-facing answer names another partner")
        return value.name
    if isinstance(value, (Term,)):
        return value.value
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _json_value(v, viewer, currencies) for k, v in value.items()}
    if isinstance(value, Sequence):
        return [_json_value(v, viewer, currencies) for v in value]
    raise TypeError(f"cannot render {type(value).__name__} in an answer")


def render(
    answer: Answer,
    lang: str = i18n.DEFAULT_LANG,
    viewer: Viewer = HUBSPOT,
    tz: tzinfo | None = None,
) -> dict[str, Any]:
    """The answer as the scenario contract's JSON object, its reasons in `lang`.

    Money fields become decimal strings at the currency's minor unit, with one `currency` key
    beside them; `sections` adds each citation's title in `lang`.
    """
    currencies: set[str] = set()
    body: dict[str, Any] = {
        "question": answer.question,
        "outcome": answer.outcome.value,
        "reasons": [render_reason(r, lang, viewer, tz) for r in answer.reasons],
        "citations": [s.value for s in answer.citations],
        "sections": [{"id": s.value, "title": title(s, lang)} for s in answer.citations],
    }
    for name, value in answer.fields.items():
        body[name] = _json_value(value, viewer, currencies)
    if len(currencies) > 1:
        raise ValueError(f"one answer mixes currencies: {sorted(currencies)}")
    if currencies and "currency" not in body:
        body["currency"] = currencies.pop()
    body["lang"] = lang
    return body
