"""Out of office on the fake world: who may register one, an absence in advance moves the
partner's due time (the thread is told), a late one moves nothing and the GS is told with a
button to grant an extension, and a stand-in must be someone else in the directory."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.messages import Refused, Text, ToPerson, ToThread
from bot.usecases.absences import RegisterAbsence, check_delegate, open_absence, register_absence
from storage.models import Absence, Party

from .followup_world import clocks, say, world
from .world import World, utc

__all__ = ["world"]


def test_a_pdm_or_a_stranger_may_not_register_one(world: World) -> None:
    command = RegisterAbsence(utc(2025, 12, 2, 0), utc(2025, 12, 3, 0))
    for who, key in ((world.actor("ken"), "error.not_allowed"),
                     (world.stranger(), "error.unknown_user")):
        with pytest.raises(Refused) as refused:
            register_absence(world.services, who, command)
        assert refused.value.reply.lines[0].key == key
        with pytest.raises(Refused):
            open_absence(world.services, who)
    assert world.store.rows(Absence) == []
    assert open_absence(world.services, world.actor("aiko")).now == world.clock.now


def test_an_absence_in_advance_moves_the_partners_due_time(world: World) -> None:
    deal = world.deal()
    say(world, deal, "hiro")  # Mon 09:00 JST: due Wed 09:00 JST
    [before] = clocks(world, deal, Party.PARTNER)
    due = before.due_at
    start, end = utc(2025, 12, 2, 0), utc(2025, 12, 3, 0)  # Tue 09:00 to Wed 09:00 JST
    reply = register_absence(world.services, world.actor("aiko"), RegisterAbsence(start, end))
    assert reply.ok and reply.lines[0].key == "followup.ooo.registered"
    assert reply.lines[0].params == {"start": start, "end": end, "count": 1}
    [after] = clocks(world, deal, Party.PARTNER)
    assert after.due_at > due
    # the thread is told the old and the new due time, and why (one notice for the move)
    [moved] = [m for m in world.queued() if m.lines[0].key == "moves.moved"]
    assert moved.to == ToThread(deal.id)
    assert moved.lines[0].params["before"] == due
    assert moved.lines[0].params["after"] == after.due_at
    assert moved.lines[0].params["why"] == Text("moves.reason.absence")
    assert deal.id in world.refreshed  # type: ignore[attr-defined]


def test_a_late_absence_moves_nothing_and_tells_the_gs(world: World) -> None:
    deal = world.deal()
    say(world, deal, "hiro")
    [before] = clocks(world, deal, Party.PARTNER)
    start = world.clock.now - timedelta(hours=1)
    reply = register_absence(world.services, world.actor("aiko"),
                             RegisterAbsence(start, start + timedelta(days=2)))
    assert reply.lines[0].key == "followup.ooo.late"
    assert clocks(world, deal, Party.PARTNER)[0].due_at == before.due_at
    told = world.queued()[-1]
    [absence] = world.store.rows(Absence)
    assert told.key == f"absence:{absence.id}:late:{deal.id}"
    assert told.to == ToPerson(world.people["hiro"].id)
    assert told.lines[0].key == "followup.ooo.late_gs"
    assert told.lines[0].params["partner"] == "Sakura Digital KK"
    [button] = told.buttons
    assert (button.action_id, button.value) == ("extension_open", str(deal.id))


def test_a_late_absence_of_a_gs_tells_nobody(world: World) -> None:
    world.deal()
    start = world.clock.now - timedelta(hours=1)
    reply = register_absence(world.services, world.actor("hiro"),
                             RegisterAbsence(start, start + timedelta(days=1)))
    assert reply.lines[0].key == "followup.ooo.late_alone"
    assert world.queued() == []


def test_a_stand_in_is_someone_else_in_the_directory(world: World) -> None:
    aiko = world.actor("aiko")
    start, end = utc(2025, 12, 2, 0), utc(2025, 12, 3, 0)
    for user, key in (("U0AIKO01", "followup.ooo.error_delegate_self"),
                      ("U0NOBODY", "followup.ooo.error_delegate_unknown")):
        with pytest.raises(Refused) as refused:
            check_delegate(world.services, aiko, user)
        assert refused.value.reply.lines[0].key == key
        assert refused.value.reply.field == "ooo_delegate"
        with pytest.raises(Refused):
            register_absence(world.services, aiko, RegisterAbsence(start, end, user))
    check_delegate(world.services, aiko, "U0REN001")
    reply = register_absence(world.services, aiko, RegisterAbsence(start, end, "U0REN001"))
    assert reply.lines[0].key == "followup.ooo.registered_delegate"
    assert reply.lines[0].params["delegate"] == "Ren Mori"
    [absence] = world.store.rows(Absence)
    assert absence.delegate_id == world.people["ren"].id


def test_an_absence_must_end_after_it_starts_and_not_be_over(world: World) -> None:
    aiko = world.actor("aiko")
    now = world.clock.now
    for start, end, key in ((now + timedelta(days=2), now + timedelta(days=1),
                             "followup.ooo.error_order"),
                            (now - timedelta(days=2), now - timedelta(days=1),
                             "followup.ooo.error_over")):
        with pytest.raises(Refused) as refused:
            register_absence(world.services, aiko, RegisterAbsence(start, end))
        assert refused.value.reply.lines[0].key == key
    assert world.store.rows(Absence) == []


def test_a_stand_in_is_a_colleague_of_the_same_role_and_organisation(world: World) -> None:
    # a partner naming someone of another partner organisation (a competitor on the same
    # customers) would have them reminded about its deals
    world.third_org()
    start, end = utc(2025, 12, 2, 0), utc(2025, 12, 3, 0)
    for absent, delegate in (("aiko", "U0KENJI1"), ("aiko", "U0DANA01"), ("aiko", "U0GSHIRO"),
                             ("dana", "U0AIKO01"), ("hiro", "U0AIKO01"), ("hiro", "U0PDMKEN"),
                             ("hiro", "U0ADMIN1")):
        who = world.actor(absent)
        with pytest.raises(Refused) as refused:
            check_delegate(world.services, who, delegate)
        assert refused.value.reply.lines[0].key == "followup.ooo.error_delegate_colleague"
        assert refused.value.reply.field == "ooo_delegate"
        with pytest.raises(Refused):
            register_absence(world.services, who, RegisterAbsence(start, end, delegate))
    assert world.store.rows(Absence) == []
    check_delegate(world.services, world.actor("hiro"), "U0GSMAYA")  # a GS names a GS
    check_delegate(world.services, world.actor("ren"), "U0AIKO01")


def test_the_modal_offers_only_those_who_may_stand_in(world: World) -> None:
    world.third_org()
    assert open_absence(world.services, world.actor("aiko")).colleagues == (
        ("U0REN001", "Ren Mori"),)
    assert open_absence(world.services, world.actor("hiro")).colleagues == (
        ("U0GSMAYA", "Maya Brooks"),)
    assert open_absence(world.services, world.actor("dana")).colleagues == ()
    assert open_absence(world.services, world.actor("kenji")).colleagues == ()
