"""A fake Slack that behaves like Slack: slow answers, Slack's rate limits, several workspaces,
paged history with metadata, and faults that strike after a post was stored.

    with SlackLike(teams=("T1", "T2"), latency=0.15, jitter=0.05) as slack:
        client = WebClient(token=slack.token_of("T1"), base_url=slack.api_url)
        slack.after_store("chat.postMessage", "reset")     # stored, then the connection reset

The plain fake (`tests.fakes.slack.FakeSlack`) answers at once and never limits anyone, so a
client that is slow, sequential or careless about limits and ambiguous failures looks fine
against it. This one answers after `latency` +/- `jitter` seconds (seeded), limits each channel's
posts (about one a second with a small burst) and each workspace's methods by Slack's tiers
(Tier 3, `chat.update` and `conversations.open`: about 50 a minute) with 429 and `Retry-After`,
knows which workspace a token and a channel belong to (an unknown token is `not_authed`, a token
of another workspace gets `channel_not_found`), pages `conversations.history` and `replies` by
`cursor` (metadata only with `include_all_metadata`), and counts what it stored per idempotency
key (message metadata `event_payload.key`) and calls per method and channel, so a test can say:
none missing, none doubled. Limits run on `clock` (real seconds by default; a test running its
workers in virtual time passes that clock, so that `Retry-After` means the same to both).
"""

from __future__ import annotations

import contextlib
import math
import random
import socket
import struct
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlparse

from bot.console.local_slack import Call
from tests.fakes.slack import FakeSlack

__all__ = ["TIER_OF", "Limit", "SlackLike"]

POST = "chat.postMessage"
SLOW = "__slow__"  # marks a stored message answered only after a hold


@dataclass(frozen=True)
class Limit:
    """A token bucket: `per_minute` sustained, `burst` at once."""

    per_minute: float
    burst: float = 1.0

    @property
    def per_second(self) -> float:
        return self.per_minute / 60.0


# Slack's published tiers (per workspace and method, per minute) and the methods Coseller calls
TIERS = {1: Limit(1, 1), 2: Limit(20, 3), 3: Limit(50, 5), 4: Limit(100, 10)}
TIER_OF = {"chat.update": 3, "chat.delete": 3, "conversations.open": 3,
           "conversations.history": 3, "conversations.replies": 3, "conversations.members": 4,
           "conversations.info": 3, "users.info": 4, "chat.postEphemeral": 4, "views.open": 4,
           "views.update": 4, "views.push": 4, "views.publish": 4, "auth.test": 4}
CHANNEL_POSTS = Limit(60, 2)  # chat.postMessage: about one a second per channel, a small burst


@dataclass
class _Bucket:
    limit: Limit
    tokens: float
    at: float

    def take(self, now: float) -> float:
        """0 when a call may go now (and take a token), else seconds until it may."""
        self.tokens = min(self.limit.burst, self.tokens + (now - self.at) * self.limit.per_second)
        self.at = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.limit.per_second


@dataclass
class _AfterStore:
    kind: str  # "500", "hang" (answer after `hold` seconds), "reset" (connection reset)
    times: int
    hold: float
    channel: str | None


@dataclass
class Counts:
    """What the fake saw: calls per method and channel, 429s, chat.update calls per message."""

    calls: Counter[tuple[str, str]] = field(default_factory=Counter)
    limited: Counter[str] = field(default_factory=Counter)
    updates: Counter[tuple[str, str]] = field(default_factory=Counter)
    updated_at: dict[tuple[str, str], float] = field(default_factory=dict)  # last, monotonic
    refused: Counter[str] = field(default_factory=Counter)  # not_authed, channel_not_found


