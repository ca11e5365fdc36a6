"""HTTP: Bolt's WSGI adapter behind waitress, with `/healthz` and `/metrics` beside `/slack/events`.

    server = HttpServer(app, services, host="127.0.0.1", port=3000).start()

Nothing in a request to `/slack/events` is parsed, answered, logged or acted on before its
signature is verified here, on the raw bytes (`bot.adapters.signature`): a missing, malformed,
stale or wrong signature is a 401 and Bolt never sees the request. Bolt's own verification stays
on behind it, a second lock. The OAuth paths are not signed by Slack: only their GETs reach
Bolt's OAuth flow (its state parameter), never a listener.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text
from waitress.server import create_server

from bot.adapters.ack_first import OpenedOnClose, responding
from bot.adapters.signature import SignatureCheck
from bot.config import ConfigError

if TYPE_CHECKING:
    from bot.services import Services

__all__ = ["HttpServer", "wsgi_app"]

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
OAUTH_PATHS = ("/slack/install", "/slack/oauth_redirect")
MAX_BODY = 8 * 1024 * 1024   # far above any Slack payload


def _plain(start_response: Any, status: str, text: str) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain")])
    return [text.encode()]


def _body(environ: dict[str, Any]) -> bytes | None:
    """The raw body as sent (None when its length is unusable or too large)."""
    length = str(environ.get("CONTENT_LENGTH") or "0")
    if not length.isdecimal() or int(length) > MAX_BODY:
        return None
    stream = environ.get("wsgi.input")
    return stream.read(int(length)) if stream is not None and int(length) else b""


WsgiApp = Callable[[dict[str, Any], Any], Iterable[bytes]]


def _events(slack: SlackRequestHandler, check: SignatureCheck) -> WsgiApp:
    """`/slack/events`: the signature verified on the raw bytes, then Bolt."""

    def handle(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return _plain(start_response, "405 Method Not Allowed", "method not allowed\n")
        body = _body(environ)
        if body is None:
            return _plain(start_response, "413 Payload Too Large", "too large\n")
        events_api = (environ.get("CONTENT_TYPE") == "application/json"
                      or body.startswith(b"{"))   # Bolt reads a body as JSON on either
        why = check.refusal(body, environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
                            environ.get("HTTP_X_SLACK_SIGNATURE"), retried_by_slack=events_api)
        if why is not None:   # the body is nobody's yet: not parsed, not logged
            log.warning("refused an unverified request from %s: %s",
                        environ.get("REMOTE_ADDR", "?"), why)
            start_response("401 Unauthorized", [("Content-Type", "application/json")])
            return [b'{"error": "invalid request"}']    # what Bolt's own check answers
        verified = dict(environ)
        verified["wsgi.input"] = io.BytesIO(body)
        verified["CONTENT_LENGTH"] = str(len(body))
        try:
            with responding() as gate:   # lazy work waits for this response to be out
                answer = slack(verified, start_response)
            return OpenedOnClose(answer, gate)
        except Exception as error:  # a signed body Bolt cannot parse: refuse it, log it
            log.warning("unreadable signed request: %s", error)
            return _plain(start_response, "400 Bad Request", "bad request\n")

    return handle


def wsgi_app(app: App, services: Services, *, now: Callable[[], float] = time.time) -> Any:
    """The WSGI application: Slack's paths to Bolt, plus health and metrics. `now` is the wall
    clock the signatures' timestamps are checked against."""
    secret = services.settings.signing_secret
    if not secret:
        raise ConfigError("SLACK_SIGNING_SECRET: needed to verify Slack's requests over HTTP")
    slack = SlackRequestHandler(app, path=EVENTS_PATH)
    events = _events(slack, SignatureCheck(secret, now=now))

    def application(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == EVENTS_PATH:
            return events(environ, start_response)
        if path in OAUTH_PATHS and environ.get("REQUEST_METHOD") == "GET" \
                and app.oauth_flow is not None:   # Bolt's OAuth flow: its state parameter
            return slack(environ, start_response)
        if path == "/healthz":
            try:
                with services.engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
            except Exception as error:  # the database is the one thing a replica needs
                log.warning("health check failed: %s", error)
                return _plain(start_response, "503 Service Unavailable", "database unavailable\n")
            return _plain(start_response, "200 OK", "ok\n")
        if path == "/metrics":
            start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST)])
            return [generate_latest(services.metrics.registry)]
        return _plain(start_response, "404 Not Found", "not found\n")

    return application


class HttpServer:
    """waitress serving the app on one host and port (port 0 picks a free one)."""

    def __init__(self, app: App, services: Services, *, host: str = "127.0.0.1", port: int = 3000,
                 threads: int = 8, now: Callable[[], float] = time.time) -> None:
        self._server = create_server(wsgi_app(app, services, now=now), host=host, port=port,
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
