"""A delivery round under faults of its own (found by a review of the concurrent outbox): one
send raising something unexpected, a row whose send always raises, and reconciliation kept to
its tier."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import Engine, select, update

from bot.config import Settings
from bot.outbox import deliver_round, enqueue
from bot.outbox.attempts import SENDING
from bot.pacing import TIERS, Pacer, slack_pacer
from bot.services import Services
from rules.regions import RegionDirectory
from storage.db import make_session_factory
from storage.models import OutboxMessage, OutboxState

from .support import T0, FakeClock


class Fake:
    """Posts and ephemeral replies; one key raises a non-Slack error (a bug in a renderer's
    arguments, e.g. a value json cannot encode); history is empty; counts calls."""

    def __init__(self, poison: str = "", once: bool = False) -> None:
        self.poison, self.once = poison, once
        self.calls: list[tuple[str, str]] = []
        self.history_calls = 0
        self.lock = threading.Lock()

    def api_call(self, method: str, json: dict[str, Any]) -> Any:
        key = (json.get("metadata") or {}).get("event_payload", {}).get("key") or json["text"]
        if key == self.poison:
            if self.once:
                self.poison = ""
            raise TypeError("Object of type datetime is not JSON serializable")
        with self.lock:
            self.calls.append((method, key))
        return SimpleNamespace(data={"ok": True, "ts": f"1.{len(self.calls)}",
                                     "channel": json["channel"]})

    def conversations_history(self, **_: Any) -> dict[str, Any]:
        with self.lock:
            self.history_calls += 1
        return {"ok": True, "messages": [], "response_metadata": {"next_cursor": ""}}

    conversations_replies = conversations_history


@pytest.fixture
def services(migrated: Engine) -> Iterator[Services]:
    yield Services(settings=Settings(bot_token="xoxb-t"), engine=migrated,
                   factory=make_session_factory(migrated), regions=RegionDirectory({}),
                   client=None, clock=FakeClock(), pacer=Pacer(0.0))  # type: ignore[arg-type]


def _queue(services: Services, key: str, method: str, channel: str, **extra: Any) -> None:
    with services.uow("test") as uow:
        enqueue(uow, key=key, payload={"method": method, "args": {
            "channel": channel, "text": key, **extra}}, at=T0)
        uow.commit()


def _rows(services: Services) -> dict[str, tuple[OutboxState, str | None, int]]:
    with services.uow() as uow:
        return {m.idempotency_key: (m.state, m.last_error, m.attempts)
                for m in uow.session.scalars(select(OutboxMessage))}


def test_one_failing_send_does_not_lose_the_rounds_other_outcomes(services: Services) -> None:
    """A send that raises something else than a Slack/network error (here a TypeError) is that
    row's failure: the round's other outcomes are recorded (an ephemeral, which cannot be
    looked for in Slack, would otherwise be sent again when its lease ran out)."""
    _queue(services, "bad", "chat.postMessage", "C0BAD")
    _queue(services, "eph", "chat.postEphemeral", "C0EPH", user="U0AIKO")
    slack = Fake(poison="bad", once=True)  # a one-off failure
    deliver_round(services, slack, limit=10, senders=4)  # type: ignore[arg-type]
    first = _rows(services)["eph"][0]
    services.clock.now = T0 + timedelta(minutes=6)  # type: ignore[attr-defined]
    deliver_round(services, slack, limit=10, senders=4)  # type: ignore[arg-type]
    assert (first, slack.calls.count(("chat.postEphemeral", "eph"))) == (OutboxState.SENT, 1), \
        (first, slack.calls)


def test_a_row_whose_send_always_raises_ends_dead(services: Services) -> None:
    """A row whose call always raises is tried, then dead (the admins told), not claimed
    again every lease forever."""
    _queue(services, "bad", "chat.postMessage", "C0BAD")
    slack = Fake(poison="bad")
    for n in range(12):
        services.clock.now = T0 + n * timedelta(minutes=6)  # type: ignore[attr-defined]
        deliver_round(services, slack, limit=10)  # type: ignore[arg-type]
    state, error, attempts = _rows(services)["bad"]
    assert state is OutboxState.DEAD, (state, error, attempts)


def test_reconciling_a_rounds_unsure_rows_keeps_to_the_history_tier(services: Services) -> None:
    """After a crash (rows left 'sending') or a 5xx burst, a round's unsure rows each read
    `conversations.history` before posting, all at once from the senders and unpaced, though
    Tier 3 (the pacer's own table) allows a burst of 5 per workspace: Coseller's own 429s."""
    services.pacer = slack_pacer()
    for n in range(10):
        _queue(services, f"k{n}", "chat.postMessage", f"C0CH{n:03d}")
    with services.uow() as uow:
        uow.session.execute(update(OutboxMessage).values(last_error=SENDING, attempts=1))
        uow.commit()
    slack = Fake()
    deliver_round(services, slack, limit=10, senders=10)  # type: ignore[arg-type]
    assert slack.history_calls <= TIERS["conversations.history"].burst, slack.history_calls
