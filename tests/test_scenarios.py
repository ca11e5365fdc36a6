"""The rulebook as data: every scenario under tests/scenarios answers as its `expect` says."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules.cli import run_file
from rules.compare import differences

SCENARIOS = Path(__file__).parent / "scenarios"
FILES = sorted(SCENARIOS.rglob("*.json"))


def test_there_are_scenarios() -> None:
    assert len(FILES) >= 3


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_scenario(path: Path) -> None:
    data, result = run_file(path)
    assert not result.warnings, result.warnings
    assert differences(data["expect"], result.answer) == []
