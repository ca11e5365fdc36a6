"""A property over random stories of three partner organisations on overlapping customers
(registrations on shared domains, accepted or not, thread messages, absences with stand-ins
named at random, time passing so reminders, breaches and digests fall due), delivered through
the outbox's own step (the recipient door included) to a recording Slack: no payload a partner
can see names another organisation, its people or its customers, and the use cases never
address anyone the door must refuse."""

from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import count
from types import SimpleNamespace
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.messages import Refused
from bot.outbox.delivery import Delivery, deliver_claimed
from bot.pacing import Pacer
from bot.usecases.absences import RegisterAbsence, register_absence
from bot.usecases.registration import DecideRegistration, RegisterDeal, decide_registration, register_deal
from bot.usecases.sweep import sweep
from storage.models import DealStatus, DealThread, OutboxState

from .deal_helpers import form
from .followup_world import say
from .world import World, utc

DOMAINS = ("example.co.jp", "hinode.co.jp", "asahi.jp")
TAGS = {"sakura": "Sakuraco", "northwind": "Northco", "kaze": "Kazeco"}
PARTNER_USERS = ("aiko", "ren", "dana", "kenji")
EVERYONE = ("aiko", "ren", "dana", "kenji", "hiro", "maya", "ken", "ada")
BPW_WORDS = ("best partner wins", "ベストパートナー", "another partner", "other partner",
             "他のパートナー", "別のパートナー")



