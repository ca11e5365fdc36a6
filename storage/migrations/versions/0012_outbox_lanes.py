"""the outbox's lanes (answers, messages, card edits, digests): a claim takes the first lane first

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 13:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('lane', sa.SmallInteger(), nullable=False,
                                   server_default='1'))
    op.create_index('ix_outbox_lane_due', 'outbox', ['lane', 'next_attempt_at', 'id'],
                    unique=False, sqlite_where=sa.text("state = 'pending'"),
                    postgresql_where=sa.text("state = 'pending'"))


def downgrade() -> None:
    op.drop_index('ix_outbox_lane_due', table_name='outbox',
                  sqlite_where=sa.text("state = 'pending'"),
                  postgresql_where=sa.text("state = 'pending'"))
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('lane')
