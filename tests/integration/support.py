"""Helpers for the storage integration tests: fresh databases, an injected clock, builders.

Every test gets a database of its own: a SQLite file in its temporary directory, or on PostgreSQL
a schema with a random name that its connections use as their `search_path` (set through the URL,
so that the URL alone, handed to the CLI or to another process, reaches the same schema). The
schema is dropped afterwards; nothing outside it is touched, so tests can run in parallel.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from rules.vocabulary import Motion, PartnerKind, Role, Tier
from storage.db import database_url
from storage.models import (
    Clock,
    ClockState,
    Deal,
    DealStatus,
    LineItem,
    PartnerOrg,
    Party,
    Person,
    Region,
)
from storage.unit_of_work import UnitOfWork

PG_URL = os.environ.get("TEST_DATABASE_URL")
needs_postgres = pytest.mark.skipif(not PG_URL, reason="set TEST_DATABASE_URL to run on PostgreSQL")
T0 = datetime(2025, 11, 4, 0, 30, tzinfo=UTC)  # Tuesday 09:30 in Tokyo


def pg_admin_url() -> str:
    """The PostgreSQL URL from `TEST_DATABASE_URL`, as Coseller resolves it."""
    assert PG_URL, "TEST_DATABASE_URL is not set"
    return database_url(PG_URL)


@contextmanager
def fresh_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database for one test; yields its URL."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
        return
    schema = f"it_{uuid.uuid4().hex[:20]}"
    admin = create_engine(pg_admin_url(), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(pg_admin_url()).update_query_dict(
        {"options": f"-csearch_path={schema}", "application_name": schema})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            # Connections a failed test left open (a CLI's engine, a thread) would hold locks.
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE application_name = :name AND pid <> pg_backend_pid()"),
                               {"name": schema})
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


class FakeClock:
    """An injectable clock: `clock()` is now; `advance(...)` moves it."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class World:
    """A small directory: a region, three partner organisations and a few people."""

    acme: int
    bravo: int
    corvid: int
    aiko: int  # partner user of Acme
    ben: int  # partner user of Bravo
    gs: int
    pdm: int


def seed_world(factory: sessionmaker[Session], clock: FakeClock) -> World:
    """Store the `World` directory and return its ids."""
    with UnitOfWork(factory, actor="seed", clock=clock) as uow:
        session = uow.session
        session.add(Region(code="JP", country="JP", timezone="Asia/Tokyo", workweek=[0, 1, 2, 3, 4],
                           closures={}))
        session.flush()  # no relationship orders partner_orgs after regions: flush the region first
        orgs = [PartnerOrg(name=name, kind=PartnerKind.SOLUTIONS_PARTNER, tier=Tier.GOLD,
                           accreditations=[], region_code="JP")
                for name in ("Acme KK", "Bravo LLC", "Corvid Ltd")]
        session.add_all(orgs)
        session.flush()
        people = [
            Person(slack_team_id="T1", slack_user_id="U0AIKO", name="Aiko", role=Role.PARTNER,
                   partner_org_id=orgs[0].id, locale="ja", timezone="Asia/Tokyo"),
            Person(slack_team_id="T1", slack_user_id="U0BEN", name="Ben", role=Role.PARTNER,
                   partner_org_id=orgs[1].id),
            Person(slack_team_id="T1", slack_user_id="U0GS", name="Hiro", role=Role.GS),
            Person(slack_team_id="T1", slack_user_id="U0PDM", name="Ken", role=Role.PDM),
        ]
        session.add_all(people)
        session.flush()
        world = World(acme=orgs[0].id, bravo=orgs[1].id, corvid=orgs[2].id, aiko=people[0].id,
                      ben=people[1].id, gs=people[2].id, pdm=people[3].id)
        uow.commit()
    return world


def make_deal(partner_org_id: int | None, domain: str, *,
              status: DealStatus = DealStatus.REGISTERED, company: str = "Example KK",
              items: tuple[tuple[str, Decimal], ...] = ()) -> Deal:
    """A new (unsaved) deal in JP."""
    deal = Deal(customer_domain=domain, company=company, currency="JPY",
                motion=Motion.PARTNER_SOURCED, status=status, region_code="JP",
                partner_org_id=partner_org_id)
    deal.items = [LineItem(line=line, mrr=mrr) for line, mrr in items]
    return deal


def clock_row(deal_id: int, *, next_action_at: datetime | None,
              state: ClockState = ClockState.RUNNING) -> dict[str, Any]:
    """Column values of one clock, for a bulk insert."""
    return {"deal_id": deal_id, "kind": "response", "owed_by": Party.PARTNER, "started_at": T0,
            "due_at": T0 + timedelta(hours=48), "basis": "business_hours", "state": state,
            "next_action_at": next_action_at, "version": 1}


def count(session: Session, model: type[Any]) -> int:
    """Rows of a model's table."""
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def counts(factory: sessionmaker[Session], *models: type[Any]) -> dict[str, int]:
    """Rows of several tables, in a session of its own."""
    with factory() as session:
        return {model.__tablename__: count(session, model) for model in models}


def add_clocks(factory: sessionmaker[Session], rows: list[dict[str, Any]]) -> list[int]:
    """Insert clocks in one statement; their ids in order."""
    table = Clock.__table__
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    with factory.begin() as session:
        return list(session.connection().execute(statement, rows).scalars())
