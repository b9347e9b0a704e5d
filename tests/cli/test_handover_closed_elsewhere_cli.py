"""`station sendout handover CARRIER` reading scans from stdin whose batch is closed at another counter
(the courier signed there) part way: it stops at the first scan refused for it, saying who closed it and
when and what it holds, and exits 1, rather than refusing every scan after and then its own close. Two
sessions on one SQLite file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cli.sendout_cli_helpers import PIN, SF_SEND, add_staff, command_runner
from station_console.services.admin.setup import open_station
from station_console.services.people import clerks
from station_console.services.sendout import handover

pytestmark = pytest.mark.new_station

FIRST, SECOND, THIRD = "SF1234567890123", "SF1234567890124", "SF1234567890125"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'station.sqlite3'}"


def closed_at_another_counter_after_the_first_scan(
    db_url: str, monkeypatch: pytest.MonkeyPatch, counter: str = "counter-2"
) -> list[str]:
    """`counter`'s clerk Wang (counter 2's, or the console's at the command's own counter) closes SF's
    batch right after the command's first scan; the scans the command tried, in order."""
    real_scan = handover.scan
    tried: list[str] = []

    def scan_then_close(station: Any, batch: Any, raw: str) -> Any:
        tried.append(raw)
        got = real_scan(station, batch, raw)
        if len(tried) == 1:
            other = open_station(db_url, counter=counter)
            try:
                clerks.sign_in(other, "Wang", PIN)
                shown = handover.open_batch(other, "SF")
                handover.close_batch(other, shown.batch_id, courier_name="Chen", print_manifest=False)
            finally:
                other.engine.dispose()
        return got

    monkeypatch.setattr(handover, "scan", scan_then_close)
    return tried


@pytest.mark.parametrize(
    ("counter", "closed"),
    [
        ("counter-2", "was closed at counter counter-2 by Wang at "),
        # The console at the command's own counter (they may share its name): not "another counter".
        ("counter-1", "was closed by Wang at "),
    ],
)
@pytest.mark.parametrize("as_json", [False, True])
def test_a_handover_whose_batch_is_closed_at_another_counter_stops_and_says_so(
    db_url: str, monkeypatch: pytest.MonkeyPatch, as_json: bool, counter: str, closed: str
) -> None:
    add_staff(db_url)
    run = command_runner(db_url, monkeypatch)
    for waybill in (FIRST, SECOND, THIRD):
        sent = run("sendout", "new", *SF_SEND, "--waybill", waybill, "--pay", "cash", clerk="Li")
        assert sent.exit_code == 0, sent.output
    tried = closed_at_another_counter_after_the_first_scan(db_url, monkeypatch, counter)
    flags = ["--json"] if as_json else []
    stdin = f"{FIRST}\n{SECOND}\n{THIRD}\n"
    stopped = run("sendout", "handover", "SF", *flags, clerk="Li", stdin=stdin)
    assert stopped.exit_code == 1, stopped.output
    assert tried == [FIRST, SECOND]  # the third never tried: every scan after would be refused
    said = stopped.stderr.splitlines()[-1]
    assert said.startswith(f"station: Handover batch SB000001 {closed}")
    assert said.endswith(": scans no longer go into it.")
    if as_json:
        answer = json.loads(stopped.stdout)  # the one document: the refusal, with the batch
        assert (answer["error"], answer["message"]) == ("batch_closed", said.removeprefix("station: "))
        assert answer["closed_by"] == "Wang"
        assert answer["closed_counter"] == (counter if counter == "counter-2" else None)
        assert (answer["batch"]["status"], answer["batch"]["courier_name"]) == ("closed", "Chen")
        assert [s["waybill"] for s in answer["batch"]["sends"]] == [FIRST]
        assert [r["scan"] for r in answer["refused"]] == []
    else:
        assert stopped.stdout.splitlines() == [
            "Batch SB000001 closed: 1 parcel handed over to SF",
            f"MISSING: {SECOND} is still at the counter",
            f"MISSING: {THIRD} is still at the counter",
        ]
