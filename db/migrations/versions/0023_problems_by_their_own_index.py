"""the Problems list reads the flagged parcels from an index of their own

The list also shows parcels that left and carry a stocktake's flag (found after they left, not put
back): its query became an OR of two statuses and kinds, and SQLite read every parcel (0.2 s warm,
0.6 s cold at the bench's million parcels). `ix_parcel_problem` holds only flagged parcels, by status
and kind: the list reads the entries of its two cases. Partial, so a check-in (no flag) writes nothing
to it; a flagged parcel's exit moves its entry.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-11 10:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0023'
down_revision: Union[str, Sequence[str], None] = '0022'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# As db.models.parcels writes it (a migration keeps its own copy: the models may change later).
_FLAGGED = "problem_kind IS NOT NULL"


def upgrade() -> None:
    op.create_index(
        'ix_parcel_problem',
        'parcel',
        ['status', 'problem_kind', 'problem_at'],
        sqlite_where=sa.text(_FLAGGED),
        postgresql_where=sa.text(_FLAGGED),
    )


def downgrade() -> None:
    op.drop_index('ix_parcel_problem', table_name='parcel')
