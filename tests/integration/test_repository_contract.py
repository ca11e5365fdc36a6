"""The repository contract: the same behaviours on the SQL unit of work (SQLite, and PostgreSQL
when `TEST_DATABASE_URL` is set) and on `MemoryUnitOfWork`, so the fake cannot drift."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from rules.vocabulary import Motion, Role
from storage.errors import ChangedMeanwhileError, DuplicateDealError, NotFoundError
from storage.models import (
    Absence,
    BantUpdate,
    Breach,
    CalendarClosure,
    Clock,
    ClockState,
    Deal,
    DealMessage,
    DealStatus,
    DealThread,
    DiscountRequest,
    Extension,
    LineItem,
    OutboxState,
    Party,
    Poi,
    PoiStatus,
    ProductLineAssociation,
    RequestStatus,
)

from .contract_support import KINDS, Dir, Make, seed, units_of_work
from .support import T0, FakeClock


@pytest.fixture(params=KINDS)
def make(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> Iterator[Make]:
    """Units of work on an empty ledger: in memory, on SQLite, on PostgreSQL."""
    with units_of_work(str(request.param), tmp_path, clock) as maker:
        yield maker


@pytest.fixture
def people(make: Make) -> Dir:
    """The seeded directory."""
    return seed(make)


def new_deal(org: int | None, domain: str = "example.co.jp", *, gs: int | None = None,
             status: DealStatus = DealStatus.REGISTERED, company: str = "Example KK") -> Deal:
    deal = Deal(customer_domain=domain, company=company, currency="JPY", region_code="JP",
                motion=Motion.PARTNER_SOURCED, status=status, partner_org_id=org, gs_id=gs)
    deal.items = [LineItem(line="marketing", mrr=Decimal("80000"))]
    return deal


def new_clock(deal_id: int, *, kind: str = "response", owed_by: Party = Party.PARTNER,
              due: timedelta = timedelta(hours=48), state: ClockState = ClockState.RUNNING
              ) -> Clock:
    return Clock(deal_id=deal_id, kind=kind, owed_by=owed_by, started_at=T0, due_at=T0 + due,
                 basis="48h", state=state)


def add_deal(make: Make, deal: Deal) -> int:
    with make() as uow:
        uow.deals.add(deal, at=uow.now())
        uow.commit()
        return deal.id


# -- directory ------------------------------------------------------------------------------


def test_directory_lookups(make: Make, people: Dir) -> None:
    with make() as uow:
        d = uow.directory
        aiko = d.person("T1", "U0AIKO")
        assert aiko is not None and aiko.id == people.aiko
        assert aiko.partner_org is not None and aiko.partner_org.name == "Acme KK"
        assert d.person("T1", "nobody") is None
        assert d.person_by_id(people.gs).name == "Hiro"
        with pytest.raises(NotFoundError):
            d.person_by_id(9999)
        assert d.find_person(None) is None and d.find_person(9999) is None
        assert [p.id for p in d.people([people.gs], org_ids=[people.bravo])] == \
            sorted([people.gs, people.ben])
        assert d.people() == []
        assert [p.name for p in d.active_people("T1")] == ["Hiro", "Ken", "Aiko"]
        assert [p.name for p in d.active_people(None)] == ["Hiro", "Ken", "Aiko", "Ben"]
        assert [p.id for p in d.partner_people(people.acme)] == [people.aiko]
        assert d.partner_people(None) == []
        contact = d.partner_contact(people.acme)
        assert contact is not None and contact.id == people.aiko
        assert d.partner_contact(None) is None
        org = d.partner("Bravo LLC")
        assert org is not None and org.id == people.bravo
        assert d.find_org(people.acme) is not None and d.find_org(None) is None
        assert [o.name for o in d.orgs()] == ["Acme KK", "Bravo LLC"]
        assert [o.name for o in d.orgs([people.bravo])] == ["Bravo LLC"]
        assert [o.id for o in d.orgs_of_pdm(people.pdm)] == [people.acme]
        assert [o.id for o in d.orgs_with_pdm()] == [people.acme]
        region = d.region("JP")
        assert region is not None and region.workweek == [0, 1, 2, 3, 4]
        assert d.region("XX") is None
        assert [r.code for r in d.regions()] == ["JP"]
        gs = d.gs_for("JP", "smb")
        assert gs is not None and gs.id == people.gs
        assert d.gs_for("US", "smb") is None
        route = d.route("JP", "smb") or d.route("JP", "*")
        assert route is not None and route.gs_id == people.gs
        assert d.route("US", "smb") is None
        assert d.gs_region(people.gs) == "JP" and d.gs_region(people.pdm) is None
        assert [p.id for p in d.staff(Role.GS)] == [people.gs]


# -- deals ----------------------------------------------------------------------------------


def test_deals_add_get_and_listings(make: Make, people: Dir) -> None:
    first = add_deal(make, new_deal(people.acme, "WWW.Example.co.jp", gs=people.gs))
    won = add_deal(make, new_deal(people.acme, "won.example", status=DealStatus.WON))
    with make() as uow:
        deal = uow.deals.get(first)
        assert deal.customer_domain == "example.co.jp" and deal.version == 1
        assert [i.line for i in deal.items] == ["marketing"] and deal.created_at == T0
        with pytest.raises(NotFoundError):
            uow.deals.get(9999)
        with pytest.raises(ChangedMeanwhileError):
            uow.deals.get(first, expected_version=7)
        assert uow.deals.find(None) is None and uow.deals.find(9999) is None
        assert [d.id for d in uow.deals.many([won, first, 9999])] == [first, won]
        assert [d.id for d in uow.deals.every()] == [first, won]
        assert [d.id for d in uow.deals.with_status([DealStatus.WON])] == [won]
        assert uow.deals.with_status([DealStatus.WON], region="US") == []
        assert [d.id for d in uow.deals.for_partner(people.acme)] == [first]
        assert [d.id for d in uow.deals.for_partner(people.acme, open_only=False, limit=1)] == \
            [first]
        assert [d.id for d in uow.deals.for_gs(people.gs)] == [first]
        assert [d.id for d in uow.deals.open_on_domain("EXAMPLE.co.jp")] == [first]
        found = uow.deals.on_domain("won.example", people.acme)
        assert found is not None and found.id == won
        assert uow.deals.on_domain("won.example", None) is None


def test_a_partner_has_one_open_deal_per_domain(make: Make, people: Dir) -> None:
    first = add_deal(make, new_deal(people.acme))
    with make() as uow, pytest.raises(DuplicateDealError) as raised:
        uow.deals.add(new_deal(people.acme, "www.example.co.jp"), at=uow.now())
    assert raised.value.deal_id == first
    closed = add_deal(make, new_deal(people.acme, "other.example", status=DealStatus.LOST))
    add_deal(make, new_deal(people.acme, "other.example"))
    with make() as uow:  # reopening the lost one would make two open deals: refused at commit
        uow.deals.get(closed).status = DealStatus.REGISTERED
        with pytest.raises(DuplicateDealError):
            uow.commit()
    with make() as uow:
        assert uow.deals.get(closed).status is DealStatus.LOST


def test_rival_partners_open_a_best_partner_wins_case(make: Make, people: Dir) -> None:
    first = add_deal(make, new_deal(people.acme))
    second = add_deal(make, new_deal(people.bravo))
    with make() as uow:
        deal = uow.deals.get(second)
        case = uow.deals.bpw_case(deal.bpw_case_id)
        assert case is not None and uow.deals.get(first).bpw_case_id == case.id
        assert [(c.partner_org_id, c.deal_id) for c in case.claims] == \
            [(people.acme, first), (people.bravo, second)]
        assert uow.deals.bpw_case(None) is None
        assert [c.id for c in uow.deals.bpw_cases_for(uow.directory.person_by_id(people.gs))] \
            == [case.id]
        assert uow.deals.bpw_cases_for(uow.directory.person_by_id(people.aiko)) == []


def test_threads_and_holdings(make: Make, people: Dir) -> None:
    first = add_deal(make, new_deal(people.acme))
    second = add_deal(make, new_deal(people.bravo, "b.example"))
    with make() as uow:
        deal = uow.deals.get(first)
        uow.deals.add_thread(DealThread(deal_id=first, team_id="T1", channel_id="C1",
                                        thread_ts="1.1", card_ts="1.2"))
        assert deal.thread is not None and deal.thread.channel_id == "C1"
        uow.deals.add_holding(ProductLineAssociation(
            customer_domain="WWW.example.co.jp", line="sales", partner_org_id=people.bravo,
            deal_id=second, established_at=T0))
        uow.commit()
    with make() as uow:
        thread = uow.deals.thread(first)
        assert thread is not None and thread.thread_ts == "1.1"
        assert uow.deals.thread(second) is None
        assert [t.deal_id for t in uow.deals.threads([first, second])] == [first]
        by_thread = uow.deals.by_thread("C1", "1.1")
        assert by_thread is not None and by_thread.id == first
        by_card = uow.deals.by_card("C1", "1.2")
        assert by_card is not None and by_card.id == first
        assert uow.deals.by_thread("C1", "1.2") is None and uow.deals.by_card("C2", "1.2") is None
        assert [(h.line, h.deal_id) for h in uow.deals.holdings("example.co.jp")] == \
            [("sales", second)]
        assert uow.deals.associations("example.co.jp") == {"sales": people.bravo}


# -- commit and rollback --------------------------------------------------------------------


def test_rollback_forgets_rows_and_changes_and_commit_bumps_versions(make: Make,
                                                                      people: Dir) -> None:
    first = add_deal(make, new_deal(people.acme))
    with make() as uow:
        uow.deals.get(first).company = "Changed"
        uow.deals.add(new_deal(people.bravo, "new.example"), at=uow.now())
    with make() as uow:  # left without commit
        assert uow.deals.get(first).company == "Example KK"
        assert [d.id for d in uow.deals.every()] == [first]
        uow.deals.get(first).company = "Changed"
        uow.rollback()
        assert uow.deals.get(first).company == "Example KK"
        uow.deals.get(first).company = "Committed"
        uow.commit()
    with make() as uow:
        deal = uow.deals.get(first, expected_version=2)
        assert deal.company == "Committed"


def test_the_audit_log_names_the_actor(make: Make, people: Dir) -> None:
    first = add_deal(make, new_deal(people.acme))
    with make(actor="U0EDIT") as uow:
        uow.deals.get(first).status = DealStatus.ACCEPTED
        uow.commit()
    with make() as uow:
        entries = uow.audit.for_entity("deals", first)
        assert [(e.action, e.actor) for e in entries] == [("insert", "U0TEST"), ("update", "U0EDIT")]
        assert entries[1].changes["status"] == ["registered", "accepted"]


# -- clocks ---------------------------------------------------------------------------------


def test_clock_queries(make: Make, people: Dir, clock: FakeClock) -> None:
    first = add_deal(make, new_deal(people.acme, gs=people.gs, status=DealStatus.ACCEPTED))
    other = add_deal(make, new_deal(people.bravo, "b.example", status=DealStatus.LOST))
    with make() as uow:
        late = uow.clocks.add(new_clock(first, due=timedelta(hours=72)))
        soon = uow.clocks.add(new_clock(first, kind="bant", due=timedelta(hours=24)))
        gs_clock = uow.clocks.add(new_clock(first, owed_by=Party.GS))
        breached = uow.clocks.add(new_clock(first, state=ClockState.BREACHED))
        stopped = uow.clocks.add(new_clock(other, state=ClockState.MET))
        stopped.stopped_at = T0 + timedelta(hours=3)
        ids = [late.id, soon.id, gs_clock.id, breached.id, stopped.id]
        uow.commit()
    late_id, soon_id, gs_id, breached_id, stopped_id = ids
    with make() as uow:
        c = uow.clocks
        assert c.get(late_id).version == 1
        with pytest.raises(NotFoundError):
            c.get(9999)
        assert [x.id for x in c.running(first)] == [late_id, soon_id, gs_id]
        assert [x.id for x in c.running(first, "bant")] == [soon_id]
        assert [x.id for x in c.for_deal(first)] == [soon_id, gs_id, breached_id, late_id]
        assert [x.id for x in c.running_for([first, other])] == [soon_id, gs_id, late_id]
        assert c.running_for([]) == []
        assert [x.id for x in c.of_kinds(["bant"])] == [soon_id]
        assert [x.id for x in c.of_kinds(["response"], deal_ids=[other])] == [stopped_id]
        found = c.latest_breached(first, owed_by=Party.PARTNER, kinds=["response"])
        assert found is not None and found.id == breached_id
        assert c.latest_breached(first, owed_by=Party.GS, kinds=["response"]) is None
        assert [(x.id, d.id) for x, d in c.running_in_region("JP")] == \
            [(late_id, first), (soon_id, first), (gs_id, first)]
        assert c.running_in_region("US") == []
        assert c.running_in_region("JP", statuses=[DealStatus.WON]) == []
        assert [x.id for x, _ in c.running_in_region(
            "JP", statuses=[DealStatus.ACCEPTED, DealStatus.LOST])] == [late_id, soon_id, gs_id]
        assert [x.id for x in c.stopped_since(people.bravo, T0, owed_by=Party.PARTNER)] == \
            [stopped_id]
        assert c.stopped_since(people.bravo, T0 + timedelta(hours=4), owed_by=Party.PARTNER) == []
        c.get(late_id).claimed_by = "w1"
        assert [x.id for x in c.claimed([late_id, soon_id], "w1")] == [late_id]
        assert [x.id for x in c.claimed([late_id, soon_id])] == [late_id, soon_id]


def test_versioned_clock_updates(make: Make, people: Dir) -> None:
    first = add_deal(make, new_deal(people.acme))
    with make() as uow:
        row = uow.clocks.add(new_clock(first))
        uow.commit()
        clock_id = row.id
    with make() as uow:
        uow.clocks.update_versioned([{"id": clock_id, "version": 1, "escalation_step": "24h"}])
        uow.commit()
    with make() as uow:
        row = uow.clocks.get(clock_id)
        assert (row.escalation_step, row.version) == ("24h", 2)
        with pytest.raises(ChangedMeanwhileError):
            uow.clocks.update_versioned([{"id": clock_id, "version": 1, "escalation_step": "4h"}])
    with make() as uow:
        assert uow.clocks.get(clock_id).escalation_step == "24h"


def test_due_clocks_are_claimed_once_per_lease(make: Make, people: Dir) -> None:
    deal = add_deal(make, new_deal(people.acme))
    with make() as uow:
        due = [uow.clocks.add(new_clock(deal)) for _ in range(3)]
        later = uow.clocks.add(new_clock(deal))
        stopped = uow.clocks.add(new_clock(deal, state=ClockState.MET))
        for number, row in enumerate(due):
            row.next_action_at = T0 + timedelta(minutes=number)
        later.next_action_at = T0 + timedelta(hours=5)
        stopped.next_action_at = T0
        uow.commit()
        ids = [row.id for row in due]
    now = T0 + timedelta(hours=1)
    with make() as uow:
        assert uow.clocks.claim_due(now=now, limit=2, worker="w1") == ids[:2]
        uow.commit()
    with make() as uow:
        assert uow.clocks.claim_due(now=now, limit=10, worker="w2") == ids[2:]
        assert uow.clocks.claim_due(now=now, limit=10, worker="w3") == []
        uow.commit()
    with make() as uow:
        assert [c.id for c in uow.clocks.claimed(ids, "w1")] == ids[:2]
        assert uow.clocks.get(ids[0]).claimed_by == "w1"
    with make() as uow:  # a lease that ran out is claimable again
        assert uow.clocks.claim_due(now=now + timedelta(minutes=6), limit=10,
                                    worker="w4") == ids
    with make() as uow:  # the next step of a running clock (the console stops there)
        assert uow.clocks.next_action_after(T0 - timedelta(minutes=1)) == T0
        assert uow.clocks.next_action_after(T0) == T0 + timedelta(minutes=1)
        assert uow.clocks.next_action_after(T0 + timedelta(hours=1)) == T0 + timedelta(hours=5)
        assert uow.clocks.next_action_after(T0 + timedelta(hours=5)) is None


# -- outbox and events ----------------------------------------------------------------------


def test_outbox(make: Make, clock: FakeClock) -> None:
    woken: list[int] = []
    with make(on_queued=lambda: woken.append(1)) as uow:
        assert uow.outbox.enqueue(key="deal:7:card:a", channel="C1", payload={"x": 1},
                                  at=uow.now(), thread_ts="1.1", team_id="T1")
        assert not uow.outbox.enqueue(key="deal:7:card:a", channel="C2", payload={}, at=uow.now())
        assert uow.outbox.enqueue(key="dm:1", channel="C1", payload={}, at=uow.now())
        assert uow.outbox.queued == 2
        uow.commit()
        assert woken == [1] and uow.outbox.queued == 0
        uow.commit()
        assert woken == [1]
    with make(on_queued=lambda: woken.append(2)) as uow:
        assert uow.outbox.enqueue(key="gone", channel="C1", payload={}, at=uow.now())
        uow.rollback()
        assert uow.outbox.queued == 0
        uow.commit()
        assert woken == [1]
    with make() as uow:
        o = uow.outbox
        assert o.by_key("gone") is None
        card = o.by_key("deal:7:card:a")
        dm = o.by_key("dm:1")
        assert card is not None and dm is not None
        assert (card.channel, card.thread_ts, card.team_id, card.payload) == ("C1", "1.1", "T1",
                                                                              {"x": 1})
        assert (card.state, card.attempts, card.next_attempt_at) == (OutboxState.PENDING, 0, T0)
        assert o.waiting_card_refresh(7) and not o.waiting_card_refresh(8)
        assert o.pending_span(["C1", "C9"]) == {"C1": (card.id, dm.id)} and card.id < dm.id
        assert o.pending_count() == 2
        assert o.has_due(T0) and not o.has_due(T0 - timedelta(seconds=1))
        card.claimed_by, card.claimed_until = "w1", T0 + timedelta(minutes=1)
        dm.state = OutboxState.SENT
        assert not o.waiting_card_refresh(7)
        assert not o.has_due(T0)
        assert o.claimed(card.id, "w1") is card and o.claimed(card.id, "w2") is None
        o.enqueue_many([{"idempotency_key": key, "channel": "C3", "thread_ts": None,
                         "team_id": None, "payload": {}, "state": "pending", "attempts": 0,
                         "next_attempt_at": T0, "created_at": T0} for key in ("dm:1", "dm:2")])
        assert o.queued == 2
        uow.commit()
    with make() as uow:
        assert uow.outbox.pending_count() == 2
        two = uow.outbox.by_key("dm:2")
        assert two is not None and two.channel == "C3"
        assert uow.outbox.refused() == []
        two.state = OutboxState.REFUSED  # held back by the recipient door: stored, never due
        uow.commit()
    with make() as uow:
        held = uow.outbox.refused()
        assert [m.idempotency_key for m in held] == ["dm:2"]
        assert held[0].state is OutboxState.REFUSED
        assert uow.outbox.pending_count() == 1 and uow.outbox.pending_span(["C3"]) == {}


def test_direct_message_channels_are_remembered_once(make: Make) -> None:
    with make() as uow:
        assert uow.outbox.dm_channel("T1", "U1") is None
        uow.outbox.remember_dm("T1", "U1", "D1", T0)
        uow.outbox.remember_dm("T1", "U1", "D9", T0)  # a second open's answer: the first stays
        uow.outbox.remember_dm("T2", "U1", "D2", T0)
        uow.commit()
    with make() as uow:
        assert uow.outbox.dm_channel("T1", "U1") == "D1"
        assert uow.outbox.dm_channel("T2", "U1") == "D2"
        assert uow.outbox.dm_channel("T1", "U2") is None


def test_events_are_handled_once(make: Make) -> None:
    with make() as uow:
        assert uow.events.first_time("Ev1", uow.now())
        assert not uow.events.first_time("Ev1", uow.now())
        uow.commit()
    with make() as uow:
        assert not uow.events.first_time("Ev1", uow.now())
        assert uow.events.first_time("Ev2", uow.now())


# -- breaches -------------------------------------------------------------------------------


def test_breaches(make: Make, people: Dir) -> None:
    first = add_deal(make, new_deal(people.acme, gs=people.gs, company="Alpha"))
    with make() as uow:
        row = uow.clocks.add(new_clock(first))
        old = uow.breaches.add(Breach(partner_org_id=people.acme, deal_id=first, kind="response",
                                      occurred_at=T0 - timedelta(days=100)))
        uow.breaches.add_many([
            {"partner_org_id": people.acme, "deal_id": first, "clock_id": row.id,
             "kind": "response", "occurred_at": T0},
            {"partner_org_id": people.acme, "deal_id": first, "clock_id": row.id,
             "kind": "response", "occurred_at": T0}])
        uow.breaches.add(Breach(partner_org_id=people.bravo, kind="conduct", occurred_at=T0))
        uow.commit()
        old_id = old.id
    with make() as uow:
        b = uow.breaches
        assert b.count_since(people.acme, T0 - timedelta(days=1)) == 1
        assert b.in_window(people.acme, T0, days=200) == 2
        assert b.counts_since([people.acme, people.bravo], T0 - timedelta(days=1)) == \
            {people.acme: 1, people.bravo: 1}
        latest = b.latest_for_deal(first)
        assert latest is not None and latest.occurred_at == T0
        assert b.for_clock(row.id) is not None and b.for_clock(row.id).id == latest.id  # type: ignore[union-attr]
        assert b.for_clock(9999) is None
        assert [(x.id, company) for x, company in b.recent(T0 - timedelta(days=365),
                                                           org_id=people.acme)][1] == \
            (old_id, "Alpha")
        assert [company for _, company in b.recent(T0 - timedelta(days=1),
                                                   org_id=people.bravo)] == [None]
        assert len(b.recent(T0 - timedelta(days=365), gs_id=people.gs)) == 2
        assert len(b.recent(T0 - timedelta(days=365), gs_id=people.gs, limit=1)) == 1
        b.remove(latest)
        uow.commit()
    with make() as uow:
        latest = uow.breaches.latest_for_deal(first)
        assert latest is not None and latest.id == old_id


def test_gs_breaches_stay_off_the_partners_record(make: Make, people: Dir) -> None:
    """Issue 11: a GS's breach names the GS and is counted on no organisation's record; the
    PDM's view finds it through the deal's organisation."""
    first = add_deal(make, new_deal(people.acme, gs=people.gs, status=DealStatus.ACCEPTED,
                                    company="Alpha"))
    with make() as uow:
        owed = uow.clocks.add(new_clock(first, owed_by=Party.GS, state=ClockState.BREACHED))
        uow.breaches.add_many([
            {"partner_org_id": None, "owed_by": Party.GS, "person_id": people.gs,
             "deal_id": first, "clock_id": owed.id, "kind": "response", "occurred_at": T0}])
        uow.commit()
        owed_id = owed.id
    with make() as uow:
        b = uow.breaches
        since = T0 - timedelta(days=1)
        [found] = [x for x, _ in b.of_gs(since, gs_id=people.gs)]
        assert (found.owed_by, found.person_id, found.partner_org_id, found.clock_id) == \
            (Party.GS, people.gs, None, owed_id)
        assert [company for _, company in b.of_gs(since, org_id=people.acme)] == ["Alpha"]
        assert b.of_gs(since, org_id=people.bravo) == []
        assert b.of_gs(since, gs_id=people.pdm) == []
        assert b.of_gs(T0 + timedelta(hours=1), gs_id=people.gs) == []
        assert b.count_since(people.acme, since) == 0
        assert b.counts_since([people.acme], since) == {}
        assert b.recent(since, org_id=people.acme) == []
        assert b.recent(since, gs_id=people.gs) == []
        assert b.latest_for_deal(first) is None
        assert b.for_clock(owed_id) is not None


def test_unanswered_clocks(make: Make, people: Dir) -> None:
    """Breached and not stopped, owed by one side, on open deals: the replies shown overdue."""
    first = add_deal(make, new_deal(people.acme, gs=people.gs, status=DealStatus.ACCEPTED))
    closed = add_deal(make, new_deal(people.acme, "c.example", gs=people.gs,
                                     status=DealStatus.LOST))
    with make() as uow:
        late = uow.clocks.add(new_clock(first, owed_by=Party.GS, due=timedelta(hours=72),
                                        state=ClockState.BREACHED))
        early = uow.clocks.add(new_clock(first, owed_by=Party.GS, state=ClockState.BREACHED))
        answered = uow.clocks.add(new_clock(first, owed_by=Party.GS, state=ClockState.BREACHED))
        answered.stopped_at = T0 + timedelta(hours=60)
        uow.clocks.add(new_clock(first, owed_by=Party.GS))  # running
        uow.clocks.add(new_clock(first, state=ClockState.BREACHED))  # the partner's
        uow.clocks.add(new_clock(closed, owed_by=Party.GS, state=ClockState.BREACHED))
        uow.commit()
        ids = [early.id, late.id]
    with make() as uow:
        c = uow.clocks
        assert [(x.id, d.id) for x, d in c.unanswered(Party.GS)] == [(i, first) for i in ids]
        assert [x.id for x, _ in c.unanswered(Party.GS, deal_ids=[first])] == ids
        assert c.unanswered(Party.GS, deal_ids=[closed]) == []
        assert [x.id for x, _ in c.unanswered(Party.GS, region="JP")] == ids
        assert c.unanswered(Party.GS, region="US") == []
        assert len(c.unanswered(Party.PARTNER)) == 1


# -- follow-up records ----------------------------------------------------------------------


def test_pois_bant_and_messages(make: Make, people: Dir, clock: FakeClock) -> None:
    first = add_deal(make, new_deal(people.acme))
    with make() as uow:
        uow.pois.add(Poi(deal_id=first, status=PoiStatus.SENT, recorded_at=T0 + timedelta(hours=1)))
        uow.pois.add(Poi(deal_id=first, status=PoiStatus.SIGNED, signed_on=date(2025, 11, 5),
                         recorded_at=T0))
        for hours in (2, 1):
            uow.bant.add(BantUpdate(deal_id=first, budget=f"{hours}", authority="a", need="n",
                                    timing="t", created_at=T0 + timedelta(hours=hours)))
        message = DealMessage(deal_id=first, slack_ts="1.1", side=Party.PARTNER, received_at=T0)
        assert uow.messages.record(message)
        assert not uow.messages.record(DealMessage(deal_id=first, slack_ts="1.1", side=Party.GS,
                                                   received_at=T0))
        uow.commit()
    with make() as uow:
        assert [p.status for p in uow.pois.for_deal(first)] == [PoiStatus.SENT, PoiStatus.SIGNED]
        latest = uow.pois.latest(first)
        assert latest is not None and latest.status is PoiStatus.SENT
        assert uow.pois.signed(first) and not uow.pois.signed(9999)
        assert uow.pois.latest(9999) is None
        assert [u.budget for u in uow.bant.history(first)] == ["1", "2"]
        newest = uow.bant.latest(first)
        assert newest is not None and newest.budget == "2"
        assert uow.bant.latest(9999) is None
        assert not uow.messages.record(DealMessage(deal_id=first, slack_ts="1.1",
                                                   side=Party.PARTNER, received_at=T0))
        assert uow.messages.record(DealMessage(deal_id=first, slack_ts="1.0", side=Party.GS,
                                               received_at=T0 - timedelta(hours=1)))
        assert uow.messages.record(DealMessage(deal_id=first, slack_ts="1.2", side=Party.GS,
                                               received_at=T0))
        for hours, ts in ((5, "1.5"), (3, "1.3")):
            assert uow.messages.record(DealMessage(deal_id=first, slack_ts=ts,
                                                   side=Party.PARTNER,
                                                   received_at=T0 + timedelta(hours=hours)))
        uow.commit()
    with make() as uow:
        assert [m.slack_ts for m in uow.messages.for_deal(first)] == ["1.0", "1.1", "1.2", "1.3", "1.5"]
        assert uow.messages.for_deal(9999) == []
        found = uow.messages.first_from(first, Party.PARTNER, since=T0 + timedelta(hours=1))
        assert found is not None and found.slack_ts == "1.3"  # the first since, not the first
        found = uow.messages.first_from(first, Party.GS, since=T0)
        assert found is not None and found.slack_ts == "1.2"
        assert uow.messages.first_from(first, Party.PARTNER,
                                       since=T0 + timedelta(hours=6)) is None


def test_calendar_closures(make: Make, people: Dir) -> None:
    with make() as uow:
        uow.closures.add(CalendarClosure(region_code="JP", day=date(2026, 12, 29),
                                         name="Year end", added_by_id=people.gs, added_at=T0))
        uow.closures.add(CalendarClosure(region_code="JP", day=date(2026, 12, 28),
                                         name="Year end", added_at=T0))
        uow.closures.add(CalendarClosure(region_code="DE", day=date(2026, 12, 28), name="Ruhe",
                                         added_at=T0))
        uow.commit()
    with make() as uow:
        assert [(c.region_code, c.day) for c in uow.closures.all()] == [
            ("DE", date(2026, 12, 28)), ("JP", date(2026, 12, 28)), ("JP", date(2026, 12, 29))]
        found = uow.closures.find("JP", date(2026, 12, 29))
        assert found is not None and found.added_by_id == people.gs
        assert uow.closures.find("US", date(2026, 12, 29)) is None
        uow.closures.remove(found)
        uow.commit()
    with make() as uow:
        assert uow.closures.find("JP", date(2026, 12, 29)) is None
        assert len(uow.closures.all()) == 2


def test_absences_extensions_and_discounts(make: Make, people: Dir) -> None:
    first = add_deal(make, new_deal(people.acme))
    with make() as uow:
        away = uow.absences.add(Absence(person_id=people.aiko, starts_at=T0,
                                        ends_at=T0 + timedelta(days=2), registered_at=T0,
                                        delegate_id=people.ami))
        gs_away = uow.absences.add(Absence(person_id=people.gs, starts_at=T0, ends_at=T0,
                                           registered_at=T0))
        row = uow.clocks.add(new_clock(first))
        asked = uow.extensions.add(Extension(clock_id=row.id, status=RequestStatus.REQUESTED,
                                             reason="travel", requested_at=T0))
        granted = uow.extensions.add(Extension(clock_id=row.id, status=RequestStatus.APPROVED,
                                               reason="holiday", extra_seconds=3600,
                                               requested_at=T0, decided_at=T0))
        discount = uow.discounts.add(DiscountRequest(deal_id=first, description="10%",
                                                     status=RequestStatus.REQUESTED,
                                                     requested_at=T0))
        ids = (away.id, gs_away.id, row.id, asked.id, granted.id, discount.id)
        uow.commit()
    away_id, gs_away_id, clock_id, asked_id, granted_id, discount_id = ids
    with make() as uow:
        found = uow.absences.of(org_ids=[people.acme])
        assert [(a.id, p.id) for a, p in found] == [(away_id, people.aiko)]
        assert found[0][0].delegate_id == people.ami
        assert [a.id for a, _ in uow.absences.of(org_ids=[people.acme], person_ids=[people.gs])] \
            == [away_id, gs_away_id]
        assert uow.absences.of() == []
        ext = uow.extensions.find(asked_id)
        assert ext is not None and ext.reason == "travel"
        assert uow.extensions.find(9999) is None
        assert [e.id for e in uow.extensions.approved_for([clock_id])] == [granted_id]
        assert uow.extensions.approved_for([]) == []
        request = uow.discounts.find(discount_id)
        assert request is not None and request.description == "10%"
        assert uow.discounts.find(9999) is None


def test_what_the_admins_home_tab_reads(make: Make, people: Dir, clock: FakeClock) -> None:
    deal = add_deal(make, new_deal(people.acme, company="Acme Customer KK"))
    with make() as uow:
        for key, state in (("a", OutboxState.DEAD), ("b", OutboxState.REFUSED),
                           ("c", OutboxState.DEAD), ("d", OutboxState.PENDING)):
            uow.outbox.enqueue(key=key, channel="C1", payload={"x": 1}, at=T0)
            found = uow.outbox.by_key(key)
            assert found is not None
            found.state = state
        uow.breaches.add(Breach(partner_org_id=people.acme, deal_id=deal, kind="response",
                                occurred_at=T0 - timedelta(days=2)))
        uow.breaches.add(Breach(partner_org_id=people.bravo, deal_id=None, kind="poi",
                                occurred_at=T0 - timedelta(days=1)))
        uow.breaches.add(Breach(partner_org_id=people.bravo, deal_id=None, kind="old",
                                occurred_at=T0 - timedelta(days=100)))
        uow.commit()
    with make() as uow:
        assert uow.outbox.state_counts() == {OutboxState.DEAD: 2, OutboxState.REFUSED: 1,
                                             OutboxState.PENDING: 1}
        assert [m.idempotency_key for m in uow.outbox.latest(OutboxState.DEAD, 5)] == ["c", "a"]
        assert [m.idempotency_key for m in uow.outbox.latest(OutboxState.DEAD, 1)] == ["c"]
        first = uow.outbox.by_key("a")
        assert first is not None and uow.outbox.find(first.id) is first
        assert uow.outbox.find(10_000) is None
        recent = uow.breaches.everywhere(T0 - timedelta(days=90))
        assert [(b.kind, company) for b, company in recent] == \
            [("poi", None), ("response", "Acme Customer KK")]
        assert len(uow.breaches.everywhere(T0 - timedelta(days=90), limit=1)) == 1
        assert [(r.region_code, r.segment) for r in uow.directory.routes()] == [("JP", "*")]


def test_console_time(make: Make) -> None:
    with make() as uow:
        assert uow.console_time.saved() is None
        uow.console_time.save(T0 + timedelta(days=3), at=T0)
        uow.commit()
    with make() as uow:
        assert uow.console_time.saved() == T0 + timedelta(days=3)
        uow.console_time.save(T0 + timedelta(days=5, hours=2), at=T0)
        uow.commit()
    with make() as uow:
        assert uow.console_time.saved() == T0 + timedelta(days=5, hours=2)
        uow.console_time.forget()
        uow.commit()
    with make() as uow:
        assert uow.console_time.saved() is None
