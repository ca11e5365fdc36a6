"""Gathering a batch of clocks' inputs: the absences of each deal's partner organisation and GS
(a delegate by Slack user), only the approved extensions, by clock; and the rule clock built from
them, which is `storage.mapping.rule_clock` given the same facts."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.usecases.clock_facts import load_clock_facts, rules_clock
from rules import clocks as rc
from storage.mapping import rule_clock
from storage.models import Absence, Clock, ClockState, Deal, Extension, Party, RequestStatus

from .world import World, utc

NOW = utc(2025, 12, 1, 0)  # Mon 09:00 in Tokyo
TUE, WED = utc(2025, 12, 1, 15), utc(2025, 12, 2, 15)  # Tokyo midnights


def _clock(world: World, deal: Deal, owed_by: Party = Party.PARTNER, kind: str = "response",
           started: datetime = NOW) -> Clock:
    with world.services.uow("test") as uow:
        row = uow.clocks.add(Clock(deal_id=deal.id, kind=kind, owed_by=owed_by,
                                   started_at=started, due_at=started, basis="",
                                   state=ClockState.RUNNING))
        uow.commit()
    return row


def _away(world: World, who: str, start: datetime = TUE, end: datetime = WED, *,
          delegate: str | None = None, registered: datetime = NOW) -> Absence:
    with world.services.uow("test") as uow:
        row = uow.absences.add(Absence(
            person_id=world.people[who].id, starts_at=start, ends_at=end, registered_at=registered,
            delegate_id=world.people[delegate].id if delegate else None))
        uow.commit()
    return row


def _extension(world: World, clock: Clock, status: RequestStatus, hours: int) -> Extension:
    with world.services.uow("test") as uow:
        row = uow.extensions.add(Extension(
            clock_id=clock.id, status=status, reason="customer travelling",
            requested_by_id=world.people["aiko"].id, decided_by_id=world.people["hiro"].id,
            extra_seconds=hours * 3600, requested_at=NOW, decided_at=NOW + timedelta(hours=1)))
        uow.commit()
    return row


def test_absences_go_to_the_deals_org_and_gs_and_no_one_else() -> None:
    world = World.make(now=NOW)
    deal = world.deal()  # Sakura, GS Hiroshi
    clock = _clock(world, deal)
    _away(world, "ren", delegate="aiko")  # any Sakura partner user counts for the org
    _away(world, "hiro")
    _away(world, "dana")  # another organisation's
    _away(world, "maya")  # another GS
    with world.services.uow("test") as uow:
        facts = load_clock_facts(uow, [clock], {deal.id: deal})
    sakura, hiro = world.orgs["sakura"].id, world.people["hiro"].id
    assert dict(facts.absences) == {sakura: [rc.Absence(TUE, WED, NOW, delegate="U0AIKO01")]}
    assert dict(facts.gs_absences) == {hiro: [rc.Absence(TUE, WED, NOW)]}
    assert dict(facts.extensions) == {}


def test_only_approved_extensions_count_each_on_its_own_clock() -> None:
    world = World.make(now=NOW)
    deal = world.deal()
    one, two = _clock(world, deal), _clock(world, deal)
    _extension(world, one, RequestStatus.APPROVED, 24)
    _extension(world, one, RequestStatus.DECLINED, 48)
    _extension(world, two, RequestStatus.REQUESTED, 48)
    with world.services.uow("test") as uow:
        facts = load_clock_facts(uow, [one, two], {deal.id: deal})
    assert dict(facts.extensions) == {one.id: [rc.Extension(
        granted_by="Hiroshi Sato", reason="customer travelling",
        granted_at=NOW + timedelta(hours=1), extra=timedelta(hours=24))]}


def test_a_clock_whose_deal_is_not_given_loads_no_absences() -> None:
    world = World.make(now=NOW)
    deal = world.deal()
    clock = _clock(world, deal)
    _away(world, "aiko")
    with world.services.uow("test") as uow:
        facts = load_clock_facts(uow, [clock], {})
    assert dict(facts.absences) == {} and dict(facts.gs_absences) == {}


def test_the_rule_clock_is_the_mappers_with_the_same_facts() -> None:
    """The partner's pausing absence and the approved extension move the partner's clock
    only; the GS's clock is plain 48 business hours."""
    world = World.make(now=NOW)
    deal = world.deal()
    partner, gs = _clock(world, deal), _clock(world, deal, Party.GS)
    _extension(world, partner, RequestStatus.APPROVED, 24)
    _away(world, "aiko")  # Tue, registered on Mon: pauses a day
    calendar = world.services.regions.calendar("JP")
    with world.services.uow("test") as uow:
        facts = load_clock_facts(uow, [partner, gs], {deal.id: deal})
    absences: list[rc.Absence] = facts.absences[world.orgs["sakura"].id]
    built = {}
    for row in (partner, gs):
        found = rules_clock(row, deal, facts, world.services.regions)
        assert found is not None and found[1] is calendar
        built[row.owed_by] = found[0]
        assert found[0] == rule_clock(row, deal, calendar, partner_absences=absences,
                                      extensions=facts.extensions.get(row.id, []))
    plain = rc.response_due(NOW, calendar)
    assert plain == utc(2025, 12, 3, 0)  # Wed 09:00 in Tokyo: 48 business hours
    assert built[Party.GS].due_at == plain
    # the partner's: a day paused, then a day more granted
    assert built[Party.PARTNER].due_at == utc(2025, 12, 5, 0)


def test_the_gs_clock_counts_the_gss_absence() -> None:
    world = World.make(now=NOW)
    deal = world.deal()
    gs = _clock(world, deal, Party.GS)
    _away(world, "hiro")
    with world.services.uow("test") as uow:
        facts = load_clock_facts(uow, [gs], {deal.id: deal})
    built = rules_clock(gs, deal, facts, world.services.regions)
    assert built is not None and built[0].due_at == utc(2025, 12, 4, 0)  # a day later


def test_a_stopped_row_is_a_stopped_clock_and_unknown_kinds_are_none() -> None:
    world = World.make(now=NOW)
    deal = world.deal()
    stopped = _clock(world, deal)
    with world.services.uow("test") as uow:
        uow.clocks.get(stopped.id).stopped_at = NOW + timedelta(hours=2)
        uow.commit()
    odd = _clock(world, deal, kind="onboarding")  # no subscription start: nothing to build
    with world.services.uow("test") as uow:
        facts = load_clock_facts(uow, [stopped, odd], {deal.id: deal})
    built = rules_clock(stopped, deal, facts, world.services.regions)
    assert built is not None and built[0].stopped_at == NOW + timedelta(hours=2)
    assert rules_clock(odd, deal, facts, world.services.regions) is None
