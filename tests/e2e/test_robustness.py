"""Bad and repeated input over real HTTP: Slack's retries never act twice, and fuzzed slash
commands and interaction payloads never get a 5xx and always get an answer."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.adapters.http import HttpServer
from bot.app import create_app
from bot.bootstrap import bootstrap
from bot.config import Settings
from storage.directory import import_directory
from storage.models import ProcessedEvent
from tests.e2e.conftest import ROOT, Clock
from tests.e2e.listeners_seen import Seen, recording
from tests.e2e.support import SECRET, TEAM, Harness
from tests.fakes.slack import FakeSlack

USERS = ["U0DANA01", "U0AIKO01", "U0GSMAYA", "U0GSHIRO", "U0PDMKEN", "U0ADMIN1", "U0STRANGER"]
FUZZ = settings(max_examples=50, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@dataclass
class Rig:
    """The harness, what the app registered, a listener that counts its runs, and the event
    ids that got past the app's own middleware (to the listeners)."""

    harness: Harness
    seen: Seen
    runs: list[str]
    lock: threading.Lock
    dispatched: list[str]


@pytest.fixture
def rig(tmp_path: Path, slack: FakeSlack, clock: Clock) -> Iterator[Rig]:
    settings_ = Settings(bot_token="xoxb-e2e", signing_secret=SECRET,
                         database_url=f"sqlite:///{tmp_path / 'robust.db'}",
                         slack_api_url=slack.api_url, deal_channel="C0DEALS")
    services = bootstrap(settings_, clock=clock)
    with services.uow(actor="e2e") as uow:
        import_directory(uow, (ROOT / "examples" / "directory.toml").read_text())
        uow.commit()
    with recording() as seen:
        app = create_app(services)
    runs: list[str] = []
    lock = threading.Lock()

    def counted(body: dict[str, Any]) -> None:
        with lock:
            runs.append(str(body.get("event_id")))

    app.event("reaction_added")(counted)
    dispatched: list[str] = []

    def spy(body: dict[str, Any], next: Any) -> Any:   # runs after create_app's middleware
        if body.get("type") == "event_callback":
            with lock:
                dispatched.append(str(body.get("event_id")))
        return next()

    app.use(spy)
    services.pump.start()
    server = HttpServer(app, services, host="127.0.0.1", port=0).start()
    try:
        yield Rig(Harness(server, services, slack), seen, runs, lock, dispatched)
    finally:
        server.stop()
        services.pump.stop()
        services.engine.dispose()


def reaction(item_ts: str = "1763708400.000100") -> dict[str, Any]:
    return {"type": "reaction_added", "user": "U0DANA01", "reaction": "eyes",
            "item": {"type": "message", "channel": "C0DEALS", "ts": item_ts},
            "event_ts": f"{time.time():.6f}"}


def processed(rig: Rig, event_id: str) -> int:
    with rig.harness.services.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(ProcessedEvent).where(
            ProcessedEvent.event_id == event_id)) or 0)


# -- retries ----------------------------------------------------------------------------------

def test_a_retried_event_acts_once(rig: Rig) -> None:
    harness = rig.harness
    assert harness.event(reaction(), event_id="EvRETRY0001").status == 200
    harness.wait_for(lambda: "EvRETRY0001" in rig.runs)
    for attempt in (1, 2, 3):
        assert harness.event(reaction(), event_id="EvRETRY0001", retry=attempt).status == 200
    # a later event runs: by then any second run of the retried one would have been started
    assert harness.event(reaction(), event_id="EvRETRY0002").status == 200
    harness.wait_for(lambda: "EvRETRY0002" in rig.runs)
    assert rig.runs.count("EvRETRY0001") == 1
    assert rig.dispatched.count("EvRETRY0001") == 1
    assert processed(rig, "EvRETRY0001") == 1
    assert "coseller_duplicate_events_total 3.0" in harness.get("/metrics").body


