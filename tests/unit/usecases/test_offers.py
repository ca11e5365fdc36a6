"""Offering a HubSpot-owned deal to a partner and the partner's answer, on the fake unit of
work."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.messages import ChannelLink, Mention, Refused, Text, Typed
from bot.usecases.offers import AnswerOffer, OfferDeal, answer_offer, offer_deal
from rules.vocabulary import Motion
from storage.models import Clock, ClockState, Deal, DealStatus

from .deal_helpers import dms, form, record_card_refreshes, refusal
from .world import World


@pytest.fixture
def refreshed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    return record_card_refreshes(monkeypatch)


@pytest.fixture
def world(refreshed: list[int]) -> World:
    del refreshed
    return World.make()


def _offer(world: World, who: str = "maya") -> int:
    northwind = world.orgs["northwind"].id
    done = offer_deal(world.services, world.actor(who),
                      OfferDeal(form(region="US", currency="USD", partner_org_id=northwind)))
    return done.deal_id


def test_a_gs_offers_a_deal_and_the_partner_has_72_hours(world: World,
                                                         refreshed: list[int]) -> None:
    northwind = world.orgs["northwind"].id
    done = offer_deal(world.services, world.actor("maya"),
                      OfferDeal(form(region="US", currency="USD", partner_org_id=northwind)))
    with world.services.uow("test") as uow:
        deal = uow.deals.get(done.deal_id)
        assert (deal.motion, deal.status) == (Motion.PARTNER_ASSISTED, DealStatus.OFFERED)
        assert deal.gs_id == world.people["maya"].id
        [clock] = uow.clocks.running(deal.id, "collaboration")
        assert clock.due_at - clock.started_at == timedelta(hours=72)
    assert refreshed == [done.deal_id]
    assert done.reply.lines[0] == Text("deals.done.offered", {
        "partner": Typed("Northwind Growth LLC"), "due": clock.due_at, "deal": done.deal_id,
        "company": Typed("Hinode <Foods> KK"), "domain": "hinode.co.jp"})
    [message] = dms(world)["dana"]
    assert message.key == f"deal:{done.deal_id}:offered:{world.people['dana'].id}"
    assert message.lines[0].key == "deals.dm.offer"
    assert message.lines[0].params["due"] == clock.due_at
    assert message.lines[0].params["gs"] == Mention("U0GSMAYA")
    assert set(dms(world)) == {"dana"}


def test_only_staff_offer_and_a_partner_must_be_chosen(world: World) -> None:
    with pytest.raises(Refused) as raised:
        offer_deal(world.services, world.actor("aiko"),
                   OfferDeal(form(partner_org_id=world.orgs["sakura"].id)))
    assert refusal(raised).key == "error.not_allowed"
    with pytest.raises(Refused) as raised:
        offer_deal(world.services, world.actor("maya"), OfferDeal(form()))
    assert raised.value.reply.field == "partner"
    with pytest.raises(Refused) as raised:
        offer_deal(world.services, world.actor("maya"), OfferDeal(form(partner_org_id=999)))
    assert refusal(raised).key == "deals.error.partner"
    assert world.store.rows(Deal) == [] and world.queued() == []


def test_the_partner_accepts_and_the_gs_is_told(world: World, refreshed: list[int]) -> None:
    deal_id = _offer(world)
    world.clock.now += timedelta(hours=3)
    done = answer_offer(world.services, world.actor("dana"),
                        AnswerOffer(deal_id, None, accept=True))
    assert done.reply.lines[0].key == "deals.done.offer_accepted"   # the partner is told
    [clock] = world.store.rows(Clock)
    assert (clock.state, clock.stopped_at) == (ClockState.MET, world.clock.now)
    [message] = dms(world)["maya"]
    assert message.key == f"deal:{deal_id}:offer:accepted"
    assert message.lines[0].params["who"] == Mention("U0DANA01")
    assert message.lines[0].params["partner"] == Typed("Northwind Growth LLC")
    assert refreshed == [deal_id, deal_id]


def test_another_partner_cannot_answer_nor_anyone_after_72_hours(world: World) -> None:
    deal_id = _offer(world)
    with pytest.raises(Refused) as raised:
        answer_offer(world.services, world.actor("aiko"), AnswerOffer(deal_id, None, True))
    assert refusal(raised).key == "error.no_deal_of_yours"
    with pytest.raises(Refused) as raised:
        answer_offer(world.services, world.actor("maya"), AnswerOffer(deal_id, None, True))
    assert refusal(raised).key == "error.not_allowed"
    world.clock.now += timedelta(hours=80)
    with pytest.raises(Refused) as raised:
        answer_offer(world.services, world.actor("dana"), AnswerOffer(deal_id, None, True))
    assert refusal(raised).key == "deals.error.offer_lapsed"
    assert "maya" not in dms(world)


def test_an_answered_offer_is_not_answered_again(world: World) -> None:
    deal_id = _offer(world)
    answer_offer(world.services, world.actor("dana"), AnswerOffer(deal_id, None, False))
    with pytest.raises(Refused) as raised:
        answer_offer(world.services, world.actor("dana"), AnswerOffer(deal_id, None, True))
    assert refusal(raised).params["status"] == Text("deals.status.declined")
    assert [m.lines[0].key for m in dms(world)["maya"]] == ["deals.dm.offer_declined"]


def test_the_offer_names_the_channel_where_the_card_is(world: World) -> None:
    with world.services.uow("test") as uow:
        org = uow.directory.find_org(world.orgs["northwind"].id)
        assert org is not None
        org.channel_id = "C0NORTH"
        uow.commit()
    deal_id = _offer(world)
    offers = [m for m in world.queued() if m.key.startswith(f"deal:{deal_id}:offered:")]
    assert offers and all(m.lines[0].params["channel"] == ChannelLink("C0NORTH") for m in offers)
