"""HTTP: Bolt's WSGI adapter behind waitress, with `/healthz` and `/metrics` beside `/slack/events`.

    server = HttpServer(app, services, host="127.0.0.1", port=3000).start()

Requests without a valid Slack signature (or older than five minutes) are refused with 401 by
Bolt's request verification.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text
from waitress.server import create_server

if TYPE_CHECKING:
    from bot.services import Services

__all__ = ["HttpServer", "wsgi_app"]

log = logging.getLogger(__name__)
SLACK_PATHS = ("/slack/events", "/slack/install", "/slack/oauth_redirect")


def wsgi_app(app: App, services: Services) -> Any:
    """The WSGI application: Slack's paths to Bolt, plus health and metrics."""
    slack = SlackRequestHandler(app, path="/slack/events")

    def application(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path in SLACK_PATHS:
            try:
                return slack(environ, start_response)
            except Exception as error:  # a body Bolt cannot even parse: refuse it, log it
                log.warning("unreadable request to %s: %s", path, error)
                start_response("400 Bad Request", [("Content-Type", "text/plain")])
                return [b"bad request\n"]
        if path == "/healthz":
            try:
                with services.engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
            except Exception as error:  # the database is the one thing a replica needs
                log.warning("health check failed: %s", error)
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"database unavailable\n"]
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        if path == "/metrics":
            start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST)])
            return [generate_latest(services.metrics.registry)]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]

    return application


class HttpServer:
    """waitress serving the app on one host and port (port 0 picks a free one)."""

    def __init__(self, app: App, services: Services, *, host: str = "127.0.0.1", port: int = 3000,
                 threads: int = 8) -> None:
        self._server = create_server(wsgi_app(app, services), host=host, port=port,
                                     threads=threads, ident="coseller")
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://{self._server.effective_host}:{self._server.effective_port}"

    def start(self) -> HttpServer:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self._server.run, daemon=True, name="http")
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted."""
        self._server.run()

    def stop(self) -> None:
        """Stop serving. A running server is closed inside its own loop: closed from another
        thread, its socket would be pulled from under the loop's select() (EBADF there)."""
        thread = self._thread
        if thread is None or not thread.is_alive():
            self._server.close()
            return
        try:
            self._server.trigger.pull_trigger(self._server.close)
        except OSError:  # the loop already closed its trigger: it is stopping anyway
            log.debug("server trigger already closed")
        thread.join(timeout=5)
