"""Registering a Partner Sourced deal and deciding on it, on the fake unit of work."""

from __future__ import annotations

import pytest

from bot.messages import ChannelLink, Mention, Refused, Text, Typed
from bot.usecases.registration import (
    DecideRegistration,
    RegisterDeal,
    decide_registration,
    register_deal,
)
from storage.models import Deal, DealStatus, DealThread

from .deal_helpers import dms, form, record_card_refreshes, refusal
from .world import World


@pytest.fixture
def refreshed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    return record_card_refreshes(monkeypatch)


@pytest.fixture
def world(refreshed: list[int]) -> World:
    del refreshed
    return World.make()


def _deal(world: World, deal_id: int) -> Deal:
    with world.services.uow("test") as uow:
        return uow.deals.get(deal_id)


def test_a_partner_registers_and_the_routed_gs_is_told(world: World,
                                                        refreshed: list[int]) -> None:
    done = register_deal(world.services, world.actor("aiko"), RegisterDeal(form()))
    deal = _deal(world, done.deal_id)
    assert (deal.status, deal.gs_id) == (DealStatus.REGISTERED, world.people["hiro"].id)
    assert deal.partner_org_id == world.orgs["sakura"].id
    [thread] = world.store.rows(DealThread)
    assert (thread.deal_id, thread.channel_id) == (deal.id, "C0DEALS")
    assert refreshed == [deal.id]
    assert done.reply.ok
    [line] = done.reply.lines
    assert line == Text("deals.done.registered", {
        "gs": Mention("U0GSHIRO"), "channel": ChannelLink("C0DEALS"), "deal": deal.id,
        "company": Typed("Hinode <Foods> KK"), "domain": "hinode.co.jp"})
    [message] = dms(world)["hiro"]
    assert message.key == f"deal:{deal.id}:registered:gs"
    assert message.deal_id == deal.id
    assert message.lines[0].key == "deals.dm.new_registration"
    assert message.lines[0].params["partner"] == Typed("Sakura Digital KK")
    assert set(dms(world)) == {"hiro"}


def test_the_confirmation_names_the_channel_where_the_card_is(world: World) -> None:
    # the organisation has its own channel: the card goes there, and so do the words
    # (the configured deal channel may be one the partner cannot even read)
    with world.services.uow("test") as uow:
        org = uow.directory.find_org(world.orgs["sakura"].id)
        assert org is not None
        org.channel_id = "C0SAKURA"
        uow.commit()
    done = register_deal(world.services, world.actor("aiko"), RegisterDeal(form()))
    [thread] = world.store.rows(DealThread)
    assert thread.channel_id == "C0SAKURA"
    assert done.reply.lines[0].params["channel"] == ChannelLink("C0SAKURA")
    [message] = dms(world)["hiro"]
    assert message.lines[0].params["channel"] == ChannelLink("C0SAKURA")


def test_only_partners_register(world: World) -> None:
    with pytest.raises(Refused) as raised:
        register_deal(world.services, world.actor("hiro"), RegisterDeal(form()))
    assert refusal(raised).key == "error.not_allowed"
    assert refusal(raised).params["roles"] == Text("role.partner")
    with pytest.raises(Refused) as raised:
        register_deal(world.services, world.stranger(), RegisterDeal(form()))
    assert refusal(raised).key == "error.unknown_user"
    assert world.store.rows(Deal) == [] and world.queued() == []


def test_a_region_without_a_route_asks_the_admins(world: World) -> None:
    done = register_deal(world.services, world.actor("aiko"), RegisterDeal(form(region="SG")))
    assert _deal(world, done.deal_id).gs_id is None
    assert done.reply.lines[0].params["gs"] == "-"
    [notice] = dms(world)["ada"]
    assert notice.key == f"deal:{done.deal_id}:no_gs:{world.people['ada'].id}"
    assert notice.lines[0].key == "deals.dm.no_gs"
    assert notice.lines[0].params["region"] == "SG"
    assert set(dms(world)) == {"ada"}


def test_a_second_open_deal_of_the_same_partner_is_refused_on_the_domain_field(
        world: World) -> None:
    first = world.deal(domain="hinode.co.jp")
    with pytest.raises(Refused) as raised:
        register_deal(world.services, world.actor("ren"), RegisterDeal(form()))
    assert raised.value.reply.field == "domain"
    assert refusal(raised) == Text("deals.error.duplicate",
                                   {"domain": "hinode.co.jp", "deal": first.id})
    assert world.queued() == []


def test_best_partner_wins_is_told_to_staff_only(world: World) -> None:
    first = world.deal(domain="hinode.co.jp")
    done = register_deal(world.services, world.actor("dana"),
                         RegisterDeal(form(region="US", currency="USD")))
    told = dms(world)
    assert set(told) == {"hiro", "maya", "ken"}            # both GSs and the PDM; no partner
    [notice] = told["ken"]
    line = notice.lines[0]
    assert line.key == "deals.dm.best_partner_wins"
    assert line.params["partner"] == Typed("Northwind Growth LLC")
    assert line.params["others"] == (Typed(f"Sakura Digital KK (#{first.id})"),)
    assert notice.key.startswith(f"deal:{done.deal_id}:bpw:")
    assert [m.lines[0].key for m in told["maya"]] == ["deals.dm.new_registration",
                                                      "deals.dm.best_partner_wins"]


def test_a_gs_accepts_and_the_partner_is_told(world: World, refreshed: list[int]) -> None:
    deal = world.deal(status=DealStatus.REGISTERED)
    done = decide_registration(world.services, world.actor("hiro"),
                               DecideRegistration(deal.id, deal.version, accept=True))
    assert _deal(world, deal.id).status is DealStatus.ACCEPTED
    assert refreshed == [deal.id]
    assert done.reply.lines[0].key == "deals.done.decided"
    assert done.reply.lines[0].params["status"] == Text("deals.status.accepted")
    [message] = dms(world)["aiko"]
    assert message.key == f"deal:{deal.id}:decision:accepted"
    assert message.lines[0].key == "deals.dm.registration_accepted"
    assert message.lines[0].params["gs"] == Mention("U0GSHIRO")


def test_deciding_twice_or_on_a_stale_card_is_refused(world: World) -> None:
    deal = world.deal(status=DealStatus.REGISTERED)
    stale = deal.version
    decide_registration(world.services, world.actor("hiro"),
                        DecideRegistration(deal.id, None, accept=False))
    assert _deal(world, deal.id).status is DealStatus.DECLINED
    with pytest.raises(Refused) as raised:
        decide_registration(world.services, world.actor("hiro"),
                            DecideRegistration(deal.id, stale, accept=True))
    assert refusal(raised).key == "error.changed_meanwhile"
    with pytest.raises(Refused) as raised:
        decide_registration(world.services, world.actor("hiro"),
                            DecideRegistration(deal.id, None, accept=True))
    assert refusal(raised) == Text("deals.error.already_decided", {
        "deal": deal.id, "status": Text("deals.status.declined")})
    assert len(dms(world)["aiko"]) == 1                     # told once


def test_partners_do_not_decide_registrations(world: World) -> None:
    deal = world.deal(status=DealStatus.REGISTERED)
    with pytest.raises(Refused) as raised:
        decide_registration(world.services, world.actor("aiko"),
                            DecideRegistration(deal.id, None, accept=True))
    assert refusal(raised).key == "error.not_allowed"
    with pytest.raises(Refused) as raised:
        decide_registration(world.services, world.actor("hiro"),
                            DecideRegistration(9999, None, accept=True))
    assert refusal(raised) == Text("deals.error.not_found", {"deal": 9999})
