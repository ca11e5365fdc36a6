"""Closing a deal, removing its partner and recording its POI, on the fake unit of work."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.messages import Mention, Refused, Text, Typed
from bot.usecases.closing import (
    CloseDeal,
    RecordPoi,
    RemovePartner,
    close_deal,
    record_poi,
    remove_partner,
)
from bot.usecases.deal_support import DealRef
from storage.models import Clock, ClockState, Deal, DealStatus, Party, Poi, PoiStatus

from .deal_helpers import dms, record_card_refreshes, refusal
from .world import World


@pytest.fixture
def refreshed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    return record_card_refreshes(monkeypatch)


@pytest.fixture
def world(refreshed: list[int]) -> World:
    del refreshed
    return World.make()


def _clock(world: World, deal: Deal, kind: str, owed_by: Party = Party.PARTNER) -> None:
    with world.services.uow("test") as uow:
        now = world.clock.now
        uow.clocks.add(Clock(deal_id=deal.id, kind=kind, owed_by=owed_by, started_at=now,
                             due_at=now + timedelta(days=2), basis="business_days",
                             state=ClockState.RUNNING, next_action_at=now + timedelta(days=1)))
        uow.commit()


def _status(world: World, deal_id: int) -> DealStatus:
    with world.services.uow("test") as uow:
        return uow.deals.get(deal_id).status


def test_a_gs_closes_a_deal_and_its_reply_clocks_stop(world: World,
                                                      refreshed: list[int]) -> None:
    deal = world.deal()
    _clock(world, deal, "response")
    _clock(world, deal, "poi")
    done = close_deal(world.services, world.actor("hiro"), CloseDeal(DealRef(deal.id), won=True))
    assert _status(world, deal.id) is DealStatus.WON
    assert done.reply.lines[0] == Text("deals.done.closed", {
        "status": Text("deals.status.won"), "deal": deal.id,
        "company": Typed("Hinode Foods KK"), "domain": deal.customer_domain})
    states = {c.kind: c.state for c in world.store.rows(Clock)}
    assert states == {"response": ClockState.CANCELLED, "poi": ClockState.RUNNING}
    assert refreshed == [deal.id]
    with pytest.raises(Refused) as raised:
        close_deal(world.services, world.actor("hiro"), CloseDeal(DealRef(deal.id), won=False))
    assert refusal(raised) == Text("deals.error.not_open", {
        "deal": deal.id, "status": Text("deals.status.won")})


def test_partners_do_not_close_and_are_told_before_being_asked_which_deal(
        world: World) -> None:
    with pytest.raises(Refused) as raised:
        close_deal(world.services, world.actor("aiko"), CloseDeal(DealRef(None), won=True))
    assert refusal(raised).key == "error.not_allowed"


def test_the_deal_is_the_threads_else_the_person_is_asked_which(world: World) -> None:
    deal = world.deal()
    assert deal.thread is not None
    done = close_deal(world.services, world.actor("hiro"), CloseDeal(
        DealRef(None, channel="C0DEALS", thread_ts=deal.thread.thread_ts), won=False))
    assert done.deal_id == deal.id
    other = world.deal()
    with pytest.raises(Refused) as raised:
        close_deal(world.services, world.actor("hiro"), CloseDeal(DealRef(None), won=False))
    assert refusal(raised) == Text("deals.usage_error", {
        "problem": Text("deals.problem.which_deal",
                        {"deals": f"#{other.id} {other.customer_domain}"}),
        "usage": Text("deals.usage.close")})
    with pytest.raises(Refused) as raised:
        close_deal(world.services, world.actor("maya"), CloseDeal(DealRef(None), won=False))
    assert refusal(raised).params["problem"] == Text("deals.problem.which_deal_none",
                                                     {"deals": ""})


def test_removing_the_partner_tells_its_people_the_reason(world: World) -> None:
    deal = world.deal()
    _clock(world, deal, "response", Party.PARTNER)
    _clock(world, deal, "bant", Party.GS)
    done = remove_partner(world.services, world.actor("hiro"),
                          RemovePartner(DealRef(deal.id), "  no reply <!here>  "))
    assert _status(world, deal.id) is DealStatus.REMOVED
    assert done.reply.lines[0].params["reason"] == Typed("no reply <!here>")
    # the GS's clocks stop too (issue 11): no reply is owed to a partner no longer there
    states = {c.kind: c.state for c in world.store.rows(Clock)}
    assert states == {"response": ClockState.CANCELLED, "bant": ClockState.CANCELLED}
    told = dms(world)
    assert set(told) == {"aiko", "ren"}
    [message] = told["ren"]
    assert message.key == f"deal:{deal.id}:removed:{world.people['ren'].id}"
    assert message.lines[0].key == "deals.dm.removed"
    assert message.lines[0].params["gs"] == Mention("U0GSHIRO")
    assert message.lines[0].params["reason"] == Typed("no reply <!here>")


def test_a_removal_needs_staff_then_a_reason(world: World) -> None:
    deal = world.deal()
    with pytest.raises(Refused) as raised:
        remove_partner(world.services, world.actor("aiko"), RemovePartner(DealRef(deal.id), ""))
    assert refusal(raised).key == "error.not_allowed"
    with pytest.raises(Refused) as raised:
        remove_partner(world.services, world.actor("hiro"), RemovePartner(DealRef(deal.id), " "))
    assert refusal(raised).params["problem"] == Text("deals.problem.remove_reason", {})
    assert _status(world, deal.id) is DealStatus.ACCEPTED and world.queued() == []


def test_a_signed_poi_meets_the_poi_clock_dated_today_for_the_partner(
        world: World, refreshed: list[int]) -> None:
    deal = world.deal()
    _clock(world, deal, "poi")
    world.clock.now = world.clock.now.replace(hour=20)       # already the 2nd in Tokyo
    done = record_poi(world.services, world.actor("aiko"),
                      RecordPoi(DealRef(deal.id), PoiStatus.SIGNED, url="https://poi.example"))
    [poi] = world.store.rows(Poi)
    assert (poi.status, poi.signed_on, poi.url) == (PoiStatus.SIGNED, date(2025, 12, 2),
                                                    "https://poi.example")
    assert poi.recorded_by_id == world.people["aiko"].id
    assert done.reply.lines[0].key == "deals.done.poi.signed"
    assert done.reply.lines[0].params["date"] == "2025-12-02"
    assert [c.state for c in world.store.rows(Clock)] == [ClockState.MET]
    assert refreshed == [deal.id]


def test_a_partner_records_pois_on_its_own_deals_only(world: World) -> None:
    deal = world.deal()
    with pytest.raises(Refused) as raised:
        record_poi(world.services, world.actor("dana"),
                   RecordPoi(DealRef(deal.id), PoiStatus.SENT))
    assert refusal(raised).key == "error.no_deal_of_yours"
    done = record_poi(world.services, world.actor("hiro"),
                      RecordPoi(DealRef(deal.id), PoiStatus.SENT))
    assert done.reply.lines[0] == Text("deals.done.poi.sent", {
        "date": "", "deal": deal.id, "company": Typed("Hinode Foods KK"),
        "domain": deal.customer_domain})
    assert world.queued() == []
