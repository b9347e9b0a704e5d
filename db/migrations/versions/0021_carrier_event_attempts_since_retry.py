"""a carrier event counts its failures since the last retry apart from its failures in all

A retry from the dead-letter list set `attempts` back to 0, so neither the screen nor the trail could
say how many times an event had failed in all. `attempts` now keeps that total; the new
`attempts_since_retry` is what the backoff and `carrier_event_max_attempts` read, so a retried event
starts its backoff afresh. Existing rows have had no retry counted apart: they start it equal to
`attempts`. Added in place, NOT NULL with a server default for the rows already there.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-09 10:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0021'
down_revision: Union[str, Sequence[str], None] = '0020'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column(
        'carrier_event',
        sa.Column('attempts_since_retry', sa.Integer(), nullable=False, server_default='0'),
    )
    op.execute('UPDATE carrier_event SET attempts_since_retry = attempts')


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN in place, as 0019 does.
    op.execute('ALTER TABLE carrier_event DROP COLUMN attempts_since_retry')