def test_retries_over_slacks_hour_of_retrying_act_once(rig: Rig, clock: Clock) -> None:
    """Slack retries a missed event up to three times over about an hour: the event id is
    remembered well past that (at least two hours), so the last retry is dropped too."""
    harness = rig.harness
    assert harness.event(reaction(), event_id="EvHOURLATE1").status == 200
    harness.wait_for(lambda: "EvHOURLATE1" in rig.runs)
    for attempt, later in ((1, timedelta(minutes=1)), (2, timedelta(minutes=5)),
                           (3, timedelta(hours=1)), (3, timedelta(hours=2))):
        clock.now = clock.now + later
        assert harness.event(reaction(), event_id="EvHOURLATE1", retry=attempt).status == 200
    assert harness.event(reaction(), event_id="EvHOURLATE2").status == 200
    harness.wait_for(lambda: "EvHOURLATE2" in rig.runs)
    assert rig.runs.count("EvHOURLATE1") == 1
    assert rig.dispatched.count("EvHOURLATE1") == 1
    assert processed(rig, "EvHOURLATE1") == 1


def test_retries_arriving_together_act_once(rig: Rig) -> None:
    harness = rig.harness
    with ThreadPoolExecutor(max_workers=6) as pool:
        replies = list(pool.map(lambda n: harness.event(reaction(), event_id="EvTOGETHER1",
                                                        retry=n or None), range(6)))
    assert [r.status for r in replies] == [200] * 6
    assert harness.event(reaction(), event_id="EvTOGETHER2").status == 200
    harness.wait_for(lambda: "EvTOGETHER2" in rig.runs and "EvTOGETHER1" in rig.runs)
    assert rig.runs.count("EvTOGETHER1") == 1
    assert rig.dispatched.count("EvTOGETHER1") == 1
    assert processed(rig, "EvTOGETHER1") == 1


def test_a_retried_mention_is_not_answered_twice(rig: Rig) -> None:
    """The real listeners: a mention is answered once; its retries never reach a listener."""
    harness = rig.harness
    event = {"type": "app_mention", "user": "U0DANA01", "channel": "C0DEALS",
             "text": "<@U0COSELLBOT> help", "ts": "1763708401.000100"}

    def answers_in_channel() -> list[Any]:
        return [c for c in harness.slack.calls_of("chat.postMessage")
                if c.args.get("channel") == "C0DEALS"]

    assert harness.event(dict(event), event_id="EvMENTION01").status == 200
    first = harness.wait_for(answers_in_channel)
    for attempt in (1, 2):
        assert harness.event(dict(event), event_id="EvMENTION01", retry=attempt).status == 200
    assert rig.dispatched.count("EvMENTION01") == 1        # the retries stopped at the door
    assert processed(rig, "EvMENTION01") == 1
    assert harness.event(reaction(), event_id="EvMENTION02").status == 200
    harness.wait_for(lambda: "EvMENTION02" in rig.runs)
    assert len(answers_in_channel()) == len(first) == 1


# -- fuzzed slash commands --------------------------------------------------------------------

def answers(harness: Harness) -> int:
    """How many answers the bot has given: ephemeral responses, modals, ephemeral posts."""
    return sum(len(harness.slack.calls_of(m))
               for m in ("response_url", "views.open", "chat.postEphemeral"))


words = st.sampled_from(["help", "eligibility", "earnings", "status", "register", "bant", "ooo",
                         "extend", "discount", "close", "offer", "remove", "poi", "due",
                         "revenue_share", "upmarket", "bpw", "upsell", "waive", "marketing/pro",
                         "sales/starter", "800", "USD", "JPY", "+", "#12", "12", "won", "lost",
                         "2025-12-01", "<@U0DANA01>", "acme.com", "ステータス", "対象"])
