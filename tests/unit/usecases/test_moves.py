"""A breach action acts on the breached clock, and deadlines that move explain themselves (issue
11), on the fake world: the breach notice's buttons name their clock; extending a breached clock
excuses its breach (running again, or met when the reply came in time) and leaves a newer clock
alone; dismiss and remove act on that breach; old buttons (the deal alone) still work; every move
of a due time tells the thread once, old and new time and why, in both languages."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.listeners.actions.breach_actions import breach_value
from bot.messages import Outgoing, Reader, Refused, Text, ToThread
from bot.usecases.breaches import DismissBreach, dismiss_breach, remove_after_breach
from bot.usecases.closing import RemovePartner
from bot.usecases.deal_support import DealRef
from bot.usecases.due_moves import REASONS, announce_moved
from bot.usecases.extensions import FileExtension, file_extension, open_extension
from bot.usecases.sweep import sweep
from bot.usecases.sweep_messages import BREACH_BUTTONS, REMINDER_BUTTONS, buttons
from bot.views.text import render_text
from storage.models import Breach, Clock, ClockState, Deal, DealStatus, Party

from .followup_world import clocks, say, world
from .world import World, utc

__all__ = ["world"]

DAY = timedelta(hours=24)


def _breach(world: World, deal: Deal) -> Clock:
    """The partner's clock breached by the sweep (the GS wrote Mon 09:00 JST, due Wed 09:00)."""
    say(world, deal, "hiro")
    world.clock.now = utc(2025, 12, 3, 1)  # Wed 10:00 JST: an hour past due
    assert sweep(world.services).breaches == 1
    [row] = [c for c in clocks(world, deal, Party.PARTNER) if c.state is ClockState.BREACHED]
    return row


def _notices(world: World, key: str) -> list[Outgoing]:
    return [m for m in world.queued() if m.lines and m.lines[0].key == key]


def _breaches(world: World) -> list[Breach]:
    return world.store.rows(Breach)


def test_breach_buttons_carry_the_breached_clock_and_reminders_the_deal() -> None:
    assert [b.value for b in buttons(12, BREACH_BUTTONS, 34)] == ["12:34"] * len(BREACH_BUTTONS)
    assert [b.value for b in buttons(12, REMINDER_BUTTONS, 34)] == ["12"] * 3
    assert breach_value("12:34") == (12, 34)
    assert breach_value("12") == (12, None)  # a notice posted before: the deal alone
    assert breach_value("12:x") == (None, None)
    assert breach_value("") == (None, None)


def test_the_sweeps_breach_notice_names_its_clock(world: World) -> None:
    deal = world.deal()
    row = _breach(world, deal)
    [notice] = [m for m in world.queued() if m.buttons and m.buttons[0].action_id ==
                "breach_extend"]
    assert {b.value for b in notice.buttons} == {f"{deal.id}:{row.id}"}


def test_extending_the_breached_clock_excuses_it_and_leaves_the_newer_clock(world: World
                                                                          ) -> None:
    deal = world.deal()
    breached = _breach(world, deal)
    say(world, deal, "hiro")  # the GS writes again: a newer clock runs for the partner
    [newer] = [c for c in clocks(world, deal, Party.PARTNER) if c.state is ClockState.RUNNING]
    newer_due = newer.due_at
    form = open_extension(world.services, world.actor("hiro"), deal.id, breached.id)
    assert form.due == breached.due_at and form.clock_id == breached.id
    before = breached.due_at
    reply = file_extension(world.services, world.actor("hiro"), FileExtension(
        DealRef(deal.id), "customer holiday", extra=DAY, clock_id=breached.id))
    assert reply.ok
    rows = {c.id: c for c in clocks(world, deal, Party.PARTNER)}
    assert rows[breached.id].due_at == before + DAY
    assert rows[newer.id].due_at == newer_due  # the newer one is not moved
    # one reply answers both: one clock runs, the one due later (here the newer message's)
    assert newer_due > before + DAY
    assert rows[breached.id].state is ClockState.CANCELLED  # excused, not running twice
    assert rows[newer.id].state is ClockState.RUNNING
    assert _breaches(world) == []  # off the partner's record
    [moved] = _notices(world, "moves.moved")
    assert moved.to == ToThread(deal.id)
    assert moved.lines[0].params["before"] == before
    assert moved.lines[0].params["after"] == before + DAY
    [excused] = _notices(world, "moves.excused_running")
    assert excused.lines[0].params["due"] == newer_due  # when the one reply is due now
    assert deal.id in world.refreshed  # type: ignore[attr-defined]
    # the sweep breaches only the running clock, at its due time
    world.clock.now = before + DAY + timedelta(hours=1)
    assert sweep(world.services).breaches == 0
    world.clock.now = newer_due + timedelta(hours=1)
    assert sweep(world.services).breaches == 1
    assert [b.clock_id for b in _breaches(world)] == [newer.id]


