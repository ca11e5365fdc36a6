"""Helpers of the reliability tests: a ledger with the example directory, deals and clocks written
straight to storage (one at a time, or thousands in bulk for the worker processes), delivery until
the outbox is idle, and what the fake Slack received, counted per idempotency key."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import insert, select
from sqlalchemy.engine import make_url

import bot.views.deal_card  # noqa: F401 - registers the card renderer the outbox uses
from bot.bootstrap import Services, bootstrap
from bot.config import Settings
from bot.outbox import deliver_round
from bot.pacing import Pacer
from bot.usecases.response_clocks import ThreadMessage, on_thread_message
from rules.clocks import response_clock
from rules.escalation import plan
from rules.vocabulary import Edition, Motion
from storage.directory import import_directory
from storage.models import (
    Clock,
    ClockState,
    Deal,
    DealStatus,
    DealThread,
    LineItem,
    OutboxMessage,
    OutboxState,
    Party,
    Person,
    Region,
)
from tests.e2e.support import SECRET
from tests.fakes.slack import FakeSlack

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).resolve().parent / "worker.py"
TEAM = "T0COSELL"
CHANNEL = "C0DEALS"
SAKURA, NORTHWIND = "Sakura Digital KK", "Northwind Growth LLC"
AIKO, DANA, HIRO, MAYA, KEN, ADMIN, ADMIN2 = ("U0AIKO01", "U0DANA01", "U0GSHIRO", "U0GSMAYA",
                                              "U0PDMKEN", "U0ADMIN1", "U0ADMIN2")
H = timedelta(hours=1)
# a second admin: every admin must hear about a dead message
EXTRA_PEOPLE = """
[[people]]
user = "U0ADMIN2"
name = "Night Admin"
role = "admin"
locale = "ja"
timezone = "Asia/Tokyo"
"""
# each response step as (the key of the step done before it, business time from the start);
# on business days without a holiday in between, business time is wall time
STEPS = {"remind_24h": (None, 24 * H), "remind_4h": ("remind_24h", 44 * H),
         "breach": ("remind_4h", 48 * H)}


def add_users(slack: FakeSlack) -> None:
    """The directory's people as the fake Slack knows them."""
    for user, locale, tz in ((AIKO, "ja-JP", "Asia/Tokyo"), (DANA, "en-US", "America/New_York"),
                             (HIRO, "ja-JP", "Asia/Tokyo"), (MAYA, "en-US", "America/New_York"),
                             (KEN, "en-US", "Asia/Tokyo"), (ADMIN, "en-US", "UTC"),
                             (ADMIN2, "ja-JP", "Asia/Tokyo")):
        slack.add_user(user, locale=locale, tz=tz)


def settings_for(url: str, slack: FakeSlack | None = None) -> Settings:
    """Settings of a test process (HTTP mode, the fake Slack's Web API)."""
    return Settings(bot_token="xoxb-reliability", signing_secret=SECRET,
                    database_url=url, slack_api_url=slack.api_url if slack else None,
                    deal_channel=CHANNEL)


def make_services(url: str, slack: FakeSlack | None, clock: Any) -> Services:
    """Services on a migrated ledger holding the example directory and a second admin."""
    services = bootstrap(settings_for(url, slack), clock=clock)
    services.pacer = Pacer(0.0)
    with services.uow(actor="seed") as uow:
        text = (ROOT / "examples" / "directory.toml").read_text() + EXTRA_PEOPLE
        import_directory(uow, text)
        for code in ("JP", "US"):
            if uow.directory.region(code) is None:
                spec = services.regions.spec(code)
                uow.session.add(Region(code=code, country=spec.country, subdiv=spec.subdiv,
                                       timezone=spec.timezone, workweek=sorted(spec.workweek),
                                       closures={}))
        uow.commit()
    return services


def plain_client(slack: FakeSlack, *, timeout: int = 5) -> WebClient:
    """A Web API client without slack_sdk's own 429 retries: the outbox honours Retry-After
    itself, in the injected time."""
    return WebClient(token="xoxb-reliability", base_url=slack.api_url, timeout=timeout)


@dataclass(frozen=True)
class DealRef:
    """A deal written for a test: its id and its thread."""

    id: int
    channel: str
    thread_ts: str


