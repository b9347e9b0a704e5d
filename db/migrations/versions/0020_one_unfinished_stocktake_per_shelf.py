"""one unfinished stocktake per shelf: a partial unique index on the shelf of open or paused ones

Two counters beginning a stocktake of one shelf at the same moment (PostgreSQL) both found none
unfinished and both made one: two stocktakes counting the same parcels, each close fixing them. The
index makes the second insert fail, and its unit is retried (db.engine.RETRY_ON_UNIQUE), finding the
first one's stocktake and resuming it. A layer's stocktake and its shelf's exclude each other too, as
`begin` resumes the shelf's whatever layer it counts.

A database may already hold two or more unfinished on one shelf. They are merged into the earliest
(the lowest id), which keeps its status, start and id, so every scan stays counted by one stocktake
that a close then fixes once: the later ones' scans are moved into it and the later ones deleted
(nothing but their scans refers to a stocktake before its close). A scan records where it was found
and its class does not depend on the stocktake's layer, so a moved scan reads as it did. A waybill
scanned into more than one keeps its earliest scan, as 0018 kept a waybill's earliest scan in one
stocktake: the close acts once on it. Where the merged ones counted different layers (or one the
whole shelf) the earliest counts the whole shelf from then on, so the scans of every layer are in
its scope and a layer not yet counted shows as not scanned, not as counted. Closing the later ones
instead would have applied no fixes for their scans, and pausing them is still unfinished.
The downgrade drops the index; the merge stays.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-08 10:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0020'
down_revision: Union[str, Sequence[str], None] = '0019'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_UNFINISHED = "status IN ('open', 'paused')"  # db.models.closes._UNFINISHED


def _unfinished(alias: str) -> str:
    return f"{alias}.{_UNFINISHED}"


def upgrade() -> None:
    # A waybill scanned into two unfinished stocktakes of one shelf: its earliest scan is kept.
    op.execute(
        'DELETE FROM stocktake_scan WHERE EXISTS ('
        'SELECT 1 FROM stocktake AS mine, stocktake_scan AS earlier, stocktake AS theirs'
        f' WHERE mine.id = stocktake_scan.stocktake_id AND {_unfinished("mine")}'
        ' AND earlier.waybill = stocktake_scan.waybill AND earlier.id < stocktake_scan.id'
        f' AND theirs.id = earlier.stocktake_id AND {_unfinished("theirs")} AND theirs.shelf_id = mine.shelf_id)'
    )
    # Unfinished ones of one shelf counting different scopes: the one kept counts the whole shelf.
    op.execute(
        f'UPDATE stocktake SET layer_id = NULL WHERE {_UNFINISHED} AND EXISTS ('
        'SELECT 1 FROM stocktake AS other'
        f' WHERE other.shelf_id = stocktake.shelf_id AND {_unfinished("other")} AND other.id <> stocktake.id'
        ' AND (other.layer_id IS NULL OR stocktake.layer_id IS NULL OR other.layer_id <> stocktake.layer_id))'
    )
    later = (
        f'{_UNFINISHED} AND EXISTS (SELECT 1 FROM stocktake AS earlier'
        f' WHERE earlier.shelf_id = stocktake.shelf_id AND {_unfinished("earlier")} AND earlier.id < stocktake.id)'
    )
    op.execute(
        'UPDATE stocktake_scan SET stocktake_id = ('
        'SELECT min(kept.id) FROM stocktake AS kept, stocktake AS mine'
        f' WHERE mine.id = stocktake_scan.stocktake_id AND kept.shelf_id = mine.shelf_id AND {_unfinished("kept")})'
        f' WHERE stocktake_id IN (SELECT id FROM stocktake WHERE {later})'
    )
    op.execute(f'DELETE FROM stocktake WHERE {later}')
    unfinished = sa.text(_UNFINISHED)
    op.create_index(
        'uq_stocktake_unfinished_shelf',
        'stocktake',
        ['shelf_id'],
        unique=True,
        sqlite_where=unfinished,
        postgresql_where=unfinished,
    )


def downgrade() -> None:
    op.drop_index('uq_stocktake_unfinished_shelf', table_name='stocktake')
