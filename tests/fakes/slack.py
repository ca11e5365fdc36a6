"""The tests' fake Slack Web API: the console's local Slack plus faults on demand.

    with FakeSlack() as slack:
        slack.fail("chat.postMessage", status=429, retry_after=1)

Everything the local Slack does (record every call, answer like Slack, keep messages, take
`response_url` posts) and, for the reliability tests and benchmarks, failures: the next calls of
a method answer 429 with `Retry-After`, a 5xx, or only after a delay (to provoke a client
timeout). Only tests need faults, so they live here and not in `bot/`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from bot.console.local_slack import Call, Intercepted, LocalSlack

__all__ = ["Call", "FakeSlack"]


@dataclass
class _Fault:
    status: int
    retry_after: int | None
    delay: float
    times: int


class FakeSlack(LocalSlack):
    """A `LocalSlack` that fails on demand (`fail`)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host, port)
        self._faults: dict[str, list[_Fault]] = {}
        self.members: dict[str, list[str]] = {}
        self.members_page = 2  # Slack pages conversations.members; so does the fake, by little
        self.refreshes: list[str] = []  # refresh tokens used with oauth.v2.access
        self.token_lifetime = 43200  # seconds a rotated token lasts (Slack: 12 hours)

    def _refresh(self, args: dict[str, Any]) -> dict[str, Any]:
        """`oauth.v2.access` with `grant_type=refresh_token`: a new bot token and refresh token
        and their lifetime, as Slack answers for an app with token rotation on."""
        with self._lock:
            self.refreshes.append(str(args.get("refresh_token")))
            n = len(self.refreshes)
        return {"ok": True, "app_id": "A0COSELL", "token_type": "bot", "scope": "chat:write",
                "access_token": f"xoxe.xoxb-1-rotated-{n}", "refresh_token": f"xoxe-1-next-{n}",
                "expires_in": self.token_lifetime, "bot_user_id": self.bot_user_id,
                "team": {"id": self.team_id, "name": "Coseller Test"}, "enterprise": None,
                "is_enterprise_install": False}

    def set_members(self, channel: str, users: list[str]) -> None:
        """Who `conversations.members` says is in `channel` (paged by `members_page`)."""
        with self._lock:
            self.members[channel] = list(users)

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """Slack's answer; `conversations.members` from `members`, a page at a time: at most
        `limit` (and `members_page`) users, with `response_metadata.next_cursor` until the last
        page (an empty cursor, as Slack ends)."""
        if method == "oauth.v2.access" and args.get("grant_type") == "refresh_token":
            return self._refresh(args)
        if method != "conversations.members":
            return super().answer(method, args)
        with self._lock:
            users = list(self.members.get(str(args.get("channel") or ""), []))
        start = int(str(args.get("cursor") or "0").removeprefix("page:") or 0)
        size = min(int(args.get("limit") or 100), self.members_page)
        end = start + size
        return {"ok": True, "members": users[start:end],
                "response_metadata": {"next_cursor": f"page:{end}" if end < len(users) else ""}}

    def start(self) -> FakeSlack:
        """Serve in a background thread."""
        super().start()
        return self

    def __enter__(self) -> FakeSlack:
        return self.start()

    def fail(self, method: str, *, status: int = 500, retry_after: int | None = None,
             delay: float = 0.0, times: int = 1) -> None:
        """Make the next `times` calls of `method` fail with `status` (429 with Retry-After)."""
        with self._lock:
            self._faults.setdefault(method, []).append(_Fault(status, retry_after, delay, times))

    def reset(self) -> None:
        """Forget every call, message and pending fault."""
        super().reset()
        with self._lock:
            self._faults.clear()

    def _fault(self, method: str) -> _Fault | None:
        with self._lock:
            queue = self._faults.get(method) or []
            if not queue:
                return None
            fault = queue[0]
            fault.times -= 1
            if fault.times <= 0:
                queue.pop(0)
            return fault

    def intercept(self, method: str) -> Intercepted | None:
        """The pending fault of `method`, if any: a delay, then a 429 or 5xx (or, with a status
        below 429, Slack's usual answer after the delay)."""
        fault = self._fault(method)
        if fault is None:
            return None
        if fault.delay:
            time.sleep(fault.delay)
        if fault.status == 429:
            return Intercepted(429, {"ok": False, "error": "ratelimited"},
                               {"Retry-After": str(fault.retry_after or 1)})
        if fault.status >= 500:
            return Intercepted(fault.status, {"ok": False, "error": "fatal_error"})
        return None
