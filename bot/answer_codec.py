"""A rule answer (`rules.answers.Answer`) as JSON and back, so that an answer can wait in the
outbox and be rendered at send time, for the viewer and in the language of where it lands.

    payload = encode_answer(answer)
    assert decode_answer(payload) == answer

Every value an answer holds keeps its type (money, instants, vocabulary terms, a partner's
name, already translated text); a partner's name is only ever shown through `rules.answers.render`,
which refuses to show it to another partner.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from rules.answers import Answer, Localized, Months, PartnerName, Reason, Term
from rules.money import Money
from rules.sections import Section
from rules.vocabulary import Outcome

__all__ = ["decode_answer", "decode_value", "encode_answer", "encode_value"]


def encode_value(value: Any) -> Any:
    """A value of an answer's reasons or fields as JSON (tagged when JSON has no such type)."""
    if isinstance(value, Enum) and isinstance(value.value, str):
        return value.value
    if isinstance(value, bool) or value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, Money):
        return {"$": "money", "v": str(value.amount), "c": value.currency}
    if isinstance(value, Decimal):
        return {"$": "decimal", "v": str(value)}
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("an answer's time must be aware")
        return {"$": "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {"$": "date", "v": value.isoformat()}
    if isinstance(value, Term):
        return {"$": "term", "k": value.kind, "v": value.value}
    if isinstance(value, PartnerName):
        return {"$": "partner", "v": value.name}
    if isinstance(value, Localized):
        return {"$": "localized", "en": value.en, "ja": value.ja}
    if isinstance(value, Months):
        return {"$": "months", "v": value.count}
    if isinstance(value, Mapping):
        return {"$": "map", "v": {str(k): encode_value(v) for k, v in value.items()}}
    if isinstance(value, tuple):
        return {"$": "tuple", "v": [encode_value(v) for v in value]}
    if isinstance(value, list):
        return {"$": "list", "v": [encode_value(v) for v in value]}
    raise TypeError(f"cannot put {type(value).__name__} in a queued answer")


def decode_value(value: Any) -> Any:
    """The value `encode_value` wrote."""
    if not isinstance(value, dict):
        return value
    kind = value["$"]
    if kind == "money":
        return Money(Decimal(value["v"]), str(value["c"]))
    if kind == "decimal":
        return Decimal(value["v"])
    if kind == "datetime":
        return datetime.fromisoformat(value["v"])
    if kind == "date":
        return date.fromisoformat(value["v"])
    if kind == "term":
        return Term(str(value["k"]), str(value["v"]))
    if kind == "partner":
        return PartnerName(str(value["v"]))
    if kind == "localized":
        return Localized(str(value["en"]), str(value["ja"]))
    if kind == "months":
        return Months(int(value["v"]))
    if kind == "map":
        return {k: decode_value(v) for k, v in value["v"].items()}
    if kind == "tuple":
        return tuple(decode_value(v) for v in value["v"])
    if kind == "list":
        return [decode_value(v) for v in value["v"]]
    raise ValueError(f"unknown answer value {kind!r}")


def encode_answer(answer: Answer) -> dict[str, Any]:
    """An answer as JSON."""
    return {
        "question": answer.question,
        "outcome": answer.outcome.value,
        "reasons": [{"key": r.key, "params": {k: encode_value(v) for k, v in r.params.items()}}
                    for r in answer.reasons],
        "citations": [s.value for s in answer.citations],
        "fields": {k: encode_value(v) for k, v in answer.fields.items()},
    }


def decode_answer(raw: Mapping[str, Any]) -> Answer:
    """The answer `encode_answer` wrote."""
    return Answer(
        question=str(raw["question"]), outcome=Outcome(raw["outcome"]),
        reasons=tuple(Reason(str(r["key"]), {k: decode_value(v) for k, v in r["params"].items()})
                      for r in raw["reasons"]),
        citations=tuple(Section(s) for s in raw["citations"]),
        fields={k: decode_value(v) for k, v in raw["fields"].items()})
