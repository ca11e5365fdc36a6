"""Breaches in memory: partners' on their organisation's record, GSs' late replies apart; the same
behaviour as the SQL repository (the contract test runs both)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from storage.memory.store import MemoryStore
from storage.models import Breach, Deal, Party
from storage.repositories import BreachRepository

__all__ = ["MemoryBreachRepository"]


class MemoryBreachRepository(BreachRepository):
    """Breaches in memory."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def add(self, breach: Breach) -> Breach:
        return self.store.insert(breach)

    def add_many(self, rows: Sequence[dict[str, Any]]) -> None:
        breached = {b.clock_id for b in self.store.rows(Breach) if b.clock_id is not None}
        for row in rows:
            clock_id = row.get("clock_id")
            if clock_id is None or clock_id not in breached:
                self.store.insert(Breach(**row))
                if clock_id is not None:
                    breached.add(clock_id)

    def remove(self, breach: Breach) -> None:
        self.store.delete(breach)

    def for_clock(self, clock_id: int) -> Breach | None:
        return next((b for b in self.store.rows(Breach) if b.clock_id == clock_id), None)

    def _on_record(self) -> list[Breach]:
        return [b for b in self.store.rows(Breach) if b.owed_by is Party.PARTNER]

    def latest_for_deal(self, deal_id: int) -> Breach | None:
        found = [b for b in self._on_record() if b.deal_id == deal_id]
        return max(found, key=lambda b: (b.occurred_at, b.id), default=None)

    def count_since(self, partner_org_id: int, since: datetime) -> int:
        return sum(1 for b in self._on_record()
                   if b.partner_org_id == partner_org_id and b.occurred_at >= since)

    def counts_since(self, partner_org_ids: Iterable[int], since: datetime) -> dict[int, int]:
        counts: dict[int, int] = {}
        wanted = set(partner_org_ids)
        for breach in self._on_record():
            if breach.partner_org_id in wanted and breach.occurred_at >= since:
                org = breach.partner_org_id
                assert org is not None
                counts[org] = counts.get(org, 0) + 1
        return counts

    def of_gs(self, since: datetime, *, gs_id: int | None = None, org_id: int | None = None,
              limit: int = 50) -> Sequence[tuple[Breach, str | None]]:
        found: list[tuple[Breach, str | None]] = []
        for breach in self.store.rows(Breach):
            deal = self.store.get(Deal, breach.deal_id)
            if breach.owed_by is not Party.GS or breach.occurred_at < since \
                    or (gs_id is not None and breach.person_id != gs_id) \
                    or (org_id is not None and (deal is None or deal.partner_org_id != org_id)):
                continue
            found.append((breach, deal.company if deal is not None else None))
        found.sort(key=lambda pair: (pair[0].occurred_at, pair[0].id), reverse=True)
        return found[:limit]

    def recent(self, since: datetime, *, org_id: int | None = None, gs_id: int | None = None,
               limit: int = 50) -> Sequence[tuple[Breach, str | None]]:
        found: list[tuple[Breach, str | None]] = []
        for breach in self._on_record():
            deal = self.store.get(Deal, breach.deal_id)
            mine = breach.partner_org_id == org_id if org_id is not None else \
                deal is not None and deal.gs_id == gs_id
            if mine and breach.occurred_at >= since:
                found.append((breach, deal.company if deal is not None else None))
        found.sort(key=lambda pair: (pair[0].occurred_at, pair[0].id), reverse=True)
        return found[:limit]

    def everywhere(self, since: datetime, *, limit: int = 50
                   ) -> Sequence[tuple[Breach, str | None]]:
        found: list[tuple[Breach, str | None]] = []
        for breach in self.store.rows(Breach):
            if breach.occurred_at >= since:
                deal = self.store.get(Deal, breach.deal_id)
                found.append((breach, deal.company if deal is not None else None))
        found.sort(key=lambda pair: (pair[0].occurred_at, pair[0].id), reverse=True)
        return found[:limit]