@dataclass
class Slack:
    """Records every call; answers as Slack would (a DM channel per user, a ts per post)."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    ts: Any = field(default_factory=lambda: count(1))

    def conversations_open(self, users: str) -> dict[str, Any]:
        return {"channel": {"id": f"D{users}"}}

    def conversations_members(self, channel: str, **_: Any) -> dict[str, Any]:
        """No channel has a member the directory knows: the recipient door alone decides."""
        return {"members": [], "response_metadata": {"next_cursor": ""}}

    def api_call(self, method: str, json: dict[str, Any]) -> Any:
        self.calls.append((method, json))
        ts = json.get("ts") or f"1765000000.{next(self.ts):06d}"
        return SimpleNamespace(data={"ok": True, "ts": ts, "channel": json.get("channel")})


def deliver(world: World, slack: Slack) -> None:
    """Deliver every due row, in order, as rounds would (cards first: threads need them)."""
    for _ in range(6):
        with world.services.uow("test") as uow:
            due = [row for row in world.outbox() if row.state is OutboxState.PENDING
                   and row.next_attempt_at <= world.clock.now]
            for row in due:
                row.claimed_by, row.claimed_until = "t", world.clock.now + timedelta(minutes=5)
            uow.commit()
        if not due:
            return
        for row in due:
            deliver_claimed(world.services, slack, [row.id], token="t",  # type: ignore[arg-type]
                         pacer=Pacer(0.0), done=Delivery(), known={})  # type: ignore[arg-type]


Registration = tuple[str, int]            # who, which domain
Absence = tuple[str, int, int, int]         # who, stand-in (-1: none), starts in h, lasts h
stories = st.fixed_dictionaries({
    "registrations": st.lists(st.tuples(st.sampled_from(PARTNER_USERS), st.integers(0, 2)),
                              min_size=2, max_size=7),
    "declined": st.sets(st.integers(0, 6), max_size=2),
    "absences": st.lists(st.tuples(st.sampled_from(("aiko", "dana", "kenji", "hiro")),
                                   st.integers(-1, 4), st.integers(0, 24),
                                   st.integers(12, 120)), max_size=3),
    "talk": st.lists(st.tuples(st.sampled_from(("hiro", "aiko", "dana", "kenji", "ren")),
                               st.integers(0, 6)), max_size=4),
    "hours": st.lists(st.integers(1, 30), min_size=1, max_size=6),
})


def _org_key(world: World, who: str) -> str:
    return next(key for key, o in world.orgs.items()
                if o.id == world.people[who].partner_org_id)


def _attempt(world: World, slack: Slack, action: Any) -> None:
    with suppress(Refused):  # a refused use case tells only the asker (its own tests)
        action()
    deliver(world, slack)


def _play(world: World, slack: Slack, story: dict[str, Any]) -> list[int]:
    """Registrations (some declined), a GS's question in every thread (the partners' clocks
    start), absences with random stand-ins, a few words, then time: reminders, delegates'
    reminders, breaches and digests."""
    services, deals, made = world.services, [], count(1)
    for who, domain in story["registrations"]:
        def register(who: str = who, domain: int = domain) -> None:
            done = register_deal(services, world.actor(who), RegisterDeal(form(
                domain=DOMAINS[domain], company=f"{TAGS[_org_key(world, who)]} client "
                f"{next(made)}")))
            deals.append(done.deal_id)
        _attempt(world, slack, register)
    for index, deal_id in enumerate(deals):
        _attempt(world, slack, lambda deal_id=deal_id, index=index: decide_registration(
            services, world.actor("ada"), DecideRegistration(
                deal_id, None, index not in story["declined"])))
    for deal_id in deals:
        with services.uow("test") as uow:
            deal = uow.deals.get(deal_id)
        if deal.status is DealStatus.ACCEPTED:
            _attempt(world, slack, lambda deal=deal: say(world, deal, "hiro"))
    for who, delegate, starts, lasts in story["absences"]:
        start = world.clock.now + timedelta(hours=starts, minutes=5)
        user = world.people[EVERYONE[delegate]].slack_user_id if delegate >= 0 else None
        _attempt(world, slack, lambda who=who, start=start, lasts=lasts, user=user:
                 register_absence(services, world.actor(who), RegisterAbsence(
                     start, start + timedelta(hours=lasts), user)))
    for who, index in story["talk"]:
        if deals:
            with services.uow("test") as uow:
                deal = uow.deals.get(deals[index % len(deals)])
                thread = uow.deals.thread(deal.id)
            if thread is not None and thread.thread_ts is not None:
                _attempt(world, slack, lambda deal=deal, who=who: say(world, deal, who))
    for hours in [*story["hours"], 30, 30, 30, 30]:
        world.clock.now += timedelta(hours=hours)
        _attempt(world, slack, lambda: sweep(services))
    return deals


def _readers(world: World, method: str, args: dict[str, Any]) -> set[int] | None:
    """The partner organisations that see a call (None: every one)."""
    channel = str(args.get("channel") or "")
    if channel.startswith("D"):
        person = next((p for p in world.people.values()
                       if p.slack_user_id == channel[1:]), None)
        assert person is not None, channel
        return {person.partner_org_id} if person.partner_org_id is not None else set()
    ts = str(args.get("thread_ts") or args.get("ts") or "")
    key = str(((args.get("metadata") or {}).get("event_payload") or {}).get("key") or "")
    with world.services.uow("test") as uow:
        threads = {row.thread_ts: row.deal_id for row in world.store.rows(DealThread)}
        deal_id = threads.get(ts)
        if deal_id is None and key.startswith("deal:") and ":card:" in key:
            deal_id = int(key.split(":")[1])
        if deal_id is not None:
            org = uow.deals.get(deal_id).partner_org_id
            return {org} if org is not None else set()
    del method
    return None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(story=stories)
@example(story={  # Sakura's Aiko names Kenji of Kaze, a competitor, as her stand-in
    "registrations": [("aiko", 0), ("kenji", 0), ("dana", 0)], "declined": set(),
    "absences": [("aiko", EVERYONE.index("kenji"), 0, 120)], "talk": [], "hours": [5]})
def test_no_partner_visible_payload_names_another_organisation(story: dict[str, Any]) -> None:
    world = World.make(now=utc(2025, 12, 1, 0))
    world.third_org()
    slack = Slack()
    _play(world, slack, story)
    people = {key: [p.name, p.slack_user_id] for key, p in world.people.items()}
    words: dict[int, list[str]] = {}
    with world.services.uow("test") as uow:
        for key, org in world.orgs.items():
            mine = [word for name, person in world.people.items()
                    if person.partner_org_id == org.id for word in people[name]]
            companies = [d.company for d in uow.deals.for_partner(org.id, open_only=False,
                                                                  limit=1000)]
            words[org.id] = [org.name, TAGS[key], *mine, *companies]
    for method, args in slack.calls:
        readers = _readers(world, method, args)
        orgs = set(words) if readers is None else readers
        text = json.dumps(args, ensure_ascii=False).casefold()
        for org_id in orgs:
            for other, forbidden in words.items():
                if other == org_id:
                    continue
                for word in (*forbidden, *BPW_WORDS):
                    assert word.casefold() not in text, (org_id, word, method, text[:500])
    assert [row.idempotency_key for row in world.outbox()
            if row.state is OutboxState.REFUSED] == []
