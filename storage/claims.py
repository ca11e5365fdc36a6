"""Atomic claiming of due work by any number of processes.

A claim marks up to `limit` due rows with the worker's name and a lease, in one statement that
commits at once: on PostgreSQL the candidate rows are locked `FOR UPDATE SKIP LOCKED`, so two
claimers never wait on or take the same row; on SQLite the whole statement runs under the
database's single write lock (`BEGIN IMMEDIATE`). A worker that dies leaves its rows leased until
the lease ends, and then they are claimable again: nothing is lost, nothing is handled twice while
a lease holds. The partial indexes `ix_clocks_due_work` and `ix_outbox_due_work` keep a claim
fast among millions of rows (the literal predicates below are what lets the planner use them).

The outbox claims only conversation heads: a pending row with no earlier pending row of its
conversation (the `channel` column). A row that must wait for its predecessor never takes a claim
slot, so rows waiting in a few conversations (a retry backoff, a card sent after its notice's due
time) never starve every other conversation (`ix_outbox_conversation_pending` answers the test).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, any_, exists, func, or_, select, text, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from storage.models import Clock, OutboxMessage

__all__ = ["DEFAULT_LEASE", "claim_due_clocks", "claim_due_clocks_in", "claim_outbox", "release_clocks"]

DEFAULT_LEASE = timedelta(minutes=5)


def _claim(factory: sessionmaker[Session], model: Any, *, state_sql: str, due_column: Any,
           now: datetime, limit: int, worker: str, lease: timedelta, extra: Any = None,
           first: Any = None) -> list[int]:
    if limit <= 0:
        return []
    with factory.begin() as session:
        return _claim_in(session, model, state_sql=state_sql, due_column=due_column, now=now,
                         limit=limit, worker=worker, lease=lease, extra=extra, first=first)


def _claim_in(session: Session, model: Any, *, state_sql: str, due_column: Any,
              now: datetime, limit: int, worker: str, lease: timedelta,
              extra: Any = None, first: Any = None) -> list[int]:
    if limit <= 0:
        return []
    free = or_(model.claimed_until.is_(None), model.claimed_until < now)
    where = and_(text(state_sql), due_column <= now, free)
    if extra is not None:
        where = and_(where, extra)
    candidates = (select(model.id)
                  .where(where)
                  .order_by(*([] if first is None else [first]), due_column, model.id)
                  .limit(limit)
                  .with_for_update(skip_locked=True))
    values: dict[str, Any] = {"claimed_by": worker, "claimed_until": now + lease}
    if hasattr(model, "version"):
        values["version"] = model.version + 1
    chosen = candidates.scalar_subquery()
    if session.get_bind().dialect.name == "postgresql":
        # `= ANY(ARRAY(...))`: the candidates are computed once and their rows found by primary
        # key; with `IN (...)` the planner hashes them against a scan of the whole table
        where_chosen = model.id == any_(func.array(chosen))
    else:
        where_chosen = model.id.in_(chosen)
    statement = (update(model).where(where_chosen)
                 .values(**values).returning(model.id)
                 .execution_options(synchronize_session=False))
    return sorted(session.scalars(statement).all())


def claim_due_clocks(factory: sessionmaker[Session], *, now: datetime, limit: int, worker: str,
                     lease: timedelta = DEFAULT_LEASE) -> list[int]:
    """Claim up to `limit` running clocks whose next action is due; their ids, each to one caller."""
    return _claim(factory, Clock, state_sql="clocks.state = 'running'",
                  due_column=Clock.next_action_at, now=now, limit=limit, worker=worker, lease=lease)


def claim_due_clocks_in(session: Session, *, now: datetime, limit: int, worker: str,
                        lease: timedelta = DEFAULT_LEASE) -> list[int]:
    """`claim_due_clocks` in the caller's transaction (the claim holds once it commits)."""
    return _claim_in(session, Clock, state_sql="clocks.state = 'running'",
                     due_column=Clock.next_action_at, now=now, limit=limit, worker=worker,
                     lease=lease)


def claim_outbox(factory: sessionmaker[Session], *, now: datetime, limit: int, worker: str,
                 lease: timedelta = DEFAULT_LEASE, lanes: int | None = None) -> list[int]:
    """Claim up to `limit` pending outgoing messages whose next attempt is due and that head
    their conversation (no earlier pending message of the same conversation, claimed or not:
    one conversation never has two sends in flight, and a waiting row takes no slot); the
    first lane first (`storage.lanes`: answers to people before background work). `lanes`:
    only rows of that lane or a first one (a pump's thread for answers alone)."""
    heads = _conversation_head()
    return _claim(factory, OutboxMessage, state_sql="outbox.state = 'pending'",
                  due_column=OutboxMessage.next_attempt_at, now=now, limit=limit, worker=worker,
                  lease=lease, first=OutboxMessage.lane,
                  extra=heads if lanes is None else and_(heads, OutboxMessage.lane <= lanes))


def _conversation_head() -> Any:
    """No earlier pending row of the same conversation (`ix_outbox_conversation_pending`)."""
    earlier = aliased(OutboxMessage, name="earlier")
    return ~exists(select(earlier.id).where(
        earlier.channel == OutboxMessage.channel, earlier.id < OutboxMessage.id,
        text("earlier.state = 'pending'")))


def release_clocks(session: Session, ids: Sequence[int], worker: str) -> None:
    """Give back claimed clocks (after handling them, in the same transaction as the handling)."""
    session.execute(update(Clock).where(Clock.id.in_(ids), Clock.claimed_by == worker)
                    .values(claimed_by=None, claimed_until=None, version=Clock.version + 1)
                    .execution_options(synchronize_session=False))
