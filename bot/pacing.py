"""Pacing: Coseller keeps to Slack's limits itself, so that its own pace never earns a 429.

Token buckets, within this process: one per channel for posts (Slack allows about one message a
second per channel, with a short burst) and one per workspace and method for the tiered methods
(`chat.update` is Tier 3: about 50 a minute). A little under Slack's published rates (`MARGIN`),
because a request's arrival at Slack drifts from when it was paced by a few milliseconds. Slack's
429s, which the outbox honours, pace replicas among themselves and limits this table cannot see.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["MARGIN", "POSTS", "TIERS", "Paced", "Pacer", "PacingRound", "Rate", "slack_pacer"]

MARGIN = 0.95  # of Slack's published rate


@dataclass(frozen=True)
class Rate:
    """A limit: `per_minute` sustained, `burst` at once."""

    per_minute: float
    burst: float = 1.0

    @property
    def interval(self) -> float:
        """Seconds between two calls at the sustained rate."""
        return 60.0 / self.per_minute


POSTS = Rate(60.0, 2.0)  # chat.postMessage, per channel
_TIER = {2: Rate(20.0, 3.0), 3: Rate(50.0, 5.0), 4: Rate(100.0, 10.0)}
TIERS: dict[str, Rate] = {  # per workspace and method (api.slack.com/apis/rate-limits)
    method: _TIER[tier] for method, tier in {
        "chat.update": 3, "chat.delete": 3, "conversations.open": 3, "conversations.history": 3,
        "conversations.replies": 3, "conversations.info": 3, "conversations.members": 4,
        "chat.postEphemeral": 4, "views.open": 4, "views.update": 4, "views.push": 4,
        "views.publish": 4, "users.info": 4}.items()}


class Paced(Exception):  # noqa: N818 - a signal, not an error
    """A call that may not go yet: `wait` seconds before it may."""

    def __init__(self, method: str, wait: float) -> None:
        super().__init__(f"{method} paced for {wait:.2f} s")
        self.method = method
        self.wait = wait


class _Bucket:
    """A token bucket (as a virtual schedule): when the next call may go, and taking it."""

    def __init__(self, rate: Rate) -> None:
        self.interval = rate.interval
        self.burst = max(1.0, rate.burst)
        self.ready_at = 0.0  # when the bucket is full again (nothing owed before this)

    def wait(self, now: float) -> float:
        """Seconds before a call may go (0: now)."""
        wait = self.ready_at - (self.burst - 1.0) * self.interval - now
        return wait if wait > 1e-6 else 0.0  # not a rounding error's wait

    def take(self, now: float) -> None:
        self.ready_at = max(self.ready_at, now) + self.interval

    def copy(self) -> _Bucket:
        twin = _Bucket.__new__(_Bucket)
        twin.interval, twin.burst, twin.ready_at = self.interval, self.burst, self.ready_at
        return twin


class Pacer:
    """When the next call to a channel, or of a workspace's method, may go.

    `interval` is the seconds between two posts to one channel (0: no pacing at all, as in tests
    and the console); `burst` how many may go at once; `tiers` the workspace methods' limits;
    `clock` the seconds they count in (a test's clock, where the fake Slack counts in it too).
    """

    def __init__(self, interval: float = 1.0, *, burst: float = 1.0,
                 tiers: dict[str, Rate] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self.clock = clock
        self.posts = Rate(60.0 / interval, burst) if interval > 0 else None
        self.tiers = tiers or {}
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._lock = threading.Lock()
        # held while a round is prepared and its places taken: two rounds of one process never
        # plan the same places (a round's plan counts only its own and those taken before)
        self.preparing = threading.Lock()

    def _keys(self, channel: str, team: str | None, method: str) -> list[tuple[tuple[str, str], Rate]]:
        if self.posts is None:
            return []
        keys = []
        if method == "chat.postMessage":
            keys.append((("channel", channel), self.posts))
        rate = self.tiers.get(method)
        if rate is not None:
            keys.append(((team or "-", method), rate))
        return keys

    def take(self, channel: str, *, team: str | None = None, method: str = "chat.postMessage",
             now: float | None = None) -> float:
        """Take a call's place now and return 0, or return how many seconds to wait (nothing
        taken): the call must not go before then."""
        keys = self._keys(channel, team, method)
        if not keys:
            return 0.0
        at = self.clock() if now is None else now
        with self._lock:
            buckets = [self._bucket(key, rate) for key, rate in keys]
            wait = max(bucket.wait(at) for bucket in buckets)
            if wait > 0:
                return wait
            for bucket in buckets:
                bucket.take(at)
        return 0.0

    def round(self) -> PacingRound:
        """Places taken for a round of calls that all go together, later (`PacingRound`)."""
        return PacingRound(self)

    def _bucket(self, key: tuple[str, str], rate: Rate) -> _Bucket:
        return self._buckets.setdefault(key, _Bucket(rate))

    def interval_of(self, channel: str, *, team: str | None = None,
                    method: str = "chat.postMessage") -> float:
        """The sustained seconds between two calls like this one (0 when none is paced): how far
        apart calls that must wait are put."""
        buckets = [_Bucket(rate) for _, rate in self._keys(channel, team, method)]
        return max((b.interval for b in buckets), default=0.0)

    def wait_for(self, channel: str) -> float:
        """Seconds before `channel` may receive another post (0 when it may now)."""
        keys = self._keys(channel, None, "chat.postMessage")
        now = self.clock()
        with self._lock:
            return max((self._buckets[key].wait(now) for key, _ in keys
                        if key in self._buckets), default=0.0)


class PacingRound:
    """The places of a round's calls, decided while the round is prepared and taken when its
    calls go (`commit`): a place taken while the round was still being prepared would count
    from too early, and Slack, which counts from each call's arrival, would see a burst."""

    def __init__(self, pacer: Pacer) -> None:
        self.pacer = pacer
        self._planned: dict[tuple[str, str], _Bucket] = {}
        self._taken: list[tuple[tuple[str, str], Rate]] = []

    def take(self, channel: str, *, team: str | None = None, method: str = "chat.postMessage",
             now: float | None = None) -> float:
        """As `Pacer.take`, counting the places this round took already."""
        keys = self.pacer._keys(channel, team, method)
        if not keys:
            return 0.0
        at = self.pacer.clock() if now is None else now
        with self.pacer._lock:
            buckets = [self._planned.get(key) or self._planned.setdefault(
                key, self.pacer._bucket(key, rate).copy()) for key, rate in keys]
        wait = max(bucket.wait(at) for bucket in buckets)
        if wait > 0:
            return wait
        for bucket in buckets:
            bucket.take(at)
        self._taken.extend(keys)
        return 0.0

    def wait(self, channel: str, *, team: str | None = None,
             method: str = "chat.postMessage") -> float:
        """Seconds before such a call may go, counting this round's places (nothing taken)."""
        keys = self.pacer._keys(channel, team, method)
        at = self.pacer.clock()
        with self.pacer._lock:
            return max(((self._planned.get(key) or self.pacer._bucket(key, rate)).wait(at)
                        for key, rate in keys), default=0.0)

    def commit(self) -> None:
        """The round's calls go now: their places are taken from this instant."""
        at = self.pacer.clock()
        with self.pacer._lock:
            for key, rate in self._taken:
                self.pacer._bucket(key, rate).take(at)
        self._taken.clear()


def _under(rate: Rate) -> Rate:
    return Rate(rate.per_minute * MARGIN, rate.burst)


def slack_pacer(clock: Callable[[], float] = time.monotonic) -> Pacer:
    """Slack's own pace, a little under it: posts at about one a second per channel with a burst
    of two, and the tiers."""
    return Pacer(_under(POSTS).interval, burst=POSTS.burst, clock=clock,
                 tiers={method: _under(rate) for method, rate in TIERS.items()})