texts = st.one_of(
    st.text(max_size=300),
    st.lists(words, max_size=8).map(" ".join),
    st.builds(lambda w, t: f"{w} {t}", words, st.text(max_size=80)),
    st.sampled_from(["x" * 20_000, "eligibility " + "marketing/professional 800 USD + " * 500,
                     "\x00", "\u202e\u200b", "🙂" * 500, "status 99999999999999999999999",
                     "status -1", "eligibility 1e309 USD"]),
)


@FUZZ
@given(command=st.sampled_from(["/roe", "/deal"]), text=texts, user=st.sampled_from(USERS))
def test_fuzzed_slash_commands_always_get_an_answer(rig: Rig, command: str, text: str,
                                                    user: str) -> None:
    harness = rig.harness
    before = answers(harness)
    reply = harness.command(command, text, user=user)
    assert reply.status == 200, (reply.status, reply.body)
    if reply.body.strip():
        return                                     # answered in the acknowledgement itself
    harness.wait_for(lambda: answers(harness) > before)


def test_a_question_with_hundreds_of_items_gets_an_answer(rig: Rig) -> None:
    """An answer longer than a Block Kit section allows is still an answer, not silence."""
    harness = rig.harness
    before = answers(harness)
    text = "eligibility " + " + ".join(["marketing/professional 800 USD"] * 500)
    assert harness.command("/roe", text, user="U0DANA01").status == 200
    harness.wait_for(lambda: answers(harness) > before)


def test_a_huge_form_body_is_not_a_server_error(rig: Rig) -> None:
    reply = rig.harness.command("/roe", "eligibility " + "y" * 1_000_000, user="U0DANA01")
    assert reply.status < 500


def test_missing_fields_are_not_server_errors(rig: Rig) -> None:
    harness = rig.harness
    bodies = [b"command=%2Froe", b"command=%2Fdeal&text=status", b"", b"text=help",
              b"command=%2Froe&user_id=U0DANA01", b"command=%2Fdeal&team_id=T0COSELL",
              b"payload=", b"payload=%7B%7D", b"payload=not-json", b"payload=%5B1%2C2%5D"]
    for body in bodies:
        reply = harness.post(body, "application/x-www-form-urlencoded")
        assert reply.status < 500, (body, reply.status)
    for body in [b"{}", b"[]", b"null", b'{"type": "event_callback"}',
                 b'{"type": "event_callback", "event": {"type": "message"}}']:
        assert harness.post(body, "application/json").status < 500, body


# -- fuzzed interaction payloads --------------------------------------------------------------

def registered(patterns: set[str], fallback: str) -> st.SearchStrategy[str]:
    plain = sorted(p for p in patterns if p and not any(ch in p for ch in "^$*+?[](){}|\\"))
    regex = sorted(p for p in patterns if p and p not in plain)
    choices: list[st.SearchStrategy[str]] = [st.text(max_size=30), st.just(fallback)]
    if plain:
        choices.append(st.sampled_from(plain))
    choices += [st.from_regex(p, fullmatch=True) for p in regex]
    return st.one_of(choices)


junk = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=40),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=10), inner, max_size=3), max_leaves=8)


def user_object(user: str | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user, "username": user.lower(), "name": user.lower(),
                                      "team_id": TEAM}


@st.composite
def block_actions(draw: st.DrawFn, seen: Seen) -> dict[str, Any]:
    action = {"action_id": draw(registered(seen.actions, "fuzz_action")),
              "block_id": draw(st.text(max_size=20)), "type": "button",
              "value": draw(st.one_of(st.none(), st.text(max_size=60),
                                      st.integers().map(str),
                                      st.builds(json.dumps, junk))),
              "action_ts": "1763708400.000200"}
    payload: dict[str, Any] = {
        "type": "block_actions", "user": user_object(draw(st.sampled_from([*USERS, None]))),
        "trigger_id": "trigger-fuzz", "response_url": "",
        "container": {"type": "message", "message_ts": "1763708400.000100",
                      "channel_id": "C0DEALS", "is_ephemeral": False},
        "channel": {"id": "C0DEALS", "name": "deals"},
        "message": {"ts": "1763708400.000100", "text": "card", "blocks": []},
        "actions": [action],
    }
    for key in draw(st.lists(st.sampled_from(["user", "container", "channel", "message",
                                              "trigger_id", "response_url"]), max_size=3)):
        payload.pop(key, None)
    if draw(st.booleans()):
        payload["extra"] = draw(junk)
    return payload


