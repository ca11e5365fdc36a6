"""Stored response clocks: starting one writes a running row owed by the right person, due when
`rules.clocks.response_due` says for the same facts, with the next escalation step for a partner
(none for the GS's measured clock); stopping it meets or breaches it; recomputing after an
absence or an extension moves it, and recomputing again writes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.usecases.clock_store import (
    BANT,
    RESPONSE,
    next_action_at,
    owner_of,
    rebuild,
    recompute,
    running_owed,
    start_clock,
    stop_clock,
)
from rules import clocks as rc
from rules.escalation import plan
from storage.models import (
    Absence,
    Clock,
    ClockState,
    Deal,
    DealStatus,
    Extension,
    Party,
    RequestStatus,
)

from .world import World, utc

NOW = utc(2025, 12, 1, 0)  # Mon 09:00 in Tokyo
WED_9 = utc(2025, 12, 3, 0)  # 48 business hours later


def _start(world: World, deal: Deal, owed_by: Party = Party.PARTNER, *, kind: str = RESPONSE,
           at: datetime = NOW) -> Clock:
    with world.services.uow("test") as uow:
        row, _, _ = start_clock(uow, world.services.regions, uow.deals.get(deal.id), kind=kind,
                                owed_by=owed_by, at=at)
        uow.commit()
    return row


def _recompute(world: World, row: Clock, now: datetime = NOW) -> tuple[datetime, Clock]:
    with world.services.uow("test") as uow:
        stored = uow.clocks.get(row.id)
        before, _, _ = recompute(uow, world.services.regions, stored,
                                 uow.deals.get(row.deal_id), now=now)
        uow.commit()
    return before, stored


def test_a_partner_clock_is_stored_running_with_its_first_reminder() -> None:
    world = World.make(now=NOW)
    deal = world.deal()
    row = _start(world, deal)
    calendar = world.services.regions.calendar("JP")
    with world.services.uow("test") as uow:
        assert list(uow.clocks.for_deal(deal.id)) == [row]
    assert (row.kind, row.owed_by, row.state, row.started_at, row.stopped_at) == \
        (RESPONSE, Party.PARTNER, ClockState.RUNNING, NOW, None)
    assert row.owed_by_person_id == world.people["aiko"].id  # who registered it
    assert row.due_at == rc.response_due(NOW, calendar) == WED_9
    assert row.basis == "business_day"
    steps = plan(rc.response_clock(NOW, calendar), calendar)
    assert [s.key for s in steps] == ["remind_24h", "remind_4h", "breach"]
    assert row.next_action_at == steps[0].at == utc(2025, 12, 2, 0)
    assert row.version == 1


def test_the_gss_clock_escalates_like_the_partners() -> None:
    """Issue 11: a reply the GS owes is held to the same rules, so its first reminder is
    planned (24 business hours before it is due)."""
    world = World.make(now=NOW)
    row = _start(world, world.deal(), Party.GS)
    assert row.owed_by_person_id == world.people["hiro"].id
    assert row.due_at == WED_9 and row.next_action_at == utc(2025, 12, 2, 0)


def test_a_weekend_message_is_due_the_next_business_day_at_17() -> None:
    world = World.make(now=NOW)
    saturday = utc(2025, 12, 6, 3)  # Sat 12:00 in Tokyo
    row = _start(world, world.deal(), at=saturday)
    assert row.due_at == rc.response_due(saturday, world.services.regions.calendar("JP"))
    assert row.due_at == utc(2025, 12, 8, 8)  # Mon 17:00 in Tokyo
    assert row.basis == "next_business_day"


def test_who_owes_a_partner_clock() -> None:
    """The registrant when one of the deal's partner users; else the organisation's first;
    nobody on a deal no partner holds."""
    world = World.make(now=NOW)
    by_ren = world.deal(registrant="ren")
    offered = world.deal(registrant="hiro", status=DealStatus.OFFERED)
    with world.services.uow("test") as uow:
        assert owner_of(uow, by_ren, Party.PARTNER) == world.people["ren"].id
        assert owner_of(uow, offered, Party.PARTNER) == world.people["aiko"].id
        assert owner_of(uow, offered, Party.GS) == world.people["hiro"].id
        uow.deals.get(offered.id).partner_org_id = None
        assert owner_of(uow, offered, Party.PARTNER) is None


def test_an_absence_registered_in_advance_is_counted_from_the_start() -> None:
    world = World.make(now=NOW)
    with world.services.uow("test") as uow:
        uow.absences.add(Absence(person_id=world.people["aiko"].id, starts_at=utc(2025, 12, 1, 15),
                                 ends_at=utc(2025, 12, 2, 15), registered_at=NOW))
        uow.commit()
    row = _start(world, world.deal())
    absence = rc.Absence(utc(2025, 12, 1, 15), utc(2025, 12, 2, 15), NOW)
    assert row.due_at == rc.response_due(NOW, world.services.regions.calendar("JP"),
                                         absences=[absence]) == WED_9 + timedelta(days=1)


def test_stopping_meets_in_time_and_breaches_late() -> None:
    world = World.make(now=NOW)
    deal = world.deal()
    on_time, exactly, late = _start(world, deal), _start(world, deal), _start(world, deal)
    assert stop_clock(on_time, at=NOW + timedelta(hours=3)) is ClockState.MET
    assert stop_clock(exactly, at=WED_9) is ClockState.MET
    assert stop_clock(late, at=WED_9 + timedelta(seconds=1)) is ClockState.BREACHED
    assert (on_time.state, on_time.stopped_at, on_time.next_action_at) == \
        (ClockState.MET, NOW + timedelta(hours=3), None)
    assert (late.state, late.stopped_at, late.next_action_at) == \
        (ClockState.BREACHED, WED_9 + timedelta(seconds=1), None)


def test_recompute_after_an_absence_moves_the_due_time_and_next_step_once() -> None:
    world = World.make(now=NOW)
    row = _start(world, world.deal())
    with world.services.uow("test") as uow:  # Tue in Tokyo, registered on Mon
        uow.absences.add(Absence(person_id=world.people["ren"].id, starts_at=utc(2025, 12, 1, 15),
                                 ends_at=utc(2025, 12, 2, 15), registered_at=NOW))
        uow.commit()
    before, stored = _recompute(world, row)
    assert before == WED_9
    assert stored.due_at == WED_9 + timedelta(days=1)
    assert stored.next_action_at == utc(2025, 12, 3, 0)  # the 24h reminder, now on Wed
    assert stored.version == 2
    again, same = _recompute(world, row)
    assert again == same.due_at == WED_9 + timedelta(days=1)
    assert same.version == 2  # nothing changed, nothing written


def test_recompute_counts_an_approved_extension_only() -> None:
    world = World.make(now=NOW)
    row = _start(world, world.deal())
    with world.services.uow("test") as uow:
        for status, hours in ((RequestStatus.APPROVED, 24), (RequestStatus.REQUESTED, 96)):
            uow.extensions.add(Extension(clock_id=row.id, status=status, reason="travel",
                                         decided_by_id=world.people["hiro"].id,
                                         extra_seconds=hours * 3600, requested_at=NOW,
                                         decided_at=NOW))
        uow.commit()
    before, stored = _recompute(world, row, now=NOW + timedelta(hours=1))
    extended = rc.response_clock(NOW, world.services.regions.calendar("JP"), extensions=[
        rc.Extension("Hiroshi Sato", "travel", NOW, extra=timedelta(hours=24))])
    assert (before, stored.due_at) == (WED_9, extended.due_at)
    assert stored.due_at == WED_9 + timedelta(days=1)


def test_recompute_moves_the_gs_clocks_next_step_with_its_absence() -> None:
    world = World.make(now=NOW)
    row = _start(world, world.deal(), Party.GS)
    with world.services.uow("test") as uow:
        uow.absences.add(Absence(person_id=world.people["hiro"].id, starts_at=utc(2025, 12, 1, 15),
                                 ends_at=utc(2025, 12, 2, 15), registered_at=NOW))
        uow.commit()
    _, stored = _recompute(world, row)
    # a day of absence: due a day later, and its first reminder too
    assert stored.due_at == WED_9 + timedelta(days=1)
    assert stored.next_action_at == utc(2025, 12, 3, 0)


def test_the_next_action_is_the_step_after_the_last_one_taken_until_the_breach() -> None:
    """Whatever the hour: a step whose time has come but that the sweep has not taken yet is
    still the next one (the sweep catches up on it)."""
    world = World.make(now=NOW)
    calendar = world.services.regions.calendar("JP")
    clock = rc.response_clock(NOW, calendar)
    assert next_action_at(clock, calendar) == utc(2025, 12, 2, 0)
    assert next_action_at(clock, calendar, done="remind_24h") == utc(2025, 12, 2, 20)
    assert next_action_at(clock, calendar, done="remind_4h") == WED_9
    assert next_action_at(clock, calendar, done="breach") is None


def test_rebuild_refuses_a_clock_the_rules_cannot_build() -> None:
    world = World.make(now=NOW)
    deal = world.deal()
    row = Clock(deal_id=deal.id, kind="onboarding", owed_by=Party.PARTNER, started_at=NOW,
                due_at=NOW, basis="", state=ClockState.RUNNING)  # no subscription start
    with world.services.uow("test") as uow, pytest.raises(ValueError, match="onboarding"):
        rebuild(uow, world.services.regions, row, deal)


def test_running_owed_is_one_sides_running_response_clocks() -> None:
    world = World.make(now=NOW)
    deal = world.deal()
    response, bant = _start(world, deal), _start(world, deal, kind=BANT)
    _start(world, deal, Party.GS)
    stopped = _start(world, deal)
    with world.services.uow("test") as uow:
        stop_clock(uow.clocks.get(stopped.id), at=NOW)
        uow.clocks.add(Clock(deal_id=deal.id, kind="collaboration", owed_by=Party.PARTNER,
                             started_at=NOW, due_at=NOW, basis="", state=ClockState.RUNNING))
        uow.commit()
        assert [c.id for c in running_owed(uow, deal.id, Party.PARTNER)] == [response.id, bant.id]
        assert [c.id for c in running_owed(uow, deal.id, Party.PARTNER, kinds=(BANT,))] == \
            [bant.id]


def test_recompute_does_not_skip_a_step_the_sweep_has_not_taken_yet() -> None:
    """Between a step's time and the sweep's next run (up to 30 s), an absence registered for
    much later (no due time moves) must not push the clock past its 24-hour reminder: the sweep
    would then send the 4-hour one only."""
    world = World.make(now=NOW)
    row = _start(world, world.deal())
    first = row.next_action_at
    assert first == utc(2025, 12, 2, 0) and row.escalation_step is None
    now = first + timedelta(seconds=20)
    with world.services.uow("test") as uow:
        uow.absences.add(Absence(person_id=world.people["aiko"].id, starts_at=utc(2025, 12, 10, 0),
                                 ends_at=utc(2025, 12, 11, 0), registered_at=now))
        uow.commit()
    before, stored = _recompute(world, row, now=now)
    assert stored.due_at == before == WED_9  # nothing moved
    assert stored.next_action_at == first  # still owed the 24-hour reminder
