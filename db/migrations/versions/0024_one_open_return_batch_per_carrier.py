"""one open return batch per carrier: a partial unique index on the carrier of open ones

Two counters (or the console and the CLI) opening a carrier's return batch at the same moment both
found none open and both made one: two piles for one courier, two manifests. The index makes the
second insert fail, and its unit is retried (db.engine.RETRY_ON_UNIQUE), finding the first one's batch
and joining it.

A database may already hold two or more open batches of one carrier. Their parcels are moved into the
earliest (the lowest id), which keeps its id, start and opener: every parcel waiting to go back is still
in an open batch of its own carrier (each went in past the checks of that carrier's batch), so one
manifest lists them all and one close returns them. The later ones, left empty, are marked closed with
no close time, closer or signature (no courier took anything): their rows stay, as the audit trail and
printed manifests name them. Each merge is logged as a warning. The downgrade drops the index; the
merge stays.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-12 10:00:00
"""
import logging
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0024'
down_revision: Union[str, Sequence[str], None] = '0023'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_OPEN = "status = 'open'"  # db.models.closes._OPEN

log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    connection = op.get_bind()
    later = connection.execute(
        sa.text(
            'SELECT later.id, kept.id, later.carrier_id FROM return_batch AS later'
            ' JOIN return_batch AS kept ON kept.id = ('
            f'SELECT min(id) FROM return_batch AS earliest WHERE earliest.carrier_id = later.carrier_id AND earliest.{_OPEN})'
            f' WHERE later.{_OPEN} AND later.id <> kept.id ORDER BY later.id'
        )
    ).all()
    for later_id, kept_id, carrier_id in later:
        moved = connection.execute(
            sa.text('UPDATE parcel SET return_batch_id = :kept WHERE return_batch_id = :later'),
            {'kept': kept_id, 'later': later_id},
        ).rowcount
        connection.execute(
            sa.text("UPDATE return_batch SET status = 'closed' WHERE id = :later"), {'later': later_id}
        )
        log.warning(
            'Return batch RB%06d (carrier id %s) was open beside RB%06d: its %s parcel(s) moved into'
            ' RB%06d, and RB%06d marked closed, empty and unsigned (one open return batch per carrier).',
            later_id, carrier_id, kept_id, moved, kept_id, later_id,
        )
    opened = sa.text(_OPEN)
    op.create_index(
        'uq_return_batch_open_carrier',
        'return_batch',
        ['carrier_id'],
        unique=True,
        sqlite_where=opened,
        postgresql_where=opened,
    )


def downgrade() -> None:
    op.drop_index('uq_return_batch_open_carrier', table_name='return_batch')
