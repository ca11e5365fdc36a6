"""Helpers for the `/roe`, mention and Home tab tests: deals, threads, POIs, clocks and breaches
written straight through storage, and the answers as the fake Slack received them."""

from __future__ import annotations

import time
from datetime import datetime
from decimal import Decimal
from typing import Any

from rules.vocabulary import Edition, Motion
from storage.models import (
    Breach,
    Clock,
    ClockState,
    Deal,
    DealStatus,
    DealThread,
    LineItem,
    Party,
    Poi,
    PoiStatus,
)
from tests.e2e.support import TEAM, Harness

AIKO, DANA, HIRO, MAYA, KEN, ADMIN = ("U0AIKO01", "U0DANA01", "U0GSHIRO", "U0GSMAYA",
                                      "U0PDMKEN", "U0ADMIN1")
SAKURA, NORTHWIND = "Sakura Digital KK", "Northwind Growth LLC"
CHANNEL = "C0DEALS"


def person_id(harness: Harness, user: str) -> int:
    with harness.services.uow() as uow:
        found = uow.directory.person(TEAM, user)
        assert found is not None
        return found.id


def make_deal(harness: Harness, *, org: str | None, company: str, domain: str,
              items: list[tuple[str, str | None, str]], currency: str = "USD",
              motion: Motion = Motion.PARTNER_SOURCED, status: DealStatus = DealStatus.ACCEPTED,
              region: str = "US", gs: str | None = None, thread_ts: str | None = None,
              poi: PoiStatus | None = None) -> int:
    """A deal with its line items (and thread, POI) written through storage; its id."""
    services = harness.services
    with services.uow(actor="test") as uow:
        partner = uow.directory.partner(org) if org else None
        gs_person = uow.directory.person(TEAM, gs) if gs else None
        deal = Deal(customer_domain=domain, company=company, currency=currency, motion=motion,
                    status=status, region_code=region,
                    partner_org_id=partner.id if partner else None,
                    gs_id=gs_person.id if gs_person else None)
        deal.items = [LineItem(line=line, edition=Edition(edition) if edition else None,
                               mrr=Decimal(mrr)) for line, edition, mrr in items]
        uow.deals.add(deal, at=services.now())
        if thread_ts is not None:
            uow.deals.add_thread(DealThread(deal_id=deal.id, team_id=TEAM, channel_id=CHANNEL,
                                       thread_ts=thread_ts, card_ts=thread_ts))
        if poi is not None:
            uow.pois.add(Poi(deal_id=deal.id, status=poi, recorded_at=services.now(),
                                signed_on=services.now().date() if poi is PoiStatus.SIGNED
                                else None))
        uow.commit()
        return deal.id


def add_clock(harness: Harness, deal_id: int, *, kind: str, owed_by: Party, due_at: datetime,
              state: ClockState = ClockState.RUNNING) -> None:
    services = harness.services
    with services.uow(actor="test") as uow:
        uow.clocks.add(Clock(deal_id=deal_id, kind=kind, owed_by=owed_by,
                             started_at=services.now(), due_at=due_at, basis="business_day",
                             state=state))
        uow.commit()


def add_breach(harness: Harness, deal_id: int, *, org: str, kind: str, at: datetime) -> None:
    services = harness.services
    with services.uow(actor="test") as uow:
        partner = uow.directory.partner(org)
        assert partner is not None
        uow.breaches.add(Breach(partner_org_id=partner.id, deal_id=deal_id, kind=kind,
                                occurred_at=at))
        uow.commit()


def orgs_without_pdm(harness: Harness) -> None:
    """Forget every organisation's PDM."""
    with harness.services.uow(actor="test") as uow:
        for org in uow.directory.orgs():
            org.pdm_id = None
        uow.commit()


def roe(harness: Harness, text: str, user: str, **extra: Any) -> dict[str, Any]:
    """`/roe <text>` as `user`: the one ephemeral answer."""
    before = len(harness.responses(user))
    reply = harness.command("/roe", text, user=user, **extra)
    assert reply.status == 200
    answers = harness.wait_for(lambda: harness.responses(user)[before:] or None)
    assert len(answers) == 1
    answer: dict[str, Any] = answers[0]
    assert answer["response_type"] == "ephemeral"
    return answer


def mention(harness: Harness, text: str, user: str, *, channel: str = CHANNEL,
            thread_ts: str | None = None) -> dict[str, Any]:
    """An `app_mention`; the bot's reply in its thread as chat.postMessage arguments."""
    ts = f"{int(time.time())}.{time.monotonic_ns() % 1_000_000:06d}"
    event: dict[str, Any] = {"type": "app_mention", "user": user, "text": f"<@U0COSELLBOT> {text}",
                             "ts": ts, "event_ts": ts, "channel": channel, "team": TEAM,
                             "client_msg_id": f"m-{ts}"}
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    assert harness.event(event).status == 200
    expected = thread_ts or ts

    def posted() -> dict[str, Any] | None:
        for call in harness.slack.calls_of("chat.postMessage"):
            if call.args.get("thread_ts") == expected and call.args.get("channel") == channel:
                return call.args
        return None

    found: dict[str, Any] = harness.wait_for(posted)
    return found


def open_home(harness: Harness, user: str) -> dict[str, Any]:
    """`app_home_opened`; the view published for `user`."""
    before = len(harness.slack.calls_of("views.publish"))
    event = {"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home",
             "event_ts": f"{int(time.time())}.000100"}
    assert harness.event(event).status == 200

    def published() -> dict[str, Any] | None:
        for call in harness.slack.calls_of("views.publish")[before:]:
            if call.args.get("user_id") == user:
                return call.args
        return None

    args = harness.wait_for(published)
    view: dict[str, Any] = args["view"]
    assert view["type"] == "home"
    return view