def test_a_revived_clock_due_after_the_newer_one_runs_alone(world: World) -> None:
    """One reply answers both of the partner's clocks: extended past the newer clock's due
    time, the breached one runs and the newer one is cancelled (never two running)."""
    deal = world.deal()
    breached = _breach(world, deal)
    say(world, deal, "hiro")
    [newer] = [c for c in clocks(world, deal, Party.PARTNER) if c.state is ClockState.RUNNING]
    file_extension(world.services, world.actor("hiro"), FileExtension(
        DealRef(deal.id), "customer holiday", extra=5 * DAY, clock_id=breached.id))
    rows = {c.id: c for c in clocks(world, deal, Party.PARTNER)}
    assert rows[breached.id].due_at > newer.due_at
    assert [c.id for c in rows.values() if c.state is ClockState.RUNNING] == [breached.id]
    assert rows[newer.id].state is ClockState.CANCELLED


def test_a_reply_before_the_new_due_time_makes_the_breached_clock_met(world: World) -> None:
    deal = world.deal()
    breached = _breach(world, deal)
    world.clock.now = utc(2025, 12, 3, 2)
    say(world, deal, "aiko")  # the partner replies, an hour after the breach notice
    file_extension(world.services, world.actor("hiro"), FileExtension(
        DealRef(deal.id), "the customer was closed", extra=DAY, clock_id=breached.id))
    [row] = [c for c in clocks(world, deal, Party.PARTNER) if c.id == breached.id]
    assert row.state is ClockState.MET and row.stopped_at == utc(2025, 12, 3, 2)
    assert row.next_action_at is None
    assert _breaches(world) == []
    [met] = _notices(world, "moves.excused_met")
    assert met.lines[0].params["at"] == utc(2025, 12, 3, 2)


def test_an_extension_still_ending_before_now_leaves_the_breach(world: World) -> None:
    deal = world.deal()
    breached = _breach(world, deal)
    world.clock.now = utc(2025, 12, 8, 0)  # days later, no reply
    file_extension(world.services, world.actor("hiro"), FileExtension(
        DealRef(deal.id), "late", extra=timedelta(hours=2), clock_id=breached.id))
    [row] = [c for c in clocks(world, deal, Party.PARTNER) if c.id == breached.id]
    assert row.state is ClockState.BREACHED  # still late at its new due time
    assert [b.clock_id for b in _breaches(world)] == [breached.id]
    assert _notices(world, "moves.moved")  # the move itself is told
    assert not _notices(world, "moves.excused_running")


def test_a_clock_of_another_deal_or_side_is_not_extended(world: World) -> None:
    deal, other = world.deal(), world.deal()
    breached = _breach(world, deal)
    for wrong in (deal.id, other.id):
        clock_id = breached.id if wrong == other.id else 10_000
        with pytest.raises(Refused) as refused:
            file_extension(world.services, world.actor("hiro"), FileExtension(
                DealRef(wrong), "x", extra=DAY, clock_id=clock_id))
        assert refused.value.reply.lines[0].key == "followup.extend.no_clock"


