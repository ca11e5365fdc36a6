"""Which deal a command means: the thread it was typed in wins over a number; with neither the
person is asked which deal, shown their own open ones; a missing number and a stale card are
refusals, not errors."""

from __future__ import annotations

import pytest

from bot.context import Actor
from bot.messages import Refused, Reply, Text
from bot.usecases.deal_support import DealRef, check_version, get_deal, named_deal, open_deals
from storage.models import DealStatus

from .world import World


def _refused(call: object) -> Reply:
    assert callable(call)
    with pytest.raises(Refused) as raised:
        call()
    return raised.value.reply


def _named(world: World, actor: Actor, ref: DealRef) -> int:
    with world.services.uow("test") as uow:
        return named_deal(uow, actor, ref, usage="close").id


def test_the_thread_wins_over_the_number() -> None:
    world = World.make()
    here, other = world.deal(), world.deal(domain="other.example")
    with world.services.uow("test") as uow:
        thread = uow.deals.thread(here.id)
        assert thread is not None and thread.thread_ts is not None
        ts = thread.thread_ts
    hiro = world.actor("hiro")
    assert _named(world, hiro, DealRef(other.id, "C0DEALS", ts)) == here.id
    assert _named(world, hiro, DealRef(None, "C0DEALS", ts)) == here.id
    # a thread that is no deal's (or another channel) falls back on the number
    assert _named(world, hiro, DealRef(other.id, "C0DEALS", "1.000000")) == other.id
    assert _named(world, hiro, DealRef(other.id, "C0ELSE", ts)) == other.id


def test_with_neither_the_person_is_asked_and_shown_their_open_deals() -> None:
    world = World.make()
    first = world.deal(domain="one.example")
    second = world.deal(domain="two.example", status=DealStatus.REGISTERED)
    world.deal(domain="won.example", status=DealStatus.WON)  # closed: not listed
    world.deal(partner="northwind", registrant="dana", gs="maya", region="US")  # not Sakura's
    with world.services.uow("test") as uow:
        reply = _refused(lambda: named_deal(uow, world.actor("aiko"), DealRef(), usage="close"))
    assert not reply.ok
    assert reply.lines == (Text("deals.usage_error", {
        "problem": Text("deals.problem.which_deal",
                        {"deals": f"#{first.id} one.example, #{second.id} two.example"}),
        "usage": Text("deals.usage.close")}),)


def test_with_no_open_deals_the_person_is_told_so() -> None:
    world = World.make()
    world.deal(domain="won.example", status=DealStatus.WON)
    with world.services.uow("test") as uow:
        reply = _refused(lambda: named_deal(uow, world.actor("aiko"), DealRef(), usage="bant"))
    [line] = reply.lines
    assert line.params["problem"] == Text("deals.problem.which_deal_none", {"deals": ""})
    assert line.params["usage"] == Text("deals.usage.bant")


def test_a_missing_number_is_a_refusal() -> None:
    world = World.make()
    with world.services.uow("test") as uow:
        assert _refused(lambda: get_deal(uow, 404)) == Reply.refusal("deals.error.not_found",
                                                                     deal=404)
        assert _refused(lambda: named_deal(uow, world.actor("hiro"), DealRef(404),
                                           usage="close")).lines[0].params == {"deal": 404}


def test_a_card_of_an_older_version_is_refused() -> None:
    world = World.make()
    deal = world.deal()
    with world.services.uow("test") as uow:
        check_version(uow, deal.id, 1)  # as created
        uow.deals.get(deal.id).company = "Hinode Holdings KK"
        uow.commit()
    with world.services.uow("test") as uow:
        assert uow.deals.get(deal.id).version == 2
        assert _refused(lambda: check_version(uow, deal.id, 1)) == \
            Reply.refusal("error.changed_meanwhile")
        check_version(uow, deal.id, 2)
        check_version(uow, deal.id, None)  # no version carried: nothing to compare


def test_open_deals_are_the_partner_orgs_or_the_gss_own() -> None:
    world = World.make()
    ours = world.deal(partner="sakura", registrant="ren", gs="hiro", domain="ours.example")
    theirs = world.deal(partner="northwind", registrant="dana", gs="maya", region="US",
                        domain="theirs.example")
    world.deal(partner="sakura", domain="lost.example", status=DealStatus.LOST)
    with world.services.uow("test") as uow:
        assert open_deals(uow, world.actor("aiko")) == [(ours.id, "ours.example")]
        assert open_deals(uow, world.actor("dana")) == [(theirs.id, "theirs.example")]
        assert open_deals(uow, world.actor("hiro")) == [(ours.id, "ours.example")]
        assert open_deals(uow, world.actor("maya")) == [(theirs.id, "theirs.example")]
        assert open_deals(uow, world.actor("ken")) == []  # a PDM owns none
        assert open_deals(uow, world.actor("ada")) == []
        assert open_deals(uow, world.stranger()) == []


def test_open_deals_are_capped() -> None:
    world = World.make()
    made = [world.deal(domain=f"d{n}.example").id for n in range(4)]
    with world.services.uow("test") as uow:
        assert [i for i, _ in open_deals(uow, world.actor("hiro"), limit=3)] == made[:3]