@st.composite
def view_submissions(draw: st.DrawFn, seen: Seen) -> dict[str, Any]:
    values: dict[str, Any] = draw(st.dictionaries(
        st.text(min_size=1, max_size=15),
        st.dictionaries(st.text(min_size=1, max_size=15), st.one_of(
            st.builds(lambda v: {"type": "plain_text_input", "value": v},
                      st.one_of(st.none(), st.text(max_size=200))),
            st.builds(lambda v: {"type": "static_select",
                                 "selected_option": {"value": v, "text": {"type": "plain_text",
                                                                          "text": v}}},
                      st.text(max_size=20)),
            st.builds(lambda v: {"type": "datepicker", "selected_date": v},
                      st.one_of(st.none(), st.dates().map(str), st.text(max_size=12))),
            st.builds(lambda v: {"type": "users_select", "selected_user": v},
                      st.sampled_from([*USERS, "", "UNOBODY"])),
        ), max_size=2), max_size=6))
    view: dict[str, Any] = {
        "id": "VFUZZ", "type": "modal", "callback_id": draw(registered(seen.views, "fuzz_view")),
        "private_metadata": draw(st.one_of(st.text(max_size=80), st.builds(json.dumps, junk),
                                           st.integers().map(str))),
        "state": {"values": values}, "hash": "h", "title": {"type": "plain_text", "text": "F"},
        "blocks": [],
    }
    for key in draw(st.lists(st.sampled_from(["private_metadata", "state", "callback_id"]),
                             max_size=2)):
        view.pop(key, None)
    return {"type": "view_submission", "user": user_object(draw(st.sampled_from([*USERS, None]))),
            "view": view, "trigger_id": "trigger-fuzz"}


def check_interaction(rig: Rig, payload: dict[str, Any]) -> None:
    harness = rig.harness
    if payload.get("response_url") == "":
        payload["response_url"] = f"{harness.slack.url}/respond/fuzz-{time.monotonic_ns()}"
    reply = harness.interaction(payload)
    assert reply.status < 500, (reply.status, reply.body, payload)
    if reply.body.strip():
        json.loads(reply.body)                     # an ack with a body is Slack's JSON


@FUZZ
@given(data=st.data())
def test_fuzzed_block_actions_never_fail(rig: Rig, data: st.DataObject) -> None:
    check_interaction(rig, data.draw(block_actions(rig.seen)))


@FUZZ
@given(data=st.data())
def test_fuzzed_view_submissions_never_fail(rig: Rig, data: st.DataObject) -> None:
    check_interaction(rig, data.draw(view_submissions(rig.seen)))


def test_registered_interactions_with_missing_fields_are_acknowledged(rig: Rig) -> None:
    """Every registered action and view answers 200 (an ack) even to a bare payload."""
    for action_id in sorted(a for a in rig.seen.actions if a.isidentifier()):
        reply = rig.harness.interaction({
            "type": "block_actions", "user": user_object("U0DANA01"),
            "actions": [{"action_id": action_id, "block_id": "b", "type": "button"}],
            "response_url": f"{rig.harness.slack.url}/respond/U0DANA01-{time.monotonic_ns()}"})
        assert reply.status == 200, (action_id, reply.status)
    for callback_id in sorted(v for v in rig.seen.views if v.isidentifier()):
        reply = rig.harness.interaction({
            "type": "view_submission", "user": user_object("U0GSMAYA"),
            "view": {"id": "V1", "type": "modal", "callback_id": callback_id,
                     "state": {"values": {}}, "private_metadata": ""}})
        assert reply.status == 200, (callback_id, reply.status)
