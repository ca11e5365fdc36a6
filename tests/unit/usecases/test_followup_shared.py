"""The follow-up's shared doors on the fake world: the deal a command is about (named, the
thread it was run in, the actor's only one), and telling the person who acted by DM."""

from __future__ import annotations

import pytest

from bot.messages import Refused, Reply, ToPerson
from bot.usecases.deal_support import DealRef
from bot.usecases.followup_shared import find_deal, tell_actor

from .followup_world import world
from .world import World

__all__ = ["world"]


def test_the_deal_a_command_is_about(world: World) -> None:
    first = world.deal()
    second = world.deal(company="Second KK")
    aiko = world.actor("aiko")
    with world.services.uow("test") as uow:
        thread = uow.deals.thread(second.id)
        assert thread is not None
        assert find_deal(uow, aiko, DealRef(first.id)).id == first.id
        assert find_deal(uow, aiko, DealRef(None, "C0DEALS", thread.thread_ts)).id == second.id
        with pytest.raises(Refused) as refused:
            find_deal(uow, aiko, DealRef())  # two open deals: which one?
        assert refused.value.reply.lines[0].key == "followup.problem.which_deal"
        with pytest.raises(Refused) as refused:
            find_deal(uow, world.actor("dana"), DealRef(None, "C0DEALS", thread.thread_ts))
        assert refused.value.reply.lines[0].key == "error.no_deal_of_yours"
        assert find_deal(uow, world.actor("hiro"), DealRef(first.id)).id == first.id


def test_the_person_who_acted_is_told_by_direct_message(world: World) -> None:
    tell_actor(world.services, world.actor("aiko"), Reply.of("followup.extend.declined", ref=3))
    [told] = world.queued()
    assert told.to == ToPerson(world.people["aiko"].id) and told.key.startswith("notice:U0AIKO01:")
    tell_actor(world.services, world.stranger(), Reply.of("followup.extend.declined", ref=3))
    assert len(world.queued()) == 1
