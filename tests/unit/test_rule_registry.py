"""The registry of rule questions serves scenario files, `/roe` and mentions alike."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from bot.syntax import ALIASES, COMMANDS
from bot.usecases.questions import TOPICS
from rules.questions import REGISTRY, by_command, by_topic, names, question
from rules.scenarios import QUESTIONS, answer_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def _files() -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(SCENARIOS.rglob("*.json")):
        found[json.loads(path.read_text(encoding="utf-8"))["question"]].append(path)
    return found


FILES = _files()


def test_each_question_is_registered_once_under_every_name() -> None:
    assert len(names()) == len(set(names())) == len(REGISTRY)
    assert list(QUESTIONS) == list(names())
    commands = [w for q in REGISTRY if q.command for w in (q.command, *q.aliases)]
    assert len(commands) == len(set(commands))
    topics = [q.topic for q in REGISTRY if q.topic]
    assert len(topics) == len(set(topics))


@pytest.mark.parametrize("name", names())
def test_every_registered_question_answers_its_scenario_files(name: str) -> None:
    registered = question(name)
    assert registered is not None and FILES[name], f"no scenario file asks {name}"
    for path in FILES[name]:
        result = answer_scenario(json.loads(path.read_text(encoding="utf-8")))
        assert result.decision.question == name, path
        assert set(result.decision.citations) & set(registered.sections), path


def test_every_scenario_file_asks_a_registered_question() -> None:
    assert set(FILES) <= set(names())


def test_every_roe_command_and_alias_resolves_to_a_registered_question() -> None:
    for command in COMMANDS:
        if command in ("deal", "help"):
            continue
        found = by_command(command)
        assert found is not None and found.command == command
        assert found.example is not None and found.example.startswith(f"/roe {command}")
    for alias, command in ALIASES.items():
        assert command in COMMANDS
        if command not in ("deal", "help"):
            assert by_command(alias) is by_command(command), alias


def test_every_mention_topic_resolves_to_a_registered_question() -> None:
    for topic in TOPICS:
        found = by_topic(topic.name)
        assert found is not None, topic.name
        assert topic.sections == found.sections and topic.command == found.example
    assert {t.name for t in TOPICS} == {q.topic for q in REGISTRY if q.topic}