def test_dismiss_and_remove_act_on_the_notices_breach_not_the_latest(world: World) -> None:
    deal = world.deal()
    first = _breach(world, deal)
    say(world, deal, "hiro")  # Wed 10:00 JST: a second clock, due Fri 10:00
    world.clock.now = utc(2025, 12, 5, 2)
    assert sweep(world.services).breaches == 1
    second = max(_breaches(world), key=lambda b: b.id)
    assert second.clock_id != first.id
    dismiss_breach(world.services, world.actor("hiro"), DismissBreach(deal.id, first.id))
    assert [b.clock_id for b in _breaches(world)] == [second.clock_id]
    # the first notice's buttons again: that breach is gone, whatever else is on the record
    with pytest.raises(Refused) as refused:
        dismiss_breach(world.services, world.actor("hiro"), DismissBreach(deal.id, first.id))
    assert refused.value.reply.lines[0].key == "breach.gone"
    with pytest.raises(Refused) as refused:
        remove_after_breach(world.services, world.actor("hiro"),
                            RemovePartner(DealRef(deal.id), "late"), first.id)
    assert refused.value.reply.lines[0].key == "breach.gone"
    with world.services.uow("test") as uow:
        assert uow.deals.get(deal.id).status is DealStatus.ACCEPTED
    # an old notice (the deal alone) dismisses the deal's latest breach, as it always did
    dismiss_breach(world.services, world.actor("hiro"), DismissBreach(deal.id))
    assert _breaches(world) == []


def test_remove_after_a_standing_breach_removes_the_partner(world: World) -> None:
    deal = world.deal()
    breached = _breach(world, deal)
    done = remove_after_breach(world.services, world.actor("hiro"),
                               RemovePartner(DealRef(deal.id), "no reply"), breached.id)
    assert done.reply.ok
    with world.services.uow("test") as uow:
        assert uow.deals.get(deal.id).status is DealStatus.REMOVED


def test_announce_moved_once_per_move_and_never_when_nothing_moved(world: World) -> None:
    deal = world.deal()
    say(world, deal, "hiro")
    [row] = clocks(world, deal, Party.PARTNER)
    with world.services.uow("test") as uow:
        row = uow.clocks.get(row.id)
        assert not announce_moved(uow, deal, row, row.due_at, "calendar")  # nothing moved
        before = row.due_at
        row.due_at = before + DAY
        assert announce_moved(uow, deal, row, before, "calendar")
        assert not announce_moved(uow, deal, row, before, "calendar")  # the same move again
        with pytest.raises(ValueError, match="unknown reason"):
            announce_moved(uow, deal, row, before, "whim")
        uow.commit()
    assert len(_notices(world, "moves.moved")) == 1
    assert set(REASONS) == {"close_date", "subscription_start", "extension", "absence",
                            "calendar"}


@pytest.mark.parametrize("reason", sorted(REASONS))
def test_a_moved_due_time_reads_in_each_readers_language_and_zone(reason: str) -> None:
    before, after = utc(2025, 12, 3, 0), utc(2025, 12, 4, 0)
    line = Text("moves.moved", {"what": Text("deals.clock.response"),
                                "side": Text("deals.party.partner"), "before": before,
                                "after": after,
                                "why": Text(f"moves.reason.{reason}", {"day": before.date()})})
    # in the thread (read by several): Slack date tokens, each reader's Slack shows its zone
    japanese = render_text(line, Reader("ja", ZoneInfo("Asia/Tokyo"), shared=True))
    english = render_text(line, Reader("en", ZoneInfo("America/New_York"), shared=True))
    assert "パートナー" in japanese and "期限" in japanese
    assert f"<!date^{int(before.timestamp())}^" in japanese
    assert f"<!date^{int(after.timestamp())}^" in english and "Why:" in english
    # read alone (a direct message): in the reader's own zone
    alone = render_text(line, Reader("ja", ZoneInfo("Asia/Tokyo")))
    assert "12月3日(水) 09:00" in alone and "12月4日(木) 09:00" in alone
    assert "from Tue 2 Dec 19:00 EST to Wed 3 Dec 19:00 EST" in render_text(
        line, Reader("en", ZoneInfo("America/New_York")))
    words = re.sub(r"<[^>]*>|:[a-z_]+:", "", japanese)
    assert not re.search(r"[A-Za-z]{3,}", words), words  # no English word (GS is a name)


