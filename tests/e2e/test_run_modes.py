"""`coseller run` picks the console, Socket Mode or HTTP from the settings; bad settings exit 2."""

from __future__ import annotations

import io
import socket
import subprocess
from pathlib import Path

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.adapters.http import HttpServer
from bot.adapters.run import build_server, run, select_mode
from bot.cli import main
from bot.config import ConfigError, Settings
from tests.e2e.support import SECRET, Harness
from tests.fakes.slack import FakeSlack

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("env", "mode"), [
    ({}, "console"),
    ({"DATABASE_URL": "sqlite:///x.db"}, "console"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1-A-1-x"}, "socket"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1-A-1-x",
      "SLACK_SIGNING_SECRET": "s"}, "socket"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, "http"),
    ({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c", "SLACK_SIGNING_SECRET": "s"}, "http"),
])
def test_the_mode_follows_the_tokens(env: dict[str, str], mode: str) -> None:
    assert select_mode(Settings.from_env(env)) == mode


@pytest.mark.parametrize("env", [
    {"SLACK_BOT_TOKEN": "xoxb-1"},
    {"SLACK_APP_TOKEN": "xapp-1"},
    {"SLACK_SIGNING_SECRET": "s", "SLACK_CLIENT_ID": "1.2", "SLACK_BOT_TOKEN": ""},
    {"SLACK_SIGNING_SECRET": "s", "SLACK_CLIENT_SECRET": "c"},
    {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-not-an-app-token"},
])
def test_incomplete_slack_settings_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        select_mode(Settings.from_env(env))


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(("env", "names"), [
    ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "nope"}, "SLACK_APP_TOKEN"),
    ({"PORT": "eighty"}, "PORT"),
    ({"COSELLER_CONFIG": "/nonexistent/coseller.toml"}, "COSELLER_CONFIG"),
])
def test_a_configuration_error_is_one_line_and_exit_2(env: dict[str, str], names: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert run(env=env) == 2
    line = one_line(capsys)
    assert line.startswith("coseller: configuration error: ") and names in line


def test_a_bad_region_setting_is_one_line_and_exit_2(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "coseller.toml"
    config.write_text('[regions.JP]\ntimezone = "Mars/Base"\n', encoding="utf-8")
    env = {"COSELLER_CONFIG": str(config), "DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}",
           "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "PORT": "0"}
    assert run(env=env) == 2
    assert "Mars/Base" in one_line(capsys)


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": SECRET, "PORT": str(port),
               "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"}
        assert run(env=env) == 2
    line = one_line(capsys)
    assert f"127.0.0.1:{port}" in line


def test_no_tokens_runs_the_console(tmp_path: Path) -> None:
    out: list[str] = []
    lines = iter(["dana", "/roe help", "/quit"])
    status = run(env={"DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}"},
                 read=lambda prompt: next(lines, None), write=out.append)
    text = "\n".join(out)
    assert status == 0
    assert "Coseller console" in text and "You are Dana Reyes" in text
    assert "only visible to you" in text and text.rstrip().endswith("Bye!")


def test_coseller_console_reads_the_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CLIENT_ID",
                 "SLACK_CLIENT_SECRET", "DATABASE_URL", "COSELLER_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("/roe eligibility sales/starter 20 USD\n/quit\n"))
    assert main(["console", "--as", "aiko"]) == 0
    out = capsys.readouterr().out
    assert "対象外" in out and "終了します。" in out
    assert (tmp_path / "coseller-demo.db").exists()         # the default demo database


def test_socket_mode_is_prepared_without_connecting(tmp_path: Path, slack: FakeSlack) -> None:
    settings = Settings(bot_token="xoxb-socket", app_token="xapp-1-A0COSELL-1-secret",
                        database_url=f"sqlite:///{tmp_path / 's.db'}", slack_api_url=slack.api_url)
    server = build_server(settings)
    try:
        assert server.mode == "socket"
        assert isinstance(server.handler, SocketModeHandler)
        assert server.handler.app_token == "xapp-1-A0COSELL-1-secret"
        assert server.handler.client.web_client is server.app.client
        assert server.url is None
        assert slack.calls_of("apps.connections.open") == []
    finally:
        server.close()
        server.services.engine.dispose()


def test_http_mode_serves_slack_health_and_the_outbox(tmp_path: Path, slack: FakeSlack) -> None:
    settings = Settings(bot_token="xoxb-http", signing_secret=SECRET, port=0,
                        database_url=f"sqlite:///{tmp_path / 'h.db'}", slack_api_url=slack.api_url)
    server = build_server(settings)
    assert server.mode == "http" and isinstance(server.handler, HttpServer)
    slack.add_user("U0NOBODY", locale="ja-JP")
    server.services.pump.start()
    server.handler.start()
    try:
        harness = Harness(server.handler, server.services, slack)
        assert harness.get("/healthz").status == 200
        assert harness.command("/roe", "help", user="U0NOBODY").status == 200
        [answer] = harness.wait_for(lambda: harness.responses("U0NOBODY"))
        assert "管理者" in answer["text"]                      # a stranger, in Japanese
        with server.services.uow() as uow:
            from bot.outbox import enqueue
            enqueue(uow, key="run-modes:hello", payload={"method": "chat.postMessage",
                                                         "args": {"channel": "C0DEALS",
                                                                  "text": "pumped"}})
            uow.commit()
        server.services.wake()
        harness.wait_for(lambda: any(c.args.get("text") == "pumped"
                                     for c in slack.calls_of("chat.postMessage")))
    finally:
        server.close()
        server.services.pump.stop()
        server.services.engine.dispose()


def test_scripts_run_is_a_bash_script_that_ends_in_coseller_run() -> None:
    script = ROOT / "scripts" / "run"
    assert script.stat().st_mode & 0o111
    subprocess.run(["bash", "-n", str(script)], check=True)
    text = script.read_text(encoding="utf-8")
    assert "python3" in text and "-m venv .venv" in text and "pip install" in text
    assert text.rstrip().endswith('exec .venv/bin/coseller run "$@"')

