"""Stored clocks: what the sweep, the Home tab, the card and the digests read of them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.bulk import update_many
from storage.claims import claim_due_clocks_in
from storage.errors import ChangedMeanwhileError, NotFoundError
from storage.models import OPEN_DEAL_STATUSES, Clock, ClockState, Deal, DealStatus, Party
from storage.repositories.due_clocks import DueClock, DueDeal, load_due

__all__ = ["ClockRepository", "SqlClockRepository"]


class ClockRepository(ABC):
    """Stored clocks."""

    @abstractmethod
    def add(self, clock: Clock) -> Clock:
        """Store a new clock."""

    @abstractmethod
    def find(self, clock_id: int) -> Clock | None:
        """A clock, or None."""

    def get(self, clock_id: int) -> Clock:
        """A clock; `NotFoundError` if none."""
        found = self.find(clock_id)
        if found is None:
            raise NotFoundError(f"no clock {clock_id}")
        return found

    @abstractmethod
    def running(self, deal_id: int, kind: str | None = None) -> Sequence[Clock]:
        """A deal's running clocks, of one kind or all, by id."""

    @abstractmethod
    def for_deal(self, deal_id: int) -> Sequence[Clock]:
        """Every clock of a deal, soonest due first (the card lists them)."""

    @abstractmethod
    def running_for(self, deal_ids: Iterable[int]) -> Sequence[Clock]:
        """The running clocks of several deals, soonest due first (the Home tab)."""

    @abstractmethod
    def of_kinds(self, kinds: Iterable[str], *, deal_ids: Iterable[int] | None = None
                 ) -> Sequence[Clock]:
        """Clocks of some kinds, in any state (of some deals), by id: whether one was started."""

    @abstractmethod
    def latest_breached(self, deal_id: int, *, owed_by: Party, kinds: Iterable[str]
                        ) -> Clock | None:
        """The newest breached clock still unanswered (not stopped): an extension may revive it."""

    @abstractmethod
    def unanswered(self, owed_by: Party, *, deal_ids: Iterable[int] | None = None,
                   region: str | None = None) -> Sequence[tuple[Clock, Deal]]:
        """Breached clocks owed by `owed_by` whose reply has not come yet (not stopped), on open
        deals (of `deal_ids`, of a region), with their deal, soonest due first: the replies
        shown overdue."""

    @abstractmethod
    def running_in_region(self, region: str, *,
                          statuses: Iterable[DealStatus] = OPEN_DEAL_STATUSES
                          ) -> Sequence[tuple[Clock, Deal]]:
        """Running clocks of a region's deals in `statuses` (open ones by default), with their
        deal, by clock id (digests; a calendar change recomputes them)."""

    @abstractmethod
    def stopped_since(self, partner_org_id: int, since: datetime, *, owed_by: Party
                      ) -> Sequence[Clock]:
        """Clocks of an organisation's deals owed by `owed_by` and stopped since `since`, by id:
        the replies a PDM's weekly digest measures."""

    @abstractmethod
    def claimed(self, ids: Iterable[int], token: str | None = None) -> Sequence[Clock]:
        """The clocks of `ids` (only those `token`'s claim still holds, locked), by id."""

    @abstractmethod
    def due(self, ids: Iterable[int], token: str | None = None
            ) -> Sequence[tuple[DueClock, DueDeal | None]]:
        """`claimed` as plain tuples with each clock's deal and thread channel (None: no such
        deal), by clock id: the sweep's bulk read, in one query."""

    @abstractmethod
    def update_versioned(self, changes: Sequence[dict[str, Any]]) -> None:
        """Write each `{"id", "version", column: value...}` where the clock still has that version,
        adding one to it; `ChangedMeanwhileError` if one changed meanwhile (roll back then).
        The sweep's bulk write: one statement per set of columns, not one per clock."""

    @abstractmethod
    def claim_due(self, *, now: datetime, limit: int, worker: str) -> list[int]:
        """Claim up to `limit` running clocks whose next action is due at `now` for `worker`
        (a lease; each row to one claimer, `FOR UPDATE SKIP LOCKED` on PostgreSQL); their ids.
        The claim holds once the unit of work commits."""

    @abstractmethod
    def next_action_after(self, after: datetime) -> datetime | None:
        """When the earliest running clock's next step falls due after `after` (the console
        moves time to it, so a reminder goes out when it would with a sweep every minute)."""


