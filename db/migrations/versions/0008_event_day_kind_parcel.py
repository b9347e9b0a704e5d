"""the day's events by kind with their parcel, from the index alone

The day report counts a business day's events by kind and joins each to its parcel's carrier:
with parcel_id in the index that scan never reads the event rows. (business_day, kind) is its prefix,
so the narrower index goes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 08:10:00
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_event_day_kind_parcel', 'parcel_event', ['business_day', 'kind', 'parcel_id'])
    op.drop_index('ix_event_day_kind', table_name='parcel_event')


def downgrade() -> None:
    op.create_index('ix_event_day_kind', 'parcel_event', ['business_day', 'kind'])
    op.drop_index('ix_event_day_kind_parcel', table_name='parcel_event')
