"""a stocktake's scan says who scanned it and at which counter

With two counters on one stocktake nobody could tell who found a parcel recorded as having left: a
scan kept its time and layer only, and a stocktake's scans write no audit event (hundreds of them; the
row is the scan's record). Both columns are added in place (no table copy), NULL on the scans made
before; the clerk's as a foreign key like the stocktake's `started_by`, written inline, which SQLite
takes in place for a column whose default is NULL.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 10:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0019'
down_revision: Union[str, Sequence[str], None] = '0018'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column(
        'stocktake_scan',
        sa.Column('scanned_by', sa.Integer(), sa.ForeignKey('clerk.id'), nullable=True),
        inline_references=True,
    )
    op.add_column(
        'stocktake_scan', sa.Column('scanned_counter', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
    )


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN in place, as 0013 does; PostgreSQL drops the column's foreign key with it.
    op.execute('ALTER TABLE stocktake_scan DROP COLUMN scanned_counter')
    op.execute('ALTER TABLE stocktake_scan DROP COLUMN scanned_by')
