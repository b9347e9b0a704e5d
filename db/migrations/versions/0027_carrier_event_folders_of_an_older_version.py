"""the folders carrier events went out to by file, as the version before judged them

A chosen folder that events have gone out to is a drive or share: missing, its events wait and are never
written into an empty mount point. The version before recorded no folder: any event ever sent by file
counted every chosen folder as used. The record (`carrier_event_folders` in the setting table) is
started here from that judgement, every folder a target names now, so a carrier's folder used before the
upgrade is not taken for a new one (and made, in the share's empty mount point) when another carrier's
event goes out first. A station that never sent an event by file starts with none.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-15 10:00:00
"""

from pathlib import Path
from typing import Any, Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = "0027"
down_revision: Union[str, Sequence[str], None] = "0026"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_KEY = "carrier_event_folders"  # services/carrier_events/folders.py
_setting = sa.table("setting", sa.column("key", sa.String), sa.column("value", sa.JSON))


def _folders(stored: Any) -> list[str]:
    """Each folder a file target names, as the console names it (`~` expanded, absolute)."""
    targets = stored.get("carrier_event_targets") if isinstance(stored, dict) else None
    if not isinstance(targets, dict):
        return []
    found: list[str] = []
    for target in targets.values():
        if not isinstance(target, dict) or target.get("channel", "file") != "file":
            continue
        folder = target.get("folder")
        if isinstance(folder, str) and folder:
            name = str(Path(folder).expanduser().absolute())
            if name not in found:
                found.append(name)
    return found


def upgrade() -> None:
    bind = op.get_bind()
    if bind.execute(sa.select(_setting.c.key).where(_setting.c.key == _KEY)).first() is not None:
        return
    sent = bind.execute(
        sa.text("SELECT 1 FROM carrier_event WHERE channel = 'file' AND status = 'sent' LIMIT 1")
    ).first()
    if sent is None:
        # No folder used (a new station too, whose seeding this row must not look like): none recorded.
        return
    stored = bind.execute(sa.select(_setting.c.value).where(_setting.c.key == "station")).scalar()
    op.bulk_insert(_setting, [{"key": _KEY, "value": {"used": _folders(stored)}}])


def downgrade() -> None:
    op.execute(sa.text(f"DELETE FROM setting WHERE key = '{_KEY}'"))
