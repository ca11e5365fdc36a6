"""The unit of work: one transaction, its repositories, and who is acting.

    with UnitOfWork(factory, actor="U123") as uow:
        deal = uow.deals.get(7)
        deal.status = DealStatus.ACCEPTED
        uow.commit()

Leaving the block without `commit()` (or with an exception) rolls everything back: a change is
written whole or not at all. An edit that lost a race raises `ChangedMeanwhileError`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from storage.audit import install_audit
from storage.errors import ChangedMeanwhileError, DuplicateDealError
from storage.repositories import (
    AuditRepository,
    BreachRepository,
    ClockRepository,
    DealRepository,
    DirectoryRepository,
    EventRepository,
    OutboxRepository,
    is_open_deal_duplicate,
)

__all__ = ["UnitOfWork", "utc_now"]


def utc_now() -> datetime:
    """The real time, aware. Tests inject their own clock instead."""
    return datetime.now(UTC)


class UnitOfWork:
    """One transaction over the ledger."""

    session: Session
    deals: DealRepository
    directory: DirectoryRepository
    clocks: ClockRepository
    outbox: OutboxRepository
    events: EventRepository
    breaches: BreachRepository
    audit: AuditRepository

    def __init__(self, factory: sessionmaker[Session], *, actor: str = "system",
                 clock: Callable[[], datetime] = utc_now,
                 on_queued: Callable[[], None] | None = None) -> None:
        install_audit()
        self._factory = factory
        self.actor = actor
        self.clock = clock
        self._on_queued = on_queued

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        self.session.info["actor"] = self.actor
        self.session.info["clock"] = self.clock
        self.deals = DealRepository(self.session)
        self.directory = DirectoryRepository(self.session)
        self.clocks = ClockRepository(self.session)
        self.outbox = OutboxRepository(self.session)
        self.events = EventRepository(self.session)
        self.breaches = BreachRepository(self.session)
        self.audit = AuditRepository(self.session)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.session.rollback()
        self.session.close()

    def now(self) -> datetime:
        """The unit of work's notion of now (injected in tests)."""
        return self.clock()

    def commit(self) -> None:
        """Write everything or nothing; after a commit that queued messages, `on_queued` runs
        (the composition root wakes the outbox pump with it, so no caller has to)."""
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
        queued, self.outbox.queued = self.outbox.queued, 0
        if queued and self._on_queued is not None:
            self._on_queued()

    def rollback(self) -> None:
        """Drop everything since the last commit."""
        self.session.rollback()
        self.outbox.queued = 0
