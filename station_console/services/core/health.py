"""Is the database file sound? SQLite's own page checks, before the station trusts or copies it.

`check_database` runs `PRAGMA quick_check` (every page and record, not the index-to-table cross check
that `integrity_check` adds) and refuses a damaged file with what to do: stop, restore the last good
backup. The console runs it at start, a backup and a day close before they begin. PostgreSQL checks
its own pages; nothing to do there.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine

from station_console.errors import StationError
from station_console.i18n import N_
from station_console.services.core.damage_reasons import DamageReason


class DatabaseDamaged(StationError):
    code = "database_damaged"


def damaged(detail: str) -> DatabaseDamaged:
    return DatabaseDamaged(
        N_(
            "The database file is damaged ({detail}). Stop working on it and restore the last good "
            "backup: station restore FILE"
        ),
        detail=DamageReason(detail[:200]),  # said in the reader's words, SQLite's English if uncommon
    )


def check_database(engine: Engine) -> None:
    """Refuse (`DatabaseDamaged`) a SQLite database whose pages fail `quick_check`."""
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return
    try:
        with engine.connect() as conn:
            rows = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA quick_check(5)").all()]
    except Exception as exc:  # noqa: BLE001  a file too broken to read is damaged, whatever the driver says
        raise damaged(str(getattr(exc, "orig", exc))) from exc
    if rows != ["ok"]:
        raise damaged("; ".join(rows))


def check_file(path: Path, *, full: bool = True) -> None:
    """Refuse a database file (a backup, a file to restore) that fails SQLite's checks."""
    pragma = "PRAGMA integrity_check(5)" if full else "PRAGMA quick_check(5)"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = [str(r[0]) for r in conn.execute(pragma).fetchall()]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise damaged(str(exc)) from exc
    if rows != ["ok"]:
        raise damaged("; ".join(rows))
