"""The fake world itself: seeded, and a typed message queued through it is kept once."""

from __future__ import annotations

from bot.messages import Outgoing, Text, ToThread, queue
from bot.usecases.audience import destination, thread_lang

from .world import World


def test_the_world_is_seeded_and_queues_messages_without_a_database() -> None:
    world = World.make()
    deal = world.deal()
    with world.services.uow("test") as uow:
        assert thread_lang(uow, uow.deals.get(deal.id)) == "ja"
        assert destination(uow, ToThread(deal.id)).channel == "C0DEALS"
        assert queue(uow, Outgoing("k1", ToThread(deal.id), (Text("followup.clock.started"),)))
        assert not queue(uow, Outgoing("k1", ToThread(deal.id), ()))
        uow.commit()
    assert [m.key for m in world.queued()] == ["k1"]
