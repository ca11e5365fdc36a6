"""The units of work the repository contract runs on, and a small directory built through the
repositories themselves (so the same seeding works on every backend)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from rules.vocabulary import PartnerKind, Role, Tier
from storage.db import make_engine, make_session_factory
from storage.memory import MemoryStore, MemoryUnitOfWork
from storage.migrate import upgrade
from storage.models import GsRoute, PartnerOrg, Person, Region
from storage.unit_of_work import AbstractUnitOfWork, UnitOfWork

from .support import FakeClock, fresh_database, needs_postgres

Make = Callable[..., AbstractUnitOfWork]
KINDS = [pytest.param("memory", id="memory"), pytest.param("sqlite", id="sqlite"),
         pytest.param("postgresql", id="postgresql", marks=needs_postgres)]


@contextmanager
def units_of_work(kind: str, tmp_path: Path, clock: FakeClock) -> Iterator[Make]:
    """A maker of units of work on an empty ledger of `kind`."""
    if kind == "memory":
        store = MemoryStore()

        def memory(actor: str = "U0TEST", on_queued: Callable[[], None] | None = None
                   ) -> AbstractUnitOfWork:
            return MemoryUnitOfWork(store, actor=actor, clock=clock, on_queued=on_queued)

        yield memory
        return
    with fresh_database(kind, tmp_path) as url:
        engine = make_engine(url)
        upgrade(engine)
        factory = make_session_factory(engine)

        def sql(actor: str = "U0TEST", on_queued: Callable[[], None] | None = None
                ) -> AbstractUnitOfWork:
            return UnitOfWork(factory, actor=actor, clock=clock, on_queued=on_queued)

        try:
            yield sql
        finally:
            engine.dispose()


@dataclass
class Dir:
    """Ids of the seeded directory."""

    acme: int
    bravo: int
    aiko: int
    ami: int  # a second Acme partner user, inactive
    ben: int
    gs: int
    pdm: int


def seed(make: Make) -> Dir:
    """A region with routes, two partner organisations (Acme has a PDM), five people."""
    with make(actor="seed") as uow:
        uow.directory.add(Region(code="JP", country="JP", timezone="Asia/Tokyo",
                                 workweek=[0, 1, 2, 3, 4], closures={}))
        gs = uow.directory.add(Person(slack_team_id="T1", slack_user_id="U0GS", name="Hiro",
                                      role=Role.GS))
        pdm = uow.directory.add(Person(slack_team_id="T1", slack_user_id="U0PDM", name="Ken",
                                       role=Role.PDM))
        acme = uow.directory.add(PartnerOrg(name="Acme KK", kind=PartnerKind.SOLUTIONS_PARTNER,
                                            tier=Tier.GOLD, region_code="JP", pdm_id=pdm.id))
        bravo = uow.directory.add(PartnerOrg(name="Bravo LLC", kind=PartnerKind.SOLUTIONS_PARTNER,
                                             tier=Tier.PARTNER, region_code="JP"))
        aiko = uow.directory.add(Person(slack_team_id="T1", slack_user_id="U0AIKO", name="Aiko",
                                        role=Role.PARTNER, partner_org_id=acme.id, locale="ja"))
        ami = uow.directory.add(Person(slack_team_id="T1", slack_user_id="U0AMI", name="Ami",
                                       role=Role.PARTNER, partner_org_id=acme.id, active=False))
        ben = uow.directory.add(Person(slack_team_id="T2", slack_user_id="U0BEN", name="Ben",
                                       role=Role.PARTNER, partner_org_id=bravo.id))
        uow.directory.add(GsRoute(region_code="JP", segment="*", gs_id=gs.id))
        found = Dir(acme=acme.id, bravo=bravo.id, aiko=aiko.id, ami=ami.id, ben=ben.id,
                    gs=gs.id, pdm=pdm.id)
        uow.commit()
    return found