class SqlClockRepository(ClockRepository):
    """Clocks on SQLAlchemy."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, clock: Clock) -> Clock:
        self.session.add(clock)
        self.session.flush()
        return clock

    def find(self, clock_id: int) -> Clock | None:
        return self.session.get(Clock, clock_id)

    def running(self, deal_id: int, kind: str | None = None) -> Sequence[Clock]:
        query = select(Clock).where(Clock.deal_id == deal_id, Clock.state == ClockState.RUNNING)
        if kind is not None:
            query = query.where(Clock.kind == kind)
        return self.session.scalars(query.order_by(Clock.id)).all()

    def for_deal(self, deal_id: int) -> Sequence[Clock]:
        return self.session.scalars(select(Clock).where(Clock.deal_id == deal_id)
                                    .order_by(Clock.due_at, Clock.id)).all()

    def running_for(self, deal_ids: Iterable[int]) -> Sequence[Clock]:
        ids = set(deal_ids)
        if not ids:
            return []
        return self.session.scalars(select(Clock).where(
            Clock.deal_id.in_(ids), Clock.state == ClockState.RUNNING)
            .order_by(Clock.due_at, Clock.id)).all()

    def of_kinds(self, kinds: Iterable[str], *, deal_ids: Iterable[int] | None = None
                 ) -> Sequence[Clock]:
        query = select(Clock).where(Clock.kind.in_(list(kinds)))
        if deal_ids is not None:
            query = query.where(Clock.deal_id.in_(set(deal_ids)))
        return self.session.scalars(query.order_by(Clock.id)).all()

    def latest_breached(self, deal_id: int, *, owed_by: Party, kinds: Iterable[str]
                        ) -> Clock | None:
        return self.session.scalar(select(Clock).where(
            Clock.deal_id == deal_id, Clock.owed_by == owed_by, Clock.kind.in_(list(kinds)),
            Clock.state == ClockState.BREACHED, Clock.stopped_at.is_(None))
            .order_by(Clock.id.desc()).limit(1))

    def unanswered(self, owed_by: Party, *, deal_ids: Iterable[int] | None = None,
                   region: str | None = None) -> Sequence[tuple[Clock, Deal]]:
        query = select(Clock, Deal).join(Deal, Clock.deal_id == Deal.id).where(
            Clock.owed_by == owed_by, Clock.state == ClockState.BREACHED,
            Clock.stopped_at.is_(None), Deal.status.in_(list(OPEN_DEAL_STATUSES)))
        if deal_ids is not None:
            query = query.where(Clock.deal_id.in_(set(deal_ids)))
        if region is not None:
            query = query.where(Deal.region_code == region)
        rows = self.session.execute(query.order_by(Clock.due_at, Clock.id)).all()
        return [(clock, deal) for clock, deal in rows]

    def running_in_region(self, region: str, *,
                          statuses: Iterable[DealStatus] = OPEN_DEAL_STATUSES
                          ) -> Sequence[tuple[Clock, Deal]]:
        rows = self.session.execute(select(Clock, Deal).join(Deal, Clock.deal_id == Deal.id).where(
            Deal.region_code == region, Clock.state == ClockState.RUNNING,
            Deal.status.in_(list(statuses))).order_by(Clock.id)).all()
        return [(clock, deal) for clock, deal in rows]

    def stopped_since(self, partner_org_id: int, since: datetime, *, owed_by: Party
                      ) -> Sequence[Clock]:
        return self.session.scalars(select(Clock).join(Deal, Clock.deal_id == Deal.id).where(
            Deal.partner_org_id == partner_org_id, Clock.owed_by == owed_by,
            Clock.stopped_at.is_not(None), Clock.stopped_at >= since).order_by(Clock.id)).all()

    def claimed(self, ids: Iterable[int], token: str | None = None) -> Sequence[Clock]:
        query = select(Clock).where(Clock.id.in_(set(ids)))
        if token is not None:
            # only the rows this claim still holds, locked: a lease that ran out meanwhile may
            # have handed a row to another replica, which then acts on it instead
            query = query.where(Clock.claimed_by == token).with_for_update()
        return self.session.scalars(query.order_by(Clock.id)).all()

    def due(self, ids: Iterable[int], token: str | None = None
            ) -> Sequence[tuple[DueClock, DueDeal | None]]:
        return load_due(self.session, ids, token)

    def update_versioned(self, changes: Sequence[dict[str, Any]]) -> None:
        written = update_many(self.session, Clock.metadata.tables["clocks"], changes,
                              match=("id", "version"), increment="version")
        if written != len(changes):
            raise ChangedMeanwhileError("a clock")

    def claim_due(self, *, now: datetime, limit: int, worker: str) -> list[int]:
        return claim_due_clocks_in(self.session, now=now, limit=limit, worker=worker)

    def next_action_after(self, after: datetime) -> datetime | None:
        return self.session.scalar(select(func.min(Clock.next_action_at)).where(
            Clock.state == ClockState.RUNNING, Clock.next_action_at > after))
