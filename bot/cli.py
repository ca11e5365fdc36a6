"""The `coseller` command line: one entry point for every way of running Coseller.

    coseller run                            the bot: console without Slack tokens, else Socket
                                            Mode or HTTP (see bot.adapters.run)
    coseller console [--as USER]            talk to the bot in this terminal as a demo user
    coseller db upgrade                     apply the migrations to DATABASE_URL
    coseller directory import FILE          validate and load people, partners, regions, routing
    coseller rules answer|check ...         the scenario files (same as python -m rules)

A problem of configuration or environment (a setting, a missing directory, a database out of
reach, the PostgreSQL driver not installed) ends any command with one line on stderr naming it
and what to do, and exit status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.adapters.problems import explain
from rules.cli import main as rules_main

__all__ = ["main"]


def _db(args: argparse.Namespace) -> int:
    from storage.db import make_engine
    from storage.migrate import current_revision, upgrade

    engine = make_engine(args.database_url)
    if engine.url.get_backend_name() == "sqlite" and engine.url.database in (None, "", ":memory:"):
        from bot.config import ConfigError

        raise ConfigError("DATABASE_URL: an in-memory SQLite database is gone when the command "
                          "ends: name a file, e.g. sqlite:///coseller.db")
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


def _run(args: argparse.Namespace) -> int:
    from bot.adapters.run import run

    return run(database_url=args.database_url, user=getattr(args, "user", None), logs=True)


def _console(args: argparse.Namespace) -> int:
    from bot.adapters.run import configure_logging
    from bot.config import ConfigError, Settings
    from bot.console import run_console

    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(f"coseller: configuration error: {error}", file=sys.stderr)
        return 2
    configure_logging("console")
    return run_console(settings, user=args.user, database_url=args.database_url)


def _scheduler(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from bot.adapters.run import configure_logging
    from bot.bootstrap import bootstrap
    from bot.config import ConfigError, Settings
    from scheduler import run_alone

    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(f"coseller: configuration error: {error}", file=sys.stderr)
        return 2
    if args.database_url:
        settings = replace(settings, database_url=args.database_url)
    configure_logging("http")
    run_alone(bootstrap(settings))  # the scheduler and the outbox pump
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run `coseller`; returns the exit status."""
    parser = argparse.ArgumentParser(prog="coseller", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the bot: the console without Slack tokens, else Socket "
                                     "Mode (SLACK_APP_TOKEN) or HTTP (SLACK_SIGNING_SECRET)")
    run.add_argument("--as", dest="user", metavar="USER",
                     help="in the console: who you are (number, name or Slack user id)")
    console = sub.add_parser("console", help="talk to the bot in this terminal as a demo user")
    console.add_argument("--as", dest="user", metavar="USER",
                         help="who you are (number, name or Slack user id); asked if omitted")
    sub.add_parser("scheduler", help="run only the reminders and the outbox (no Slack listener); "
                                     "any number of replicas on one PostgreSQL")
    db = sub.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade"])
    directory = sub.add_parser("directory", help="the people, partners, regions and routing")
    directory.add_argument("action", choices=["import"])
    directory.add_argument("file", metavar="FILE")
    rules = sub.add_parser("rules", help="ask the Rules of Engagement as JSON scenario files",
                           add_help=False)
    rules.add_argument("args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.command == "rules":
        return rules_main(args.args)
    commands = {"run": _run, "console": _console, "scheduler": _scheduler, "db": _db,
                "directory": _directory}
    try:
        if args.command in ("run", "console", "scheduler"):
            from scheduler import check_settings

            check_settings()  # a bad interval or pool size: one line before anything starts
        return commands[args.command](args)
    except Exception as error:   # a problem of the setup is one line; a bug keeps its trace
        line = explain(error, _url_in_use(args))
        if line is None:
            raise
        print(f"coseller: {line}", file=sys.stderr)
        return 2


def _url_in_use(args: argparse.Namespace) -> str:
    """The database URL the command was using (to name it in a problem)."""
    from storage.db import database_url

    if args.command == "console" and not args.database_url and not os.environ.get("DATABASE_URL"):
        from bot.console.session import DEMO_DATABASE_URL

        return DEMO_DATABASE_URL
    return database_url(args.database_url)


if __name__ == "__main__":
    sys.exit(main())
