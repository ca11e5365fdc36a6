"""Lazy work after the acknowledgement (`bot.adapters.ack_first`): work submitted while a request
is answered over HTTP waits for the answer to be handed to the server; other work runs at once;
a request's actor is looked up once, on first use, and shared by Bolt's copies of the request."""

from __future__ import annotations

import copy
import threading
from zoneinfo import ZoneInfo

from bot.adapters.ack_first import AckFirstExecutor, OpenedOnClose, responding
from bot.context import Actor, ActorLookup
from bot.listeners.common import actor_of, lang_of_request


def test_work_of_a_request_waits_for_its_response_to_be_out() -> None:
    executor = AckFirstExecutor(workers=2, hold=30.0, settle=0.0)
    started = threading.Event()
    try:
        with responding() as gate:
            future = executor.submit(started.set)
        body = OpenedOnClose([b"ok"], gate)
        assert list(body) == [b"ok"]
        assert not started.wait(0.05)                  # held while the response is not out
        body.close()                                   # the server wrote it
        future.result(timeout=30)
        assert started.is_set()
    finally:
        executor.shutdown()


def test_work_outside_a_request_and_after_an_error_runs_at_once() -> None:
    executor = AckFirstExecutor(workers=2, hold=30.0, settle=0.0)
    try:
        assert executor.submit(lambda: 7).result(timeout=30) == 7     # Socket Mode, console
        try:
            with responding():
                future = executor.submit(lambda: 8)
                raise RuntimeError("Bolt failed")
        except RuntimeError:
            pass
        assert future.result(timeout=30) == 8                          # never held for ever
    finally:
        executor.shutdown()


def test_the_hold_is_bounded() -> None:
    executor = AckFirstExecutor(workers=1, hold=0.01, settle=0.0)
    try:
        with responding():
            future = executor.submit(lambda: "ran")
        assert future.result(timeout=30) == "ran"                      # the gate never opened
    finally:
        executor.shutdown()


def test_the_actor_is_looked_up_once_on_first_use_and_shared_by_copies() -> None:
    calls: list[int] = []

    def lookup() -> Actor:
        calls.append(1)
        return Actor(team_id="T1", user_id="U1", lang="ja", tz=ZoneInfo("Asia/Tokyo"))

    context = {"actor": ActorLookup(lookup)}
    copied = copy.deepcopy(context)                    # Bolt's copy for a lazy listener
    assert calls == []                                 # the acknowledgement did not wait
    actor = actor_of(copied)
    assert actor is not None and actor.lang == "ja"
    assert actor_of(context) is actor and calls == [1]


def test_a_failed_lookup_is_answered_in_english() -> None:
    def broken() -> Actor:
        raise RuntimeError("directory down")

    assert lang_of_request({"actor": ActorLookup(broken)}) == "en"
    assert lang_of_request({}) == "en"
