"""Stand-ins are named (by display name, never a Slack id) only while the absence lasts: a
partner clock started before the absence says from when the colleague will stand in, one started
during it says they stand in, one started after it ended says nothing of them; and the sweep
reminds the stand-in only inside the absence."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.messages import Outgoing, ToPerson
from bot.usecases.absences import RegisterAbsence, register_absence
from bot.usecases.sweep import sweep
from storage.models import Party

from .followup_world import clocks, say, world
from .world import World, utc

__all__ = ["world"]

START, END = utc(2025, 12, 2, 0), utc(2025, 12, 3, 0)  # Tue 09:00 to Wed 09:00 JST


def _away_with_ren(world: World) -> None:
    reply = register_absence(world.services, world.actor("aiko"),
                             RegisterAbsence(START, END, "U0REN001"))
    assert reply.lines[0].key == "followup.ooo.registered_delegate"


def _announced(world: World) -> list[str]:
    """The reasons of the newest 'reply due' notice in the thread, as the thread reads them."""
    notice = [m for m in world.queued() if m.key.endswith(":due")][-1]
    return [str(line.params["reason"]) for line in notice.lines
            if line.key == "followup.clock.reason"]


def _clock_started_at(world: World, deal_at: datetime) -> list[str]:
    world.clock.now = deal_at
    deal = world.deal()
    assert "started" in say(world, deal, "hiro")
    return _announced(world)


def test_before_the_absence_the_note_says_from_when(world: World) -> None:
    _away_with_ren(world)
    reasons = _clock_started_at(world, utc(2025, 12, 1, 1))   # Mon 10:00 JST
    [note] = [r for r in reasons if "Ren Mori" in r]
    assert "から" in note and "U0REN001" not in note          # the Sakura thread is Japanese
    assert not any("U0REN001" in r for r in reasons)


def test_during_the_absence_the_note_names_the_stand_in(world: World) -> None:
    _away_with_ren(world)
    reasons = _clock_started_at(world, START + timedelta(hours=3))
    [note] = [r for r in reasons if "Ren Mori" in r]
    assert "代理で対応するため" in note and "U0REN001" not in note


def test_after_the_absence_nothing_is_said_of_the_stand_in(world: World) -> None:
    _away_with_ren(world)
    reasons = _clock_started_at(world, END + timedelta(hours=1))
    assert reasons and not any("Ren Mori" in r or "U0REN001" in r for r in reasons)


def test_the_stand_in_is_reminded_only_inside_the_absence(world: World) -> None:
    _away_with_ren(world)
    world.clock.now = utc(2025, 12, 1, 1)
    deal = world.deal()
    say(world, deal, "hiro")                                   # due Wed 3 Dec 10:00 JST
    [row] = clocks(world, deal, Party.PARTNER)
    ren = world.people["ren"].id
    reminded: list[tuple[datetime, Outgoing]] = []
    moment = world.clock.now
    while moment <= row.due_at + timedelta(days=2):
        world.clock.now = moment
        before = len(world.queued())
        sweep(world.services)
        reminded += [(moment, m) for m in world.queued()[before:] if m.to == ToPerson(ren)]
        moment += timedelta(minutes=30)
    assert reminded                                           # Ren is reminded while Aiko is away
    for at, _ in reminded:
        assert START <= at < END + timedelta(minutes=30), at
