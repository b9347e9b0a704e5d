"""The console fuzzer's run summary (scripts/fuzz_summary.py): the flows a focus is meant to reach are
counted from the run's own writes, one transaction each, and a flow never reached reads 0."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from fuzz_summary import FLOWS, flows_reached  # noqa: E402  (a script beside the fuzzer, not a package)


def counts(text: str) -> dict[str, int]:
    return {name: int(n) for name, n in (part.rsplit(" ", 1) for part in text.split(", "))}


def test_flows_are_counted_by_the_runs_own_transactions(tmp_path: Path) -> None:
    database = tmp_path / "station.sqlite3"
    events = [
        ("picked_up", "09:00", {"method": "door"}),  # before the run: not its own
        ("picked_up", "10:00", {"method": "code", "proxy": 7}),  # a proxy's pickup of two parcels
        ("picked_up", "10:00", {"method": "code", "proxy": 8}),
        ("picked_up", "10:05", {"method": "door", "run": 1}),
        ("picked_up", "10:06", {"method": "code"}),
        ("delivery_run_changed", "10:07", {"change": "planned"}),
        ("delivery_run_changed", "10:08", {"change": "closed"}),
        ("delivery_run_changed", "10:09", {"change": "closed"}),
        ("handover_closed", "10:10", {}),
        ("returned", "10:11", {"batch": 1}),
        ("returned", "10:11", {"batch": 1}),
    ]
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE parcel_event (id INTEGER PRIMARY KEY, kind TEXT, at TEXT, details TEXT)")
        db.executemany(
            "INSERT INTO parcel_event (kind, at, details) VALUES (?, ?, ?)",
            [(kind, at, json.dumps(details)) for kind, at, details in events],
        )
    reached = counts(flows_reached(database, since=1))
    assert reached["proxy pickups"] == 1
    assert reached["delivered at the door"] == 1
    assert reached["door runs planned"] == 1
    assert reached["door runs closed"] == 2
    assert reached["handover closes"] == 1
    assert reached["return batches closed"] == 1  # two parcels, one close
    assert reached["refunds"] == 0
    assert reached["consents"] == 0


def test_each_flow_is_counted_by_a_kind_the_station_writes() -> None:
    """The count above reads a table of its own: a kind misspelt in `FLOWS` would read 0 in every run,
    as a flow never reached does."""
    from db.models import EventKind, SendEvent

    written = {str(kind) for kind in EventKind} | {str(kind) for kind in SendEvent}
    assert {kind for _name, kind, _condition in FLOWS} <= written
