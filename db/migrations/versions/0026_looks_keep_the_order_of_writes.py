"""a stocktake, its scans and a door run keep the newest parcel event id they saw

The closes decided "did this parcel move after it was scanned (after its layer was counted, after the
run was planned)?" by comparing the scanning counter's clock with the moving counter's: a counter
whose clock was behind dated a real move before the scan, and the close undid it. Each look now keeps
the newest parcel event id it could see (`seen_event_id`), and an event with a larger id came after
it. The columns are added in place, NULL on the rows made before: those are still judged by time.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-14 10:00:00
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = "0026"
down_revision: Union[str, Sequence[str], None] = "0025"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_TABLES = ("stocktake", "stocktake_scan", "delivery_run")


def upgrade() -> None:
    for table in _TABLES:
        op.add_column(table, sa.Column("seen_event_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN in place, as 0019 does.
    for table in reversed(_TABLES):
        op.execute(f"ALTER TABLE {table} DROP COLUMN seen_event_id")