_threads = iter(range(1, 10**9))


def add_deal(services: Services, *, partner: str = SAKURA, gs: str = HIRO,
             registrant: str = AIKO, region: str = "JP", company: str = "Hinode Foods KK",
             domain: str | None = None, status: DealStatus = DealStatus.ACCEPTED,
             channel: str = CHANNEL, expected_close: date | None = None,
             subscription_start: date | None = None) -> DealRef:
    """An accepted, shared deal with its thread and card, written through storage."""
    number = next(_threads)
    with services.uow(actor="test") as uow:
        org = uow.directory.partner(partner)
        owner = uow.directory.person(TEAM, gs)
        person = uow.directory.person(TEAM, registrant)
        assert org is not None and owner is not None and person is not None
        deal = Deal(customer_domain=domain or f"customer{number}.example", company=company,
                    currency="JPY" if region == "JP" else "USD", motion=Motion.PARTNER_SOURCED,
                    status=status, region_code=region, gs_id=owner.id, partner_org_id=org.id,
                    registered_by_id=person.id, expected_close=expected_close,
                    subscription_start=subscription_start)
        deal.items.append(LineItem(line="marketing", edition=Edition.PROFESSIONAL,
                                   mrr=Decimal("1200")))
        uow.deals.add(deal, at=services.now())
        ts = f"1764000000.{number:06d}"
        uow.session.add(DealThread(deal_id=deal.id, team_id=TEAM, channel_id=channel,
                                   thread_ts=ts, card_ts=ts))
        uow.commit()
        return DealRef(deal.id, channel, ts)


def say(services: Services, deal: DealRef, user: str, ts: str | None = None) -> str:
    """`user` writes in the deal's thread (as the message event's use case sees it)."""
    return on_thread_message(services, ThreadMessage(
        TEAM, deal.channel, deal.thread_ts, ts or f"1765000000.{next(_threads):06d}", user))


def clocks_of(services: Services, deal_id: int, kind: str | None = None) -> list[Clock]:
    """A deal's clocks, oldest first (detached)."""
    with services.uow() as uow:
        query = select(Clock).where(Clock.deal_id == deal_id).order_by(Clock.id)
        if kind is not None:
            query = query.where(Clock.kind == kind)
        rows = list(uow.session.scalars(query))
        uow.session.expunge_all()
        return rows


def partner_clock(services: Services, deal_id: int) -> Clock:
    """The deal's (latest) clock owed by the partner."""
    rows = [c for c in clocks_of(services, deal_id) if c.owed_by is Party.PARTNER]
    assert rows, f"deal {deal_id} has no partner clock"
    return rows[-1]


