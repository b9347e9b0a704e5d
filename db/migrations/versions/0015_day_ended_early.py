"""a closed day says whether it ended before its closing time, by the hours in force at its close

The forecast leaves out a day closed early (part of a day's arrivals). Judged later by the opening
hours of the day the forecast is read, a change of hours made every day closed by the old ones look
early, or none. `ended_early` is set as the close sets `ends_at`; None for the closes made before.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 05:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0015'
down_revision: Union[str, Sequence[str], None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('day_close', sa.Column('ended_early', sa.Boolean(), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN in place, as 0013 does.
    op.execute('ALTER TABLE day_close DROP COLUMN ended_early')
