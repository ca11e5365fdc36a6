"""GS breaches: a breach names the side that owed the reply (`owed_by`) and, for a GS, the person
(`person_id`); a GS's breach is on no partner organisation's record (`partner_org_id` may be
empty). A region may name who hears of a GS's breach (`regions.gs_escalation_id`; default: the
partner's PDM). Existing breaches were all partners': they keep their organisation.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_PARTY = sa.Enum('partner', 'gs', 'bot', name='party', native_enum=False, create_constraint=True,
                 length=32)


def upgrade() -> None:
    with op.batch_alter_table('breaches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owed_by', _PARTY, server_default='partner',
                                      nullable=False))
        batch_op.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
        batch_op.alter_column('partner_org_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_breaches_person_id_people'), 'people',
                                    ['person_id'], ['id'])
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gs_escalation_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_regions_gs_escalation_id_people'), 'people',
                                    ['gs_escalation_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_regions_gs_escalation_id_people'),
                                 type_='foreignkey')
        batch_op.drop_column('gs_escalation_id')
    op.execute(sa.text("DELETE FROM breaches WHERE partner_org_id IS NULL"))
    with op.batch_alter_table('breaches', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_breaches_person_id_people'), type_='foreignkey')
        batch_op.alter_column('partner_org_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('person_id')
        batch_op.drop_constraint(batch_op.f('ck_breaches_party'), type_='check')
        batch_op.drop_column('owed_by')
