"""day_close.ends_at and reopened_at: work after a close belongs to the next day; a day can reopen

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 06:10:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import db.types


revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('day_close', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ends_at', db.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reopened_at', db.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('day_close', schema=None) as batch_op:
        batch_op.drop_column('reopened_at')
        batch_op.drop_column('ends_at')
