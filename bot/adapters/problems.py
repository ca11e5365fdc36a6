"""Configuration and environment problems, said in one line an operator can act on.

    line = explain(error, database_url)      # None: not such a problem (a bug: let it raise)
    if line is not None:
        print(f"coseller: {line}", file=sys.stderr); return 2

Every `coseller` subcommand ends this way instead of with a traceback: a setting that is wrong,
a directory that does not exist, a database that cannot be reached, a driver not installed.
Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError

from bot.config import ConfigError
from rules.calendars import CalendarError

__all__ = ["POSTGRES_INSTALL", "explain"]

POSTGRES_INSTALL = ("pip install 'coseller[postgres]' (in a checkout: "
                    ".venv/bin/pip install 'psycopg[binary]')")
_DRIVERS = {"psycopg", "psycopg2", "psycopg_binary", "asyncpg", "pg8000"}


def _shown(url: str) -> str:
    """The URL without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unparsable)"


def _first_line(error: BaseException) -> str:
    """The driver's own first line, without SQLAlchemy's wrapping."""
    cause = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    return lines[0] if lines else type(cause).__name__


def _sqlite_path(url: str) -> Path | None:
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or not parsed.database \
            or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _database(error: DatabaseError, url: str) -> str:
    path = _sqlite_path(url)
    if path is not None:
        folder = path.resolve().parent
        if not folder.is_dir():
            return (f"DATABASE_URL: the directory {folder} does not exist: create it "
                    f"(mkdir -p {folder}) or point DATABASE_URL at a file in another one")
        if isinstance(error, OperationalError) and "unable to open" in _first_line(error):
            return (f"DATABASE_URL: cannot open the SQLite database {path} "
                    "(check that its directory and file may be written)")
        return f"DATABASE_URL: {path} is not a usable SQLite database ({_first_line(error)})"
    if isinstance(error, OperationalError):
        return (f"DATABASE_URL: cannot reach the database at {_shown(url)} "
                f"({_first_line(error)}): check that it is running and that the URL is right")
    return f"DATABASE_URL: the database at {_shown(url)} refused: {_first_line(error)}"


def explain(error: BaseException, url: str | None = None) -> str | None:
    """One line naming the problem and what to do, or None when `error` is not a
    configuration or environment problem. `url`: the database URL in use."""
    url = url or ""
    if isinstance(error, ConfigError | CalendarError):
        return f"configuration error: {error}"
    if isinstance(error, NoSuchModuleError):
        scheme = url.split(":", 1)[0] or "?"
        return (f"DATABASE_URL: unknown kind of database {scheme!r}: use sqlite:///FILE or "
                "postgresql://USER@HOST/DATABASE")
    if isinstance(error, ArgumentError):
        return ("DATABASE_URL: not a database URL: use sqlite:///FILE or "
                "postgresql://USER@HOST/DATABASE")
    if isinstance(error, ImportError):
        module = (error.name or "").split(".")[0]
        scheme = url.split(":", 1)[0]
        if module in _DRIVERS and "+" in scheme and not scheme.endswith("+psycopg"):
            return (f"DATABASE_URL: Coseller talks to PostgreSQL through psycopg 3, not "
                    f"{scheme.split('+', 1)[1]!r}: use postgresql://USER@HOST/DATABASE")
        if module in _DRIVERS:
            return f"DATABASE_URL: the PostgreSQL driver is not installed: run {POSTGRES_INSTALL}"
        if module and scheme and not scheme.startswith(("sqlite", "postgres")):
            return (f"DATABASE_URL: Coseller runs on SQLite or PostgreSQL, not {scheme!r}: use "
                    "sqlite:///FILE or postgresql://USER@HOST/DATABASE")
    if isinstance(error, DatabaseError):
        return _database(error, url)
    try:
        from alembic.util.exc import CommandError
    except ImportError:  # pragma: no cover - alembic is a dependency
        return None
    if isinstance(error, CommandError):
        return (f"database schema: {_first_line(error)} (is this database from a newer "
                "Coseller? upgrade Coseller, or point DATABASE_URL at another database)")
    return None
