"""Helpers of the follow-up tests: a deal with its thread written straight to storage, and
payloads shaped like Slack's (thread messages, block actions, view submissions)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

import bot.views.deal_card  # noqa: F401 - registers the card renderer the outbox uses
from rules.vocabulary import Edition, Motion
from storage.models import Clock, Deal, DealStatus, DealThread, LineItem, OutboxMessage
from storage.unit_of_work import UnitOfWork
from tests.e2e.support import TEAM, Harness

CHANNEL = "C0DEALS"
SAKURA = {"partner": "Sakura Digital KK", "region": "JP", "gs": "U0GSHIRO",
          "registered_by": "U0AIKO01", "currency": "JPY", "company": "Hinode Foods KK",
          "domain": "hinode-foods.co.jp"}
NORTHWIND = {"partner": "Northwind Growth LLC", "region": "US", "gs": "U0GSMAYA",
             "registered_by": "U0DANA01", "currency": "USD", "company": "Bluebird Dental",
             "domain": "bluebird-dental.com"}


def make_deal(harness: Harness, spec: dict[str, str], *, thread_ts: str | None = None) -> tuple[int, str]:
    """An accepted, shared deal with its thread (deal id, thread ts), written through storage."""
    services = harness.services
    with services.uow(actor="test") as uow:
        org = uow.directory.partner(spec["partner"])
        gs = uow.directory.person(TEAM, spec["gs"])
        registrant = uow.directory.person(TEAM, spec["registered_by"])
        assert org is not None and gs is not None and registrant is not None
        deal = Deal(customer_domain=spec["domain"], company=spec["company"],
                    currency=spec["currency"], motion=Motion.PARTNER_SOURCED,
                    status=DealStatus.ACCEPTED, region_code=spec["region"], gs_id=gs.id,
                    partner_org_id=org.id, registered_by_id=registrant.id,
                    expected_close=date(2025, 12, 19))
        deal.items.append(LineItem(line="marketing", edition=Edition.PROFESSIONAL,
                                   mrr=Decimal("1200")))
        uow.deals.add(deal, at=services.now())
        ts = thread_ts or f"{1763700000 + deal.id}.000100"
        uow.session.add(DealThread(deal_id=deal.id, team_id=TEAM, channel_id=CHANNEL,
                                   thread_ts=ts, card_ts=ts))
        uow.commit()
        return deal.id, ts


_counter = [0]


def next_ts() -> str:
    """A fresh Slack message ts."""
    _counter[0] += 1
    return f"{int(time.time())}.{time.monotonic_ns() % 1_000_000:06d}{_counter[0] % 10}"


def thread_event(user: str, thread_ts: str, *, ts: str | None = None, text: str = "Hello",
                 **extra: Any) -> dict[str, Any]:
    """A `message` event in a thread, as Slack sends it."""
    ts = ts or next_ts()
    return {"type": "message", "channel": CHANNEL, "user": user, "text": text, "ts": ts,
            "thread_ts": thread_ts, "team": TEAM, "channel_type": "channel",
            "event_ts": ts, "client_msg_id": f"msg-{ts}", **extra}


def response_url(harness: Harness, user: str) -> str:
    """A response URL the fake Slack records under `user`."""
    return f"{harness.slack.url}/respond/{user}-{time.monotonic_ns()}"


def block_action(harness: Harness, user: str, action_id: str, value: str, *,
                 channel: str = CHANNEL) -> dict[str, Any]:
    """A button click on a message (block_actions)."""
    ts = next_ts()
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A0COSELL", "token": "unused",
        "container": {"type": "message", "message_ts": ts, "channel_id": channel,
                      "is_ephemeral": False},
        "trigger_id": f"trigger-{time.monotonic_ns()}",
        "team": {"id": TEAM, "domain": "coseller"},
        "channel": {"id": channel, "name": "deals"},
        "message": {"type": "message", "ts": ts, "text": "...", "user": "U0COSELLBOT"},
        "response_url": response_url(harness, user),
        "actions": [{"action_id": action_id, "block_id": "b1", "value": value, "type": "button",
                     "text": {"type": "plain_text", "text": action_id},
                     "action_ts": str(time.time())}],
    }


def view_submission(user: str, callback_id: str, values: dict[str, dict[str, Any]], *,
                    private_metadata: str = "{}") -> dict[str, Any]:
    """A modal submitted: `values` is {block_id: element state} (action id `value`)."""
    return {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "coseller"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A0COSELL", "token": "unused",
        "trigger_id": f"trigger-{time.monotonic_ns()}",
        "view": {"id": f"V{time.monotonic_ns()}", "team_id": TEAM, "type": "modal",
                 "callback_id": callback_id, "private_metadata": private_metadata,
                 "state": {"values": {block: {"value": state} for block, state in values.items()}},
                 "hash": "1700000000.abcdef", "title": {"type": "plain_text", "text": "x"},
                 "blocks": []},
        "response_urls": [], "is_enterprise_install": False,
    }


def text(value: str) -> dict[str, Any]:
    """A plain_text_input's state."""
    return {"type": "plain_text_input", "value": value}


def moment(value: datetime) -> dict[str, Any]:
    """A datetimepicker's state."""
    return {"type": "datetimepicker", "selected_date_time": int(value.timestamp())}


def opened_view(harness: Harness, callback_id: str, count: int = 1) -> dict[str, Any]:
    """The `count`-th modal opened with `callback_id` (waiting for it)."""
    def found() -> list[dict[str, Any]]:
        return [c.args["view"] for c in harness.slack.calls_of("views.open")
                if (c.args.get("view") or {}).get("callback_id") == callback_id]
    views = harness.wait_for(lambda: len(found()) >= count and found())
    view: dict[str, Any] = views[count - 1]
    return view


def clocks(harness: Harness, deal_id: int) -> list[Clock]:
    """A deal's stored clocks, oldest first (detached copies)."""
    with harness.services.uow() as uow:
        rows = list(uow.session.scalars(select(Clock).where(Clock.deal_id == deal_id)
                                        .order_by(Clock.id)))
        uow.session.expunge_all()
        return rows


def query(harness: Harness, read: Callable[[UnitOfWork], Any]) -> Any:
    """Read something from the ledger."""
    with harness.services.uow() as uow:
        value = read(uow)
        uow.session.expunge_all()
        return value


def thread_messages(harness: Harness, thread_ts: str) -> list[dict[str, Any]]:
    """What the bot posted in a deal thread."""
    return [m for m in list(harness.slack.messages.get(CHANNEL, []))
            if m.get("thread_ts") == thread_ts]


def dms(harness: Harness, user: str) -> list[dict[str, Any]]:
    """What the bot sent `user` directly."""
    return list(harness.slack.messages.get(f"D{user}", []))


def outbox_idle(harness: Harness) -> bool:
    """Every queued message has been delivered (or given up)."""
    return not query(harness, lambda uow: uow.session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.state == "pending")).first())


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    """A view's private metadata."""
    data: dict[str, Any] = json.loads(view.get("private_metadata") or "{}")
    return data
