"""A connection reset after Slack stored a post ends in exactly one message: the outbox's client
has no slack_sdk retry handler to re-send it inside the call, and the next attempt finds the
post by its metadata, paging through a thread (or a channel's history) longer than a page."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.outbox import enqueue
from bot.services import Services
from tests.fakes.slack import FakeSlack

from .conftest import Clock
from .support import add_deal, add_users, deliver_all, make_services, outbox, posted

POST = "chat.postMessage"


class PagedSlack(FakeSlack):
    """Pages `conversations.replies` and `conversations.history` as Slack does (`limit`,
    `oldest`, `response_metadata.next_cursor`) and can drop the connection of the next
    `chat.postMessage` after storing it (`reset_after_store`)."""

    def __init__(self) -> None:
        super().__init__()
        self.reset_after_store = 0

    def answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method in ("conversations.replies", "conversations.history"):
            return self._page(method, args)
        found = super().answer(method, args)
        if method == POST and self.reset_after_store:
            self.reset_after_store -= 1
            raise ConnectionResetError("the connection dropped after the post was stored")
        return found

    def _page(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        channel, oldest = str(args.get("channel")), float(args.get("oldest") or 0)
        with self._lock:
            every = list(self.messages.get(channel, []))
        every.sort(key=lambda m: float(m["ts"]))
        if method == "conversations.replies":  # the parent, then its replies, oldest first
            every = [m for m in every if args.get("ts") in (m["ts"], m.get("thread_ts"))]
        else:  # the channel's own posts, newest first
            every = [m for m in reversed(every) if m.get("thread_ts") in (None, m["ts"])]
        every = [m for m in every if float(m["ts"]) >= oldest]
        start = int(str(args.get("cursor") or "0"))
        end = start + min(int(args.get("limit") or 100), 200)
        return {"ok": True, "messages": every[start:end], "has_more": end < len(every),
                "response_metadata": {"next_cursor": str(end) if end < len(every) else ""}}


@pytest.fixture
def paged() -> Iterator[PagedSlack]:
    with PagedSlack() as fake:
        add_users(fake)
        yield fake


@pytest.fixture
def app_services(tmp_path: Path, paged: PagedSlack, clock: Clock) -> Iterator[Services]:
    made = make_services(f"sqlite:///{tmp_path / 'ledger.db'}", paged, clock)
    assert made.client.retry_handlers  # the app's client retries; the outbox must not
    yield made
    made.engine.dispose()


@pytest.mark.parametrize("where", ["thread", "channel"])
def test_a_reset_after_the_store_in_a_long_conversation_ends_in_one_message(
        app_services: Services, paged: PagedSlack, clock: Clock, where: str) -> None:
    services = app_services
    deal = add_deal(services)
    # people talked a lot: the bot's post lands on the third page (a thread reads oldest
    # first, a channel's history newest first: there they wrote after it)
    base = time.time() + (-600 if where == "thread" else 600)
    for n in range(450):
        paged.add_message(deal.channel, user="U0AIKO01", text=f"talk {n}",
                          ts=f"{base + n:.6f}", thread_ts=deal.thread_ts if where == "thread"
                          else None)
    payload: dict[str, Any] = {"method": POST, "args": {"text": "once"}}
    if where == "thread":
        payload["thread_of"] = deal.id
    else:
        payload["args"]["channel"] = deal.channel
    with services.uow(actor="test") as uow:
        assert enqueue(uow, key="t:once", payload=payload)
        uow.commit()
    paged.reset_after_store = 1

    assert deliver_all(services, services.client) == 0  # the app's client, as the pump has it
    assert len(paged.calls_of(POST)) == 1 and posted(paged) == {"t:once": 1}
    row = outbox(services)["t:once"]
    clock.now = row.next_attempt_at + timedelta(seconds=1)
    assert deliver_all(services, services.client) == 1

    assert len(paged.calls_of(POST)) == 1 and posted(paged) == {"t:once": 1}
    reads = paged.calls_of("conversations.replies" if where == "thread"
                           else "conversations.history")
    assert len(reads) >= 2 and all(c.args.get("oldest") for c in reads)
    assert outbox(services)["t:once"].slack_ts is not None
