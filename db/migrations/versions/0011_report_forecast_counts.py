"""a closed day keeps its check-ins per carrier, for the forecast

The forecast reads eight weeks of check-in counts for every report; a closed day cannot change, so
its close stores them (`day_close.checkins`, carrier id -> count) and the forecast counts only the
days still open. Days closed before this revision get theirs counted here.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 15:20:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('day_close') as batch:
        batch.add_column(sa.Column('checkins', sa.JSON(), nullable=True))
    conn = op.get_bind()
    counts: dict[object, dict[str, int]] = {}
    rows = conn.execute(
        sa.text(
            "SELECT p.business_day, p.carrier_id, COUNT(*) FROM parcel p"
            " JOIN day_close d ON d.business_day = p.business_day"
            " WHERE d.reopened_at IS NULL AND p.status != 'cancelled'"
            " GROUP BY p.business_day, p.carrier_id"
        )
    )
    for day, carrier_id, n in rows:
        counts.setdefault(day, {})[str(carrier_id)] = int(n)
    closed = conn.execute(sa.text("SELECT id, business_day FROM day_close WHERE reopened_at IS NULL"))
    store = sa.text("UPDATE day_close SET checkins = :checkins WHERE id = :id").bindparams(
        sa.bindparam('checkins', type_=sa.JSON())
    )
    for close_id, day in list(closed):
        conn.execute(store, {"checkins": counts.get(day, {}), "id": close_id})


def downgrade() -> None:
    with op.batch_alter_table('day_close') as batch:
        batch.drop_column('checkins')
