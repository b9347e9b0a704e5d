"""A command whose change is committed and a later step of it fails says both: what was done, why the
step failed and what does it again, exit 3 (not a refusal's 1, which says nothing was done)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from security.helpers import PIN, run_cli

from station_console.services.core import anchors

ME = ["--lang", "en", "--clerk", "Wang"]  # the PIN in $STATION_PIN (`_manager`): stderr is read line by line


def _manager(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    url = ["--db", f"sqlite:///{tmp_path / 'station.sqlite3'}"]
    assert run_cli([*url, "--lang", "en", "clerk", "add", "Wang", "--pin", PIN]).code == 0
    monkeypatch.setenv("STATION_PIN", PIN)
    return [*url, *ME]


def test_a_day_closed_whose_audit_anchor_cannot_be_written_says_it_closed_and_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder stands where the anchor file should be: the close is committed, sealed in the
    database; only the log said the anchor was missing and the command said "Closed" as if all was
    done. Now it says the day is closed, why the anchor was not written and how to write it, exit 3."""
    me = _manager(tmp_path, monkeypatch)
    anchors.anchors_path().unlink(missing_ok=True)  # the line saying the station was made
    anchors.anchors_path().mkdir(parents=True, exist_ok=True)
    run = run_cli([*me, "close-day", "--date", "2000-01-01"])
    assert run.code == 3
    assert "Closed 2000-01-01; SHA-256" in run.out
    said = run.err.splitlines()
    assert said[0] == "station: 2000-01-01 is closed."
    assert said[1].startswith("station: Its audit anchor was not written: Cannot write ")
    assert said[1].endswith("it is a folder, not a file")
    assert "station reopen-day --date 2000-01-01" in run.err
    as_json = run_cli([*me, "close-day", "--date", "2000-01-02", "--json"])
    assert as_json.code == 3
    failed = json.loads(as_json.out)["failed"]
    assert failed["error"] == "write_failed" and "reopen-day --date 2000-01-02" in failed["again"]


def _exports(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        (n,) = conn.execute("SELECT count(*) FROM parcel_event WHERE kind = 'data_exported'").fetchone()
    return int(n)


def test_a_person_s_export_that_cannot_be_written_is_not_recorded_as_exported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export was audited, then its file written: a file standing where the folder should be
    refused the write (exit 1, nothing done) with the export already in the trail. Now the file is
    written and put in place before the export's audit event commits: a refusal records nothing."""
    me = _manager(tmp_path, monkeypatch)
    db = tmp_path / "station.sqlite3"
    assert run_cli([*me, "checkin", "SF1234567890123", "--phone", "13812345678"]).code == 0
    (tmp_path / "exports").write_text("not a folder")
    run = run_cli([*me, "privacy", "export", "13812345678", "-o", str(tmp_path / "exports" / "p.json")])
    assert run.code == 1 and "a file is where its folder should be" in run.err
    assert _exports(db) == 0
    done = run_cli([*me, "privacy", "export", "13812345678", "-o", str(tmp_path / "p.json")])
    assert done.code == 0 and _exports(db) == 1
    assert json.loads((tmp_path / "p.json").read_text())["phone"] == "13812345678"
