"""The outbox's order of work under a backlog: answers to people before background work, a
burst of card changes as one edit, and a round's calls side by side (not one at a time)."""

from __future__ import annotations

import threading
import time
from typing import Any

from slack_sdk import WebClient

from bot.outbox import deliver_round, enqueue
from bot.outbox.delivery import Delivery, deliver_claimed
from bot.outbox.pump import OutboxPump
from bot.pacing import Pacer
from bot.services import Services
from bot.usecases.cards import refresh_card
from storage.claims import claim_outbox
from storage.lanes import ANSWER, CARD, DIGEST, MESSAGE, lane_of
from storage.models import OutboxState
from tests.fakes.slack import FakeSlack

from .support import AIKO, add_deal, deliver_all, outbox

POST = "chat.postMessage"


def _queue(services: Services, key: str, payload: dict[str, Any]) -> None:
    with services.uow(actor="test") as uow:
        assert enqueue(uow, key=key, payload=payload)
        uow.commit()


def test_lanes_of_rows() -> None:
    assert lane_of("k", {"method": "chat.postEphemeral", "args": {}}) == ANSWER
    assert lane_of("k", {"method": "views.open", "args": {}}) == ANSWER
    assert lane_of("mention:T:C:1.2", {"render": "message"}) == ANSWER
    assert lane_of("clock:1:breach", {"render": "message"}) == MESSAGE
    assert lane_of("deal:1:card:x", {"render": "deal_card", "deal_id": 1}) == CARD
    assert lane_of("digest:c:1", {"render": "message"}) == DIGEST


def test_an_answer_queued_behind_a_backlog_goes_in_the_first_round(
        services: Services, client: WebClient, slack: FakeSlack) -> None:
    for n in range(30):
        _queue(services, f"t:bulk:{n}", {"method": POST, "args": {"channel": f"C0BULK{n:03d}",
                                                                   "text": f"reminder {n}"}})
    _queue(services, "t:answer", {"method": "chat.postEphemeral",
                                  "args": {"channel": "C0BULK029", "user": AIKO, "text": "yes"}})
    done = deliver_round(services, client, limit=5, pacer=Pacer(0.0))
    assert done.sent == 5
    assert [c.args.get("text") for c in slack.calls_of("chat.postEphemeral")] == ["yes"]
    assert deliver_all(services, client) == 26


def test_the_answers_thread_claims_only_answers(services: Services, client: WebClient,
                                               slack: FakeSlack) -> None:
    """The pump's third thread takes answers alone: background rows stay for the others."""
    for n in range(3):
        _queue(services, f"t:bulk:{n}", {"method": POST, "args": {"channel": f"C0BULK{n:03d}",
                                                                  "text": f"reminder {n}"}})
    _queue(services, "t:answer", {"method": "chat.postEphemeral",
                                  "args": {"channel": "C0BULK000", "user": AIKO, "text": "yes"}})
    done = deliver_round(services, client, limit=10, pacer=Pacer(0.0), lanes=ANSWER)
    assert done.sent == 1 and slack.calls_of(POST) == []
    assert deliver_round(services, client, limit=10, pacer=Pacer(0.0), lanes=ANSWER).sent == 0
    assert deliver_all(services, client) == 3


def test_a_pump_answers_while_its_rounds_are_busy(services: Services, client: WebClient,
                                                  slack: FakeSlack) -> None:
    """Both rounds held by slow background calls; an answer queued then still goes at once."""
    release = threading.Event()

    class Slow(WebClient):
        def api_call(self, api_method: str, **kwargs: Any) -> Any:  # type: ignore[override]
            if api_method == POST:
                release.wait(10)
            return super().api_call(api_method, **kwargs)

    for n in range(40):
        _queue(services, f"t:bulk:{n}", {"method": POST, "args": {"channel": f"C0BULK{n:03d}",
                                                                  "text": f"reminder {n}"}})
    services.pacer = Pacer(0.0)
    pump = OutboxPump(services, Slow(token=client.token, base_url=client.base_url),
                      interval=0.05, senders=4).start()
    try:
        _queue(services, "t:answer", {"method": "chat.postEphemeral", "args": {
            "channel": "C0BULK000", "user": AIKO, "text": "yes"}})
        pump.wake()
        deadline = time.monotonic() + 10
        while not slack.calls_of("chat.postEphemeral") and time.monotonic() < deadline:
            time.sleep(0.02)
        assert [c.args.get("text") for c in slack.calls_of("chat.postEphemeral")] == ["yes"]
        assert slack.calls_of(POST) == []               # the rounds still wait on their calls
    finally:
        release.set()
        pump.stop()


def test_a_burst_of_changes_to_a_card_is_one_edit(
        services: Services, client: WebClient, slack: FakeSlack) -> None:
    deal = add_deal(services)
    with services.uow(actor="test") as uow:
        for _ in range(10):                          # ten changes before the pump runs
            refresh_card(uow, deal.id)
        uow.commit()
    assert deliver_all(services, client) == 1
    assert len(slack.calls_of("chat.update")) == 1


def test_an_edit_with_a_newer_one_behind_it_is_settled_without_a_call(
        services: Services, client: WebClient, slack: FakeSlack) -> None:
    """A change while the card's refresh is being sent queues another (the one in flight may
    have drawn the card before the change); the older is then settled without a call."""
    deal = add_deal(services)
    with services.uow(actor="test") as uow:
        refresh_card(uow, deal.id)
        uow.commit()
    [held] = claim_outbox(services.factory, now=services.now(), limit=10, worker="w1")
    with services.uow(actor="test") as uow:
        assert refresh_card(uow, deal.id)            # the claimed one does not count
        uow.commit()
    done = Delivery()
    deliver_claimed(services, client, [held], token="w1", pacer=Pacer(0.0), done=done)
    assert slack.calls_of("chat.update") == []
    assert deliver_all(services, client) == 1
    assert len(slack.calls_of("chat.update")) == 1
    rows = sorted(outbox(services).values(), key=lambda r: r.id)
    assert [(r.state, r.last_error) for r in rows] == [(OutboxState.SENT, "superseded"),
                                                      (OutboxState.SENT, None)]


class Together(WebClient):
    """A client whose posts return only once three are in flight at once (a round sending
    one call at a time would break the barrier)."""

    def __init__(self, base: WebClient) -> None:
        super().__init__(token=base.token, base_url=base.base_url, timeout=base.timeout)
        self.barrier = threading.Barrier(3, timeout=10)

    def api_call(self, api_method: str, **kwargs: Any) -> Any:  # type: ignore[override]
        if api_method == POST:
            self.barrier.wait()
        return super().api_call(api_method, **kwargs)


def test_a_rounds_calls_are_in_flight_together(
        services: Services, client: WebClient, slack: FakeSlack) -> None:
    for n in range(3):
        _queue(services, f"t:together:{n}", {"method": POST, "args": {
            "channel": f"C0TOGETHER{n}", "text": f"together {n}"}})
    done = deliver_round(services, Together(client), limit=3, pacer=Pacer(0.0), senders=3)
    assert done.sent == 3 and len(slack.calls_of(POST)) == 3
