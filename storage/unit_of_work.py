"""The unit of work: one transaction, its repositories, and who is acting.

    with UnitOfWork(factory, actor="U123") as uow:
        deal = uow.deals.get(7)
        deal.status = DealStatus.ACCEPTED
        uow.commit()

Leaving the block without `commit()` (or with an exception) rolls everything back: a change is
written whole or not at all. An edit that lost a race raises `ChangedMeanwhileError`; a second
open deal of a partner on one domain, `DuplicateDealError`. `AbstractUnitOfWork` is what use
cases are written against; `UnitOfWork` is the SQLAlchemy one, `storage.memory.MemoryUnitOfWork`
the in-memory fake of the tests.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from storage.audit import install_audit
from storage.errors import ChangedMeanwhileError, DuplicateDealError
from storage.repositories import (
    AbsenceRepository,
    AuditRepository,
    BantRepository,
    BreachRepository,
    ChannelRepository,
    ClockRepository,
    ClosureRepository,
    ConsoleTimeRepository,
    DealRepository,
    DirectoryRepository,
    DiscountRepository,
    EventRepository,
    ExtensionRepository,
    MessageRepository,
    OutboxRepository,
    PoiRepository,
    SqlAbsenceRepository,
    SqlAuditRepository,
    SqlBantRepository,
    SqlBreachRepository,
    SqlChannelRepository,
    SqlClockRepository,
    SqlClosureRepository,
    SqlConsoleTimeRepository,
    SqlDealRepository,
    SqlDirectoryRepository,
    SqlDiscountRepository,
    SqlEventRepository,
    SqlExtensionRepository,
    SqlMessageRepository,
    SqlOutboxRepository,
    SqlPoiRepository,
    is_open_deal_duplicate,
)
from storage.session_reads import loads_kept

__all__ = ["AbstractUnitOfWork", "UnitOfWork", "utc_now"]


def utc_now() -> datetime:
    """The real time, aware. Tests inject their own clock instead."""
    return datetime.now(UTC)


class AbstractUnitOfWork(ABC):
    """One transaction over the ledger: its repositories, who acts, and what time it is.

    After a `commit()` that queued outbox messages, `on_queued` runs (the composition root wakes
    the outbox pump with it, so no caller has to). `rollback()` forgets what was queued.
    """

    deals: DealRepository
    directory: DirectoryRepository
    clocks: ClockRepository
    outbox: OutboxRepository
    events: EventRepository
    breaches: BreachRepository
    audit: AuditRepository
    pois: PoiRepository
    bant: BantRepository
    messages: MessageRepository
    absences: AbsenceRepository
    extensions: ExtensionRepository
    discounts: DiscountRepository
    channels: ChannelRepository
    closures: ClosureRepository
    console_time: ConsoleTimeRepository

    def __init__(self, *, actor: str = "system", clock: Callable[[], datetime] = utc_now,
                 on_queued: Callable[[], None] | None = None) -> None:
        self.actor = actor
        self.clock = clock
        self._on_queued = on_queued

    @abstractmethod
    def __enter__(self) -> Self:
        """Begin: the repositories are ready."""

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        """End: whatever was not committed is dropped."""
        self.rollback()

    def now(self) -> datetime:
        """The unit of work's notion of now (injected in tests)."""
        return self.clock()

    def commit(self) -> None:
        """Write everything or nothing; then wake whoever waits for queued messages."""
        self._commit()
        queued, self.outbox.queued = self.outbox.queued, 0
        if queued and self._on_queued is not None:
            self._on_queued()

    def rollback(self) -> None:
        """Drop everything since the last commit."""
        self._rollback()
        self.outbox.queued = 0

    @contextmanager
    def reads_kept(self) -> Iterator[None]:
        """Whatever is read in the block stays at hand until it ends, instead of being read
        again (many rows of one round about the same people and places); nothing to keep in
        memory."""
        yield

    @abstractmethod
    def _commit(self) -> None:
        """Make the changes durable (`ChangedMeanwhileError`, `DuplicateDealError` if refused)."""

    @abstractmethod
    def _rollback(self) -> None:
        """Forget the changes since the last commit."""


class UnitOfWork(AbstractUnitOfWork):
    """One transaction over the ledger on SQLAlchemy.

    `session` is still public while `bot/` moves its reads to repository methods.
    """

    session: Session

    def __init__(self, factory: sessionmaker[Session], *, actor: str = "system",
                 clock: Callable[[], datetime] = utc_now,
                 on_queued: Callable[[], None] | None = None) -> None:
        install_audit()
        super().__init__(actor=actor, clock=clock, on_queued=on_queued)
        self._factory = factory

    def __enter__(self) -> Self:
        self.session = self._factory()
        self.session.info["actor"] = self.actor
        self.session.info["clock"] = self.clock
        self.deals = SqlDealRepository(self.session)
        self.directory = SqlDirectoryRepository(self.session)
        self.clocks = SqlClockRepository(self.session)
        self.outbox = SqlOutboxRepository(self.session)
        self.events = SqlEventRepository(self.session)
        self.breaches = SqlBreachRepository(self.session)
        self.audit = SqlAuditRepository(self.session)
        self.pois = SqlPoiRepository(self.session)
        self.bant = SqlBantRepository(self.session)
        self.messages = SqlMessageRepository(self.session)
        self.absences = SqlAbsenceRepository(self.session)
        self.extensions = SqlExtensionRepository(self.session)
        self.discounts = SqlDiscountRepository(self.session)
        self.channels = SqlChannelRepository(self.session)
        self.closures = SqlClosureRepository(self.session)
        self.console_time = SqlConsoleTimeRepository(self.session)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        # close() ends the transaction uncommitted (the database rolls it back) and detaches the
        # rows; unlike rollback() it does not expire them, so what a use case read stays
        # readable after the block (a view renders it later)
        self.outbox.queued = 0
        self.session.close()

    @contextmanager
    def reads_kept(self) -> Iterator[None]:
        """Every object loaded in the block referenced until it ends (see `session_reads`)."""
        with loads_kept(self.session):
            yield

    def _commit(self) -> None:
        try:
            self.session.commit()
        except StaleDataError:
            self.session.rollback()
            raise ChangedMeanwhileError() from None
        except IntegrityError as error:
            self.session.rollback()
            if is_open_deal_duplicate(error):
                raise DuplicateDealError("this domain") from None
            raise

    def _rollback(self) -> None:
        self.session.rollback()
