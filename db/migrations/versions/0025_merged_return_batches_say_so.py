"""return batches emptied by 0024's merge say so: status `merged`, and `merged_into` the batch holding
their parcels

0024 moved the parcels of a carrier's later open batches into its earliest and marked the later ones
closed with no close time, closer or signature, saying where the parcels went only in the upgrade's
log: a manifest printed before and looked up by its number read "closed, 0 parcels". Those rows (the
only closed ones with no close time: a close always records one) become `merged`, with the batch that
took their parcels.

That batch is not recorded, so it is found again: the one 0024 kept was the carrier's open batch of
the lowest id, open when the emptied one was made and still open at the upgrade. Of the carrier's
earlier batches not themselves emptied, it is the one still open, else (closed since) the one closed
last: any other closed before the upgrade. Run right after 0024, the kept batch is still open.
One not found (rows edited by hand) is `merged` with no `merged_into`, and the log says so.

The downgrade makes them closed again and drops the column.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-13 10:00:00
"""

import logging
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = "0025"
down_revision: Union[str, Sequence[str], None] = "0024"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# What 0024 left of an emptied batch: closed, and nothing of a close recorded.
_EMPTIED = "status = 'closed' AND closed_at IS NULL AND closed_by IS NULL AND signed_by_name IS NULL"

log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    op.add_column("return_batch", sa.Column("merged_into", sa.Integer(), nullable=True))
    connection = op.get_bind()
    emptied = connection.execute(
        sa.text(f"SELECT id, carrier_id, created_at FROM return_batch WHERE {_EMPTIED} ORDER BY id")
    ).all()
    for batch_id, carrier_id, created_at in emptied:
        kept = connection.execute(
            sa.text(
                "SELECT id FROM return_batch"
                f" WHERE carrier_id = :carrier AND id < :batch AND NOT ({_EMPTIED})"
                " AND (status = 'open' OR closed_at >= :made)"
                " ORDER BY CASE WHEN status = 'open' THEN 0 ELSE 1 END, closed_at DESC, id"
            ),
            {"carrier": carrier_id, "batch": batch_id, "made": created_at},
        ).first()
        kept_id = kept[0] if kept else None
        connection.execute(
            sa.text("UPDATE return_batch SET status = 'merged', merged_into = :kept WHERE id = :batch"),
            {"kept": kept_id, "batch": batch_id},
        )
        if kept_id is None:
            log.warning(
                "Return batch RB%06d marked merged; the batch holding its parcels was not found.", batch_id
            )
        else:
            log.info("Return batch RB%06d marked merged into RB%06d.", batch_id, kept_id)


def downgrade() -> None:
    op.execute("UPDATE return_batch SET status = 'closed' WHERE status = 'merged'")
    # Plain ALTER TABLE, not batch mode: recreating the table on SQLite would risk its partial unique index.
    op.execute("ALTER TABLE return_batch DROP COLUMN merged_into")
