"""The composition root: builds the real (or fake) adapters once and hands them to everyone.

    services = bootstrap(Settings.from_env())
    app = create_app(services)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.context import LocaleCache
from bot.outbox import Pacer
from rules.regions import RegionDirectory
from storage.db import make_engine, make_session_factory
from storage.migrate import ensure_schema
from storage.unit_of_work import UnitOfWork, utc_now

__all__ = ["Services", "bootstrap"]


@dataclass
class Services:
    """What every entry point needs: settings, the database, calendars, the clock."""

    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    regions: RegionDirectory
    clock: Callable[[], datetime] = utc_now
    locales: LocaleCache = field(default_factory=LocaleCache)
    worker: str = "coseller"
    pacer: Pacer = field(default_factory=Pacer)

    def uow(self, actor: str = "system") -> UnitOfWork:
        """A unit of work acting as `actor`, on this process's clock."""
        return UnitOfWork(self.factory, actor=actor, clock=self.clock)

    def now(self) -> datetime:
        """The current instant (injected in tests and the console)."""
        return self.clock()


def bootstrap(settings: Settings, *, clock: Callable[[], datetime] = utc_now,
              engine: Engine | None = None, migrate: bool = True) -> Services:
    """Wire the services; a new or behind database is migrated first."""
    engine = engine or make_engine(settings.database_url)
    if migrate:
        ensure_schema(engine)
    return Services(settings=settings, engine=engine, factory=make_session_factory(engine),
                    regions=RegionDirectory(settings.regions), clock=clock,
                    worker=f"coseller-{os.getpid()}")
