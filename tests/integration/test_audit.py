"""The audit log: every insert, update and delete, with the actor, the injected time and the
changed fields, in the same transaction as the change."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from storage.models import AuditEntry, DealStatus, LineItem, ProcessedEvent, Region
from storage.unit_of_work import UnitOfWork

from .support import T0, FakeClock, World, count, make_deal


def entries(factory: sessionmaker[Session], entity: str | None = None) -> list[AuditEntry]:
    with factory() as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if entity is not None:
            query = query.where(AuditEntry.entity == entity)
        return list(session.scalars(query))


def test_an_insert_is_recorded_with_actor_time_and_every_column(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session], clock: FakeClock) -> None:
    clock.advance(hours=3)
    with uow(actor="U0AIKO") as work:
        work.session.add(Region(code="US-CA", country="US", subdiv="CA",
                                timezone="America/Los_Angeles", workweek=[0, 1, 2, 3, 4],
                                closures={"2025-12-26": "Winter break"}))
        work.commit()
    [entry] = entries(factory, "regions")
    assert (entry.action, entry.actor, entry.entity_id) == ("insert", "U0AIKO", "US-CA")
    assert entry.at == T0.replace(hour=T0.hour + 3)
    assert entry.changes == {"code": "US-CA", "country": "US", "subdiv": "CA",
                             "timezone": "America/Los_Angeles", "workweek": [0, 1, 2, 3, 4],
                             "closures": {"2025-12-26": "Winter break"},
                             "gs_escalation_id": None}


def test_a_deal_and_its_items_are_recorded_with_plain_values(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session], world: World) -> None:
    with uow(actor="U0AIKO") as work:
        deal = work.deals.add(make_deal(world.acme, "https://www.Example.com", items=(
            ("marketing", Decimal("96000.0001")),)), at=work.now())
        work.commit()
    [inserted] = entries(factory, "deals")
    assert inserted.entity_id == str(deal.id)
    assert inserted.changes["customer_domain"] == "example.com"
    assert inserted.changes["status"] == "registered"
    assert inserted.changes["created_at"] == T0.isoformat()
    assert inserted.changes["version"] == 1
    [item] = entries(factory, "deal_line_items")
    assert item.changes["mrr"] == "96000.0001"
    assert item.changes["deal_id"] == deal.id


def test_an_update_records_only_the_changed_fields_before_and_after(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session], clock: FakeClock,
        world: World) -> None:
    with uow(actor="U0AIKO") as work:
        deal = work.deals.add(make_deal(world.acme, "example.com"), at=work.now())
        work.commit()
    later = clock.advance(hours=5)
    with uow(actor="U0GS") as work:
        loaded = work.deals.get(deal.id)
        loaded.status = DealStatus.ACCEPTED
        loaded.gs_id = world.gs
        work.commit()
    updates = [e for e in entries(factory, "deals") if e.action == "update"]
    assert len(updates) == 1
    [update] = updates
    assert (update.actor, update.at, update.entity_id) == ("U0GS", later, str(deal.id))
    assert update.changes["status"] == ["registered", "accepted"]
    assert update.changes["gs_id"] == [None, world.gs]
    assert set(update.changes) <= {"status", "gs_id", "version"}


def test_a_delete_is_recorded_with_the_deleted_values(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session], world: World) -> None:
    with uow() as work:
        deal = work.deals.add(make_deal(world.acme, "example.com", items=(
            ("marketing", Decimal("800")), ("sales", Decimal("20")))), at=work.now())
        work.commit()
    with uow(actor="U0GS") as work:
        loaded = work.deals.get(deal.id)
        removed = loaded.items.pop(1)  # delete-orphan
        work.commit()
    [deleted] = [e for e in entries(factory, "deal_line_items") if e.action == "delete"]
    assert (deleted.actor, deleted.entity_id) == ("U0GS", str(removed.id))
    assert deleted.changes["line"] == "sales"
    assert Decimal(deleted.changes["mrr"]) == Decimal("20")  # PostgreSQL reads back 20.0000


def test_deleting_a_deal_records_it_and_its_items(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session], world: World) -> None:
    with uow() as work:
        deal = work.deals.add(make_deal(world.acme, "example.com", items=(
            ("marketing", Decimal("800")), ("sales", Decimal("20")))), at=work.now())
        work.commit()
    with uow(actor="U0ADMIN") as work:
        work.session.delete(work.deals.get(deal.id))
        work.commit()
    deletes = [(e.entity, e.actor) for e in entries(factory) if e.action == "delete"]
    assert sorted(deletes) == [("deal_line_items", "U0ADMIN"), ("deal_line_items", "U0ADMIN"),
                               ("deals", "U0ADMIN")]


def test_nothing_is_audited_when_nothing_changed(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session], world: World) -> None:
    with uow() as work:
        deal = work.deals.add(make_deal(world.acme, "example.com"), at=work.now())
        work.commit()
    before = entries(factory)
    with uow(actor="U0GS") as work:
        loaded = work.deals.get(deal.id)
        loaded.status = DealStatus.REGISTERED  # the value it already has
        loaded.company = str(loaded.company)
        work.session.flush()
        work.commit()
    with uow(actor="U0GS") as work:
        work.deals.get(deal.id)
        work.commit()
    assert [e.id for e in entries(factory)] == [e.id for e in before]
    with factory() as session:
        assert session.get_one(type(deal), deal.id).version == 1


def test_processed_events_and_the_audit_log_itself_are_not_audited(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session]) -> None:
    with uow() as work:
        work.session.add(ProcessedEvent(event_id="Ev1", received_at=work.now()))
        assert work.events.first_time("Ev2", work.now())
        work.commit()
    assert entries(factory) == []


def test_audit_entries_roll_back_with_their_change(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session], world: World) -> None:
    before = len(entries(factory))
    with pytest.raises(RuntimeError), uow() as work:
        work.deals.add(make_deal(world.acme, "example.com"), at=work.now())
        work.session.flush()
        assert count(work.session, AuditEntry) > before  # written in the same transaction
        raise RuntimeError("abandoned")
    assert len(entries(factory)) == before
    with factory() as session:
        assert count(session, LineItem) == 0


def test_the_unit_of_work_history_reads_one_record(
        uow: Callable[..., UnitOfWork], world: World) -> None:
    with uow(actor="U0AIKO") as work:
        deal = work.deals.add(make_deal(world.acme, "example.com"), at=work.now())
        work.commit()
    with uow(actor="U0GS") as work:
        work.deals.get(deal.id).status = DealStatus.WON
        work.commit()
    with uow() as work:
        history = [(e.action, e.actor) for e in work.audit.for_entity("deals", deal.id)]
    assert history == [("insert", "U0AIKO"), ("update", "U0GS")]
