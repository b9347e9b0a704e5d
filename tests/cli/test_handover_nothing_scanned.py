"""`station sendout handover` with every scan refused writes nothing: no batch row, no "handover opened"
event, kept open or not. The batch came into being when the carrier was named, before any scan, and an
empty one stayed open for ever."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import func, select

from cli.sendout_cli_helpers import SF_SEND, add_staff, command_runner
from db.models import HandoverBatch, ParcelEvent
from station_console.services.admin.setup import open_station

pytestmark = pytest.mark.new_station


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'station.sqlite3'}"


def batches_and_openings(db_url: str) -> tuple[int, int]:
    station = open_station(db_url)
    try:
        with station.read() as s:
            batches = s.exec(select(func.count()).select_from(HandoverBatch)).one()
            opened = s.exec(
                select(func.count()).select_from(ParcelEvent).where(ParcelEvent.kind == "handover_opened")
            ).one()
    finally:
        station.engine.dispose()
    return int(batches), int(opened)


@pytest.mark.parametrize("keep_open", [False, True])
def test_every_scan_refused_writes_no_batch_and_no_event(
    db_url: str, monkeypatch: pytest.MonkeyPatch, keep_open: bool
) -> None:
    add_staff(db_url)
    run = command_runner(db_url, monkeypatch)
    sent = run("sendout", "new", *SF_SEND, "--waybill", "SF1234567890123", "--pay", "cash", clerk="Li")
    assert sent.exit_code == 0, sent.output
    flags = ["--keep-open"] if keep_open else []
    scans = "JT1234567890123\nSF9999999999999\n"
    handed = run("sendout", "handover", "SF", *flags, "--json", clerk="Li", stdin=scans)
    assert handed.exit_code == 1, handed.output
    assert json.loads(handed.stdout)["error"] == "nothing_scanned", handed.stdout
    assert batches_and_openings(db_url) == (0, 0)
    # The courier's first good scan opens the batch, its number said: SB000001, the first there is.
    handed = run("sendout", "handover", "SF", *flags, "--json", clerk="Li", stdin="SF1234567890123\n")
    assert handed.exit_code == 0, handed.output
    assert (json.loads(handed.stdout)["batch_id"], json.loads(handed.stdout)["scanned"]) == (1, 1)
    assert batches_and_openings(db_url) == (1, 1)