def outbox(services: Services) -> dict[str, OutboxMessage]:
    """Every outbox row by key (detached)."""
    with services.uow() as uow:
        rows = list(uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        uow.session.expunge_all()
        return {row.idempotency_key: row for row in rows}


def deliver_all(services: Services, client: WebClient, *, rounds: int = 200) -> int:
    """Deliver until a round does nothing (messages waiting for a later attempt stay); sent.
    (A round claims only conversation heads: the row after one that failed for good goes in
    the next round.)"""
    sent = 0
    for _ in range(rounds):
        done = deliver_round(services, client, pacer=Pacer(0.0))
        sent += done.sent
        if done.sent == 0 and done.failed == 0:
            return sent
    raise AssertionError("the outbox never ran dry")


def key_of(message: dict[str, Any]) -> str | None:
    """The idempotency key a posted message carries in its metadata."""
    metadata = message.get("metadata") or {}
    key = (metadata.get("event_payload") or {}).get("key")
    return str(key) if key else None


def posted(slack: FakeSlack) -> Counter[str]:
    """chat.postMessage calls Slack accepted, counted per idempotency key."""
    with slack._lock:
        messages = [m for channel in slack.messages.values() for m in channel]
    return Counter(k for m in messages if (k := key_of(m)))


def posts(slack: FakeSlack, channel: str, *, thread_ts: str | None = None,
          key: str | None = None) -> list[dict[str, Any]]:
    """Messages Slack accepted in a channel (or one thread of it, or with one key prefix)."""
    with slack._lock:
        found = list(slack.messages.get(channel, []))
    return [m for m in found
            if (thread_ts is None or m.get("thread_ts") == thread_ts)
            and (key is None or (key_of(m) or "").startswith(key))]


def dms(slack: FakeSlack, user: str) -> list[dict[str, Any]]:
    """Direct messages Slack accepted for `user`."""
    return posts(slack, f"D{user}")


def action_ids(message: dict[str, Any]) -> list[str]:
    """The action ids of a message's buttons."""
    return [e.get("action_id") for b in message.get("blocks") or []
            for e in b.get("elements") or [] if e.get("action_id")]


# -- bulk seeding for the worker processes ---------------------------------------------------

@dataclass
class Seeded:
    """What `seed_due_clocks` wrote: per clock, the key of the message its due step must post."""

    expected: dict[int, str]
    deals: int


def seed_due_clocks(services: Services, *, instants: list[datetime], steps: list[str],
                    channels: int | None = None, teams: tuple[str, ...] = (TEAM,)) -> Seeded:
    """One JP deal (with its own thread) and one partner response clock per instant, whose step
    `steps[i]` falls due exactly at `instants[i]` (the earlier steps done); bulk inserts.

    `channels`: how many deal channels the threads are spread over (default: one each);
    channel i is in workspace `teams[i % len(teams)]`.
    """
    calendar = services.regions.calendar("JP")
    now = services.now()
    with services.uow(actor="seed") as uow:
        org = uow.directory.partner(SAKURA)
        gs = uow.directory.person(TEAM, HIRO)
        aiko = uow.directory.person(TEAM, AIKO)
        assert org is not None and gs is not None and aiko is not None
        org_id, gs_id, aiko_id = org.id, gs.id, aiko.id
    deals = [{"customer_domain": f"bulk{i}.example", "company": f"Bulk Customer {i}",
              "currency": "JPY", "motion": Motion.PARTNER_SOURCED, "status": DealStatus.ACCEPTED,
              "segment": "smb", "region_code": "JP", "gs_id": gs_id, "partner_org_id": org_id,
              "registered_by_id": aiko_id, "created_at": now, "updated_at": now, "version": 1}
             for i in range(len(instants))]
    with services.factory.begin() as session:
        connection = session.connection()
        table = Deal.__table__
        ids = list(connection.execute(insert(table).returning(table.c.id,
                                                              sort_by_parameter_order=True),
                                      deals).scalars())
        connection.execute(insert(LineItem.__table__), [
            {"deal_id": deal_id, "line": "marketing", "edition": Edition.PROFESSIONAL,
             "mrr": Decimal("1200")} for deal_id in ids])
        connection.execute(insert(DealThread.__table__), [
            {"deal_id": deal_id, "team_id": teams[((i % channels) if channels else i) % len(teams)],
             "channel_id": f"C{(i % channels) if channels else i:07d}",
             "thread_ts": f"1764100000.{deal_id:06d}", "card_ts": f"1764100000.{deal_id:06d}"}
            for i, deal_id in enumerate(ids)])
        rows = []
        records: dict[tuple[datetime, str], Any] = {}
        for deal_id, at, step in zip(ids, instants, steps, strict=True):
            done, offset = STEPS[step]
            started = at - offset
            if (at, step) not in records:
                record = response_clock(started, calendar)
                planned = {s.key: s.at for s in plan(record, calendar)}
                assert planned[step] == at, (step, at, planned)
                records[at, step] = record
            record = records[at, step]
            rows.append({"deal_id": deal_id, "kind": "response", "owed_by": Party.PARTNER,
                         "owed_by_person_id": aiko_id, "started_at": started,
                         "due_at": record.due_at, "basis": record.basis.value,
                         "state": ClockState.RUNNING, "next_action_at": at,
                         "escalation_step": done, "version": 1})
        clocks = Clock.__table__
        clock_ids = list(connection.execute(insert(clocks).returning(
            clocks.c.id, sort_by_parameter_order=True), rows).scalars())
    expected = {}
    for clock_id, step in zip(clock_ids, steps, strict=True):
        expected[clock_id] = f"clock:{clock_id}:{step}" + (f":dm:{AIKO}" if step == "remind_4h"
                                                           else "")
    return Seeded(expected=expected, deals=len(ids))


def check_exactly_once(services: Services, slack: FakeSlack, expected: set[str]) -> Counter[str]:
    """Every expected key posted exactly once, no key posted twice, every outbox row sent, and
    Slack and the ledger agree on what was posted; the counts per key."""
    counts = posted(slack)
    doubled = {k: n for k, n in counts.items() if n > 1}
    assert not doubled, f"posted more than once: {sorted(doubled.items())[:20]}"
    missing = sorted(expected - set(counts))
    assert not missing, f"{len(missing)} never posted, e.g. {missing[:10]}"
    rows = outbox(services)
    unsent = {k: (r.state.value, r.last_error) for k, r in rows.items()
              if r.state is not OutboxState.SENT}
    assert not unsent, f"not sent: {list(unsent.items())[:10]}"
    strangers = sorted(set(counts) - set(rows))
    assert not strangers, f"posted but not in the outbox: {strangers[:10]}"
    posts_expected = {k for k, r in rows.items() if r.payload.get("method") == "chat.postMessage"}
    assert posts_expected <= set(counts), sorted(posts_expected - set(counts))[:10]
    return counts


def running_due(services: Services, now: datetime) -> int:
    """Running clocks whose next step has come."""
    with services.uow() as uow:
        return len(uow.session.scalars(select(Clock.id).where(
            Clock.state == ClockState.RUNNING, Clock.next_action_at <= now)).all())


# -- worker processes ------------------------------------------------------------------------

def start_worker(db_url: str, slack: FakeSlack, log: Path, *, t0: datetime, epoch: float,
                 speed: float, until: datetime | None = None, name: str = "w",
                 extra: tuple[str, ...] = ()) -> subprocess.Popen[str]:
    """A worker process (tests/reliability/worker.py) with the same Python, looping sweep and
    delivery on its own engine; its stdout says `ready` once it is about to work, its log (stderr)
    goes to `log`."""
    command = [sys.executable, str(WORKER), "--db", db_url, "--slack", slack.api_url,
               "--t0", t0.isoformat(), "--epoch", repr(epoch), "--speed", str(speed),
               "--name", name, *extra]
    if until is not None:
        command += ["--until", until.isoformat()]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    with log.open("a") as stderr:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=stderr, text=True)


