"""the check-in's layer pick reads the layer table alone, from an index in the policy's order

Each layer carries its shelf's zone and walking order (the shelf services keep them in step), and
`ix_layer_pick` holds the active layers by fill, shelf walk, layer walk: the pick walks it from the
least filled layer that fits instead of joining every layer to its shelf and sorting them all. A
retired shelf's layers are retired with it (as retiring a shelf does), so the pick need not ask the
shelf.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 03:40:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_FILL = "CAST(used_units AS FLOAT) / NULLIF(capacity_units, 0)"  # db.models.shelves.LAYER_FILL


def upgrade() -> None:
    with op.batch_alter_table('layer') as batch:
        batch.add_column(sa.Column('zone', sa.String(length=16), nullable=False, server_default='main'))
        batch.add_column(sa.Column('shelf_walk', sa.Integer(), nullable=False, server_default='0'))
    op.execute(
        "UPDATE layer SET zone = (SELECT shelf.zone FROM shelf WHERE shelf.id = layer.shelf_id),"
        " shelf_walk = (SELECT shelf.walk_order FROM shelf WHERE shelf.id = layer.shelf_id)"
    )
    op.execute(
        "UPDATE layer SET retired_at = (SELECT shelf.retired_at FROM shelf WHERE shelf.id = layer.shelf_id)"
        " WHERE retired_at IS NULL AND EXISTS"
        " (SELECT 1 FROM shelf WHERE shelf.id = layer.shelf_id AND shelf.retired_at IS NOT NULL)"
    )
    if op.get_bind().dialect.name == 'postgresql':
        # SQLite keeps the defaults: dropping them there would copy the table, which the parcels'
        # foreign keys refuse; the services always write both columns.
        op.alter_column('layer', 'zone', server_default=None)
        op.alter_column('layer', 'shelf_walk', server_default=None)
    op.create_index(
        'ix_layer_pick',
        'layer',
        [sa.text(f"({_FILL})"), 'shelf_walk', 'walk_order'],
        sqlite_where=sa.text('retired_at IS NULL'),
        postgresql_where=sa.text('retired_at IS NULL'),
    )


def downgrade() -> None:
    op.drop_index('ix_layer_pick', table_name='layer')
    # ALTER TABLE ... DROP COLUMN, not batch mode's copy of the table: the parcels' foreign keys refuse
    # the copy's DROP TABLE (SQLite has dropped columns itself since 3.35).
    op.execute('ALTER TABLE layer DROP COLUMN shelf_walk')
    op.execute('ALTER TABLE layer DROP COLUMN zone')
