"""Point 6, a station made anew at the same path: the anchors outside the database are kept by URL,
and say which station wrote them. A station made where another one's file was deleted starts clean
(it verified as broken, and every later backup was refused); a file put in place of a station, a
copy of the one before or one with its id changed or removed, is still named as a replacement.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from security.helpers import PIN, Run, two_closed_days

MANAGER = ["--clerk", "Wang", "--pin", PIN]


def verify(cli: Callable[..., Run], db: Path) -> dict:  # type: ignore[type-arg]
    result = cli(["--db", f"sqlite:///{db}", "--lang", "en", "audit", "verify", "--json"])
    return json.loads(result.out) | {"exit": result.code}  # type: ignore[no-any-return]


def test_a_station_made_anew_at_the_same_path_verifies_and_backs_up(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    db = tmp_path / "station.sqlite3"
    two_closed_days(db)
    two_closed_days(db)  # the file deleted and a new station made at the same path
    result = verify(cli, db)
    assert result["exit"] == 0 and result["closes"] == 2 and result["anchored"] == 2
    backup = cli(["--db", f"sqlite:///{db}", *MANAGER, "backup", str(tmp_path / "b.sqlite3")])
    assert backup.code == 0, backup.output


def test_a_copy_of_the_station_before_put_in_its_place_is_named_replaced(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    db = tmp_path / "station.sqlite3"
    two_closed_days(db)
    shutil.copy(db, tmp_path / "old.sqlite3")
    two_closed_days(db)
    shutil.copy(tmp_path / "old.sqlite3", db)
    result = verify(cli, db)
    assert result["exit"] == 1 and result["reason"] == "replaced"
    shown = cli(["--db", f"sqlite:///{db}", "--lang", "en", "audit", "verify"])
    assert "may have been replaced" in shown.output and "station restore" in shown.output


def test_a_station_whose_id_was_changed_or_removed_is_still_named_replaced(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    db = tmp_path / "station.sqlite3"
    two_closed_days(db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE setting SET value = '{\"id\": \"forged\"}' WHERE key = 'station_identity'")
    assert verify(cli, db)["reason"] == "replaced"
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM setting WHERE key = 'station_identity'")
    assert verify(cli, db)["reason"] == "replaced"


def test_a_station_moved_to_a_new_path_is_not_named_replaced(cli: Callable[..., Run], tmp_path: Path) -> None:
    db = tmp_path / "station.sqlite3"
    two_closed_days(db)
    moved = tmp_path / "moved.sqlite3"
    shutil.copy(db, moved)
    result = verify(cli, moved)
    assert result["exit"] == 0 and result["closes"] == 2


def test_the_station_before_put_back_with_restore_verifies(cli: Callable[..., Run], tmp_path: Path) -> None:
    """What the replaced message advises when the file was meant: `station restore` records it."""
    db = tmp_path / "station.sqlite3"
    two_closed_days(db)
    old = tmp_path / "old.sqlite3"
    assert cli(["--db", f"sqlite:///{db}", *MANAGER, "backup", str(old)]).code == 0
    two_closed_days(db)
    restored = cli(["--db", f"sqlite:///{db}", *MANAGER, "restore", str(old), "--yes"])
    assert restored.code == 0, restored.output
    result = verify(cli, db)
    assert result["exit"] == 0 and result["closes"] == 2 and result["anchored"] == 2


def test_a_station_with_its_history_kept_and_its_settings_deleted_is_not_made_anew(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    """Whoever edits the file deletes the closes, the station's settings, its id and the carriers:
    the console seeds what is missing, but a file with parcels and events is not a new station whose
    closes start afresh."""
    db = tmp_path / "station.sqlite3"
    two_closed_days(db)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM day_close")
        conn.execute("DELETE FROM setting WHERE key IN ('station', 'station_identity')")
        conn.execute("DELETE FROM carrier")
    result = verify(cli, db)
    assert result["exit"] == 1 and result["reason"] == "replaced"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM carrier").fetchone()[0] > 0  # seeded again
        assert conn.execute("SELECT count(*) FROM setting WHERE key = 'station_identity'").fetchone() == (0,)
