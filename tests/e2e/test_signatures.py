"""Verified before read, over real HTTP: every way of getting a Slack signature wrong is a 401,
and the request does nothing at all.

Four kinds of request, each one the app would act on when signed (a slash command, an Events API
mention, a GS's Accept on a registration card, a BANT modal submitted), each naming a
`response_url` at the fake Slack, are sent with every signature variant an attacker or a broken
proxy could produce. For each: 401, Bolt never dispatched it, the fake Slack received nothing
(not the answer, not a post), the database reads the same (processed events, outbox, audit, all
of it), and no log line carries anything of the body. The wall clock the adapter checks
timestamps against is injected (the real time plus an offset the tests move): Bolt's own check
behind it reads the real time, so the two agree until a test moves the adapter's on.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent import futures
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from slack_bolt import App, BoltRequest
from slack_bolt.adapter.socket_mode.internals import run_bolt_app
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.adapters.ack_first import AckFirstExecutor
from bot.adapters.http import HttpServer
from bot.app import create_app
from bot.bootstrap import bootstrap
from bot.config import Settings
from bot.console import requests as slack_requests
from bot.i18n import t
from bot.pacing import Pacer
from storage.directory import import_directory
from storage.models import Base
from tests.e2e.conftest import ROOT
from tests.e2e.conftest import Clock as FakeClock
from tests.e2e.deals_support import settle
from tests.e2e.followup_support import SAKURA, block_action, make_deal, text, view_submission
from tests.e2e.support import SECRET, TEAM, Harness
from tests.fakes.slack import FakeSlack

MARK = "ATTACKER-MARK-7f3a"          # in every forged body: it must appear in no log line
ATTACK_URL_USER = "U0DANA01"


@dataclass
class Wall:
    """The adapter's wall clock: the real time plus an offset a test moves."""

    offset: float = 0.0

    def now(self) -> float:
        return time.time() + self.offset


