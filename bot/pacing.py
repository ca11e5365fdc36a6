"""Pacing: about one message per second per Slack channel, within this process.

Slack's 429s, which the outbox honours, pace replicas among themselves.
"""

from __future__ import annotations

import threading
import time

__all__ = ["Pacer"]


class Pacer:
    """When each channel may receive its next message."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait_for(self, channel: str) -> float:
        """Seconds before `channel` may receive another message (0 when it may now)."""
        with self._lock:
            last = self._last.get(channel)
        return 0.0 if last is None else max(0.0, last + self.interval - time.monotonic())

    def sent(self, channel: str) -> None:
        """Note a message sent to `channel`."""
        with self._lock:
            self._last[channel] = time.monotonic()
