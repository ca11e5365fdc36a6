"""The house's shape, checked from the source: no import circles (not even under
`TYPE_CHECKING`), and each room imports only the rooms it may."""

from __future__ import annotations

from .imports import cycles, graph


def test_no_import_cycles() -> None:
    assert cycles(graph()) == []


def test_rules_import_nothing_of_the_app() -> None:
    edges = graph()
    for module, targets in edges.items():
        if module.startswith("rules"):
            assert not {t for t in targets if not t.startswith("rules")}, module


def test_storage_knows_nothing_of_slack() -> None:
    edges = graph()
    for module, targets in edges.items():
        if module.startswith("storage"):
            assert not {t for t in targets if t.startswith("bot") or t == "scheduler"}, module
