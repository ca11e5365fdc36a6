"""`python -m rules answer FILE...` and `python -m rules check PATH...` (the scenario contract).

`answer` prints one JSON answer per line, in the order of the files given; a file that cannot be
answered gets one line on stderr naming the file and the field, and the others are still answered
(exit status 2 if any could not). `check` compares each answer with the file's `expect`, prints a
line per scenario and `N passed, M failed`, and exits 1 if any failed, 2 if any could not be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from rules.compare import differences
from rules.facts_reader import FactError
from rules.scenarios import ScenarioResult, answer_scenario

__all__ = ["main"]

EXIT_FAILED = 1
EXIT_UNREADABLE = 2


class ScenarioFileError(Exception):
    """A scenario file that cannot be answered; the message names the file and the field."""


def _load(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioFileError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioFileError(f"{path}: cannot be read ({error})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ScenarioFileError(
            f"{path}: not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None


def run_file(path: Path) -> tuple[Any, ScenarioResult]:
    """Load and answer one scenario file; raises `ScenarioFileError` with a one-line message."""
    data = _load(path)
    try:
        return data, answer_scenario(data)
    except FactError as error:
        raise ScenarioFileError(f"{path}: {error}") from None


def _scenario_files(paths: Sequence[str]) -> Iterator[Path]:
    for name in paths:
        path = Path(name)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.json") if p.is_file())
        else:
            yield path


def _answer(paths: Sequence[str], out: TextIO, err: TextIO) -> int:
    status = 0
    for path in _scenario_files(paths):
        try:
            _, result = run_file(path)
        except ScenarioFileError as error:
            print(f"error: {error}", file=err)
            status = EXIT_UNREADABLE
            continue
        for warning in result.warnings:
            print(f"warning: {path}: {warning}", file=err)
        print(json.dumps({"file": str(path), **result.answer}, ensure_ascii=False), file=out)
    return status


def _check(paths: Sequence[str], out: TextIO, err: TextIO) -> int:
    passed = failed = unreadable = 0
    for path in _scenario_files(paths):
        try:
            data, result = run_file(path)
        except ScenarioFileError as error:
            print(f"ERROR {error}", file=out)
            unreadable += 1
            continue
        for warning in result.warnings:
            print(f"warning: {path}: {warning}", file=err)
        expect = data.get("expect")
        if not isinstance(expect, dict) or not expect:
            print(f"ERROR {path}: expect: a non-empty object is required to check", file=out)
            unreadable += 1
            continue
        found = differences(expect, result.answer)
        if found:
            failed += 1
            print(f"FAIL  {path}: " + "; ".join(found), file=out)
        else:
            passed += 1
            print(f"ok    {path}", file=out)
    if passed + failed + unreadable == 0:
        print("no scenario files found", file=err)
        unreadable += 1
    print(f"{passed} passed, {failed + unreadable} failed", file=out)
    if unreadable:
        return EXIT_UNREADABLE
    return EXIT_FAILED if failed else 0


def main(argv: Sequence[str] | None = None, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    """Run the scenario command line; returns the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = argparse.ArgumentParser(prog="python -m rules",
                                     description="Ask the Rules of Engagement as JSON.")
    sub = parser.add_subparsers(dest="command", required=True)
    answer = sub.add_parser("answer", help="print each file's answer as one JSON line")
    answer.add_argument("files", nargs="+", metavar="FILE")
    check = sub.add_parser("check", help="compare answers with each file's expect")
    check.add_argument("paths", nargs="+", metavar="PATH")
    args = parser.parse_args(argv)
    if args.command == "answer":
        return _answer(args.files, out, err)
    return _check(args.paths, out, err)
