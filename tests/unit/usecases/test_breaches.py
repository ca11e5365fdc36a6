"""Dismissing a breach on the fake world: who may, what the thread is told, once."""

from __future__ import annotations

import pytest

from bot.messages import Refused, ToThread, Typed
from bot.permissions import Action
from bot.usecases.breaches import DismissBreach, dismiss_breach, require_breach_role
from storage.models import Breach

from .world import World, utc


def _breached(world: World) -> int:
    deal = world.deal()
    with world.services.uow("test") as uow:
        uow.breaches.add(Breach(partner_org_id=deal.partner_org_id, deal_id=deal.id,
                                kind="response", occurred_at=utc(2025, 11, 28, 0)))
        uow.commit()
    return deal.id


def test_a_gs_dismisses_the_breach_and_the_thread_hears_it() -> None:
    world = World.make()
    deal_id = _breached(world)
    reply = dismiss_breach(world.services, world.actor("hiro"), DismissBreach(deal_id))
    assert reply.ok and reply.lines[0].key == "breach.dismissed"
    assert world.store.rows(Breach) == []
    [told] = world.queued()
    assert told.to == ToThread(deal_id) and told.lines[0].key == "breach.dismissed_thread"
    assert told.lines[0].params["name"] == Typed("Hiroshi Sato")
    assert any(p.get("render") == "deal_card" for p in world.payloads())
    with pytest.raises(Refused) as again:
        dismiss_breach(world.services, world.actor("hiro"), DismissBreach(deal_id))
    assert again.value.reply.lines[0].key == "breach.none"


@pytest.mark.parametrize("who", ["aiko", "ken"])
def test_only_gss_and_admins_may_dismiss(who: str) -> None:
    world = World.make()
    deal_id = _breached(world)
    with pytest.raises(Refused) as refused:
        dismiss_breach(world.services, world.actor(who), DismissBreach(deal_id))
    assert refused.value.reply.lines[0].key == "breach.not_allowed"
    assert len(world.store.rows(Breach)) == 1 and world.queued() == []
    with pytest.raises(Refused):
        require_breach_role(world.actor(who), Action.REMOVE_PARTNER)
    require_breach_role(world.actor("ada"), Action.REMOVE_PARTNER)


def test_an_unknown_deal_is_refused() -> None:
    world = World.make()
    with pytest.raises(Refused) as refused:
        dismiss_breach(world.services, world.actor("hiro"), DismissBreach(999))
    assert refused.value.reply.lines[0].key == "breach.no_deal"
