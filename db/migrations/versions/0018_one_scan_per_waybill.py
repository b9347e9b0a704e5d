"""a waybill is scanned into a stocktake once: a unique index on (stocktake, waybill)

Two counters scanning one waybill into one stocktake at the same moment (PostgreSQL) both found no
earlier scan and both inserted one: the stocktake counted the parcel twice and its close tried a second
relocate or check-in of it, reported as a failed fix. The unique index makes the second insert fail,
and its unit is retried (db.engine.RETRY_ON_UNIQUE), finding the first scan. It replaces
`ix_stocktake_scan_stocktake_id`, which it leads with: a scan writes no more index pages than before.

A database may already hold such pairs: the earliest scan of each (the lowest id, the one the live
view lists and a put-back reads) is kept and the later ones are dropped; nothing refers to a scan row,
and a closed stocktake's counts and fixes are kept in its own `result`.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 10:00:00
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0018'
down_revision: Union[str, Sequence[str], None] = '0017'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.execute(
        'DELETE FROM stocktake_scan WHERE EXISTS ('
        'SELECT 1 FROM stocktake_scan AS earlier'
        ' WHERE earlier.stocktake_id = stocktake_scan.stocktake_id'
        ' AND earlier.waybill = stocktake_scan.waybill AND earlier.id < stocktake_scan.id)'
    )
    op.drop_index('ix_stocktake_scan_stocktake_id', table_name='stocktake_scan')
    op.create_index('uq_stocktake_scan_waybill', 'stocktake_scan', ['stocktake_id', 'waybill'], unique=True)


def downgrade() -> None:
    op.drop_index('uq_stocktake_scan_waybill', table_name='stocktake_scan')
    op.create_index('ix_stocktake_scan_stocktake_id', 'stocktake_scan', ['stocktake_id'])
