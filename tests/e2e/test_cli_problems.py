"""Every `coseller` subcommand ends a configuration or environment problem with one line naming it
and what to do, exit status 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]
MISSING = "sqlite:////missing-coseller-dir/sub/x.db"
DIRECTORY = str(ROOT / "examples" / "directory.toml")
SLACK_ENV = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CLIENT_ID",
             "SLACK_CLIENT_SECRET", "DATABASE_URL", "COSELLER_CONFIG", "PORT")


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in SLACK_ENV:
        monkeypatch.delenv(name, raising=False)


def one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run `coseller argv`: exit 2, nothing on stdout, exactly one line on stderr."""
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


@pytest.mark.parametrize("command", [
    ["db", "upgrade"], ["directory", "import", DIRECTORY], ["scheduler"], ["run"],
    ["console", "--as", "aiko"],
])
def test_a_directory_that_does_not_exist(command: list[str],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    line = one_line(["--database-url", MISSING, *command], capsys)
    assert line.startswith("coseller: DATABASE_URL: the directory /missing-coseller-dir/sub "
                           "does not exist"), line
    assert "mkdir -p /missing-coseller-dir/sub" in line


def test_the_postgresql_driver_missing(monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)     # as on a default install
    for command in (["db", "upgrade"], ["directory", "import", DIRECTORY], ["scheduler"]):
        line = one_line(["--database-url", "postgresql://coseller@db.internal/coseller",
                         *command], capsys)
        assert line == ("coseller: DATABASE_URL: the PostgreSQL driver is not installed: run "
                        "pip install 'coseller[postgres]' (in a checkout: .venv/bin/pip install "
                        "'psycopg[binary]')")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("DATABASE_URL", "postgres://coseller@db.internal/coseller")
    assert "PostgreSQL driver is not installed" in one_line(["run"], capsys)


def test_a_database_that_cannot_be_reached(capsys: pytest.CaptureFixture[str]) -> None:
    line = one_line(["--database-url", "postgresql://coseller:hunter2@127.0.0.1:1/coseller",
                     "db", "upgrade"], capsys)
    assert line.startswith("coseller: DATABASE_URL: cannot reach the database at "
                           "postgresql+psycopg://coseller:***@127.0.0.1:1/coseller"), line
    assert "check that it is running" in line and "hunter2" not in line


@pytest.mark.parametrize(("url", "expected"), [
    ("nonsense://x", "unknown kind of database 'nonsense'"),
    ("not a url", "not a database URL"),
])
def test_a_database_url_that_is_wrong(url: str, expected: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["db", "upgrade"], ["directory", "import", DIRECTORY]):
        line = one_line(["--database-url", url, *command], capsys)
        assert expected in line and "sqlite:///FILE" in line, line


def test_a_file_that_is_not_a_database(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all " * 100)
    line = one_line(["--database-url", f"sqlite:///{junk}", "db", "upgrade"], capsys)
    assert line == f"coseller: DATABASE_URL: {junk} is not a usable SQLite database (file is " \
                   "not a database)"


def test_settings_that_are_wrong(monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PORT", "eighty")
    for command in (["run"], ["scheduler"], ["console", "--as", "aiko"]):
        assert one_line(command, capsys) == ("coseller: configuration error: PORT: expected a "
                                             "port number from 0 to 65535, got 'eighty'")
    monkeypatch.setenv("PORT", "99999")  # found by a fresh pair of eyes: it served on 34463
    assert "from 0 to 65535, got '99999'" in one_line(["run"], capsys)
    monkeypatch.delenv("PORT")
    monkeypatch.setenv("COSELLER_CONFIG", "/missing-coseller-dir/coseller.toml")
    assert "COSELLER_CONFIG: cannot read" in one_line(["run"], capsys)


@pytest.mark.parametrize(("name", "value", "says"), [
    ("COSELLER_OUTBOX_SECONDS", "abc", "expected a number of seconds, got 'abc'"),
    ("COSELLER_SWEEP_SECONDS", "0", "expected a number of seconds above 0, got '0'"),
    ("COSELLER_SWEEP_SECONDS", "-1", "expected a number of seconds above 0, got '-1'"),
    ("COSELLER_OUTBOX_SECONDS", "inf", "expected a number of seconds above 0, got 'inf'"),
    ("COSELLER_OUTBOX_SENDERS", "abc", "expected a whole number from 1 to 512, got 'abc'"),
])
def test_intervals_and_senders_that_are_wrong(name: str, value: str, says: str, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Found by a fresh pair of eyes: a bad interval was a traceback, after the scheduler had
    migrated the database. Now one line before anything starts; the database is not touched."""
    ledger = tmp_path / "ledger.db"
    monkeypatch.setenv(name, value)
    for command in (["scheduler"], ["run"], ["console", "--as", "aiko"]):
        line = one_line(["--database-url", f"sqlite:///{ledger}", *command], capsys)
        assert line == f"coseller: configuration error: {name}: {says}"
    assert not ledger.exists()


def test_a_directory_file_that_does_not_exist(capsys: pytest.CaptureFixture[str]) -> None:
    line = one_line(["directory", "import", "/missing-coseller-dir/people.toml"], capsys)
    assert line == "/missing-coseller-dir/people.toml: cannot be read (No such file or directory)"


def test_the_installed_command_says_it_in_one_line_too() -> None:
    """The issue's own example, as an operator runs it."""
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--database-url", "sqlite:////missing/dir/x.db",
         "db", "upgrade"], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "coseller: DATABASE_URL: the directory /missing/dir does not exist: create it "
        "(mkdir -p /missing/dir) or point DATABASE_URL at a file in another one"]


@pytest.mark.parametrize(("url", "expected"), [
    ("mysql://x/y", "runs on SQLite or PostgreSQL, not 'mysql'"),
    ("oracle://a/b", "runs on SQLite or PostgreSQL, not 'oracle'"),
    ("postgresql+asyncpg://a@127.0.0.1/x", "psycopg 3, not 'asyncpg'"),
    ("postgresql+psycopg2://a@127.0.0.1/x", "psycopg 3, not 'psycopg2'"),
    ("sqlite://", "in-memory SQLite database is gone"),
])
def test_databases_coseller_does_not_run_on(url: str, expected: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Found by a fresh pair of eyes: other databases' drivers ended in a traceback, other
    PostgreSQL drivers were called missing, and an in-memory database was "upgraded"."""
    assert expected in one_line(["--database-url", url, "db", "upgrade"], capsys)
