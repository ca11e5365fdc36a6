"""An in-memory unit of work, so that use cases can be tested without any database.

    store = MemoryStore()
    with MemoryUnitOfWork(store, actor="U1", clock=lambda: T0) as uow:
        uow.directory.add(PartnerOrg(name="Acme", kind=..., tier=...))
        uow.commit()

Its repositories behave like the SQL ones (`tests/integration/test_repository_contract.py` runs
the same tests on both) over plain dicts of transient ORM instances. How it approximates a
transaction: work happens directly on the shared store; `commit()` checks what the database's
constraints would (one open deal per partner and domain, else `DuplicateDealError`), adds one to
the version of each deal and clock that changed, writes the audit log (one entry per row and
commit, where the SQL side writes one per flush) and remembers the state; `rollback()`, or
leaving the block without committing, restores the state remembered at the start or last
commit: rows added vanish, rows removed return, changed attributes get their old values. Two
units of work open at once on one store see each other's uncommitted changes (no isolation), so
a lost race (`ChangedMeanwhileError` at commit) cannot happen here; `get(expected_version=...)`
and `clocks.update_versioned` still refuse a stale version. No locks are taken.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from datetime import datetime

from sqlalchemy import inspect

from storage.audit import plain_value
from storage.errors import DuplicateDealError
from storage.memory.breaches import MemoryBreachRepository
from storage.memory.calendar import MemoryClosureRepository
from storage.memory.channels import MemoryChannelRepository
from storage.memory.console_time import MemoryConsoleTimeRepository
from storage.memory.directory import MemoryDealRepository, MemoryDirectoryRepository
from storage.memory.ledger import (
    MemoryAbsenceRepository,
    MemoryAuditRepository,
    MemoryBantRepository,
    MemoryClockRepository,
    MemoryDiscountRepository,
    MemoryEventRepository,
    MemoryExtensionRepository,
    MemoryMessageRepository,
    MemoryOutboxRepository,
    MemoryPoiRepository,
)
from storage.memory.store import MemoryStore, Snapshot
from storage.models import AuditEntry, Base, ConsoleTime, Deal, ProcessedEvent
from storage.unit_of_work import AbstractUnitOfWork, utc_now

__all__ = ["MemoryStore", "MemoryUnitOfWork"]

_UNAUDITED = (AuditEntry, ProcessedEvent, ConsoleTime)


def _columns(row: Base) -> dict[str, object]:
    return {attr.key: getattr(row, attr.key) for attr in inspect(type(row)).column_attrs}


class MemoryUnitOfWork(AbstractUnitOfWork):
    """A unit of work over a `MemoryStore` (see the module's note on what it approximates).

    `commits` counts the commits made, for tests that check a use case committed.
    """

    def __init__(self, store: MemoryStore | None = None, *, actor: str = "system",
                 clock: Callable[[], datetime] = utc_now,
                 on_queued: Callable[[], None] | None = None) -> None:
        super().__init__(actor=actor, clock=clock, on_queued=on_queued)
        self.store = store if store is not None else MemoryStore()
        self.commits = 0
        self._saved: Snapshot = {}
        self.deals = MemoryDealRepository(self.store)
        self.directory = MemoryDirectoryRepository(self.store)
        self.clocks = MemoryClockRepository(self.store)
        self.outbox = MemoryOutboxRepository(self.store)
        self.events = MemoryEventRepository(self.store)
        self.breaches = MemoryBreachRepository(self.store)
        self.audit = MemoryAuditRepository(self.store)
        self.pois = MemoryPoiRepository(self.store)
        self.bant = MemoryBantRepository(self.store)
        self.messages = MemoryMessageRepository(self.store)
        self.absences = MemoryAbsenceRepository(self.store)
        self.extensions = MemoryExtensionRepository(self.store)
        self.discounts = MemoryDiscountRepository(self.store)
        self.channels = MemoryChannelRepository(self.store)
        self.closures = MemoryClosureRepository(self.store)
        self.console_time = MemoryConsoleTimeRepository(self.store)

    def __enter__(self) -> MemoryUnitOfWork:
        self._saved = self.store.snapshot()
        self.outbox.queued = 0
        return self

    def _commit(self) -> None:
        self._check_open_deals()
        self.store.bump_versions(self._saved)
        self._write_audit()
        self._saved = self.store.snapshot()
        self.commits += 1

    def _rollback(self) -> None:
        self.store.restore(self._saved)

    def _check_open_deals(self) -> None:
        """The partial unique index of the SQL schema: one open deal per partner and domain."""
        seen = Counter((d.partner_org_id, d.customer_domain) for d in self.store.rows(Deal)
                       if d.is_open and d.partner_org_id is not None)
        if any(count > 1 for count in seen.values()):
            self._rollback()
            raise DuplicateDealError("this domain")

    def _write_audit(self) -> None:
        """One entry per row inserted, changed or deleted since the last commit."""
        at = self.now()
        entries: list[AuditEntry] = []
        kinds = set(self.store.tables) | set(self._saved)
        for kind in kinds:
            if issubclass(kind, _UNAUDITED):
                continue
            now_rows = self.store.tables.get(kind, {})
            before = self._saved.get(kind, {})
            for key, row in now_rows.items():
                if key not in before:
                    changes = {k: plain_value(v) for k, v in _columns(row).items()}
                    entries.append(self._entry(row, key, "insert", changes))
                    continue
                old = before[key][1]
                diff = {k: [plain_value(old.get(k)), plain_value(v)]
                        for k, v in _columns(row).items() if old.get(k) != v}
                if diff:
                    entries.append(self._entry(row, key, "update", diff))
            for key, (row, old) in before.items():
                if key not in now_rows:
                    changes = {k: plain_value(old.get(k)) for k in _columns(row)}
                    entries.append(self._entry(row, key, "delete", changes))
        for entry in entries:
            entry.at = at
            self.store.insert(entry)

    def _entry(self, row: Base, key: object, action: str, changes: Mapping[str, object]
               ) -> AuditEntry:
        return AuditEntry(actor=self.actor, entity=row.__tablename__, entity_id=str(key),
                          action=action, changes=dict(changes))
