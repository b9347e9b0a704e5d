"""The console fuzzer's handover watch (scripts/fuzz_handover.py): a send-out handover scan or close the
screen acknowledged is held against the database, and a write the screen never showed is a finding."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from fuzz_handover import HandoverWatch  # noqa: E402  (a script beside the fuzzer, not a package)


def new_database(tmp_path: Path) -> Path:
    """The tables the watch reads, with the columns it reads, one send waiting and one batch open."""
    database = tmp_path / "station.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE handover_batch (id INTEGER PRIMARY KEY, status TEXT, courier_name TEXT)")
        db.execute("CREATE TABLE send (id INTEGER PRIMARY KEY, handover_batch_id INTEGER)")
        db.execute("INSERT INTO handover_batch (id, status) VALUES (1, 'open')")
        db.executemany("INSERT INTO send (id) VALUES (?)", [(10,), (11,)])
    return database


def test_acknowledged_scans_and_closes_are_held_against_the_database(tmp_path: Path) -> None:
    database = new_database(tmp_path)
    watch = HandoverWatch(database)
    watch.scanned[10] = 1  # shown scanned, not written
    watch.closed[1] = "Wang"  # shown closed, still open
    assert watch.findings() == [
        "send 10 shown scanned into batch 1, in None",
        "batch 1 shown closed by 'Wang', open",
    ]
    with sqlite3.connect(database) as db:
        db.execute("UPDATE send SET handover_batch_id = 1 WHERE id = 10")
        db.execute("UPDATE handover_batch SET status = 'closed', courier_name = 'Wang' WHERE id = 1")
    assert watch.findings() == []


def test_writes_the_screen_never_showed_are_findings(tmp_path: Path) -> None:
    database = new_database(tmp_path)
    watch = HandoverWatch(database)
    with sqlite3.connect(database) as db:
        db.execute("UPDATE send SET handover_batch_id = 1 WHERE id = 11")
        db.execute("UPDATE handover_batch SET status = 'closed', courier_name = 'Li' WHERE id = 1")
    assert watch.findings() == [
        "send 11 put in batch 1 by the run, never shown scanned",
        "batch 1 closed by the run, never shown closed",
    ]
    assert watch.tally() == "0 sends scanned, 0 batches closed"
