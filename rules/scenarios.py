"""Scenario files: any decision asked as JSON and answered as JSON (the public contract).

`answer_scenario(data)` reads the facts of one scenario, decides, and renders the answer in the
scenario's language for its viewer. The questions and their facts are those of `ROE-SPEC.md`,
plus the extensions listed in the README; field errors name the exact field. Which questions
exist, how their facts are read and which rule decides them is the registry's
(`rules.questions`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rules.answers import Answer, render
from rules.facts_reader import FactError, Fields
from rules.i18n import LANGS
from rules.questions import REGISTRY, RuleQuestion
from rules.scenario_facts import Context, read_viewer
from rules.vocabulary import ProductCatalog

__all__ = ["META_KEYS", "QUESTIONS", "Context", "ScenarioResult", "answer_scenario"]

META_KEYS = frozenset({"question", "lang", "expect", "viewer", "id", "name", "title",
                       "description", "comment", "notes"})
QUESTIONS: dict[str, RuleQuestion] = {q.name: q for q in REGISTRY}


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """A rendered answer, the decision behind it, and warnings about fields nobody read."""

    answer: dict[str, Any]
    decision: Answer
    warnings: tuple[str, ...]


def answer_scenario(data: object, *, catalog: ProductCatalog | None = None) -> ScenarioResult:
    """Answer one scenario (a parsed JSON object). Raises `FactError` naming the bad field."""
    f = Fields(data)
    question = f.text("question")
    handler = QUESTIONS.get(question)
    if handler is None:
        raise FactError("question", f"unknown question {question!r} (expected one of: "
                                    f"{', '.join(QUESTIONS)})")
    lang = f.text("lang", "en")
    if lang not in LANGS:
        raise FactError("lang", f"unsupported language {lang!r} (expected one of: "
                                f"{', '.join(LANGS)})")
    viewer = read_viewer(f)
    f.raw("expect", None)
    try:
        decision = handler.answer(f, Context(catalog or ProductCatalog(), viewer))
    except FactError:
        raise
    except ValueError as error:
        raise FactError("", str(error)) from None
    rendered = render(decision, lang, viewer)
    warnings = tuple(f"{path}: unknown field, ignored" for path in f.unread(META_KEYS))
    return ScenarioResult(rendered, decision, warnings)
