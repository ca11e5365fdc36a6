"""Chaos at the sending end, in one process on the Slack-like fake (`tests.fakes.slack_like`):
hundreds of breaches due at once, every ambiguous outcome after Slack stored a post (a 5xx, an
answer that comes after the client's timeout, a connection reset), threads longer than a page,
and 429 bursts on top of Slack's own limits. The sweep and the delivery rounds are driven
through their public entry points with a clock that moves as a worker's does; every expected
message is counted at the fake: none missing, none doubled, every outbox row sent."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.outbox import enqueue
from bot.pacing import slack_pacer
from bot.services import Services
from bot.usecases.sweep import sweep
from tests.fakes.slack_like import SlackLike

from .chaos import TickingClock, deliver_until_done, outbox_client, scaled, slack_like
from .support import (
    AIKO,
    CHANNEL,
    add_deal,
    check_exactly_once,
    make_services,
    seed_due_clocks,
    utc,
)

T0 = utc(2025, 12, 4, 3, 0)  # Thu 4 Dec 2025 12:00 in Tokyo; Tue to Thu are business days
POST = "chat.postMessage"


@pytest.fixture
def clock() -> TickingClock:
    return TickingClock(T0)


@pytest.fixture
def fake(clock: TickingClock) -> Iterator[SlackLike]:
    """The Slack-like fake, quick (2 +/- 1 ms), its limits running on the test's clock."""
    slack = slack_like(clock.seconds, latency=0.002, jitter=0.001)
    try:
        yield slack
    finally:
        slack.stop()


def _world(url: str, fake: SlackLike, clock: TickingClock) -> Iterator[Services]:
    services = make_services(url, fake, clock)
    yield services
    services.engine.dispose()


@pytest.fixture
def world(tmp_path: Path, fake: SlackLike, clock: TickingClock) -> Iterator[Services]:
    """On SQLite: what these tests try is the outbox's, whatever the database."""
    yield from _world(f"sqlite:///{tmp_path / 'ledger.db'}", fake, clock)


@pytest.fixture
def any_world(db_url: str, fake: SlackLike, clock: TickingClock) -> Iterator[Services]:
    """On SQLite, and on PostgreSQL when TEST_DATABASE_URL is set (the claims differ)."""
    yield from _world(db_url, fake, clock)


def _due(services: Services, clock: TickingClock, count: int, steps: tuple[str, ...], *,
         channels: int | None = None) -> set[str]:
    """`count` clocks due at T0 (steps in turn), swept a minute later; the keys expected."""
    seeded = seed_due_clocks(services, instants=[T0] * count,
                             steps=[steps[i % len(steps)] for i in range(count)],
                             channels=channels)
    clock.now = T0 + timedelta(minutes=1)
    while sweep(services, limit=200).claimed:
        pass
    return set(seeded.expected.values())


def test_hundreds_of_breaches_due_at_once_all_go_out(
        any_world: Services, fake: SlackLike, clock: TickingClock) -> None:
    """Each breach is a notice, a card edit and a PDM's alert, in 150 new channels whose
    members are read first: at Coseller's own pace (on the test's clock, as the fake's limits
    are), everything goes out and Slack never answers 429."""
    expected = _due(any_world, clock, scaled(150), ("breach",))
    deliver_until_done(any_world, outbox_client(any_world), clock,
                       pacer=slack_pacer(clock.seconds), step=timedelta(seconds=10))
    assert fake.rate_limited() == 0
    counts = check_exactly_once(any_world, fake, expected)
    assert any(key.startswith("pdm:") for key in counts)
    # every breached deal's card was edited (its refresh went out, once or more)
    assert sum(n for (_, _), n in fake.counts.updates.items()) >= len(expected)


AMBIGUOUS = [pytest.param("500", id="5xx"), pytest.param("hang", id="timeout"),
             pytest.param("reset", id="reset")]


@pytest.mark.parametrize("kind", AMBIGUOUS)
def test_every_ambiguous_outcome_after_a_store_ends_in_exactly_one_message(
        world: Services, fake: SlackLike, clock: TickingClock, kind: str) -> None:
    """Reminders in their threads and 4-hour reminders by DM (top-level posts); Slack stores
    the first posts, then answers 500, answers after the client gave up, or resets."""
    expected = _due(world, clock, scaled(12), ("remind_24h", "remind_4h"))
    fake.after_store(POST, kind, times=scaled(4), hold=1.5)
    deliver_until_done(world, outbox_client(world, timeout=1), clock)
    check_exactly_once(world, fake, expected)
    assert fake.calls_by_method()["conversations.replies"] + \
        fake.calls_by_method()["conversations.history"] >= 1   # looked for before a resend


def _queue(services: Services, key: str, payload: dict[str, Any]) -> None:
    with services.uow(actor="test") as uow:
        assert enqueue(uow, key=key, payload=payload)
        uow.commit()


def test_a_thread_longer_than_a_page_is_searched_to_its_end(
        world: Services, fake: SlackLike, clock: TickingClock) -> None:
    deal = add_deal(world)
    fake.add_replies(CHANNEL, deal.thread_ts, fake.page_size + 50)
    _queue(world, "t:long", {"method": POST, "args": {"text": "late in a long thread"},
                             "thread_of": deal.id})
    fake.after_store(POST, "500")
    deliver_until_done(world, outbox_client(world), clock)
    assert fake.posted() == {"t:long": 1}


def test_a_long_channel_history_finds_a_top_level_post(
        world: Services, fake: SlackLike, clock: TickingClock) -> None:
    """A direct message (top level) after 250 others: history is newest first, paged."""
    for n in range(fake.page_size + 50):
        fake.add_message(f"D{AIKO}", user=AIKO, text=f"hi {n}", ts=f"1764000000.{n:06d}")
    _queue(world, "t:dm", {"method": POST, "args": {"text": "to Aiko"}, "dm": AIKO})
    fake.after_store(POST, "500")
    deliver_until_done(world, outbox_client(world), clock)
    assert fake.posted() == {"t:dm": 1}


def test_429_bursts_over_slacks_own_limits_lose_and_double_nothing(
        world: Services, fake: SlackLike, clock: TickingClock) -> None:
    """Reminders for many threads in four channels (each about one post a second), 4-hour
    reminders to one person's DM, and a burst of 429s nobody could foresee."""
    expected = _due(world, clock, scaled(24), ("remind_24h", "remind_4h"), channels=4)
    fake.fail(POST, status=429, retry_after=3, times=scaled(10))
    deliver_until_done(world, outbox_client(world), clock)
    check_exactly_once(world, fake, expected)
    assert fake.rate_limited() >= scaled(10)
