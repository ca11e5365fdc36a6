"""The Home tab's facts on the fake world: each sees their own."""

from __future__ import annotations

from datetime import timedelta

from bot.usecases.home import home_data
from storage.models import Breach

from .sweep_support import running_clock
from .world import World, utc

NOW = utc(2025, 12, 1, 0)


def test_a_partner_sees_its_own_deals_clocks_and_breaches() -> None:
    world = World.make(now=NOW)
    mine = world.deal(company="Mine KK")
    theirs = world.deal(partner="northwind", registrant="dana", gs="maya", region="US",
                        company="Theirs LLC")
    running_clock(world, mine.id, started=NOW)
    running_clock(world, theirs.id, started=NOW)
    with world.services.uow("test") as uow:
        uow.breaches.add(Breach(partner_org_id=mine.partner_org_id, deal_id=mine.id,
                                kind="response", occurred_at=NOW - timedelta(days=3)))
        uow.commit()
    data = home_data(world.services, world.actor("aiko"))
    assert [d.company for d in data.deals] == ["Mine KK"]
    assert [c.company for c in data.clocks] == ["Mine KK"]
    assert [(b.company, b.kind) for b in data.breaches] == [("Mine KK", "response")]
    gs = home_data(world.services, world.actor("maya"))
    assert [d.company for d in gs.deals] == ["Theirs LLC"] and gs.breaches == []


def test_a_pdm_sees_each_partner_they_manage() -> None:
    world = World.make(now=NOW)
    world.deal(company="Mine KK")
    data = home_data(world.services, world.actor("ken"))
    assert [o.name for o in data.orgs] == ["Northwind Growth LLC", "Sakura Digital KK"]
    assert [d.company for d in data.orgs[1].deals] == ["Mine KK"]
    assert data.deals == []
