"""console time: the local console's clock, kept with its database

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('console_time',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('now', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('saved_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_console_time'))
    )


def downgrade() -> None:
    op.drop_table('console_time')
