"""sends and senders record when their personal data was purged

The privacy purge now reaches send-out: a send past `send_record_keep_days` loses its names, address
and ID digits, and a sender unseen that long leaves the sender list (name, number, ID trace).
`purged_at` says when, on each row, as it does on parcels, proxies and door receivers. Added columns
only: no table copy (the sends' foreign keys refuse one on SQLite).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 19:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import db.types


revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('sender', sa.Column('purged_at', db.types.UTCDateTime(timezone=True), nullable=True))
    op.add_column('send', sa.Column('purged_at', db.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN in place, as 0012 does: batch mode's copy would drop a table others
    # reference.
    op.execute('ALTER TABLE send DROP COLUMN purged_at')
    op.execute('ALTER TABLE sender DROP COLUMN purged_at')
