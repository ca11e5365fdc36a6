"""channel members (what the bot knows of who is in a channel) and outbox state `held`

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

OLD = ('pending', 'sent', 'dead', 'refused')
NEW = (*OLD, 'held')


def upgrade() -> None:
    op.create_table('known_channels',
    sa.Column('channel_id', sa.String(length=32), nullable=False),
    sa.Column('members_read_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('channel_id', name=op.f('pk_known_channels'))
    )
    op.create_table('channel_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('since', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['known_channels.channel_id'],
                            name=op.f('fk_channel_members_channel_id_known_channels'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_members')),
    sa.UniqueConstraint('channel_id', 'user_id', name=op.f('uq_channel_members_channel_id'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_outbox_state'), type_='check')
        batch_op.create_check_constraint('outbox_state', sa.column('state').in_(NEW))


def downgrade() -> None:
    op.execute("UPDATE outbox SET state = 'dead' WHERE state = 'held'")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_outbox_state'), type_='check')
        batch_op.create_check_constraint('outbox_state', sa.column('state').in_(OLD))
    op.drop_table('channel_members')
    op.drop_table('known_channels')
