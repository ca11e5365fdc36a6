"""The `coseller` command line: one entry point for every way of running Coseller.

    coseller db upgrade                     apply the migrations to DATABASE_URL
    coseller directory import FILE          validate and load people, partners, regions, routing
    coseller rules answer|check ...         the scenario files (same as python -m rules)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from rules.cli import main as rules_main

__all__ = ["main"]


def _db(args: argparse.Namespace) -> int:
    from storage.db import make_engine
    from storage.migrate import current_revision, upgrade

    engine = make_engine(args.database_url)
    upgrade(engine)
    print(f"database at revision {current_revision(engine)} ({engine.url.render_as_string()})")
    return 0


def _directory(args: argparse.Namespace) -> int:
    from storage.db import make_engine, make_session_factory
    from storage.directory import DirectoryError, import_directory
    from storage.migrate import ensure_schema
    from storage.unit_of_work import UnitOfWork

    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        print(f"{path}: cannot be read ({error.strerror})", file=sys.stderr)
        return 2
    engine = make_engine(args.database_url)
    ensure_schema(engine)
    with UnitOfWork(make_session_factory(engine), actor=f"import:{path.name}") as uow:
        try:
            report = import_directory(uow, text, source=str(path))
        except DirectoryError as error:
            for problem in error.problems:
                print(problem, file=sys.stderr)
            print(f"{len(error.problems)} problem(s); nothing was imported", file=sys.stderr)
            return 2
        uow.commit()
    for section in report.created:
        print(f"{section:<9} {report.created[section]:>4} created {report.updated[section]:>4} "
              "updated")
    if not report.changed:
        print("nothing changed (the directory was already loaded)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run `coseller`; returns the exit status."""
    parser = argparse.ArgumentParser(prog="coseller", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    sub = parser.add_subparsers(dest="command", required=True)
    db = sub.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade"])
    directory = sub.add_parser("directory", help="the people, partners, regions and routing")
    directory.add_argument("action", choices=["import"])
    directory.add_argument("file", metavar="FILE")
    rules = sub.add_parser("rules", help="ask the Rules of Engagement as JSON scenario files",
                           add_help=False)
    rules.add_argument("args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.command == "db":
        return _db(args)
    if args.command == "directory":
        return _directory(args)
    return rules_main(args.args)


if __name__ == "__main__":
    sys.exit(main())
