"""Extensions on the fake world: a partner asks and the GS is asked by direct message with
buttons; the GS approves (the thread and the requester are told) or declines; a GS grants at
once; who may not is refused, and a decision is taken once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.messages import Refused, ToPerson, ToThread
from bot.usecases.deal_support import DealRef
from bot.usecases.extensions import (
    DecideExtension,
    FileExtension,
    current_due,
    decide_extension,
    file_extension,
    open_extension,
)
from storage.models import Extension, Party, RequestStatus

from .followup_world import clocks, say, world
from .world import World

__all__ = ["world"]

DAY = timedelta(hours=24)


def _refused(call: object) -> str:
    assert callable(call)
    with pytest.raises(Refused) as refused:
        call()
    return refused.value.reply.lines[0].key


def test_a_partner_asks_and_the_gs_is_asked_with_buttons(world: World) -> None:
    deal = world.deal()
    say(world, deal, "hiro")
    [row] = clocks(world, deal, Party.PARTNER)
    form = open_extension(world.services, world.actor("aiko"), deal.id)
    assert (form.deal_id, form.due, form.granting) == (deal.id, row.due_at, False)
    assert current_due(world.services, deal.id) == row.due_at
    reply = file_extension(world.services, world.actor("aiko"),
                           FileExtension(DealRef(deal.id), " customer travelling ", extra=DAY))
    assert reply.lines[0].key == "followup.extend.requested"
    assert reply.lines[0].params == {"gs": "Hiroshi Sato", "due": row.due_at}
    [ext] = world.store.rows(Extension)
    assert ext.status is RequestStatus.REQUESTED and ext.reason == "customer travelling"
    asked = world.queued()[-1]
    assert asked.key == f"extension:{ext.id}:request"
    assert asked.to == ToPerson(world.people["hiro"].id)
    assert asked.lines[0].params["asked"].key == "followup.extend.asked_hours"  # type: ignore[union-attr]
    assert [(b.action_id, b.value) for b in asked.buttons] == [
        ("extension_approve", str(ext.id)), ("extension_decline", str(ext.id))]
    assert clocks(world, deal, Party.PARTNER)[0].due_at == row.due_at  # nothing moves yet


def test_the_gs_approves_once_and_the_thread_and_requester_are_told(world: World) -> None:
    deal = world.deal()
    say(world, deal, "hiro")
    due = clocks(world, deal, Party.PARTNER)[0].due_at
    file_extension(world.services, world.actor("aiko"),
                   FileExtension(DealRef(deal.id), "travel", extra=DAY))
    [ext] = world.store.rows(Extension)
    assert _refused(lambda: decide_extension(world.services, world.actor("aiko"),
                                             DecideExtension(ext.id, True))) == \
        "error.not_allowed"
    reply = decide_extension(world.services, world.actor("hiro"), DecideExtension(ext.id, True))
    assert reply.lines[0].key == "followup.extend.granted"
    [row] = clocks(world, deal, Party.PARTNER)
    assert row.due_at > due and ext.status is RequestStatus.APPROVED
    keys = {m.key: m for m in world.queued()}
    [moved] = [m for m in keys.values() if m.lines[0].key == "moves.moved"]
    assert moved.to == ToThread(deal.id) and moved.lines[0].params["before"] == due
    assert moved.lines[0].params["after"] == row.due_at
    assert moved.lines[1].key == "moves.extension_detail"  # who granted it, and why
    assert keys[f"extension:{ext.id}:approved:dm"].to == ToPerson(world.people["aiko"].id)
    assert _refused(lambda: decide_extension(world.services, world.actor("hiro"),
                                             DecideExtension(ext.id, False))) == \
        "followup.extend.already_approved"


def test_the_gs_declines_and_the_requester_is_told(world: World) -> None:
    deal = world.deal()
    say(world, deal, "hiro")
    file_extension(world.services, world.actor("aiko"),
                   FileExtension(DealRef(deal.id), "travel", extra=DAY))
    [ext] = world.store.rows(Extension)
    reply = decide_extension(world.services, world.actor("hiro"), DecideExtension(ext.id, False))
    assert reply.lines[0].key == "followup.extend.declined"
    told = world.queued()[-1]
    assert told.key == f"extension:{ext.id}:declined:dm"
    assert told.to == ToPerson(world.people["aiko"].id)


def test_a_gs_grants_at_once(world: World) -> None:
    deal = world.deal()
    say(world, deal, "hiro")
    due = clocks(world, deal, Party.PARTNER)[0].due_at
    assert open_extension(world.services, world.actor("hiro"), deal.id).granting
    new_due = due + timedelta(days=1)
    reply = file_extension(world.services, world.actor("hiro"),
                           FileExtension(DealRef(deal.id), "holiday", new_due=new_due))
    assert reply.lines[0].key == "followup.extend.granted"
    assert clocks(world, deal, Party.PARTNER)[0].due_at == new_due
    queued = world.queued()
    assert [m.lines[0].key for m in queued][-1] == "moves.moved"  # the thread: old, new, why
    assert queued[-1].lines[0].params["before"] == due
    assert not any(m.key.endswith(":approved:dm") for m in queued)  # no DM to oneself


def test_who_may_not_and_what_cannot_be_extended(world: World) -> None:
    deal = world.deal()
    command = FileExtension(DealRef(deal.id), "travel", extra=DAY)
    assert _refused(lambda: file_extension(world.services, world.actor("aiko"), command)) == \
        "followup.extend.no_clock"
    say(world, deal, "hiro")
    due = clocks(world, deal, Party.PARTNER)[0].due_at
    for who, key in (("dana", "error.no_deal_of_yours"), ("ken", "error.not_allowed")):
        assert _refused(lambda who=who: file_extension(  # type: ignore[misc]
            world.services, world.actor(who), command)) == key
    assert _refused(lambda: file_extension(world.services, world.actor("aiko"), FileExtension(
        DealRef(deal.id), "  ", extra=DAY))) == "followup.problem.no_reason"
    assert _refused(lambda: file_extension(world.services, world.actor("aiko"), FileExtension(
        DealRef(deal.id), "x", new_due=due))) == "followup.extend.not_later"
    assert world.store.rows(Extension) == []
