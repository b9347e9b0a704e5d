"""the waybill's two indexes become one: a check-in writes one index page less

`ix_parcel_waybill` (every parcel of a waybill) and the partial unique `uq_parcel_waybill_on_shelf`
(one on the shelves) are replaced by one unique index on the waybill and a second key that is 1 for
a parcel on the shelves and NULL otherwise: NULLs never clash in a unique index (SQLite's and
PostgreSQL's default), so only two on the shelves do, and the waybill leads it for every lookup. It
keeps the unique index's name, which the retry of a race lost on PostgreSQL goes by.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 16:40:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0017'
down_revision: Union[str, Sequence[str], None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_ON_SHELF_KEY = "CASE WHEN status = 'on_shelf' THEN 1 END"  # db.models.parcels.ON_SHELF_KEY


def upgrade() -> None:
    op.drop_index('uq_parcel_waybill_on_shelf', table_name='parcel')
    op.drop_index('ix_parcel_waybill', table_name='parcel')
    op.create_index(
        'uq_parcel_waybill_on_shelf', 'parcel', ['waybill', sa.text(f"({_ON_SHELF_KEY})")], unique=True
    )


def downgrade() -> None:
    op.drop_index('uq_parcel_waybill_on_shelf', table_name='parcel')
    op.create_index('ix_parcel_waybill', 'parcel', ['waybill'])
    on_shelf = sa.text("status = 'on_shelf'")
    op.create_index(
        'uq_parcel_waybill_on_shelf',
        'parcel',
        ['waybill'],
        unique=True,
        sqlite_where=on_shelf,
        postgresql_where=on_shelf,
    )