def _steps(world: World, clock_id: int) -> list[tuple[str, str]]:
    """The sweep's messages about one clock: (outbox key, first text key), in order."""
    return [(m.key, m.lines[0].key) for m in world.queued()
            if m.key.startswith(f"clock:{clock_id}:")]


def test_an_extended_breached_clock_reminds_and_breaches_again_never_silently(world: World
                                                                            ) -> None:
    """Finding 1 (issue 11): the re-armed clock is reminded from its new due time and posts one
    breach notice (with its buttons) when it breaches again; its steps were taken once before,
    so their messages must not be swallowed as repeats."""
    deal = world.deal()
    breached = _breach(world, deal)
    before = _steps(world, breached.id)
    first_due = breached.due_at
    world.clock.now = utc(2025, 12, 3, 2)  # Wed 11:00 JST: extended by 48 business hours
    file_extension(world.services, world.actor("hiro"), FileExtension(
        DealRef(deal.id), "customer holiday", extra=2 * DAY, clock_id=breached.id))
    [row] = [c for c in clocks(world, deal, Party.PARTNER) if c.id == breached.id]
    due = row.due_at
    assert row.state is ClockState.RUNNING and due == first_due + 2 * DAY
    for at, expected in ((due - DAY, "reminder.response.thread"),
                         (due - timedelta(hours=4), "reminder.response.dm"),
                         (due, "reminder.mention")):  # the breach notice, to the GS
        world.clock.now = at + timedelta(minutes=1)
        sweep(world.services)
        new = _steps(world, breached.id)[len(before):]
        assert [k for _, k in new][-1:] == [expected], (at, new)
        before = _steps(world, breached.id)
    [notice] = [m for m in world.queued() if m.key == before[-1][0]]
    assert notice.to == ToThread(deal.id)
    assert [b.action_id for b in notice.buttons] == list(BREACH_BUTTONS)
    world.clock.now = due + DAY
    sweep(world.services)
    assert len(_steps(world, breached.id)) == len(before)  # exactly one notice
    assert [b.clock_id for b in _breaches(world)] == [breached.id]


def test_a_running_clock_extended_after_its_24h_reminder_is_reminded_from_its_new_due(
        world: World) -> None:
    """An extension on a running clock re-plans its steps from the new due time: the 24-hour
    reminder of the new due time comes (it says the new time), then the 4-hour one, then one
    breach notice."""
    deal = world.deal()
    say(world, deal, "hiro")  # Mon 09:00 JST, due Wed 09:00
    [row] = clocks(world, deal, Party.PARTNER)
    world.clock.now = row.due_at - DAY + timedelta(minutes=1)
    sweep(world.services)
    assert [k for _, k in _steps(world, row.id)] == ["reminder.response.thread"]
    file_extension(world.services, world.actor("hiro"), FileExtension(
        DealRef(deal.id), "customer travelling", extra=2 * DAY))
    [row] = clocks(world, deal, Party.PARTNER)
    due = row.due_at
    for at in (due - DAY, due - timedelta(hours=4), due):
        world.clock.now = at + timedelta(minutes=1)
        sweep(world.services)
    assert [k for _, k in _steps(world, row.id)] == [
        "reminder.response.thread", "reminder.response.thread", "reminder.response.dm",
        "reminder.mention"]
    reminded = [m for m in world.queued() if m.key.startswith(f"clock:{row.id}:")][1]
    assert reminded.lines[0].params["due"] == due
