"""clock state `lapsed`: an offer not answered within its 72 hours lapses; its collaboration
clock ends `lapsed`, not `breached` (a lapse is not a breach and never on the partner's record).
Collaboration clocks the sweep left `breached` are repaired, and any breach recorded for one is
removed.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

OLD = ('running', 'met', 'breached', 'cancelled')
NEW = (*OLD, 'lapsed')


def upgrade() -> None:
    # on SQLite the table is rebuilt; `storage.migrate` runs this with foreign keys off
    with op.batch_alter_table('clocks', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_clocks_clock_state'), type_='check')
        batch_op.create_check_constraint('clock_state', sa.column('state').in_(NEW))
    op.execute("DELETE FROM breaches WHERE kind = 'collaboration'")
    # no reply stopped it: `stopped_at` stays empty (it is when a reply came)
    op.execute("UPDATE clocks SET state = 'lapsed', next_action_at = NULL "
               "WHERE kind = 'collaboration' AND state = 'breached'")


def downgrade() -> None:
    op.execute("UPDATE clocks SET state = 'breached' WHERE state = 'lapsed'")
    with op.batch_alter_table('clocks', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_clocks_clock_state'), type_='check')
        batch_op.create_check_constraint('clock_state', sa.column('state').in_(OLD))
