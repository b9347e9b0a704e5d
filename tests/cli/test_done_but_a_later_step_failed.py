"""A command whose change is committed and a later step of it fails says both: what was done, why the
step failed and what does it again, exit 3 (not a refusal's 1, which says nothing was done)."""

from __future__ import annotations

import json
from pathlib import Path

from security.helpers import PIN, run_cli

from station_console.services.core import anchors

ME = ["--lang", "en", "--clerk", "Wang", "--pin", PIN]


def _manager(tmp_path: Path) -> list[str]:
    url = ["--db", f"sqlite:///{tmp_path / 'station.sqlite3'}"]
    assert run_cli([*url, "--lang", "en", "clerk", "add", "Wang", "--pin", PIN]).code == 0
    return [*url, *ME]


def test_a_day_closed_whose_audit_anchor_cannot_be_written_says_it_closed_and_what_to_do(
    tmp_path: Path,
) -> None:
    """A folder stands where the anchor file should be: the close is committed, sealed in the
    database; only the log said the anchor was missing and the command said "Closed" as if all was
    done. Now it says the day is closed, why the anchor was not written and how to write it, exit 3."""
    me = _manager(tmp_path)
    anchors.anchors_path().unlink(missing_ok=True)  # the line saying the station was made
    anchors.anchors_path().mkdir(parents=True, exist_ok=True)
    run = run_cli([*me, "close-day", "--date", "2000-01-01"])
    assert run.code == 3
    assert "Closed 2000-01-01; SHA-256" in run.out
    assert "2000-01-01 is closed, but its audit anchor was not written." in run.err
    assert "it is a folder, not a file" in run.err
    assert "station reopen-day --date 2000-01-01" in run.err
    as_json = run_cli([*me, "close-day", "--date", "2000-01-02", "--json"])
    assert as_json.code == 3
    failed = json.loads(as_json.out)["failed"]
    assert failed["error"] == "write_failed" and "reopen-day --date 2000-01-02" in failed["again"]
