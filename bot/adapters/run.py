"""`coseller run`: one command that runs Coseller the way its settings say.

    no Slack tokens                                        the local console
    SLACK_BOT_TOKEN + SLACK_APP_TOKEN                      Socket Mode
    SLACK_BOT_TOKEN (or SLACK_CLIENT_ID + SLACK_CLIENT_SECRET for OAuth)
        + SLACK_SIGNING_SECRET                             HTTP on HOST:PORT (default 127.0.0.1:3000)

    status = run()                      # Settings.from_env(); blocks until interrupted

The outbox pump runs in every mode (the console delivers after each input, so that what it
prints is complete). A configuration or environment problem prints one line naming it and what
to do, and exits 2 (`bot.adapters.problems`).
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.adapters.problems import explain
from bot.config import ConfigError, Settings
from storage.db import database_url as resolve_url

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.console import Read, Write
    from bot.services import Services

__all__ = ["MODES", "Server", "build_server", "configure_logging", "run", "select_mode"]

log = logging.getLogger(__name__)
MODES = ("console", "socket", "http")
CONSOLE_LOG = "coseller-console.log"


def select_mode(settings: Settings) -> str:
    """`console`, `socket` or `http` for these settings (`ConfigError` when incomplete)."""
    mode = settings.mode
    if mode == "http" and not settings.bot_token and not settings.oauth:
        raise ConfigError("SLACK_CLIENT_SECRET: OAuth needs SLACK_CLIENT_ID and "
                          "SLACK_CLIENT_SECRET (or set SLACK_BOT_TOKEN for one workspace)")
    if settings.client_secret and not settings.client_id:
        raise ConfigError("SLACK_CLIENT_ID: OAuth needs SLACK_CLIENT_ID with SLACK_CLIENT_SECRET")
    if mode == "socket" and settings.app_token and not settings.app_token.startswith("xapp-"):
        raise ConfigError("SLACK_APP_TOKEN: expected an app-level token starting with 'xapp-'")
    return mode


@dataclass
class Server:
    """The app ready to serve Slack in one mode: `serve()` blocks, `close()` stops it."""

    mode: str
    app: App
    services: Services
    serve: Callable[[], None]
    close: Callable[[], None]
    handler: Any = None
    url: str | None = None


def build_server(settings: Settings, *, services: Services | None = None) -> Server:
    """Build the app and its Socket Mode handler or HTTP server, without serving yet."""
    from bot.app import create_app
    from bot.bootstrap import bootstrap

    mode = select_mode(settings)
    if mode == "console":
        raise ValueError("the console is not a server: use bot.console")
    services = services or bootstrap(settings)
    app = create_app(services)
    if mode == "socket":
        from bot.adapters.socket import socket_mode_handler

        assert settings.app_token is not None
        handler = socket_mode_handler(app, app_token=settings.app_token)
        return Server(mode, app, services, serve=handler.start, close=handler.close,
                      handler=handler)
    from bot.adapters.http import HttpServer

    try:
        http = HttpServer(app, services, host=settings.host, port=settings.port)
    except OSError as error:
        raise ConfigError(f"HOST/PORT: cannot listen on {settings.host}:{settings.port} "
                          f"({error.strerror or error})") from None
    return Server(mode, app, services, serve=http.serve_forever, close=http.stop, handler=http,
                  url=http.url)


def configure_logging(mode: str) -> None:
    """Servers log to stderr; the console to `coseller-console.log`, keeping the terminal for
    the conversation."""
    if logging.getLogger().handlers:
        return
    fmt = "%(asctime)s %(levelname)s %(name)s %(message)s"
    if mode == "console":
        logging.basicConfig(filename=CONSOLE_LOG, level=logging.INFO, format=fmt)
    else:
        logging.basicConfig(stream=sys.stderr, level=logging.INFO, format=fmt)


def _fail(error: Exception, url: str | None = None) -> int:
    """One line naming the problem (see `bot.adapters.problems`), exit status 2."""
    print(f"coseller: {explain(error, url) or f'configuration error: {error}'}", file=sys.stderr)
    return 2


def _problem(error: Exception, url: str) -> bool:
    """True when `error` is a configuration or environment problem (not a bug)."""
    return explain(error, url) is not None


def _stop_on_sigterm() -> None:
    if threading.current_thread() is not threading.main_thread():
        return

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


def run(settings: Settings | None = None, *, env: Mapping[str, str] | None = None,
        user: str | None = None, read: Read | None = None, write: Write | None = None,
        database_url: str | None = None, logs: bool = False) -> int:
    """Run Coseller in the mode its settings choose; the exit status (2: configuration)."""
    try:
        settings = settings or Settings.from_env(env)
        mode = select_mode(settings)
    except ConfigError as error:
        return _fail(error)
    if logs:
        configure_logging(mode)
    if mode == "console":
        from bot.console import run_console

        options: dict[str, Any] = {"user": user, "database_url": database_url}
        if read is not None:
            options["read"] = read
        if write is not None:
            options["write"] = write
        from bot.console.session import DEMO_DATABASE_URL

        url = database_url or settings.database_url or DEMO_DATABASE_URL
        try:
            return run_console(settings, **options)
        except Exception as error:
            if not _problem(error, url):
                raise
            return _fail(error, url)
    if database_url:
        from dataclasses import replace

        settings = replace(settings, database_url=database_url)
    url = resolve_url(settings.database_url)
    try:
        server = build_server(settings)
    except Exception as error:
        if not _problem(error, url):
            raise
        return _fail(error, url)
    services = server.services
    assert services.pump is not None
    services.pump.start()
    from scheduler import build_scheduler

    jobs = build_scheduler(services)
    jobs.start()
    log.info("coseller serving Slack over %s%s", "Socket Mode" if server.mode == "socket" else
             "HTTP", f" at {server.url}/slack/events" if server.url else "")
    _stop_on_sigterm()
    try:
        server.serve()          # waitress returns on SIGINT/SIGTERM; Socket Mode raises
    except KeyboardInterrupt:
        pass
    finally:
        log.info("coseller stopping")
        jobs.shutdown(wait=False)
        server.close()
        services.pump.stop()
        services.engine.dispose()
    return 0
