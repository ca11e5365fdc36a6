"""outbox state `refused`: a message the recipient door held back (someone it would reach may
not see its deal); kept, never sent.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

OLD = ('pending', 'sent', 'dead')
NEW = (*OLD, 'refused')


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_outbox_state'), type_='check')
        batch_op.create_check_constraint('outbox_state', sa.column('state').in_(NEW))


def downgrade() -> None:
    op.execute("UPDATE outbox SET state = 'dead' WHERE state = 'refused'")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_outbox_state'), type_='check')
        batch_op.create_check_constraint('outbox_state', sa.column('state').in_(OLD))
