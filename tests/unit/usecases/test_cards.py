"""The deal card's facts and refreshes on the fake world, and the card view over them."""

from __future__ import annotations

from bot.usecases.cards import card_facts, refresh_card
from bot.views.deal_card import card_message
from storage.models import DealStatus

from .world import World


def test_the_card_facts_speak_the_threads_language() -> None:
    world = World.make()
    registered = world.deal()  # registered by Aiko (ja)
    offered = world.deal(partner="northwind", registrant="hiro", gs="hiro",
                         status=DealStatus.OFFERED)  # no partner registrant: Dana's (en)
    with world.services.uow("test") as uow:
        assert card_facts(uow, registered.id).lang == "ja"
        facts = card_facts(uow, offered.id)
    assert facts.lang == "en"
    assert facts.partner is not None and facts.partner.name == "Northwind Growth LLC"
    assert facts.gs is not None and facts.gs.slack_user_id == "U0GSHIRO"
    assert len(facts.items) == 1 and facts.thread is not None
    assert facts.rules_partner.good_standing


def test_the_card_view_posts_then_edits_in_place() -> None:
    world = World.make()
    deal = world.deal(thread=False)
    with world.services.uow("test") as uow:
        method, args = card_message(card_facts(uow, deal.id), default_channel="C0DEALS")
    assert method == "chat.postMessage" and args["channel"] == "C0DEALS"
    assert "Hinode Foods KK" in args["text"]
    threaded = world.deal()
    with world.services.uow("test") as uow:
        method, args = card_message(card_facts(uow, threaded.id), default_channel="C0OTHER")
    assert method == "chat.update" and args["channel"] == "C0DEALS" and args["ts"]


def test_one_refresh_waits_at_a_time() -> None:
    world = World.make()
    deal = world.deal()
    with world.services.uow("test") as uow:
        assert refresh_card(uow, deal.id)
        assert not refresh_card(uow, deal.id)
        uow.commit()
    assert [p for p in world.payloads() if p.get("render") == "deal_card"] == [
        {"render": "deal_card", "deal_id": deal.id}]
    assert world.outbox()[0].channel == f"card:{deal.id}"  # an edit: in the card's own


def test_a_first_post_opens_the_threads_conversation() -> None:
    world = World.make()
    deal = world.deal(thread=False)
    with world.services.uow("test") as uow:
        assert refresh_card(uow, deal.id)
        uow.commit()
    assert world.outbox()[0].channel == f"deal:{deal.id}"  # the thread's messages wait for it
