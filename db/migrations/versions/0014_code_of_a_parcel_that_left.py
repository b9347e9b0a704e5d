"""the newest parcel that left with a pickup code, found by an index once the code's hold is gone

A code's hold says which parcel last freed it only until something else frees the code again (a
later parcel that got the code and whose check-in was undone). `ix_parcel_code_left` holds the
codes of parcels that left (picked up, returned, written off): a customer back with an old code
reads when and how its parcel went. Partial, so a check-in (status on_shelf) writes nothing to it;
an exit writes one entry, as it writes its stamp's own index.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 22:30:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# As db.models.parcels writes it (a migration keeps its own copy: the models may change later).
_LEFT = "status IN ('picked_up', 'returned', 'written_off')"


def upgrade() -> None:
    op.create_index(
        'ix_parcel_code_left',
        'parcel',
        ['pickup_code', 'id'],
        sqlite_where=sa.text(_LEFT),
        postgresql_where=sa.text(_LEFT),
    )


def downgrade() -> None:
    op.drop_index('ix_parcel_code_left', table_name='parcel')
