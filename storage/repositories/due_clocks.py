"""What the sweep reads of each claimed clock and its deal, as plain tuples: one joined query
for a whole batch, with none of the ORM's per-object bookkeeping (thousands of clocks a second)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Clock, ClockState, Deal, DealStatus, DealThread, Party
from storage.repositories.internals import among

__all__ = ["DueClock", "DueDeal", "due_pairs", "load_due"]


class DueClock(NamedTuple):
    """A claimed clock's columns the sweep plans from and writes back."""

    id: int
    deal_id: int
    kind: str
    owed_by: Party
    owed_by_person_id: int | None
    started_at: datetime
    due_at: datetime
    state: ClockState
    stopped_at: datetime | None
    escalation_step: str | None
    version: int


class DueDeal(NamedTuple):
    """A claimed clock's deal, with its thread's channel (None: the deal has no thread)."""

    id: int
    status: DealStatus
    region_code: str
    company: str
    gs_id: int | None
    partner_org_id: int | None
    registered_by_id: int | None
    subscription_start: date | None
    expected_close: date | None
    channel_id: str | None


_CLOCK = (Clock.id, Clock.deal_id, Clock.kind, Clock.owed_by, Clock.owed_by_person_id,
          Clock.started_at, Clock.due_at, Clock.state, Clock.stopped_at, Clock.escalation_step,
          Clock.version)
_DEAL = (Deal.id, Deal.status, Deal.region_code, Deal.company, Deal.gs_id, Deal.partner_org_id,
         Deal.registered_by_id, Deal.subscription_start, Deal.expected_close,
         DealThread.channel_id)


def load_due(session: Session, ids: Iterable[int], token: str | None
             ) -> list[tuple[DueClock, DueDeal | None]]:
    """The clocks of `ids` (only those `token`'s claim still holds, locked) with their deals,
    by clock id, in one query."""
    wanted = list(set(ids))
    if not wanted:
        return []
    query = (select(*_CLOCK, *_DEAL).outerjoin(Deal, Deal.id == Clock.deal_id)
             .outerjoin(DealThread, DealThread.deal_id == Deal.id)
             .where(among(session, Clock.id, wanted)))
    if token is not None:
        # only the rows this claim still holds, locked (the clocks only): a lease that ran out
        # meanwhile may have handed a row to another replica, which then acts on it instead
        query = query.where(Clock.claimed_by == token).with_for_update(of=Clock)
    width = len(_CLOCK)
    found: list[tuple[DueClock, DueDeal | None]] = []
    # Core, not the ORM: plain rows, no identity map
    for row in session.connection().execute(query.order_by(Clock.id)):
        found.append((DueClock._make(row[:width]),
                      DueDeal._make(row[width:]) if row[width] is not None else None))
    return found


def due_pairs(clocks: Sequence[Clock], deals: dict[int, Deal],
              channels: dict[int, str]) -> list[tuple[DueClock, DueDeal | None]]:
    """The same pairs from loaded objects (the in-memory repository)."""
    found: list[tuple[DueClock, DueDeal | None]] = []
    for c in sorted(clocks, key=lambda c: c.id):
        deal = deals.get(c.deal_id)
        found.append((DueClock(c.id, c.deal_id, c.kind, c.owed_by, c.owed_by_person_id,
                               c.started_at, c.due_at, c.state, c.stopped_at, c.escalation_step,
                               c.version),
                      None if deal is None else DueDeal(
                          deal.id, deal.status, deal.region_code, deal.company, deal.gs_id,
                          deal.partner_org_id, deal.registered_by_id, deal.subscription_start,
                          deal.expected_close, channels.get(deal.id))))
    return found
