"""`station sendout handover CARRIER` whose close finds the shared batch changed (another counter scanned
into it after this command's last scan): nothing handed over, the batch listed as it is now, and the
advice a command line can follow (run the command again), not the screen's "close again"."""

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

OURS, THEIRS = "SF1234567890123", "SF1234567890124"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'station.sqlite3'}"


def scanned_at_another_counter_before_the_close(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counter 2's clerk scans THEIRS into SF's open batch just before the command's close reads it."""
    real_close = handover.close_batch

    def close_after_their_scan(*args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(handover, "close_batch", real_close)  # once
        other = open_station(db_url, counter="counter-2")
        try:
            clerks.sign_in(other, "Wang", PIN)
            handover.scan(other, handover.open_batch(other, "SF"), THEIRS)
        finally:
            other.engine.dispose()
        return real_close(*args, **kwargs)

    monkeypatch.setattr(handover, "close_batch", close_after_their_scan)


@pytest.mark.parametrize("as_json", [False, True])
def test_a_handover_refused_as_changed_says_to_run_the_command_again(
    db_url: str, monkeypatch: pytest.MonkeyPatch, as_json: bool
) -> None:
    add_staff(db_url)
    run = command_runner(db_url, monkeypatch)
    for waybill in (OURS, THEIRS):
        sent = run("sendout", "new", *SF_SEND, "--waybill", waybill, "--pay", "cash", clerk="Li")
        assert sent.exit_code == 0, sent.output
    scanned_at_another_counter_before_the_close(db_url, monkeypatch)
    flags = ["--json"] if as_json else []
    refused = run("sendout", "handover", "SF", "--courier", "Chen", *flags, clerk="Li", stdin=f"{OURS}\n")
    assert refused.exit_code == 1, refused.output
    said = (
        "SB000001 now holds 2 parcels, not the 1 listed: another counter changed it. Nothing was handed "
        "over and the scans are kept: check the batch as it is now, then run the command again to close it."
    )
    if as_json:
        # The one document, with the batch as it is now: a script shows it without asking again.
        held = [{"id": 1, "waybill": OURS}, {"id": 2, "waybill": THEIRS}]
        assert json.loads(refused.stdout) == {
            "error": "batch_changed",
            "message": said,
            "batch": {"id": 1, "number": "SB000001", "count": 2, "parcels": held},
        }
    else:
        assert refused.stderr.splitlines()[-1] == f"station: {said}"
        # The batch as it is now, on stdout as `returns close --expect` lists its batch: both sends.
        assert refused.stdout.splitlines() == [
            "Batch SB000001 open: 2 parcels scanned for SF",
            f"  {OURS}",
            f"  {THEIRS}",
        ]
    # As advised: the same command again, with no scan left to make, hands over the batch as listed.
    again = run("sendout", "handover", "SF", "--courier", "Chen", "--json", clerk="Li", stdin="")
    assert again.exit_code == 0, again.output
    handed = json.loads(again.stdout)
    assert (handed["status"], handed["summary"]["handed_over"]) == ("closed", 2)