@dataclass
class Site:
    """The app behind waitress, checking signatures against the injected wall, and a record of
    every request Bolt dispatched."""

    harness: Harness
    dispatched: list[BoltRequest]
    wall: Wall
    listeners: list[Future[Any]] = field(default_factory=list)

    @property
    def stamp(self) -> int:
        return int(self.wall.now())

    def post(self, body: bytes, headers: dict[str, str], path: str = "/slack/events",
             method: str = "POST") -> int:
        request = urllib.request.Request(self.harness.server.url + path, data=body,
                                         headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
                return int(response.status)
        except urllib.error.HTTPError as error:
            error.read()
            return int(error.code)


@pytest.fixture
def site(tmp_path: Path, slack: FakeSlack, clock: FakeClock,
         monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    dispatched: list[BoltRequest] = []
    original = App.dispatch

    def spy(self: App, req: BoltRequest) -> Any:
        dispatched.append(req)
        return original(self, req)

    monkeypatch.setattr(App, "dispatch", spy)
    listeners: list[Future[Any]] = []
    submit = AckFirstExecutor.submit

    def tracked(self: AckFirstExecutor, fn: Callable[..., Any], /, *args: Any, **kwargs: Any
                ) -> Future[Any]:
        future = submit(self, fn, *args, **kwargs)
        listeners.append(future)
        return future

    monkeypatch.setattr(AckFirstExecutor, "submit", tracked)
    settings = Settings(bot_token="xoxb-e2e", signing_secret=SECRET,
                        database_url=f"sqlite:///{tmp_path / 'sig.db'}",
                        slack_api_url=slack.api_url, deal_channel="C0DEALS")
    services = bootstrap(settings, clock=clock)
    services.pacer = Pacer(0.0)
    with services.uow(actor="e2e") as uow:
        import_directory(uow, (ROOT / "examples" / "directory.toml").read_text())
        uow.commit()
    app = create_app(services)
    services.pump.start()
    wall = Wall()
    server = HttpServer(app, services, host="127.0.0.1", port=0, now=wall.now).start()
    try:
        yield Site(Harness(server, services, slack), dispatched, wall, listeners)
    finally:
        server.stop()
        services.pump.stop()
        services.engine.dispose()


# -- the four requests ---------------------------------------------------------------------------

def _command(site: Site) -> slack_requests.SlackRequest:
    harness = site.harness
    return slack_requests.slash_command(
        "/roe", f"help {MARK}", team_id=TEAM, user_id="U0DANA01", channel_id="C0DEALS",
        response_url=f"{harness.slack.url}/respond/{ATTACK_URL_USER}-{MARK}",
        trigger_id="trigger-1")


def _event(site: Site) -> slack_requests.SlackRequest:
    slack = site.harness.slack
    return slack_requests.event_callback(
        {"type": "app_mention", "user": "U0DANA01", "channel": "C0DEALS",
         "text": f"<@{slack.bot_user_id}> help {MARK}", "ts": "1763700000.000200",
         "event_ts": "1763700000.000200"},
        team_id=TEAM, event_id=f"Ev{MARK}", event_time=site.stamp, bot_user_id=slack.bot_user_id)


def _action(site: Site) -> slack_requests.SlackRequest:
    deal_id, _ = make_deal(site.harness, SAKURA)
    payload = block_action(site.harness, "U0GSHIRO", "deal_accept", f"{deal_id}")
    payload["response_url"] = f"{site.harness.slack.url}/respond/{ATTACK_URL_USER}-{MARK}"
    return slack_requests.interaction(payload, team_id=TEAM)


def _view(site: Site) -> slack_requests.SlackRequest:
    deal_id, _ = make_deal(site.harness, SAKURA)
    metadata = json.dumps({"deal_id": deal_id, "response_url":
                           f"{site.harness.slack.url}/respond/{ATTACK_URL_USER}-{MARK}"})
    payload = view_submission("U0AIKO01", "followup_bant", {
        "bant_budget": text(f"<!channel> {MARK}"), "bant_authority": text("CFO"),
        "bant_need": text("CRM"), "bant_timing": text("January"),
        "bant_close": {"type": "datepicker", "selected_date": None}},
        private_metadata=metadata)
    return slack_requests.interaction(payload, team_id=TEAM)


KINDS: dict[str, Callable[[Site], slack_requests.SlackRequest]] = {
    "slash_command": _command, "event": _event, "block_action": _action,
    "view_submission": _view,
}


# -- the signature variants ----------------------------------------------------------------------

def _mac(body: bytes, stamp: str, secret: str = SECRET, scheme: str = "v0") -> str:
    base = f"v0:{stamp}:".encode() + body
    return f"{scheme}=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


Headers = Callable[[bytes, int], "tuple[bytes, dict[str, str]]"]


def _with(stamp: Callable[[int], str] | None, signature: Callable[[bytes, str], str] | None,
          body: Callable[[bytes], bytes] = lambda b: b) -> Headers:
    def make(sent: bytes, now: int) -> tuple[bytes, dict[str, str]]:
        headers: dict[str, str] = {}
        value = stamp(now) if stamp is not None else str(now)
        if stamp is not None:
            headers["X-Slack-Request-Timestamp"] = value
        if signature is not None:
            headers["X-Slack-Signature"] = signature(sent, value)
        return body(sent), headers
    return make


def _ok(now: int) -> str:
    return str(now)


VARIANTS: dict[str, Headers] = {
    "no_signature": _with(_ok, None),
    "no_timestamp": _with(None, _mac),
    "no_headers": _with(None, None),
    "empty_signature": _with(_ok, lambda b, s: ""),
    "non_numeric_timestamp": _with(lambda n: "abc", _mac),
    "timestamp_with_underscores": _with(lambda n: f"{n // 1000}_{n % 1000:03d}",
                                        _mac),
    "timestamp_with_plus": _with(lambda n: f"+{n}", _mac),
    "timestamp_with_spaces": _with(lambda n: f" {n} ", _mac),
    "timestamp_with_fraction": _with(lambda n: f"{n}.0", _mac),
    "full_width_digits": _with(lambda n: str(n).translate(   # as UTF-8 on the wire
        str.maketrans("0123456789", "０１２３４５６７８９")).encode().decode("latin-1"),
        _mac),
    "negative_timestamp": _with(lambda n: "-1", _mac),
    "negated_now": _with(lambda n: f"-{n}", _mac),
    "huge_timestamp": _with(lambda n: "9" * 400, _mac),
    "far_future": _with(lambda n: str(n + 3600), _mac),
    "just_over_five_minutes_ahead": _with(lambda n: str(n + 301), _mac),
    "too_old": _with(lambda n: str(n - 301), _mac),
    "zero_timestamp": _with(lambda n: "0", _mac),
    "scheme_v1": _with(_ok, lambda b, s: _mac(b, s, scheme="v1")),
    "no_scheme": _with(_ok, lambda b, s: _mac(b, s)[3:]),
    "upper_case_hex": _with(_ok, lambda b, s: "v0=" + _mac(b, s)[3:].upper()),
    "two_signatures": _with(_ok, lambda b, s: f"{_mac(b, s)}, {_mac(b, s)}"),
    "truncated_signature": _with(_ok, lambda b, s: _mac(b, s)[:-2]),
    "wrong_secret": _with(_ok, lambda b, s: _mac(b, s, secret="guessed-secret")),
    "console_fallback_secret": _with(_ok, lambda b, s: _mac(b, s, secret="console-has-no-secret")),
    "signed_other_timestamp": _with(_ok, lambda b, s: _mac(b, str(int(s) - 1))),
    "changed_body": _with(_ok, _mac,
                          body=lambda b: b.replace(b"U0", b"U1", 1)),
    "appended_body": _with(_ok, _mac, body=lambda b: b + b"&user_id=U0ADMIN1"),
    "empty_body_signed_nothing": _with(_ok, lambda b, s: _mac(b"", s)),
}


def snapshot(harness: Harness) -> dict[str, list[str]]:
    """Every row of every table (as text)."""
    with harness.services.uow() as uow:
        connection = uow.session.connection()
        return {table.name: sorted(repr(tuple(row)) for row in
                                   connection.execute(table.select()).all())
                for table in Base.metadata.sorted_tables}


def _settle(site: Site) -> None:
    """A genuine request answered after the forged ones, and every lazy listener started so far
    finished (a forged request's would have shown by now; a genuine one's answer is in)."""
    harness = site.harness
    futures.wait(list(site.listeners), timeout=10)
    before = len(harness.responses("U0PDMKEN"))
    body = slack_requests.slash_command(
        "/roe", "help", team_id=TEAM, user_id="U0PDMKEN", channel_id="C0DEALS",
        response_url=f"{harness.slack.url}/respond/U0PDMKEN-probe",
        trigger_id=f"probe-{time.monotonic_ns()}").body.encode()
    stamp = str(site.stamp)
    status = site.post(body, {"Content-Type": slack_requests.FORM,
                              "X-Slack-Request-Timestamp": stamp,
                              "X-Slack-Signature": _mac(body, stamp)})
    assert status == 200
    harness.wait_for(lambda: len(harness.responses("U0PDMKEN")) > before)
    settle(harness)   # and the outbox has delivered everything queued


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_bad_signature_is_refused_and_does_nothing(site: Site, kind: str, variant: str,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    request = KINDS[kind](site)
    harness = site.harness
    _settle(site)                  # the probe's own first calls (auth.test, users.info)
    site.dispatched.clear()
    before_rows = snapshot(harness)
    before_calls = len(harness.slack.calls)
    caplog.set_level(logging.DEBUG)
    body, headers = VARIANTS[variant](request.body.encode(), site.stamp)
    status = site.post(body, {"Content-Type": request.content_type, **headers})
    assert status == 401
    assert site.dispatched == [], "Bolt never saw it"
    _settle(site)
    assert [c for c in harness.slack.calls[before_calls:]
            if c.args.get("response_url_id") != "U0PDMKEN-probe"] == []
    assert MARK not in json.dumps([c.args for c in harness.slack.calls], default=str)
    assert snapshot(harness) == before_rows
    assert not [r for r in caplog.records if MARK in r.getMessage()]


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_same_requests_signed_are_acted_on(site: Site, kind: str) -> None:
    """The control: each request above, signed right, reaches Bolt and is answered 200."""
    request = KINDS[kind](site)
    body = request.body.encode()
    stamp = str(site.stamp)
    status = site.post(body, {"Content-Type": request.content_type,
                              "X-Slack-Request-Timestamp": stamp,
                              "X-Slack-Signature": _mac(body, stamp)})
    assert status == 200
    assert len(site.dispatched) == 1


@pytest.mark.parametrize("kind", ["slash_command", "block_action", "view_submission"])
def test_a_signed_request_replayed_is_refused(site: Site, kind: str) -> None:
    """Within its five minutes a captured command or interaction cannot be sent again (Slack
    never retries those); after them it is stale."""
    request = KINDS[kind](site)
    body = request.body.encode()
    stamp = str(site.stamp)
    headers = {"Content-Type": request.content_type, "X-Slack-Request-Timestamp": stamp,
               "X-Slack-Signature": _mac(body, stamp)}
    assert site.post(body, headers) == 200
    _settle(site)
    before_rows = snapshot(site.harness)
    before_calls = len(site.harness.slack.calls)
    assert site.post(body, headers) == 401
    site.wall.offset = 6 * 60
    assert site.post(body, headers) == 401
    site.wall.offset = 0.0
    assert len(site.dispatched) == 2           # the first request and its probe
    _settle(site)
    assert [c for c in site.harness.slack.calls[before_calls:]
            if c.args.get("response_url_id") != "U0PDMKEN-probe"] == []
    assert snapshot(site.harness) == before_rows


def test_an_event_sent_again_is_dropped_by_its_id(site: Site) -> None:
    """Slack retries events: the same signed event within five minutes reaches the event-id
    deduplication, which drops it; five minutes later it is stale."""
    request = _event(site)
    body = request.body.encode()
    stamp = str(site.stamp)
    headers = {"Content-Type": request.content_type, "X-Slack-Request-Timestamp": stamp,
               "X-Slack-Signature": _mac(body, stamp)}
    assert site.post(body, headers) == 200
    _settle(site)
    before_rows = snapshot(site.harness)
    assert site.post(body, headers) == 200
    site.wall.offset = 6 * 60
    assert site.post(body, headers) == 401
    site.wall.offset = 0.0
    _settle(site)
    assert snapshot(site.harness) == before_rows


def test_other_methods_and_paths_never_reach_a_listener(site: Site) -> None:
    request = _command(site)
    body = request.body.encode()
    stamp = str(site.stamp)
    headers = {"Content-Type": request.content_type, "X-Slack-Request-Timestamp": stamp,
               "X-Slack-Signature": _mac(body, stamp)}
    assert site.post(b"", {}, method="GET") == 405
    assert site.post(body, headers, path="/slack/install") == 404       # no OAuth configured
    assert site.post(body, headers, path="/slack/oauth_redirect") == 404
    assert site.post(b"", {}, path="/slack/install", method="GET") == 404
    assert site.post(body, headers, path="/slack/events/") == 404
    assert site.dispatched == []


def test_bolts_own_verification_is_the_second_lock(site: Site) -> None:
    """Handed to Bolt directly (no adapter in front), a non-numeric timestamp makes Bolt's
    verifier raise: the error handler must not answer the unverified request."""
    request = _command(site)
    app = create_app(site.harness.services)
    response = app.dispatch(BoltRequest(body=request.body, headers={
        "content-type": request.content_type, "x-slack-request-timestamp": "abc",
        "x-slack-signature": "v0=" + "0" * 64}))
    assert response.status == 401
    _settle(site)
    assert [c for c in site.harness.slack.calls_of("response_url")
            if c.args.get("response_url_id") != "U0PDMKEN-probe"] == []


def test_oauth_paths_reach_only_the_oauth_flow(tmp_path: Path, slack: FakeSlack, clock: FakeClock,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The install and redirect paths are not signed by Slack: their GETs go to Bolt's OAuth
    flow (a forged redirect fails its state check), and nothing there reaches a listener."""
    dispatched: list[BoltRequest] = []
    monkeypatch.setattr(App, "dispatch", lambda self, req: dispatched.append(req))
    settings = Settings(client_id="1.2", client_secret="c", signing_secret=SECRET,
                        database_url=f"sqlite:///{tmp_path / 'oauth.db'}",
                        slack_api_url=slack.api_url)
    services = bootstrap(settings, clock=clock)
    server = HttpServer(create_app(services), services, host="127.0.0.1", port=0).start()
    try:
        site = Site(Harness(server, services, slack), dispatched, Wall(), [])
        body = _command(site).body.encode()
        stamp = str(site.stamp)
        signed = {"Content-Type": slack_requests.FORM, "X-Slack-Request-Timestamp": stamp,
                  "X-Slack-Signature": _mac(body, stamp)}
        assert site.post(b"", {}, path="/slack/install", method="GET") in (200, 302)
        assert site.post(b"", {}, path="/slack/oauth_redirect?code=x&state=forged",
                         method="GET") == 400
        assert site.post(body, signed, path="/slack/install") == 404
        assert site.post(body, signed, path="/slack/oauth_redirect") == 404
        assert dispatched == []
        assert slack.calls_of("oauth.v2.access") == []
    finally:
        server.stop()
        services.engine.dispose()


def _socket_app(tmp_path: Path, slack: FakeSlack, clock: FakeClock) -> tuple[App, Any]:
    settings = Settings(bot_token="xoxb-socket", app_token="xapp-1-A0COSELL-1-secret",
                        database_url=f"sqlite:///{tmp_path / 'socket.db'}",
                        slack_api_url=slack.api_url)
    services = bootstrap(settings, clock=clock)
    with services.uow(actor="e2e") as uow:
        import_directory(uow, (ROOT / "examples" / "directory.toml").read_text())
        uow.commit()
    return create_app(services), services


def _socket_command(slack: FakeSlack, user: str) -> SocketModeRequest:
    form = slack_requests.slash_command(
        "/roe", "help", team_id=TEAM, user_id=user, channel_id="C0DEALS",
        response_url=f"{slack.url}/respond/{user}-socket", trigger_id="t-socket").body
    return SocketModeRequest(type="slash_commands", envelope_id=f"env-{time.monotonic_ns()}",
                             payload=dict(parse_qsl(form)))


def _answers(slack: FakeSlack, user: str) -> list[dict[str, Any]]:
    """The answers posted to `user`'s response URLs, once there are some."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = [c.args for c in slack.calls_of("response_url")
                 if str(c.args.get("response_url_id", "")).startswith(user)]
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"no answer to {user}")


def test_socket_mode_requests_carry_no_signature_and_still_work(
        tmp_path: Path, slack: FakeSlack, clock: FakeClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Socket Mode's requests come over the socket Slack authenticated: answered as before, and
    a failure is still answered politely (they count as verified)."""
    app, services = _socket_app(tmp_path, slack, clock)
    try:
        assert run_bolt_app(app, _socket_command(slack, "U0DANA01")).status == 200
        [answer] = _answers(slack, "U0DANA01")
        assert "Rules of Engagement" in answer["text"]

        def broken(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("directory down")
        monkeypatch.setattr("bot.app.resolve_actor", broken)
        assert run_bolt_app(app, _socket_command(slack, "U0GSMAYA")).status == 200
        [answer] = _answers(slack, "U0GSMAYA")
        assert answer["text"].startswith(t("error.unexpected", "en", ref="")[:12])
    finally:
        services.engine.dispose()
