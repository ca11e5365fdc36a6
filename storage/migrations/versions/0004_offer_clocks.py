"""every offer has its collaboration clock: an offered deal without a running one gets it, from
the time it was offered (72 hours to accept, the partner reminded 24 hours before), and a running
one with no next step planned gets its steps back, so the sweep lapses every unanswered offer.

A data repair only (no schema change), in SQLAlchemy Core so the same code runs on SQLite and
PostgreSQL. The times are the rules' collaboration clock (`rules.clocks.collaboration_clock`:
72 calendar hours) and escalation plan (`rules.escalation`: a reminder 24 hours before, the
lapse at the due time), written out here because a migration must not change when the rules do.
A step already past is acted on by the next sweep (the latest one due: the lapse).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 09:00:00
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

WINDOW = timedelta(hours=72)
REMINDER_BEFORE = timedelta(hours=24)

_deals = sa.table(
    'deals',
    sa.column('id', sa.Integer()),
    sa.column('status', sa.String()),
    sa.column('created_at', storage.types.UTCDateTime(timezone=True)),
)
_clocks = sa.table(
    'clocks',
    sa.column('id', sa.Integer()),
    sa.column('deal_id', sa.Integer()),
    sa.column('kind', sa.String()),
    sa.column('owed_by', sa.String()),
    sa.column('owed_by_person_id', sa.Integer()),
    sa.column('started_at', storage.types.UTCDateTime(timezone=True)),
    sa.column('due_at', storage.types.UTCDateTime(timezone=True)),
    sa.column('basis', sa.String()),
    sa.column('state', sa.String()),
    sa.column('stopped_at', storage.types.UTCDateTime(timezone=True)),
    sa.column('next_action_at', storage.types.UTCDateTime(timezone=True)),
    sa.column('escalation_step', sa.String()),
    sa.column('claimed_by', sa.String()),
    sa.column('claimed_until', storage.types.UTCDateTime(timezone=True)),
    sa.column('version', sa.Integer()),
)


def _running_collaboration() -> sa.Select[tuple[int]]:
    return sa.select(_clocks.c.deal_id).where(_clocks.c.kind == 'collaboration',
                                              _clocks.c.state == 'running')


def upgrade() -> None:
    bind = op.get_bind()
    offered = bind.execute(
        sa.select(_deals.c.id, _deals.c.created_at)
        .where(_deals.c.status == 'offered', _deals.c.id.not_in(_running_collaboration()))
        .order_by(_deals.c.id)).all()
    rows = [{'deal_id': deal_id, 'kind': 'collaboration', 'owed_by': 'partner',
             'owed_by_person_id': None, 'started_at': offered_at,
             'due_at': offered_at + WINDOW, 'basis': 'calendar_hours', 'state': 'running',
             'stopped_at': None, 'next_action_at': offered_at + WINDOW - REMINDER_BEFORE,
             'escalation_step': None, 'claimed_by': None, 'claimed_until': None, 'version': 1}
            for deal_id, offered_at in offered if offered_at is not None]
    if rows:
        bind.execute(sa.insert(_clocks), rows)
    offered_ids = sa.select(_deals.c.id).where(_deals.c.status == 'offered')
    stalled = bind.execute(
        sa.select(_clocks.c.id, _clocks.c.started_at, _clocks.c.escalation_step,
                  _clocks.c.version)
        .where(_clocks.c.kind == 'collaboration', _clocks.c.state == 'running',
               _clocks.c.next_action_at.is_(None), _clocks.c.deal_id.in_(offered_ids))).all()
    for clock_id, started_at, step, version in stalled:
        due = started_at + WINDOW
        following = due if step == 'remind_24h' else due - REMINDER_BEFORE
        bind.execute(sa.update(_clocks).where(_clocks.c.id == clock_id).values(
            due_at=due, basis='calendar_hours', next_action_at=following,
            version=(version or 0) + 1))


def downgrade() -> None:
    # the clocks added are real clocks now (reminded, lapsed, answered): they stay
    pass
