"""BANT on the fake world: the modal opens with the latest update, every update is kept, the
thread is told (what a person typed stays typed text), a partner's update stops the clock a BANT
prompt started, and only the deal's own partner (or staff) may update an open deal."""

from __future__ import annotations

from datetime import date

import pytest

from bot.messages import Refused, ToThread, Typed
from bot.usecases.bant import BantFields, RecordBant, open_bant, record_bant
from bot.usecases.clock_store import BANT, start_clock
from bot.usecases.deal_support import DealRef
from storage.models import BantUpdate, ClockState, DealStatus, Party

from .followup_world import clocks, world
from .world import World

__all__ = ["world"]

FIELDS = BantFields("5M JPY", "CFO <decides>", "MA tooling", "January", "demo",
                    date(2026, 1, 30))


def test_updates_are_kept_and_the_thread_is_told(world: World) -> None:
    deal = world.deal()
    with world.services.uow("test") as uow:  # a BANT prompt's clock
        start_clock(uow, world.services.regions, uow.deals.get(deal.id), kind=BANT,
                    owed_by=Party.PARTNER, at=world.clock.now)
        uow.commit()
    aiko = world.actor("aiko")
    form = open_bant(world.services, aiko, DealRef())  # her only open deal
    assert (form.deal_id, form.latest) == (deal.id, None)
    reply = record_bant(world.services, aiko, RecordBant(deal.id, FIELDS))
    assert reply.lines[0].key == "followup.bant.saved"
    assert reply.lines[0].params == {"ref": deal.id, "count": 1, "stopped": 1}
    [prompt] = clocks(world, deal)
    assert prompt.state is ClockState.MET
    [update] = world.store.rows(BantUpdate)
    [told] = world.queued()
    assert told.key == f"bant:{update.id}" and told.to == ToThread(deal.id)
    assert told.lines[0].params["authority"] == Typed("CFO <decides>")
    assert deal.id in world.refreshed  # type: ignore[attr-defined]
    assert open_bant(world.services, aiko, DealRef(deal.id)).latest == FIELDS
    again = record_bant(world.services, world.actor("hiro"),
                        RecordBant(deal.id, BantFields("8M JPY", "CFO", "MA", "Feb")))
    assert again.lines[0].params == {"ref": deal.id, "count": 2, "stopped": 0}
    assert open_bant(world.services, aiko, DealRef(deal.id)).latest.budget == "8M JPY"  # type: ignore[union-attr]
    with world.services.uow("test") as uow:
        assert uow.deals.get(deal.id).expected_close == date(2026, 1, 30)


def test_only_the_deals_own_partner_or_staff_on_an_open_deal(world: World) -> None:
    deal = world.deal()
    closed = world.deal(status=DealStatus.WON)
    for who, ref, key in (("dana", deal.id, "error.no_deal_of_yours"),
                          ("ken", deal.id, "error.not_allowed"),
                          ("aiko", closed.id, "followup.problem.deal_closed"),
                          ("aiko", 999999, "error.no_deal_of_yours"),
                          ("hiro", 999999, "followup.problem.no_such_deal")):
        with pytest.raises(Refused) as refused:
            record_bant(world.services, world.actor(who), RecordBant(ref, FIELDS))
        assert refused.value.reply.lines[0].key == key, who
        with pytest.raises(Refused):
            open_bant(world.services, world.actor(who), DealRef(ref))
    assert world.store.rows(BantUpdate) == [] and world.queued() == []


def test_which_deal_when_it_cannot_be_told(world: World) -> None:
    world.deal()
    world.deal(company="Second KK")
    with pytest.raises(Refused) as refused:
        open_bant(world.services, world.actor("aiko"), DealRef())
    assert refused.value.reply.lines[0].key == "followup.problem.which_deal"
    assert "Second KK" in str(refused.value.reply.lines[0].params["deals"])