def wait_ready(process: subprocess.Popen[str], log: Path) -> None:
    """Block until the worker printed `ready` (it has imported and connected)."""
    assert process.stdout is not None
    line = process.stdout.readline()
    if line.strip() != "ready":
        process.wait(30)
        raise AssertionError(f"worker did not start: {line!r}\n{_tail(log)}")


def finish(process: subprocess.Popen[str], log: Path, timeout: float) -> None:
    """Wait for a worker to exit by itself, successfully."""
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError(f"worker still running after {timeout} s:\n{_tail(log)}") from None
    assert process.returncode == 0, f"worker exited {process.returncode}:\n{_tail(log)}"


def _tail(log: Path) -> str:
    return log.read_text()[-4000:] if log.exists() else "(no log)"


@contextmanager
def killing(processes: list[subprocess.Popen[str]]) -> Iterator[None]:
    """Make sure no worker outlives its test."""
    try:
        yield
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()


def lazy_commits(url: str) -> str:
    """The same PostgreSQL URL with `synchronous_commit=off`: a commit does not wait for its WAL
    flush. Only a crash of the server itself could lose a commit, which no test here does; a
    test about claims among replicas then measures claims, not this machine's disk."""
    parsed = make_url(url)
    options = f"{parsed.query.get('options', '')} -csynchronous_commit=off".strip()
    return parsed.update_query_dict({"options": options}).render_as_string(hide_password=False)


def via(url: str, host: str, port: int) -> str:
    """The same database URL through another host and port (a proxy)."""
    return make_url(url).set(host=host, port=port).render_as_string(hide_password=False)


def utc(*args: int) -> datetime:
    """An aware UTC instant."""
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def people(services: Services) -> dict[str, Person]:
    """The directory's people by Slack user id (detached)."""
    with services.uow() as uow:
        found = {p.slack_user_id: p for p in uow.session.scalars(select(Person))}
        uow.session.expunge_all()
        return found
