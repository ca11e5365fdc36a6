"""the outbox claims conversation heads (a partial index on pending rows by conversation and
id), and direct-message channels are remembered (`dm_channels`: team and user to channel id)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 04:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_outbox_conversation_pending', 'outbox', ['channel', 'id'], unique=False,
                    sqlite_where=sa.text("state = 'pending'"),
                    postgresql_where=sa.text("state = 'pending'"))
    op.create_table('dm_channels',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=False),
    sa.Column('opened_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id', 'user_id', name=op.f('pk_dm_channels'))
    )


def downgrade() -> None:
    op.drop_table('dm_channels')
    op.drop_index('ix_outbox_conversation_pending', table_name='outbox',
                  sqlite_where=sa.text("state = 'pending'"),
                  postgresql_where=sa.text("state = 'pending'"))
