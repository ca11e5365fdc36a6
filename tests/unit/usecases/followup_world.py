"""What the follow-up use-case tests share: the fake world with card refreshes recorded (the
card module still writes through the SQL session, which the memory unit of work has not), and
a GS's message in a deal's thread, which starts the partner's response clock."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count

import pytest

from bot.usecases import cards
from bot.usecases.response_clocks import ThreadMessage, on_thread_message
from storage.models import Clock, Deal, Party
from storage.unit_of_work import UnitOfWork

from .world import TEAM, World, utc

_ts = count(1)


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """A seeded world (Mon 1 Dec 2025, 09:00 in Tokyo); `world.refreshed` lists the deals whose
    card a use case asked to refresh."""
    made = World.make(now=utc(2025, 12, 1, 0))
    refreshed: list[int] = []

    def refresh_card(uow: UnitOfWork, deal_id: int) -> bool:
        del uow
        refreshed.append(deal_id)
        return True

    monkeypatch.setattr(cards, "refresh_card", refresh_card)
    made.refreshed = refreshed  # type: ignore[attr-defined]
    yield made


def say(world: World, deal: Deal, who: str, *, ts: str | None = None) -> str:
    """`who` writes in the deal's thread; what the use case did."""
    with world.services.uow("test") as uow:
        thread = uow.deals.thread(deal.id)
        assert thread is not None and thread.thread_ts is not None
        thread_ts = thread.thread_ts
    user = world.people[who].slack_user_id
    return on_thread_message(world.services, ThreadMessage(
        TEAM, "C0DEALS", thread_ts, ts or f"1764100000.{next(_ts):06d}", user))


def clocks(world: World, deal: Deal, owed_by: Party | None = None) -> list[Clock]:
    """A deal's stored clocks (owed by one side), oldest first."""
    with world.services.uow("test") as uow:
        rows = sorted(uow.clocks.for_deal(deal.id), key=lambda c: c.id)
    return [c for c in rows if owed_by is None or c.owed_by is owed_by]
