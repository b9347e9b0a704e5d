"""one audit chain per counter

Every write locked one audit head row until its commit, so counters on one PostgreSQL database took
turns. Each counter now extends its own chain (parcel_event.chain, its head row keyed by
audit_head.chain); the events before this keep their one chain (chain NULL, head chain "").

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 08:40:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('parcel_event', sa.Column('chain', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
    op.add_column(
        'audit_head',
        sa.Column('chain', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False, server_default=''),
    )
    op.create_index('uq_audit_head_chain', 'audit_head', ['chain'], unique=True)


def downgrade() -> None:
    op.drop_index('uq_audit_head_chain', table_name='audit_head')
    with op.batch_alter_table('audit_head') as batch:
        batch.drop_column('chain')
    with op.batch_alter_table('parcel_event') as batch:
        batch.drop_column('chain')
