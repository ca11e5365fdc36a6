"""A local Slack Web API on loopback for the console: records every call and answers like Slack.

    with LocalSlack() as slack:
        client = WebClient(base_url=slack.api_url)

The console needs a Slack to talk to without a workspace. This one speaks the Web API's wire
format (form or JSON bodies, `Authorization: Bearer`), answers with realistic `ok`/`ts`/`channel`
fields, keeps the messages it was sent (with their metadata, so `conversations.history` can find
them again) and takes `response_url` posts at `/respond/<id>`. It never fails on purpose: the
tests' fault-injecting fake (`tests.fakes.slack.FakeSlack`) extends it through `intercept`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

__all__ = ["Call", "Intercepted", "LocalSlack"]


class _Server(ThreadingHTTPServer):
    """Slack takes every connection: a backlog of 5 (the standard library's) would reset the
    connections of a pool of senders before a word was said."""

    request_queue_size = 1024
    daemon_threads = True


@dataclass
class Call:
    """One request the fake received."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class Intercepted:
    """An answer that replaces Slack's usual one (a subclass's `intercept` returns it)."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class LocalSlack:
    """Start with `with LocalSlack() as slack:`; point clients at `slack.api_url`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.calls: list[Call] = []
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.team_id = "T0COSELL"
        self.bot_user_id = "U0COSELLBOT"
        self._lock = threading.Lock()
        self._ts = int(time.time())
        self._counter = 0
        self._server = _Server((host, port), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The server's base URL."""
        host, port = self._server.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        return f"http://{name}:{port}"

    @property
    def api_url(self) -> str:
        """The Web API base URL for `WebClient(base_url=...)`."""
        return f"{self.url}/api/"

    def start(self) -> LocalSlack:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="local-slack")
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- controls ---------------------------------------------------------------------------

    def add_user(self, user_id: str, *, locale: str = "en-US", tz: str = "UTC",
                 name: str | None = None) -> None:
        """A user `users.info` knows."""
        self.users[user_id] = {"id": user_id, "name": name or user_id, "locale": locale,
                               "tz": tz, "team_id": self.team_id}

    def add_message(self, channel: str, *, user: str, text: str, ts: str,
                    thread_ts: str | None = None) -> None:
        """A message a person wrote (the console's user), kept as Slack keeps it: in the
        channel's history and its thread's replies, beside the bot's posts."""
        with self._lock:
            self.messages.setdefault(channel, []).append(
                {"ts": ts, "text": text, "blocks": None, "thread_ts": thread_ts,
                 "metadata": None, "user": user})

    def replies(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """The replies in a thread (not its parent), oldest first."""
        with self._lock:
            return [dict(m) for m in self.messages.get(channel, [])
                    if m.get("thread_ts") == thread_ts and m.get("ts") != thread_ts]

    def calls_of(self, method: str) -> list[Call]:
        """The recorded calls of one method."""
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def iter_payloads(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every recorded call's method and arguments."""
        with self._lock:
            calls = list(self.calls)
        for call in calls:
            yield call.method, call.args

    def reset(self) -> None:
        """Forget every call and message."""
        with self._lock:
            self.calls.clear()
            self.messages.clear()

    # -- answers ----------------------------------------------------------------------------

    def _next_ts(self) -> str:
        with self._lock:
            self._counter += 1
            return f"{self._ts}.{self._counter:06d}"

    def intercept(self, method: str) -> Intercepted | None:
        """A different answer to this call of `method`, or None for Slack's usual one.

        The local Slack always answers normally; a test fake overrides this to inject faults.
        """
        return None

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """What Slack would answer to `method` (for the methods Coseller uses)."""
        channel = str(args.get("channel") or "")
        if method == "auth.test":
            return {"ok": True, "user_id": self.bot_user_id, "bot_id": "B0COSELL",
                    "team_id": self.team_id, "team": "Coseller Test", "url": "https://x/"}
        if method == "chat.postMessage":
            ts = self._next_ts()
            message = {"ts": ts, "text": args.get("text", ""), "blocks": args.get("blocks"),
                       "thread_ts": args.get("thread_ts"), "metadata": args.get("metadata"),
                       "user": self.bot_user_id}
            with self._lock:
                self.messages.setdefault(channel, []).append(message)
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "chat.update":
            with self._lock:
                for message in self.messages.get(channel, []):
                    if message["ts"] == args.get("ts"):
                        message.update(text=args.get("text", ""), blocks=args.get("blocks"))
            return {"ok": True, "channel": channel, "ts": args.get("ts"),
                    "text": args.get("text", "")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method in ("views.open", "views.update", "views.push", "views.publish"):
            return {"ok": True, "view": {"id": f"V{self._counter:08d}",
                                         **(args.get("view") or {})}}
        if method == "conversations.open":
            users = str(args.get("users", "")).split(",")[0]
            return {"ok": True, "channel": {"id": f"D{users}"}}
        if method == "conversations.history":
            with self._lock:
                found = list(reversed(self.messages.get(channel, [])))
            return {"ok": True, "messages": found, "has_more": False}
        if method == "conversations.replies":
            with self._lock:
                found = [m for m in self.messages.get(channel, [])
                         if m["ts"] == args.get("ts") or m.get("thread_ts") == args.get("ts")]
            return {"ok": True, "messages": found, "has_more": False}
        if method == "users.info":
            user = self.users.get(str(args.get("user")))
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "user": user}
        return {"ok": True}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                return

            def _args(self) -> dict[str, Any]:
                parsed = urlparse(self.path)
                args: dict[str, Any] = {k: v[0] for k, v in parse_qs(parsed.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                kind = self.headers.get("Content-Type", "")
                if body and "json" in kind:
                    args.update(json.loads(body))
                elif body:
                    for key, values in parse_qs(body.decode()).items():
                        value = values[0]
                        if key in ("blocks", "attachments", "view", "metadata"):
                            try:
                                args[key] = json.loads(value)
                                continue
                            except ValueError:
                                pass
                        args[key] = value
                return args

            def _reply(self, status: int, data: dict[str, Any],
                       headers: dict[str, str] | None = None) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def _handle(self) -> None:
                path = urlparse(self.path).path
                args = self._args()
                if path.startswith("/respond/"):
                    method = "response_url"
                    args["response_url_id"] = path.rsplit("/", 1)[-1]
                elif path.startswith("/api/"):
                    method = path[len("/api/"):]
                else:
                    self._reply(404, {"ok": False, "error": "unknown_path"})
                    return
                with fake._lock:
                    fake.calls.append(Call(method, args, dict(self.headers.items())))
                special = fake.intercept(method)
                if special is not None:
                    self._reply(special.status, special.body, special.headers)
                    return
                if method == "response_url":
                    self._reply(200, {"ok": True})
                    return
                self._reply(200, fake.answer(method, args))

            do_GET = _handle  # noqa: N815 - http.server's naming
            do_POST = _handle  # noqa: N815

        return Handler
