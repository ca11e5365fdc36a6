"""Breached reply clocks: on partners' records (owed by the partner), and GSs' own (owed by the
GS, never counted on a partner organisation's record)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Breach, Deal, Party
from storage.repositories.internals import insert_for

__all__ = ["BreachRepository", "SqlBreachRepository"]


class BreachRepository(ABC):
    """Breaches on partners' records."""

    @abstractmethod
    def add(self, breach: Breach) -> Breach:
        """Record a breach."""

    @abstractmethod
    def add_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Record many prepared breaches (columns but the id) at once, skipping a clock already
        breached: the sweep's bulk write."""

    @abstractmethod
    def remove(self, breach: Breach) -> None:
        """Take a breach off the record (an admin dismissed it)."""

    @abstractmethod
    def for_clock(self, clock_id: int) -> Breach | None:
        """The breach a clock caused, or None (never breached, dismissed or excused)."""

    @abstractmethod
    def latest_for_deal(self, deal_id: int) -> Breach | None:
        """The deal's most recent breach on the partner's record (a GS's is not one)."""

    @abstractmethod
    def count_since(self, partner_org_id: int, since: datetime) -> int:
        """Breaches on an organisation's record since an instant (e.g. the last 90 days)."""

    @abstractmethod
    def counts_since(self, partner_org_ids: Iterable[int], since: datetime) -> dict[int, int]:
        """Breaches on the record since an instant per organisation (those with none are left
        out)."""

    @abstractmethod
    def of_gs(self, since: datetime, *, gs_id: int | None = None, org_id: int | None = None,
              limit: int = 50) -> Sequence[tuple[Breach, str | None]]:
        """GSs' breaches since `since`, newest first, each with its deal's company: a GS's own
        (`gs_id`), or those on an organisation's deals (`org_id`: a PDM's view of its partners'
        deals; never on that organisation's record)."""

    def in_window(self, partner_org_id: int, now: datetime, days: int = 90) -> int:
        """Breaches in the `days` before `now`."""
        return self.count_since(partner_org_id, now - timedelta(days=days))

    @abstractmethod
    def recent(self, since: datetime, *, org_id: int | None = None, gs_id: int | None = None,
               limit: int = 50) -> Sequence[tuple[Breach, str | None]]:
        """Breaches on the partners' records: an organisation's, or those on a GS's deals (open
        or not), since `since`, newest first, each with its deal's company (None without a
        deal)."""

    @abstractmethod
    def everywhere(self, since: datetime, *, limit: int = 50
                   ) -> Sequence[tuple[Breach, str | None]]:
        """Every organisation's breaches since `since` (the admins'), newest first, each with
        its deal's company (None without a deal)."""


class SqlBreachRepository(BreachRepository):
    """Breaches on SQLAlchemy."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, breach: Breach) -> Breach:
        self.session.add(breach)
        self.session.flush()
        return breach

    def add_many(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            statement = insert_for(self.session)(Breach).on_conflict_do_nothing(
                index_elements=["clock_id"])
            self.session.execute(statement, list(rows))

    def remove(self, breach: Breach) -> None:
        self.session.delete(breach)
        self.session.flush()

    def for_clock(self, clock_id: int) -> Breach | None:
        return self.session.scalar(select(Breach).where(Breach.clock_id == clock_id))

    def latest_for_deal(self, deal_id: int) -> Breach | None:
        return self.session.scalar(select(Breach).where(Breach.deal_id == deal_id,
                                                        Breach.owed_by == Party.PARTNER)
                                   .order_by(Breach.occurred_at.desc(), Breach.id.desc())
                                   .limit(1))

    def count_since(self, partner_org_id: int, since: datetime) -> int:
        return int(self.session.scalar(select(func.count()).select_from(Breach).where(
            Breach.partner_org_id == partner_org_id, Breach.owed_by == Party.PARTNER,
            Breach.occurred_at >= since)) or 0)

    def counts_since(self, partner_org_ids: Iterable[int], since: datetime) -> dict[int, int]:
        rows = self.session.execute(select(Breach.partner_org_id, func.count()).where(
            Breach.partner_org_id.in_(set(partner_org_ids)), Breach.owed_by == Party.PARTNER,
            Breach.occurred_at >= since)
            .group_by(Breach.partner_org_id)).all()
        return {int(org): int(count) for org, count in rows if org is not None}

    def recent(self, since: datetime, *, org_id: int | None = None, gs_id: int | None = None,
               limit: int = 50) -> Sequence[tuple[Breach, str | None]]:
        query = select(Breach, Deal.company).outerjoin(Deal, Breach.deal_id == Deal.id).where(
            Breach.occurred_at >= since, Breach.owed_by == Party.PARTNER)
        if org_id is not None:
            query = query.where(Breach.partner_org_id == org_id)
        else:
            query = query.where(Deal.gs_id == gs_id)
        rows = self.session.execute(query.order_by(Breach.occurred_at.desc(), Breach.id.desc())
                                    .limit(limit)).all()
        return [(breach, company) for breach, company in rows]

    def of_gs(self, since: datetime, *, gs_id: int | None = None, org_id: int | None = None,
              limit: int = 50) -> Sequence[tuple[Breach, str | None]]:
        query = select(Breach, Deal.company).outerjoin(Deal, Breach.deal_id == Deal.id).where(
            Breach.occurred_at >= since, Breach.owed_by == Party.GS)
        if gs_id is not None:
            query = query.where(Breach.person_id == gs_id)
        if org_id is not None:
            query = query.where(Deal.partner_org_id == org_id)
        rows = self.session.execute(query.order_by(Breach.occurred_at.desc(), Breach.id.desc())
                                    .limit(limit)).all()
        return [(breach, company) for breach, company in rows]

    def everywhere(self, since: datetime, *, limit: int = 50
                   ) -> Sequence[tuple[Breach, str | None]]:
        rows = self.session.execute(
            select(Breach, Deal.company).outerjoin(Deal, Breach.deal_id == Deal.id)
            .where(Breach.occurred_at >= since)
            .order_by(Breach.occurred_at.desc(), Breach.id.desc()).limit(limit)).all()
        return [(breach, company) for breach, company in rows]
