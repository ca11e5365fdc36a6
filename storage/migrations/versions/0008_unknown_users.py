"""unknown users: Slack users who spoke in a deal channel without being in the directory

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('unknown_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=True),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=False),
    sa.Column('first_seen', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('times', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unknown_users')),
    sa.UniqueConstraint('channel_id', 'user_id', name=op.f('uq_unknown_users_channel_id'))
    )


def downgrade() -> None:
    op.drop_table('unknown_users')
