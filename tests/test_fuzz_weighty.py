"""The console fuzzer's weighty watch (scripts/fuzz_weighty.py): a write whose question no Yes answered
is a finding, for every question whose Yes cannot be undone, Problems' write-off, a tariff import and the
couriers' closes (a return batch, a handover) among them."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from fuzz_weighty import WeightyWatch, listed_parcels  # noqa: E402  (a script beside the fuzzer, not a package)


def new_database(tmp_path: Path) -> Path:
    """The tables the watch reads, as the station's database has them (the columns it reads)."""
    database = tmp_path / "station.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute(
            "CREATE TABLE parcel_event (id INTEGER PRIMARY KEY, parcel_id INTEGER, kind TEXT, at TEXT, details TEXT)"
        )
        db.execute("CREATE TABLE recipient (id INTEGER PRIMARY KEY, active INTEGER)")
        db.execute("CREATE TABLE send_rule (id INTEGER PRIMARY KEY, kind TEXT, scope TEXT, version INTEGER)")
    return database


@pytest.mark.parametrize(
    ("what", "write"),
    [
        ("a refund", "INSERT INTO parcel_event (kind, at) VALUES ('send_refunded', '2024-05-01 10:00')"),
        (
            "writing off a parcel",
            "INSERT INTO parcel_event (kind, at) VALUES ('written_off', '2024-05-01 10:00')",
        ),
        (
            "a return batch's close",
            "INSERT INTO parcel_event (kind, at) VALUES ('returned', '2024-05-01 10:00')",
        ),
        (
            "a handover's close",
            "INSERT INTO parcel_event (kind, at) VALUES ('handover_closed', '2024-05-01 10:00')",
        ),
        ("a tariff import", "INSERT INTO send_rule (kind, scope, version) VALUES ('tariff', 'SF', 1)"),
    ],
)
def test_a_write_with_no_yes_to_its_question_is_a_finding(tmp_path: Path, what: str, write: str) -> None:
    database = new_database(tmp_path)
    watch = WeightyWatch(database)
    with sqlite3.connect(database) as db:
        db.execute(write)
    assert any(what in finding for finding in watch.findings()), watch.findings()
    watch.yes[what] += 1  # its question answered Yes: the write is accounted for
    assert watch.findings() == []


def test_people_deactivated_by_a_directory_import_answered_yes_are_accounted_for(tmp_path: Path) -> None:
    """A whole-directory import deactivates everyone its file leaves out, on one Yes to its (weighty)
    question: those are no finding. With no Yes to anything, the same drop is one."""
    database = new_database(tmp_path)
    with sqlite3.connect(database) as db:
        db.executemany("INSERT INTO recipient (id, active) VALUES (?, 1)", [(1,), (2,), (3,)])
    watch = WeightyWatch(database)
    with sqlite3.connect(database) as db:
        db.execute("UPDATE recipient SET active = 0 WHERE id IN (2, 3)")
    assert any("2 people deactivated" in finding for finding in watch.findings()), watch.findings()
    watch.yes["a directory import"] += 1
    assert watch.findings() == []


def recalled_into_batch(db: sqlite3.Connection, parcel: int, at: str) -> None:
    """A parcel flagged recalled and put in a return batch, as Overdue's Yes and Returns' recall write it."""
    db.execute(
        "INSERT INTO parcel_event (parcel_id, kind, at, details) VALUES (?, 'problem_marked', ?, ?)",
        (parcel, at, '{"kind": "recalled", "note": ""}'),
    )
    db.execute(
        "INSERT INTO parcel_event (parcel_id, kind, at, details) VALUES (?, 'return_batch_added', ?, '{}')",
        (parcel, at),
    )


def test_parcels_recalled_into_a_batch_beyond_the_yes_to_overdues_question_are_a_finding(
    tmp_path: Path,
) -> None:
    """Overdue's question lists the parcels not yet due, a line each: its Yes accounts for that many
    recalled into a batch. A third one with no answer is a finding; a recall's note answered on Returns
    accounts for it. A flag with no batch after it (Problems' own) is not counted."""
    database = new_database(tmp_path)
    watch = WeightyWatch(database)
    with sqlite3.connect(database) as db:
        for parcel in (1, 2, 3):
            recalled_into_batch(db, parcel, "2024-05-01 10:00")
        db.execute(
            "INSERT INTO parcel_event (parcel_id, kind, at, details) VALUES (4, 'problem_marked', 'x', ?)",
            ('{"kind": "recalled"}',),
        )
    assert any("3 parcels recalled" in finding for finding in watch.findings()), watch.findings()

    class Question:
        body = "SF1: on the shelf 3 d 8 h, not yet a return candidate\nSF2: on the shelf 4 d 1 h\n\nYes puts them"

    watch.recalls_answered += listed_parcels(Question())
    assert any("3 parcels recalled" in finding for finding in watch.findings()), watch.findings()
    watch.recalls_answered += 1  # a recall's note answered on Returns
    assert watch.findings() == []
