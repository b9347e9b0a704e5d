"""a directory entry carries a version, one up on every write to it or its phones

A form's save compares the version it read with the one stored, in the write's transaction: the
form shows phones and e-mail masked, so comparing what it showed missed a change to the hidden
digits. Added in place with a default of 1 (no table copy: phones and consent history reference the
table); the default stays, so a row inserted without it starts at 1.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 09:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0016'
down_revision: Union[str, Sequence[str], None] = '0015'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('recipient', sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN in place, as 0013 does.
    op.execute('ALTER TABLE recipient DROP COLUMN version')
