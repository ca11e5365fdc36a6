"""Helpers for the deal lifecycle tests: modal submissions, card buttons and the deal card as the
fake Slack holds it, shaped like Slack's real payloads."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

from bot.outbox import pending_count
from storage.models import Deal, DealStatus, DealThread, OutboxMessage, OutboxState, PartnerOrg
from tests.e2e.support import TEAM, Harness

DEAL_CHANNEL = "C0DEALS"
SAKURA = "Sakura Digital KK"
NORTHWIND = "Northwind Growth LLC"
AIKO, DANA, HIRO, MAYA, KEN, ADMIN = ("U0AIKO01", "U0DANA01", "U0GSHIRO", "U0GSMAYA",
                                      "U0PDMKEN", "U0ADMIN1")
ORG_OF = {AIKO: SAKURA, DANA: NORTHWIND}


def select(value: str | None) -> dict[str, Any]:
    option = None if value is None else {"text": {"type": "plain_text", "text": value},
                                         "value": value}
    return {"value": {"type": "static_select", "selected_option": option}}


def text_input(value: str | None) -> dict[str, Any]:
    return {"value": {"type": "plain_text_input", "value": value}}


def date_input(value: str | None) -> dict[str, Any]:
    return {"value": {"type": "datepicker", "selected_date": value}}


def form(*, domain: str = "acme.co.jp", company: str = "Acme KK", region: str = "JP",
         segment: str = "smb", currency: str = "JPY", qualified: tuple[str, ...] = (
             "relationship", "need"),
         items: list[tuple[str | None, str | None, str | None]] | None = None,
         expected_close: str | None = "2025-12-19", subscription_start: str | None = None,
         partner: int | None = None) -> dict[str, Any]:
    """`view.state.values` of a deal modal, as Slack sends them."""
    rows = items if items is not None else [("marketing", "professional", "96000")]
    values: dict[str, Any] = {
        "domain": text_input(domain), "company": text_input(company), "region": select(region),
        "segment": select(segment), "currency": text_input(currency),
        "qualified": {"value": {"type": "checkboxes", "selected_options": [
            {"text": {"type": "plain_text", "text": q}, "value": q} for q in qualified]}},
        "expected_close": date_input(expected_close),
        "subscription_start": date_input(subscription_start),
    }
    for row in range(1, 4):
        line, edition, mrr = rows[row - 1] if row <= len(rows) else (None, None, None)
        values[f"item{row}_line"] = select(line)
        values[f"item{row}_edition"] = select(edition)
        values[f"item{row}_mrr"] = text_input(mrr)
    if partner is not None:
        values["partner"] = select(str(partner))
    return values


def submit(harness: Harness, user: str, callback_id: str, values: dict[str, Any]
           ) -> dict[str, Any]:
    """A view_submission; the app's answer (Slack's `response_action`) as JSON."""
    reply = harness.interaction({
        "type": "view_submission", "user": {"id": user, "team_id": TEAM, "name": user.lower()},
        "trigger_id": f"trigger-{time.monotonic_ns()}",
        "view": {"id": "V0DEAL", "type": "modal", "callback_id": callback_id,
                 "private_metadata": "{}", "hash": "1.abc", "team_id": TEAM,
                 "state": {"values": values}},
    })
    assert reply.status == 200, reply
    return json.loads(reply.body) if reply.body else {}


def click(harness: Harness, user: str, action_id: str, value: str, *,
          message_ts: str = "1.000001", channel: str = DEAL_CHANNEL) -> str:
    """A block_actions payload for a card button; returns its response_url id."""
    response_id = f"{user}-{time.monotonic_ns()}"
    reply = harness.interaction({
        "type": "block_actions", "user": {"id": user, "team_id": TEAM, "name": user.lower()},
        "trigger_id": f"trigger-{time.monotonic_ns()}",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel,
                      "is_ephemeral": False},
        "channel": {"id": channel, "name": "deals"},
        "message": {"type": "message", "ts": message_ts, "text": "card"},
        "response_url": f"{harness.slack.url}/respond/{response_id}",
        "actions": [{"type": "button", "action_id": action_id, "block_id": "deal_decision",
                     "value": value, "action_ts": str(time.time())}],
    })
    assert reply.status == 200, reply
    return response_id


def shortcut(harness: Harness, user: str, text: str) -> None:
    """The message shortcut "Register a shared deal" on a message saying `text`."""
    reply = harness.interaction({
        "type": "message_action", "callback_id": "register_deal_shortcut",
        "user": {"id": user, "team_id": TEAM, "name": user.lower()},
        "channel": {"id": "C0SALES", "name": "sales"},
        "message": {"type": "message", "user": user, "ts": "1700000000.000100", "text": text},
        "trigger_id": f"trigger-{time.monotonic_ns()}",
        "response_url": f"{harness.slack.url}/respond/{user}-{time.monotonic_ns()}",
    })
    assert reply.status == 200, reply


def settle(harness: Harness) -> None:
    """Wait until the outbox has delivered everything queued."""
    def empty() -> bool:
        with harness.services.uow() as uow:
            return pending_count(uow) == 0
    harness.wait_for(empty)


def later(clock: Any, **delta: float) -> None:
    """Move the injected clock on (people do not act in the same microsecond)."""
    clock.now = clock.now + timedelta(**delta)


def deal_row(harness: Harness, deal_id: int) -> Deal:
    with harness.services.uow() as uow:
        deal = uow.deals.get(deal_id)
        uow.session.expunge(deal)
        return deal


def only_deal(harness: Harness, domain: str, org: str) -> int:
    with harness.services.uow() as uow:
        partner = uow.directory.partner(org)
        assert partner is not None
        found = [d.id for d in uow.deals.open_on_domain(domain)
                 if d.partner_org_id == partner.id]
        assert len(found) == 1, found
        return found[0]


def org_id(harness: Harness, name: str) -> int:
    with harness.services.uow() as uow:
        partner = uow.directory.partner(name)
        assert partner is not None
        return partner.id


def deal_count(harness: Harness) -> int:
    with harness.services.uow() as uow:
        return len(uow.session.query(Deal).all())


def outbox_count(harness: Harness) -> int:
    with harness.services.uow() as uow:
        return len(uow.session.query(OutboxMessage).all())


def wait_status(harness: Harness, deal_id: int, status: DealStatus) -> None:
    harness.wait_for(lambda: deal_row(harness, deal_id).status is status)
    settle(harness)


def card_ts(harness: Harness, deal_id: int) -> str:
    def found() -> str | None:
        with harness.services.uow() as uow:
            thread = uow.session.get(DealThread, deal_id)
            return thread.card_ts if thread is not None else None
    return str(harness.wait_for(found))


def card(harness: Harness, deal_id: int) -> dict[str, Any]:
    """The deal's card as it stands in the fake Slack's deal channel now."""
    ts = card_ts(harness, deal_id)
    [message] = [m for m in harness.slack.messages.get(DEAL_CHANNEL, []) if m["ts"] == ts]
    return message


def card_text(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks"), ensure_ascii=False) + message.get("text", "")


def button(message: dict[str, Any], action_id: str) -> str | None:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return str(element["value"])
    return None


def dms(harness: Harness, user: str) -> list[dict[str, Any]]:
    return [c.args for c in harness.slack.calls_of("chat.postMessage")
            if c.args.get("channel") == f"D{user}"]


def answers(harness: Harness, user: str, count: int = 1) -> list[dict[str, Any]]:
    """Wait for `count` ephemeral answers to `user`."""
    return list(harness.wait_for(lambda: (found := harness.responses(user))
                                 and len(found) >= count and found))


def register(harness: Harness, clock: Any, user: str, **fields: Any) -> int:
    """A partner registers a deal through the modal; the deal's id once its card is posted."""
    answer = submit(harness, user, "deal_register", form(**fields))
    assert answer.get("response_action") == "update", answer
    domain = fields.get("domain", "acme.co.jp")
    deal_id = only_deal(harness, domain, ORG_OF[user])
    card_ts(harness, deal_id)
    settle(harness)
    later(clock, minutes=5)
    return deal_id


def partner_names(harness: Harness) -> dict[int, str]:
    with harness.services.uow() as uow:
        return {org.id: org.name for org in uow.session.query(PartnerOrg).all()}


def pending_rows(harness: Harness) -> list[OutboxMessage]:
    with harness.services.uow() as uow:
        return list(uow.session.query(OutboxMessage).filter(
            OutboxMessage.state == OutboxState.PENDING).all())
