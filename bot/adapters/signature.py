"""Slack's request signature, checked on the raw bytes before anything reads the request.

    check = SignatureCheck(secret)
    why = check.refusal(body, timestamp, signature, retried_by_slack=is_json)
    if why is not None:    # refuse with 401, log `why` (never the body)

Slack signs `v0:<timestamp>:<body>` with the app's signing secret (HMAC-SHA256). The headers are
attacker-controlled until the signature matches, so their shape is checked before any
arithmetic: a timestamp of ASCII digits within five minutes of now, a signature `v0=` and 64
hexadecimal digits. The comparison itself is slack_sdk's `SignatureVerifier`. A signed request
seen again within its five minutes is a replay: commands and interactions (form bodies; Slack
never retries them) are refused, while Events API bodies pass on to the event-id deduplication
(Slack retries events, and a retry must not be lost).
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable

from slack_sdk.signature import Clock, SignatureVerifier

__all__ = ["WINDOW_SECONDS", "SignatureCheck"]

WINDOW_SECONDS = 5 * 60
_TIMESTAMP = re.compile(r"[0-9]{1,12}", re.ASCII)
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}", re.ASCII)


class _Clock(Clock):
    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()


class SignatureCheck:
    """Slack's v0 signature check with a replay memory of the last five minutes."""

    def __init__(self, secret: str, *, now: Callable[[], float] = time.time) -> None:
        self._now = now
        self._verifier = SignatureVerifier(secret, clock=_Clock(now))
        self._seen: dict[str, float] = {}
        self._order: deque[tuple[float, str]] = deque()
        self._lock = threading.Lock()

    def refusal(self, body: bytes, timestamp: str | None, signature: str | None, *,
                retried_by_slack: bool) -> str | None:
        """None for a genuine request; else why it is refused (safe to log: no body).
        `retried_by_slack`: the body is an Events API callback, which Slack may send again."""
        if not timestamp or not signature:
            return "no signature" if not signature else "no timestamp"
        if not _TIMESTAMP.fullmatch(timestamp):
            return "malformed timestamp"
        if not _SIGNATURE.fullmatch(signature):
            return "malformed signature or another scheme"
        now = self._now()
        if abs(now - int(timestamp)) > WINDOW_SECONDS:
            return "timestamp outside five minutes"
        try:
            valid = self._verifier.is_valid(body, timestamp, signature)
        except (ValueError, UnicodeDecodeError):   # a body that is not UTF-8 was not signed
            valid = False
        if not valid:
            return "wrong signature"
        if self._replayed(signature, now) and not retried_by_slack:
            return "replayed"
        return None

    def _replayed(self, signature: str, now: float) -> bool:
        """True when `signature` was already seen in the last five minutes (twice the window:
        a request stamped up to five minutes ahead stays valid that much longer)."""
        with self._lock:
            while self._order and self._order[0][0] < now:
                expiry, old = self._order.popleft()
                if self._seen.get(old) == expiry:
                    del self._seen[old]
            if signature in self._seen:
                return True
            expiry = now + 2 * WINDOW_SECONDS
            self._seen[signature] = expiry
            self._order.append((expiry, signature))
            return False