class SlackLike(FakeSlack):
    """Start with `with SlackLike(...) as slack:`; point clients at `slack.api_url`."""

    def __init__(self, teams: tuple[str, ...] = ("T0COSELL",), *, latency: float = 0.0,
                 jitter: float = 0.0, seed: int = 13, page_size: int = 200,
                 channel_posts: Limit | None = CHANNEL_POSTS,
                 tiers: dict[int, Limit] | None = None, limits: bool = True,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.team_id = teams[0]
        self.teams = teams
        self.latency, self.jitter = latency, jitter
        self.page_size = page_size
        self.channel_posts = channel_posts if limits else None
        self.tiers = (tiers or TIERS) if limits else {}
        self.clock = clock
        self.tokens: dict[str, str | None] = {self.token_of(t): t for t in teams}
        self.channel_teams: dict[str, str] = {}
        self.counts = Counts()
        self.ephemerals: list[tuple[float, dict[str, Any]]] = []  # (monotonic, args)
        self.stored_at: dict[str, float] = {}  # idempotency key -> monotonic of its first store
        self.holding = 0  # answers held back right now (a post stored, its answer not sent)
        self.held = 0  # answers held back so far
        self._rng = random.Random(seed)
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._after: dict[str, list[_AfterStore]] = {}
        self._chaos: dict[str, tuple[float, tuple[str, ...], float]] = {}
        self._chaos_rng = random.Random(seed + 1)

    # -- controls ---------------------------------------------------------------------------

    @staticmethod
    def token_of(team: str) -> str:
        """The bot token of a workspace."""
        return f"xoxb-{team}"

    def accept_everywhere(self, token: str) -> None:
        """A token good in every workspace (one bot token, as a single-workspace app has)."""
        self.tokens[token] = None

    def place(self, channel: str, team: str) -> None:
        """Say which workspace `channel` belongs to (default: the token's, else the first)."""
        self.channel_teams[channel] = team

    def after_store(self, method: str, kind: str, *, times: int = 1, hold: float = 0.0,
                    channel: str | None = None) -> None:
        """The next `times` calls of `method` (in `channel`) act (a post is stored), then fail:
        `500`, `hang` (the answer comes `hold` seconds later: a client's timeout) or `reset`."""
        assert kind in ("500", "hang", "reset"), kind
        with self._lock:
            self._after.setdefault(method, []).append(_AfterStore(kind, times, hold, channel))

    def chaos(self, method: str, probability: float, kinds: tuple[str, ...] = ("500", "reset"),
              hold: float = 0.5) -> None:
        """From now on, each call of `method` fails after its store with `probability` (seeded),
        in one of `kinds` at random; probability 0 stops it."""
        with self._lock:
            self._chaos[method] = (probability, kinds, hold)

    def add_replies(self, channel: str, thread_ts: str, count: int, *,
                    user: str = "U0SOMEONE") -> None:
        """`count` people's replies in a thread (to make it longer than a page)."""
        for _ in range(count):
            self.add_message(channel, user=user, text="...", ts=self._next_ts(),
                             thread_ts=thread_ts)

    # -- what it saw ------------------------------------------------------------------------

    def posted(self) -> Counter[str]:
        """Messages stored, counted per idempotency key (none missing, none doubled)."""
        with self._lock:
            messages = [m for channel in self.messages.values() for m in channel]
        return Counter(str(k) for m in messages
                       if (k := ((m.get("metadata") or {}).get("event_payload") or {}).get("key")))

    def calls_by_method(self) -> Counter[str]:
        """Calls received per method (whatever the answer)."""
        with self._lock:
            return Counter(method for method, _ in self.counts.calls.elements())

    def rate_limited(self) -> int:
        """429s answered."""
        with self._lock:
            return sum(self.counts.limited.values())

    def forget_calls(self) -> None:
        """Drop the recorded calls (a benchmark's memory), keeping messages and counts."""
        with self._lock:
            self.calls.clear()

    # -- Slack's behaviour ------------------------------------------------------------------

    def _team(self, token: str | None, channel: str) -> tuple[str | None, str | None]:
        """(the workspace of the call, an error) from its token and channel."""
        if token not in self.tokens:
            return None, "not_authed"
        own = self.tokens[token]
        where = self.channel_teams.get(channel) or own or self.team_id
        if own is not None and channel and where != own:
            return None, "channel_not_found"
        return where, None

    def _limited(self, method: str, team: str, channel: str) -> float:
        """Seconds to wait (a 429) or 0, charging the buckets the call falls under."""
        now = self.clock()
        keys: list[tuple[tuple[str, str], Limit]] = []
        if method == POST and self.channel_posts is not None and channel:
            keys.append(((POST, channel), self.channel_posts))
        tier = TIER_OF.get(method)
        if tier is not None and tier in self.tiers:
            keys.append(((method, team), self.tiers[tier]))
        with self._lock:
            for key, limit in keys:
                bucket = self._buckets.setdefault(key, _Bucket(limit, limit.burst, now))
                wait = bucket.take(now)
                if wait > 0:
                    self.counts.limited[method] += 1
                    return wait
        return 0.0

    def _fault_after(self, method: str, channel: str) -> _AfterStore | None:
        with self._lock:
            queue = self._after.get(method) or []
            for fault in queue:
                if fault.channel is None or fault.channel == channel:
                    fault.times -= 1
                    if fault.times <= 0:
                        queue.remove(fault)
                    return fault
            probability, kinds, hold = self._chaos.get(method, (0.0, (), 0.0))
            if probability and self._chaos_rng.random() < probability:
                return _AfterStore(self._chaos_rng.choice(kinds), 1, hold, None)
        return None

    def _pages(self, found: list[dict[str, Any]], args: dict[str, Any]) -> dict[str, Any]:
        start = int(str(args.get("cursor") or "0").removeprefix("at:") or 0)
        size = max(1, min(int(args.get("limit") or 100), self.page_size))
        page = found[start:start + size]
        if str(args.get("include_all_metadata")).lower() not in ("true", "1"):
            page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
        more = start + size < len(found)
        return {"ok": True, "messages": page, "has_more": more,
                "response_metadata": {"next_cursor": f"at:{start + size}" if more else ""}}

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """Slack's answer, with history and replies paged and metadata on request."""
        channel = str(args.get("channel") or "")
        if method == "conversations.history":
            with self._lock:
                found = [dict(m) for m in reversed(self.messages.get(channel, []))
                         if not m.get("thread_ts") or m.get("thread_ts") == m.get("ts")]
            return self._pages(found, args)
        if method == "conversations.replies":
            with self._lock:
                found = [dict(m) for m in self.messages.get(channel, [])
                         if m["ts"] == args.get("ts") or m.get("thread_ts") == args.get("ts")]
            return self._pages(found, args)
        if method == "chat.update":
            with self._lock:
                self.counts.updates[channel, str(args.get("ts"))] += 1
                self.counts.updated_at[channel, str(args.get("ts"))] = time.monotonic()
        if method == "chat.postEphemeral":
            with self._lock:
                self.ephemerals.append((time.monotonic(), dict(args)))
        answer = super().answer(method, args)
        if method == POST and answer.get("ok"):
            key = ((args.get("metadata") or {}).get("event_payload") or {}).get("key")
            if key:
                with self._lock:
                    self.stored_at.setdefault(str(key), time.monotonic())
        return answer

    def _pause(self) -> None:
        if self.latency or self.jitter:
            with self._lock:
                delay = self.latency + self._rng.uniform(-self.jitter, self.jitter)
            time.sleep(max(0.0, delay))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self
        base = super()._handler()

        class Handler(base):  # type: ignore[valid-type,misc]
            def _handle(self) -> None:
                path = urlparse(self.path).path
                if not path.startswith("/api/"):
                    super()._handle()  # response_url and the rest: as the plain fake
                    return
                method = path[len("/api/"):]
                args = self._args()
                channel = str(args.get("channel") or "")
                auth = self.headers.get("Authorization", "")
                token = auth.removeprefix("Bearer ").strip() or args.get("token")
                with fake._lock:
                    fake.calls.append(Call(method, args, dict(self.headers.items())))
                    fake.counts.calls[method, channel] += 1
                fake._pause()
                special = fake.intercept(method)  # the plain fake's faults (429 bursts, 5xx)
                if special is not None:
                    if special.status == 429:
                        with fake._lock:
                            fake.counts.limited[method] += 1
                    self._reply(special.status, special.body, special.headers)
                    return
                team, error = fake._team(token, channel)
                if error is not None or team is None:
                    with fake._lock:
                        fake.counts.refused[error or "?"] += 1
                    self._reply(200, {"ok": False, "error": error})
                    return
                wait = fake._limited(method, team, channel)
                if wait > 0:
                    self._reply(429, {"ok": False, "error": "ratelimited"},
                                {"Retry-After": str(max(1, math.ceil(wait)))})
                    return
                answer = fake.answer(method, args)
                fault = fake._fault_after(method, channel)
                if fault is None:
                    self._reply(200, answer)
                elif fault.kind == "500":
                    self._reply(500, {"ok": False, "error": "fatal_error"})
                elif fault.kind == "hang":
                    with fake._lock:
                        fake.holding += 1
                        fake.held += 1
                    time.sleep(fault.hold)
                    with fake._lock:
                        fake.holding -= 1
                    self._reply(200, answer)
                else:
                    self._reset()

            def _reply(self, status: int, data: dict[str, Any],
                       headers: dict[str, str] | None = None) -> None:
                with contextlib.suppress(OSError):  # the client gave up, or was killed
                    super()._reply(status, data, headers)

            def _reset(self) -> None:
                """Close the connection with a RST and no answer."""
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                               struct.pack("ii", 1, 0))
                    self.connection.close()

            def finish(self) -> None:
                with contextlib.suppress(OSError):
                    super().finish()

            do_GET = _handle  # noqa: N815
            do_POST = _handle  # noqa: N815

        return Handler

    def start(self) -> SlackLike:
        """Serve in a background thread."""
        super().start()
        return self

    def __enter__(self) -> SlackLike:
        return self.start()
