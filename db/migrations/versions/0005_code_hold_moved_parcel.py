"""code_hold.parcel_id: a code a move replaced keeps finding its parcel

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 05:33:39.632400
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('code_hold', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parcel_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_code_hold_parcel_id'), ['parcel_id'], unique=False)
        batch_op.create_foreign_key('fk_code_hold_parcel_id', 'parcel', ['parcel_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('code_hold', schema=None) as batch_op:
        batch_op.drop_constraint('fk_code_hold_parcel_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_code_hold_parcel_id'))
        batch_op.drop_column('parcel_id')
