"""fewer index pages per check-in; the day report's pickups and opening parcels from indexes alone

A check-in wrote an entry into every index of the parcel table, the NULL exit times and recipient
included. Those indexes now hold only the rows that have the value (partial: every query on them
compares the column, which implies it is not NULL), and the business day's own index goes (it is
the prefix of ix_parcel_day_carrier). The pickups' index carries what the day report reads of a
picked-up parcel, and the events' parcel index the kind and day, so the report reads neither table
for them.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 13:10:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _partial(name: str, columns: list[str], where: str) -> None:
    op.create_index(
        name, 'parcel', columns, sqlite_where=sa.text(where), postgresql_where=sa.text(where)
    )


def upgrade() -> None:
    op.drop_index('ix_parcel_business_day', table_name='parcel')
    op.drop_index('ix_parcel_picked_up_at', table_name='parcel')
    _partial(
        'ix_parcel_picked_up',
        ['picked_up_at', 'checked_in_at', 'status', 'carrier_id', 'picked_up_by', 'returned_at',
         'written_off_at'],
        'picked_up_at IS NOT NULL',
    )
    for column in ('returned_at', 'written_off_at'):
        op.drop_index(f'ix_parcel_{column}', table_name='parcel')
        _partial(f'ix_parcel_{column}', [column], f'{column} IS NOT NULL')
    op.drop_index('ix_parcel_recipient_status', table_name='parcel')
    _partial('ix_parcel_recipient_status', ['recipient_id', 'status'], 'recipient_id IS NOT NULL')
    op.drop_index('ix_event_parcel', table_name='parcel_event')
    op.create_index('ix_event_parcel', 'parcel_event', ['parcel_id', 'kind', 'business_day'])


def downgrade() -> None:
    op.drop_index('ix_event_parcel', table_name='parcel_event')
    op.create_index('ix_event_parcel', 'parcel_event', ['parcel_id'])
    op.drop_index('ix_parcel_recipient_status', table_name='parcel')
    op.create_index('ix_parcel_recipient_status', 'parcel', ['recipient_id', 'status'])
    for column in ('returned_at', 'written_off_at'):
        op.drop_index(f'ix_parcel_{column}', table_name='parcel')
        op.create_index(f'ix_parcel_{column}', 'parcel', [column])
    op.drop_index('ix_parcel_picked_up', table_name='parcel')
    op.create_index('ix_parcel_picked_up_at', 'parcel', ['picked_up_at'])
    op.create_index('ix_parcel_business_day', 'parcel', ['business_day'])
