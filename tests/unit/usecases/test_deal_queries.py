"""What deal forms start with, and a deal as the person asking may see it, on the fake unit of
work."""

from __future__ import annotations

import pytest

from bot.messages import Refused, Text, Typed
from bot.usecases.deal_queries import (
    DealForm,
    OpenDealForm,
    ShowDeal,
    deal_form,
    deal_summary,
)
from bot.usecases.deal_support import DealRef

from .deal_helpers import refusal
from .world import World


def test_a_registration_form_starts_in_the_partners_region() -> None:
    world = World.make()
    assert deal_form(world.services, world.actor("dana"), OpenDealForm("register")) == \
        DealForm("register", "US", ())
    with pytest.raises(Refused) as raised:
        deal_form(world.services, world.actor("maya"), OpenDealForm("register"))
    assert refusal(raised).key == "error.not_allowed"


def test_an_offer_form_lists_every_partner_for_staff_only() -> None:
    world = World.make()
    form = deal_form(world.services, world.actor("hiro"), OpenDealForm("offer"))
    assert form == DealForm("offer", "JP", (
        (world.orgs["northwind"].id, "Northwind Growth LLC"),
        (world.orgs["sakura"].id, "Sakura Digital KK")))
    with pytest.raises(Refused) as raised:
        deal_form(world.services, world.actor("aiko"), OpenDealForm("offer"))
    assert refusal(raised).key == "error.not_allowed"
    assert refusal(raised).params["roles"] == Text("roles.joined", {
        "first": (Text("role.gs"),), "last": Text("role.admin")})


def test_staff_learn_of_a_best_partner_wins_case_and_partners_do_not() -> None:
    world = World.make()
    sakura = world.deal(domain="hinode.co.jp")
    northwind = world.deal(domain="hinode.co.jp", partner="northwind", registrant="dana",
                           gs="maya", region="US")
    shown = deal_summary(world.services, world.actor("hiro"), ShowDeal(DealRef(sakura.id)))
    assert shown.deal_id == sakura.id and shown.best_partner_wins is not None
    assert shown.best_partner_wins.key == "deals.summary.best_partner_wins"
    assert shown.best_partner_wins.params["others"] == (
        Typed(f"Northwind Growth LLC (#{northwind.id})"),)
    partner_sees = deal_summary(world.services, world.actor("aiko"), ShowDeal(DealRef(sakura.id)))
    assert partner_sees.deal_id == sakura.id and partner_sees.best_partner_wins is None
    assert partner_sees.card.deal.id == sakura.id


def test_a_partner_sees_only_its_own_deals() -> None:
    world = World.make()
    deal = world.deal()
    with pytest.raises(Refused) as raised:
        deal_summary(world.services, world.actor("dana"), ShowDeal(DealRef(deal.id)))
    assert refusal(raised).key == "error.no_deal_of_yours"
    with pytest.raises(Refused) as raised:
        deal_summary(world.services, world.actor("dana"), ShowDeal(DealRef(None)))
    assert refusal(raised).params["usage"] == Text("deals.usage.status")
