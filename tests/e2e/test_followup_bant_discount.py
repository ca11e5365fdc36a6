"""BANT and discounts over HTTP: every BANT update is kept and the card shows the latest (the
clock a BANT prompt started stops); a discount is requested, not to be discussed with the
customer, and approved in writing by the GS, the wording kept on the deal."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from bot.usecases.clock_store import BANT, start_clock
from storage.models import BantUpdate, ClockState, DiscountRequest, Party, RequestStatus
from tests.e2e.conftest import Clock as FakeClock
from tests.e2e.followup_support import (
    NORTHWIND,
    SAKURA,
    block_action,
    clocks,
    dms,
    make_deal,
    metadata,
    opened_view,
    outbox_idle,
    query,
    text,
    thread_messages,
    view_submission,
)
from tests.e2e.support import Harness


def _bant(budget: str, close: str | None = None) -> dict[str, dict[str, Any]]:
    values = {"bant_budget": text(budget), "bant_authority": text("CFOの佐藤様が決裁"),
              "bant_need": text("MAツールの統合"), "bant_timing": text("来年1月に導入"),
              "bant_next_step": text("デモ日程の調整")}
    values["bant_close"] = {"type": "datepicker", "selected_date": close}
    return values


def _card_updates(harness: Harness, thread: str) -> list[str]:
    return [json.dumps(c.args, ensure_ascii=False) for c in harness.slack.calls_of("chat.update")
            if c.args.get("ts") == thread]


def _buttons(message: dict[str, Any]) -> dict[str, str]:
    return {e["action_id"]: e.get("value", "") for b in message.get("blocks") or []
            for e in b.get("elements") or [] if e.get("action_id")}


def test_bant_history_is_kept_and_the_card_shows_the_latest(harness: Harness,
                                                           clock: FakeClock) -> None:
    deal_id, thread = make_deal(harness, SAKURA)
    with harness.services.uow(actor="test") as uow:  # a BANT prompt's clock
        deal = uow.deals.get(deal_id)
        start_clock(uow, harness.services.regions, deal, kind=BANT,
                    owed_by=Party.PARTNER, at=harness.services.now())
        uow.commit()
    harness.command("/deal", "bant", user="U0AIKO01")  # the partner's only open deal
    view = opened_view(harness, "followup_bant")
    assert metadata(view)["deal_id"] == deal_id
    assert view["title"]["text"] == "BANT条件の更新"
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert labels[:4] == ["予算(Budget)", "決裁権(Authority)", "必要性(Need)", "導入時期(Timing)"]
    reply = harness.interaction(view_submission("U0AIKO01", "followup_bant",
                                                _bant("500万円", "2026-01-30"),
                                                private_metadata=view["private_metadata"]))
    assert reply.status == 200 and "errors" not in reply.body
    harness.wait_for(lambda: query(harness, lambda uow: len(list(uow.session.scalars(
        select(BantUpdate))))) == 1)
    [bant_clock] = clocks(harness, deal_id)
    assert bant_clock.kind == "bant" and bant_clock.state is ClockState.MET
    [saved] = harness.wait_for(lambda: harness.responses("U0AIKO01"))
    assert "BANT条件を保存しました" in saved["text"]
    harness.wait_for(lambda: any("500万円" in u for u in _card_updates(harness, thread)))
    harness.wait_for(lambda: outbox_idle(harness))
    clock.now += timedelta(days=2)  # (card refreshes are keyed by the time they were asked)
    # the update button of a reminder opens the same modal, filled with the latest update
    harness.interaction(block_action(harness, "U0AIKO01", "bant_open", str(deal_id)))
    again = opened_view(harness, "followup_bant", 2)
    budget = next(b for b in again["blocks"] if b.get("block_id") == "bant_budget")
    assert budget["element"]["initial_value"] == "500万円"
    harness.interaction(view_submission("U0AIKO01", "followup_bant", _bant("800万円"),
                                        private_metadata=again["private_metadata"]))
    history = harness.wait_for(lambda: (rows := query(harness, lambda uow: list(
        uow.session.scalars(select(BantUpdate).order_by(BantUpdate.id))))) and len(rows) == 2
        and rows)
    assert [h.budget for h in history] == ["500万円", "800万円"]
    assert history[0].expected_close == date(2026, 1, 30) and history[1].expected_close is None
    harness.wait_for(lambda: any("800万円" in u for u in _card_updates(harness, thread)))
    harness.wait_for(lambda: [m for m in thread_messages(harness, thread)
                              if "800万円" in m["text"]])
    latest = harness.wait_for(lambda: (updates := _card_updates(harness, thread))
                              and "800万円" in updates[-1] and updates)
    assert "500万円" not in latest[-1]


def test_bant_is_only_for_the_deals_own_partner(harness: Harness) -> None:
    deal_id, _ = make_deal(harness, SAKURA)
    harness.interaction(block_action(harness, "U0DANA01", "bant_open", str(deal_id)))
    [refused] = harness.wait_for(lambda: harness.responses("U0DANA01"))
    assert refused["text"] == (f"None of your organisation's deals is #{deal_id}. Check the "
                               "number, or ask in your deal's thread.")
    harness.command("/deal", f"bant #{deal_id}", user="U0DANA01")
    harness.wait_for(lambda: len(harness.responses("U0DANA01")) == 2)
    assert not harness.slack.calls_of("views.open")
    # a submission forged for another partner's deal writes nothing
    harness.interaction(view_submission("U0DANA01", "followup_bant", _bant("$1"),
                                        private_metadata=json.dumps({"deal_id": deal_id})))
    harness.wait_for(lambda: len(dms(harness, "U0DANA01")) == 1)
    assert query(harness, lambda uow: list(uow.session.scalars(select(BantUpdate)))) == []


def test_discount_is_requested_and_approved_in_writing(harness: Harness) -> None:
    deal_id, thread = make_deal(harness, NORTHWIND)
    harness.command("/deal", f"discount #{deal_id} 15% off Sales Hub Professional for the "
                    "first year", user="U0DANA01")
    [answer] = harness.wait_for(lambda: harness.responses("U0DANA01"))
    assert "Do not discuss or commit to this discount with the customer" in answer["text"]
    assert "Discounting" in answer["text"]  # the rules section it comes from
    assert "Maya Brooks" in answer["text"]
    [request] = harness.wait_for(lambda: dms(harness, "U0GSMAYA"))
    discount_id = _buttons(request)["discount_approve"]
    assert _buttons(request)["discount_decline"] == discount_id
    assert "15% off Sales Hub Professional" in request["text"]
    # the partner cannot approve its own request
    harness.interaction(block_action(harness, "U0DANA01", "discount_approve", discount_id))
    refused = harness.wait_for(lambda: harness.responses("U0DANA01")[1:])
    assert refused[0]["text"] == "Only Growth Specialists or admins can do that."
    # the GS approves: a modal asks for the written approval
    harness.interaction(block_action(harness, "U0GSMAYA", "discount_approve", discount_id,
                                     channel="DU0GSMAYA"))
    view = opened_view(harness, "followup_discount_approval")
    assert metadata(view)["discount_id"] == int(discount_id)
    wording = "HubSpot approves 15% off Sales Hub Professional for the first year only."
    reply = harness.interaction(view_submission(
        "U0GSMAYA", "followup_discount_approval", {"discount_wording": text(wording)},
        private_metadata=view["private_metadata"]))
    assert reply.status == 200
    harness.wait_for(lambda: query(harness, lambda uow: uow.session.get(
        DiscountRequest, int(discount_id)).status) is RequestStatus.APPROVED)
    kept = query(harness, lambda uow: uow.session.get(DiscountRequest, int(discount_id)))
    assert kept.written_approval == wording and kept.decided_at is not None
    said = harness.wait_for(lambda: [m for m in thread_messages(harness, thread)
                                     if "approved in writing" in m["text"]])
    assert "Maya Brooks" in said[0]["text"] and wording in said[0]["text"]
    assert "<!date^" in said[0]["text"]
    replaced = harness.wait_for(lambda: [r for r in harness.responses("U0GSMAYA")
                                         if r.get("replace_original")])
    assert "approved in writing" in replaced[0]["text"]
    # approving twice changes nothing
    harness.interaction(block_action(harness, "U0GSMAYA", "discount_approve", discount_id,
                                     channel="DU0GSMAYA"))
    harness.wait_for(lambda: [r for r in harness.responses("U0GSMAYA")
                              if "already approved" in r.get("text", "")])


def test_discount_declined_is_said_in_the_thread(harness: Harness) -> None:
    deal_id, thread = make_deal(harness, NORTHWIND)
    harness.command("/deal", f"discount #{deal_id} 30% off everything", user="U0DANA01")
    [request] = harness.wait_for(lambda: dms(harness, "U0GSMAYA"))
    discount_id = _buttons(request)["discount_decline"]
    harness.interaction(block_action(harness, "U0GSMAYA", "discount_decline", discount_id,
                                     channel="DU0GSMAYA"))
    harness.wait_for(lambda: [m for m in thread_messages(harness, thread)
                              if "must not be offered" in m["text"]])
    kept = query(harness, lambda uow: uow.session.get(DiscountRequest, int(discount_id)))
    assert kept.status is RequestStatus.DECLINED and kept.written_approval is None
