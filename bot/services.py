"""What every entry point and use case shares: settings, the database, calendars, the clock,
the Slack client, the outbox pump and the metrics. Built once by `bot.bootstrap.bootstrap`.

Listeners receive it through Bolt's context (the `services` argument); use cases and jobs as
their first argument. It imports nothing that imports it, so any module may name the type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.context import LocaleCache
from bot.dm_channels import DmChannels
from bot.installations import BotTokens
from bot.metrics import Metrics
from bot.pacing import Pacer, slack_pacer
from rules.regions import RegionDirectory
from storage.unit_of_work import AbstractUnitOfWork, UnitOfWork, utc_now

__all__ = ["Job", "Pump", "Services"]


@dataclass(frozen=True)
class Job:
    """A periodic job: what runs (`run`, one use case) and when, either every `every` seconds
    or on a cron schedule (`cron`: APScheduler cron fields) in `timezone`."""

    id: str
    run: Callable[[], object]
    every: float | None = None
    cron: dict[str, str] | None = None
    timezone: str = "UTC"


class Pump(Protocol):
    """The outbox's delivery loop, as the rest of the house sees it."""

    def start(self) -> Any:
        """Start delivering in the background."""

    def wake(self) -> None:
        """Deliver now: something was just queued."""

    def stop(self) -> None:
        """Stop after the current round."""


@dataclass(eq=False)
class Services:
    """The process's shared adapters. One per process; never copied (see `__deepcopy__`)."""

    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    regions: RegionDirectory
    client: WebClient
    clock: Callable[[], datetime] = utc_now
    locales: LocaleCache = field(default_factory=LocaleCache)
    metrics: Metrics = field(default_factory=Metrics)
    worker: str = "coseller"
    pacer: Pacer = field(default_factory=slack_pacer)
    dms: DmChannels = field(default_factory=DmChannels)  # direct-message channels, opened once
    pump: Pump | None = None
    jobs: list[Job] = field(default_factory=list)
    unit_of_work: Callable[[str], AbstractUnitOfWork] | None = None  # a fake, in unit tests
    tokens: BotTokens | None = None  # OAuth installs: each workspace's bot token, rotated

    def uow(self, actor: str = "system") -> AbstractUnitOfWork:
        """A unit of work acting as `actor`, on this process's clock; the outbox pump is woken
        after any commit that queued a message."""
        if self.unit_of_work is not None:
            return self.unit_of_work(actor)
        return UnitOfWork(self.factory, actor=actor, clock=self.clock, on_queued=self.wake)

    def now(self) -> datetime:
        """The current instant (injected in tests and the console)."""
        return self.clock()

    def wake(self) -> None:
        """Ask the pump to deliver what was just queued (no pump: the next round will)."""
        if self.pump is not None:
            self.pump.wake()

    def __deepcopy__(self, memo: dict[int, Any]) -> Services:
        """Bolt deep-copies the context for lazy listeners; the services are shared adapters
        (connection pools, threads, locks), so every copy is the same object."""
        return self
