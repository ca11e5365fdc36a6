"""The outbox against a misbehaving Slack, in injected time: 429 with Retry-After, 5xx and client
timeouts retried with backoff (a timeout whose request Slack did act on is found again, not posted
twice), a message given up after MAX_ATTEMPTS with every admin told, per-channel pacing, and a
crash between Slack's answer and the commit."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.outbox import MAX_ATTEMPTS, deliver_round, enqueue
from bot.pacing import Pacer
from bot.services import Services
from bot.usecases import sweep as sweep_module
from bot.usecases.sweep import sweep
from storage.models import OutboxState
from tests.e2e.deals_support import settle
from tests.e2e.support import Harness
from tests.fakes.slack import FakeSlack

from .conftest import Clock
from .support import (
    ADMIN,
    ADMIN2,
    AIKO,
    CHANNEL,
    HIRO,
    DealRef,
    add_deal,
    deliver_all,
    dms,
    outbox,
    partner_clock,
    people,
    plain_client,
    posted,
    posts,
    say,
    utc,
)

POST = "chat.postMessage"


def _queue(services: Services, key: str, *, deal: DealRef | None = None,
           dm: str | None = None, text: str = "hello") -> None:
    payload: dict[str, Any] = {"method": POST, "args": {"text": text}}
    if deal is not None:
        payload["thread_of"] = deal.id
    if dm is not None:
        payload["dm"] = dm
    with services.uow(actor="test") as uow:
        assert enqueue(uow, key=key, payload=payload)
        uow.commit()


def test_a_429_waits_at_least_retry_after_then_goes_and_none_is_lost(
        services: Services, client: WebClient, slack: FakeSlack, clock: Clock) -> None:
    deal = add_deal(services)
    _queue(services, "t:first", deal=deal, text="first")
    _queue(services, "t:second", deal=deal, text="second")   # waits for the first: same thread
    _queue(services, "t:other", dm=AIKO)                     # another conversation goes on
    slack.fail(POST, status=429, retry_after=30)
    assert deliver_round(services, client, limit=1, pacer=Pacer(0.0)).sent == 0  # t:first
    assert deliver_all(services, client) == 1
    rows = outbox(services)
    assert rows["t:first"].next_attempt_at == clock.now + timedelta(seconds=30)
    assert rows["t:first"].attempts == 0                      # Slack said when: not a failure
    assert set(posted(slack)) == {"t:other"}
    clock.now += timedelta(seconds=29)
    assert deliver_all(services, client) == 0
    clock.now += timedelta(seconds=1)
    assert deliver_all(services, client) == 2
    assert [m["text"] for m in posts(slack, CHANNEL, thread_ts=deal.thread_ts)] == \
        ["first", "second"]
    assert posted(slack) == {"t:first": 1, "t:second": 1, "t:other": 1}


def test_rate_limits_never_kill_a_message(services: Services, client: WebClient,
                                          slack: FakeSlack, clock: Clock) -> None:
    _queue(services, "t:busy", dm=AIKO)
    slack.fail(POST, status=429, retry_after=5, times=MAX_ATTEMPTS + 3)
    for _ in range(MAX_ATTEMPTS + 3):
        assert deliver_all(services, client) == 0
        clock.now += timedelta(seconds=5)
    assert deliver_all(services, client) == 1
    assert outbox(services)["t:busy"].state is OutboxState.SENT
    assert posted(slack) == {"t:busy": 1}


def test_the_pump_honours_retry_after_itself_not_the_sdk(harness: Harness, clock: Clock) -> None:
    """The app's own Web API client retries 429s inside the call (slack_sdk's handler), which
    for the outbox would hold a sender and hide the answer: the pump sends without SDK retries,
    and the row is due again Retry-After later (the injected time), then goes once."""
    services = harness.services
    deal = add_deal(services)
    harness.slack.fail(POST, status=429, retry_after=1)
    _queue(services, "t:app", deal=deal)
    harness.services.wake()
    harness.wait_for(lambda: harness.slack.calls_of(POST))
    row = harness.wait_for(lambda: (r := outbox(services)["t:app"]).claimed_by is None and r)
    assert row.state is OutboxState.PENDING and row.next_attempt_at == clock.now + timedelta(
        seconds=1)
    assert len(harness.slack.calls_of(POST)) == 1  # not retried inside the call
    clock.now += timedelta(seconds=1)
    harness.services.wake()
    settle(harness)
    assert posted(harness.slack) == {"t:app": 1}


def test_5xx_is_retried_with_growing_backoff_and_jitter(
        services: Services, client: WebClient, slack: FakeSlack, clock: Clock) -> None:
    _queue(services, "t:flaky", dm=AIKO)
    slack.fail(POST, status=500, times=2)
    waits = []
    for attempt in (1, 2):
        start = clock.now
        assert deliver_all(services, client) == 0
        row = outbox(services)["t:flaky"]
        assert row.attempts == attempt and row.state is OutboxState.PENDING
        wait = row.next_attempt_at - start
        assert timedelta(seconds=2**attempt * 0.5) <= wait <= timedelta(seconds=2**attempt * 1.5)
        waits.append(wait)
        clock.now = row.next_attempt_at - timedelta(milliseconds=1)
        assert deliver_all(services, client) == 0          # not before its time
        clock.now = row.next_attempt_at
    assert deliver_all(services, client) == 1
    assert posted(slack) == {"t:flaky": 1}
    # a 5xx may hide a message Slack did post: it was looked for before each new try
    assert slack.calls_of("conversations.history")


def test_a_timeout_whose_message_slack_did_post_is_found_not_posted_twice(
        services: Services, slack: FakeSlack, clock: Clock) -> None:
    impatient = plain_client(slack, timeout=1)
    deal = add_deal(services)
    _queue(services, "t:slow", deal=deal)
    slack.fail(POST, status=200, delay=1.6)                  # answers, but after the timeout
    assert deliver_all(services, impatient) == 0
    row = outbox(services)["t:slow"]
    assert row.state is OutboxState.PENDING and row.attempts == 1
    deadline = time.monotonic() + 10                          # Slack finishes its work
    while not posts(slack, CHANNEL, thread_ts=deal.thread_ts) and time.monotonic() < deadline:
        time.sleep(0.02)
    [message] = posts(slack, CHANNEL, thread_ts=deal.thread_ts)
    clock.now = row.next_attempt_at
    assert deliver_all(services, plain_client(slack)) == 1
    row = outbox(services)["t:slow"]
    assert row.state is OutboxState.SENT and row.slack_ts == message["ts"]
    assert posted(slack) == {"t:slow": 1}


def test_a_timeout_without_an_answer_is_retried(services: Services, slack: FakeSlack,
                                                clock: Clock) -> None:
    impatient = plain_client(slack, timeout=1)
    _queue(services, "t:lost", dm=AIKO)
    slack.fail(POST, status=503, delay=1.3)                  # times out, and posts nothing
    assert deliver_all(services, impatient) == 0
    row = outbox(services)["t:lost"]
    assert row.attempts == 1 and "timed out" in str(row.last_error)
    clock.now = row.next_attempt_at
    assert deliver_all(services, plain_client(slack)) == 1
    assert posted(slack) == {"t:lost": 1}


def test_a_message_failing_max_attempts_times_is_dead_and_every_admin_is_told(
        services: Services, client: WebClient, slack: FakeSlack, clock: Clock) -> None:
    deal = add_deal(services)
    _queue(services, "t:doomed", deal=deal, text="doomed")
    _queue(services, "t:after", deal=deal, text="after")      # the same thread, behind it
    slack.fail(POST, status=500, times=MAX_ATTEMPTS)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        # the last failure: it is dead, then the two alerts and the message behind it go
        assert deliver_all(services, client) == (3 if attempt == MAX_ATTEMPTS else 0)
        assert outbox(services)["t:doomed"].attempts == attempt
        clock.now += timedelta(minutes=10)                    # past the longest backoff
    rows = outbox(services)
    assert rows["t:doomed"].state is OutboxState.DEAD
    found = people(services)
    alerts = {admin: [m for m in dms(slack, admin)
                      if str(m.get("metadata")).find(f"dead:{rows['t:doomed'].id}:") >= 0]
              for admin in (ADMIN, ADMIN2)}
    assert {admin: len(found_) for admin, found_ in alerts.items()} == {ADMIN: 1, ADMIN2: 1}
    assert "t:doomed" in str(alerts[ADMIN][0]["text"]) and "8" in str(alerts[ADMIN][0]["text"])
    assert f"dead:{rows['t:doomed'].id}:{found[ADMIN2].id}" in posted(slack)
    # the dead message no longer holds its thread up; it was never posted
    assert [m["text"] for m in posts(slack, CHANNEL, thread_ts=deal.thread_ts)] == ["after"]
    assert "t:doomed" not in posted(slack)
    clock.now += timedelta(hours=1)
    deliver_all(services, client)
    assert all(n == 1 for n in posted(slack).values())


def test_each_channel_is_paced(services: Services, client: WebClient, slack: FakeSlack,
                               clock: Clock) -> None:
    deals = [add_deal(services), add_deal(services, channel="C0OTHER")]
    for deal in deals:
        for n in range(3):
            _queue(services, f"t:{deal.id}:{n}", deal=deal)
    pacer = Pacer(60.0)
    assert deliver_round(services, client, pacer=pacer).sent == 2   # one per channel
    done = deliver_round(services, client, pacer=pacer)
    assert done.sent == 0 and 0 < done.paced <= 60            # then each waits its turn,
    assert deliver_all(services, client) == 0                 # due only when it may go
    clock.now += timedelta(seconds=60)
    assert deliver_all(services, client) == 4
    assert all(n == 1 for n in posted(slack).values())


class Crash(BaseException):
    """The process dying at a chosen point (nothing catches it)."""


class CrashingClient(WebClient):
    """A client that dies around its next chat.postMessage: `when` is "before" (the request
    never leaves) or "after" (Slack has the message, the answer is lost with the process)."""

    def __init__(self, base: WebClient, when: str) -> None:
        super().__init__(token=base.token, base_url=base.base_url, timeout=base.timeout)
        self.when = when

    def api_call(self, api_method: str, **kwargs: Any) -> Any:  # type: ignore[override]
        if api_method != POST:
            return super().api_call(api_method, **kwargs)
        if self.when == "before":
            raise Crash
        super().api_call(api_method, **kwargs)
        raise Crash


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_send_interrupted_by_a_crash_is_reconciled_before_any_resend(
        services: Services, client: WebClient, slack: FakeSlack, clock: Clock,
        when: str) -> None:
    deal = add_deal(services)
    _queue(services, "t:crash", deal=deal)
    with pytest.raises(Crash):
        deliver_round(services, CrashingClient(client, when))
    row = outbox(services)["t:crash"]
    assert row.state is OutboxState.PENDING and row.last_error == "sending"
    assert deliver_all(services, client) == 0                # leased to the dead process
    clock.now += timedelta(minutes=6)                         # the lease ran out
    assert deliver_all(services, client) == 1
    row = outbox(services)["t:crash"]
    [message] = posts(slack, CHANNEL, thread_ts=deal.thread_ts)
    assert row.state is OutboxState.SENT and row.slack_ts == message["ts"]
    assert posted(slack) == {"t:crash": 1}
    assert slack.calls_of("conversations.replies")           # looked for before sending


def test_a_sweep_that_dies_before_its_commit_leaves_nothing_behind(
        services: Services, client: WebClient, slack: FakeSlack, clock: Clock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    clock.now = utc(2025, 12, 2, 2, 0)
    deal = add_deal(services)
    say(services, deal, HIRO)
    deliver_all(services, client)
    row = partner_clock(services, deal.id)
    written = sweep_module._write

    def dying(*args: Any, **kwargs: Any) -> None:
        written(*args, **kwargs)
        raise Crash

    monkeypatch.setattr(sweep_module, "_write", dying)
    clock.now = utc(2025, 12, 3, 2, 0)
    with pytest.raises(Crash):
        sweep(services)
    monkeypatch.setattr(sweep_module, "_write", written)
    assert not [k for k in outbox(services) if k.startswith("clock:")]
    assert sweep(services).claimed == 0                       # leased to the dead sweep
    clock.now += timedelta(minutes=6)
    assert sweep(services).acted == 1
    deliver_all(services, client)
    assert posted(slack)[f"clock:{row.id}:remind_24h"] == 1
    assert all(n == 1 for n in posted(slack).values())


class _Hook(WebClient):
    """A client that runs `hook` around its chat.postMessage calls."""

    def __init__(self, base: WebClient, hook: Any) -> None:
        super().__init__(token=base.token, base_url=base.base_url, timeout=base.timeout)
        self.hook = hook

    def api_call(self, api_method: str, **kwargs: Any) -> Any:  # type: ignore[override]
        if api_method != POST:
            return super().api_call(api_method, **kwargs)
        return self.hook(lambda: super(_Hook, self).api_call(api_method, **kwargs),
                         kwargs["json"]["metadata"]["event_payload"]["key"])


def test_a_lease_running_out_mid_round_never_gets_a_message_sent_twice(
        services: Services, client: WebClient, slack: FakeSlack, clock: Clock) -> None:
    """Worker A claims two messages and has one sender; Slack is so slow on the first that A's
    lease on the second runs out, worker B claims it and is sending it when A comes to it. A
    must leave it to B."""
    _queue(services, "t:one", dm=AIKO)
    _queue(services, "t:two", dm=ADMIN)
    b_sending, a_done = threading.Event(), threading.Event()

    def b_hook(call: Any, key: str) -> Any:
        if key == "t:two":
            b_sending.set()
            a_done.wait(10)                                # B is in its call while A goes on
        return call()

    def b_round() -> None:
        deliver_round(services, _Hook(client, b_hook))

    b = threading.Thread(target=b_round)

    def a_hook(call: Any, key: str) -> Any:
        answer = call()
        if key == "t:one":
            clock.now += timedelta(minutes=6)              # Slack took its time: leases ran out
            b.start()
            assert b_sending.wait(10)
        return answer

    try:
        deliver_round(services, _Hook(client, a_hook), senders=1)
    finally:
        a_done.set()
        b.join(10)
    assert posted(slack) == {"t:one": 1, "t:two": 1}
    assert {k: r.state for k, r in outbox(services).items()} == {
        "t:one": OutboxState.SENT, "t:two": OutboxState.SENT}


def test_a_message_that_cannot_be_built_ends_dead_not_stuck(
        services: Services, client: WebClient, slack: FakeSlack, clock: Clock) -> None:
    with services.uow(actor="test") as uow:
        enqueue(uow, key="t:broken", payload={"render": "no_such_renderer"}, channel=CHANNEL)
        uow.commit()
    for _ in range(MAX_ATTEMPTS):
        deliver_all(services, client)
        clock.now += timedelta(minutes=10)
    row = outbox(services)["t:broken"]
    assert row.state is OutboxState.DEAD and row.attempts == MAX_ATTEMPTS
    assert "no_such_renderer" in str(row.last_error)
    deliver_all(services, client)
    assert len([k for k in posted(slack) if k.startswith(f"dead:{row.id}:")]) == 2
