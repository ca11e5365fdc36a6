"""calendar closures: closure days an admin adds to a region's calendar at run time

Revision ID: 0006
Revises: 0003
Create Date: 2026-11-24 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_closures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=16), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['people.id'],
                            name=op.f('fk_calendar_closures_added_by_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_closures')),
    sa.UniqueConstraint('region_code', 'day', name=op.f('uq_calendar_closures_region_code'))
    )


def downgrade() -> None:
    op.drop_table('calendar_closures')
