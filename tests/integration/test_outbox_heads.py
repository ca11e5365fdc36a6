"""The outbox never stalls and keeps each conversation's order (SQLite, and PostgreSQL when
configured): a claim takes only conversation heads, so rows waiting behind their predecessor
(a retry backoff, a card due after its notice, a head still leased by a dead worker) never take
the slots of other conversations; every row is sent, once, in its conversation's id order,
through 5xx after a store (reconciled, paging through the history), 5xx before it and 429s."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.errors import SlackApiError
from slack_sdk.web.slack_response import SlackResponse
from sqlalchemy import Engine, delete, select, update

from bot.config import Settings
from bot.outbox import deliver_round, enqueue
from bot.pacing import Pacer
from bot.services import Services
from rules.regions import RegionDirectory
from storage.db import make_session_factory
from storage.models import OutboxMessage, OutboxState

from .support import T0, FakeClock


@dataclass
class FakeChannels:
    """A Slack that stores posts per channel, pages its history two at a time, and fails on
    demand: `stored_then_500` (Slack kept the post, the answer was lost), `500` (not stored),
    `429` (Retry-After 3)."""

    faults: dict[str, list[str]] = field(default_factory=dict)
    posts: list[tuple[str, str]] = field(default_factory=list)  # (channel, key) in send order
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    page: int = 2

    def _fail(self, status: int) -> SlackApiError:
        response = SlackResponse(client=None, http_verb="POST", api_url="chat.postMessage",
                                 req_args={}, data={"ok": False, "error": "fatal_error"},
                                 headers={"Retry-After": "3"}, status_code=status)
        return SlackApiError("failed", response)

    def api_call(self, method: str, json: dict[str, Any]) -> Any:
        assert method == "chat.postMessage"
        key = json["metadata"]["event_payload"]["key"]
        fault = (self.faults.get(key) or [None]).pop(0) if self.faults.get(key) else None
        if fault == "500":
            raise self._fail(500)
        if fault == "429":
            raise self._fail(429)
        ts = f"1765000000.{len(self.posts) + 1:06d}"
        self.posts.append((json["channel"], key))
        self.history.setdefault(json["channel"], []).insert(
            0, {"ts": ts, "metadata": json["metadata"]})
        if fault == "stored_then_500":
            raise self._fail(502)
        return SimpleNamespace(data={"ok": True, "ts": ts, "channel": json["channel"]})

    def conversations_history(self, *, channel: str, cursor: str = "", limit: int = 200,
                              **_: Any) -> dict[str, Any]:
        items = self.history.get(channel, [])
        start = int(cursor or 0)
        end = start + min(limit, self.page)
        return {"ok": True, "messages": items[start:end],
                "response_metadata": {"next_cursor": str(end) if end < len(items) else ""}}

    def conversations_members(self, channel: str, **_: Any) -> dict[str, Any]:
        return {"members": [], "response_metadata": {"next_cursor": ""}}


@pytest.fixture
def services(migrated: Engine) -> Iterator[Services]:
    made = Services(settings=Settings(bot_token="xoxb-t"), engine=migrated,
                    factory=make_session_factory(migrated), regions=RegionDirectory({}),
                    client=None, clock=FakeClock(), pacer=Pacer(0.0))  # type: ignore[arg-type]
    yield made


Row = tuple[int, int, int, list[str]]  # conversation, due in seconds (-60..60), attempts, faults
rows_strategy = st.lists(st.tuples(
    st.integers(0, 3), st.integers(-60, 60), st.integers(0, 3),
    st.lists(st.sampled_from(["500", "429", "stored_then_500"]), max_size=2)),
    min_size=1, max_size=14)


def _run(services: Services, rows: list[Row], limit: int, leased: list[int]) -> FakeChannels:
    clock: FakeClock = services.clock  # type: ignore[assignment]
    clock.now = T0
    slack = FakeChannels()
    with services.uow("test") as uow:
        uow.session.execute(delete(OutboxMessage))
        for n, (conversation, due, attempts, faults) in enumerate(rows):
            key = f"m{n}"
            enqueue(uow, key=key, channel=f"conv{conversation}",
                    payload={"method": "chat.postMessage",
                             "args": {"channel": f"C{conversation}", "text": key}},
                    at=T0 + timedelta(seconds=due))
            slack.faults[key] = list(faults)
            uow.session.execute(update(OutboxMessage).where(
                OutboxMessage.idempotency_key == key).values(attempts=attempts))
        for n in leased:  # a head a dead worker still holds, until its lease runs out
            if n < len(rows):
                uow.session.execute(update(OutboxMessage).where(
                    OutboxMessage.idempotency_key == f"m{n}").values(
                    claimed_by="dead", claimed_until=T0 + timedelta(minutes=1)))
        uow.commit()
    for _ in range(400):
        deliver_round(services, slack, limit=limit)  # type: ignore[arg-type]
        with services.uow() as uow:
            pending = list(uow.session.scalars(select(OutboxMessage).where(
                OutboxMessage.state == OutboxState.PENDING)))
            if not pending:
                break
            # on to the next moment something changes: a row falls due or a lease runs out
            later = [t for m in pending for t in (m.next_attempt_at, m.claimed_until)
                     if t is not None and t > clock.now]
            clock.now = min(later, default=clock.now) + timedelta(milliseconds=1)
    return slack


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows_strategy, limit=st.integers(1, 4),
       leased=st.lists(st.integers(0, 13), max_size=2))
def test_every_row_is_sent_once_in_its_conversations_order(
        services: Services, rows: list[Row], limit: int, leased: list[int]) -> None:
    slack = _run(services, rows, limit, leased)
    with services.uow() as uow:
        states = dict(uow.session.execute(select(OutboxMessage.idempotency_key,
                                                 OutboxMessage.state)).all())
    assert set(states.values()) == {OutboxState.SENT}
    keys = [key for _, key in slack.posts]
    assert sorted(keys) == sorted(f"m{n}" for n in range(len(rows)))  # each once
    for conversation in range(4):
        mine = [f"m{n}" for n, row in enumerate(rows) if row[0] == conversation]
        assert [key for channel, key in slack.posts if channel == f"C{conversation}"] == mine


def test_many_blocked_heads_never_starve_the_other_conversations(services: Services) -> None:
    """The reported stall: per conversation a first row due later (a card refresh at the wall
    clock) and a second due earlier (the breach notice at the sweep's now), more of them than
    a claim takes. Before, the same blocked second rows were claimed over and over."""
    rows: list[Row] = []
    for conversation in range(150):
        rows += [(conversation, 1, 0, []), (conversation, 0, 0, [])]
    slack = FakeChannels()
    clock: FakeClock = services.clock  # type: ignore[assignment]
    clock.now = T0
    with services.uow("test") as uow:
        for n, (conversation, due, _, _) in enumerate(rows):
            enqueue(uow, key=f"m{n}", channel=f"deal:{conversation}",
                    payload={"method": "chat.postMessage",
                             "args": {"channel": f"C{conversation}", "text": "x"}},
                    at=T0 + timedelta(seconds=due))
        uow.commit()
    clock.now = T0 + timedelta(seconds=1)
    for _ in range(4):
        deliver_round(services, slack, limit=100)  # type: ignore[arg-type]
    assert len(slack.posts) == 300 == len(set(slack.posts))
    for conversation in range(150):
        assert [k for c, k in slack.posts if c == f"C{conversation}"] == [
            f"m{2 * conversation}", f"m{2 * conversation + 1}"]
