"""Migration 0004 repairs offers (SQLite, and PostgreSQL when configured): an offered deal
without a running collaboration clock gets one from the time it was offered (due 72 hours
later, the reminder 24 hours before); a running one with no next step gets it back; other deals,
and offers that already have their clock, are left as they are. Then the sweep lapses them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select

from storage.db import make_session_factory
from storage.migrate import downgrade, upgrade
from storage.models import Breach, Clock, ClockState, Deal, DealStatus, Party
from storage.unit_of_work import UnitOfWork

from .support import T0, FakeClock, make_deal, seed_world

H72 = timedelta(hours=72)


def test_0004_gives_every_offer_its_collaboration_clock(engine: Engine) -> None:
    # seeded with today's models, then taken back to before 0004 (later migrations add columns
    # the models have and revision 0003 does not), and migrated forward again
    upgrade(engine)
    factory = make_session_factory(engine)
    clock = FakeClock()
    world = seed_world(factory, clock)
    with UnitOfWork(factory, actor="seed", clock=clock) as uow:
        bare = make_deal(world.acme, "bare.example", status=DealStatus.OFFERED)
        stalled = make_deal(world.acme, "stalled.example", status=DealStatus.OFFERED)
        fine = make_deal(world.bravo, "fine.example", status=DealStatus.OFFERED)
        accepted = make_deal(world.acme, "accepted.example", status=DealStatus.ACCEPTED)
        for deal, at in ((bare, T0 - timedelta(days=1)), (stalled, T0), (fine, T0),
                         (accepted, T0)):
            uow.deals.add(deal, at=at)
        for deal, next_at in ((stalled, None), (fine, T0 + timedelta(hours=48))):
            uow.clocks.add(Clock(deal_id=deal.id, kind="collaboration", owed_by=Party.PARTNER,
                                 started_at=T0, due_at=T0 + H72, basis="calendar_hours",
                                 state=ClockState.RUNNING, next_action_at=next_at))
        ids = {name: d.id for name, d in (("bare", bare), ("stalled", stalled), ("fine", fine),
                                          ("accepted", accepted))}
        uow.commit()
    downgrade(engine, "0003")

    upgrade(engine)

    with factory() as session:
        rows = session.scalars(select(Clock).order_by(Clock.id)).all()
        by_deal = {row.deal_id: row for row in rows}
        assert len(rows) == 3 and ids["accepted"] not in by_deal
        made = by_deal[ids["bare"]]
        offered = session.get(Deal, ids["bare"])
        assert offered is not None
        assert (made.kind, made.owed_by, made.state, made.basis) == (
            "collaboration", Party.PARTNER, ClockState.RUNNING, "calendar_hours")
        assert made.started_at == offered.created_at == T0 - timedelta(days=1)
        assert made.due_at == made.started_at + H72
        assert made.next_action_at == made.due_at - timedelta(hours=24)
        assert made.escalation_step is None and made.version == 1
        assert by_deal[ids["stalled"]].next_action_at == T0 + timedelta(hours=48)
        assert by_deal[ids["fine"]].next_action_at == T0 + timedelta(hours=48)
        assert by_deal[ids["fine"]].version == 1


def test_0010_ends_lapsed_offers_lapsed_not_breached(engine: Engine) -> None:
    """A collaboration clock the sweep once left `breached` becomes `lapsed`, and a breach
    recorded for it leaves the partner's record; a response clock's breach stays."""
    upgrade(engine)  # seeded with today's models, then taken back to before 0010
    factory = make_session_factory(engine)
    clock = FakeClock()
    world = seed_world(factory, clock)
    with UnitOfWork(factory, actor="seed", clock=clock) as uow:
        offer = make_deal(world.acme, "lapsed.example", status=DealStatus.LAPSED)
        shared = make_deal(world.acme, "shared.example", status=DealStatus.ACCEPTED)
        for deal in (offer, shared):
            uow.deals.add(deal, at=T0)
        rows = {}
        for name, deal, kind in (("offer", offer, "collaboration"), ("reply", shared, "response")):
            rows[name] = uow.clocks.add(Clock(
                deal_id=deal.id, kind=kind, owed_by=Party.PARTNER, started_at=T0,
                due_at=T0 + H72, basis="calendar_hours", state=ClockState.BREACHED,
                escalation_step="breach"))
            uow.breaches.add_many([{"partner_org_id": world.acme, "deal_id": deal.id,
                                    "clock_id": rows[name].id, "kind": kind,
                                    "occurred_at": T0 + H72}])
        ids = {name: row.id for name, row in rows.items()}
        uow.commit()
    downgrade(engine, "0009")

    upgrade(engine)

    with factory() as session:
        offer_clock, reply_clock = (session.get(Clock, ids[n]) for n in ("offer", "reply"))
        assert offer_clock is not None and reply_clock is not None
        assert offer_clock.state is ClockState.LAPSED and offer_clock.next_action_at is None
        assert reply_clock.state is ClockState.BREACHED
        assert [b.clock_id for b in session.scalars(select(Breach))] == [ids["reply"]]
