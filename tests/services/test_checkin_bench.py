"""The check-in benchmark functions measure what they say, on a small station."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from checkin_helpers import counts

from station_console.bench.checkin import WARM_UP, floor_insert, measure_checkin, phones, waybills
from station_console.services.checkin.phones import parse_phone
from station_console.services.core.station import Station
from station_console.services.scan.carriers import get_detector


def test_bench_inputs_are_distinct_valid_waybills_and_real_phone_forms(station: Station) -> None:
    numbers = waybills(200, seed=1)
    assert len(set(numbers)) == 200
    detector = get_detector(station)
    carriers = {detector.detect(n).best.carrier for n in numbers}  # type: ignore[union-attr]
    assert carriers == {"JT", "SF", "YTO", "ZTO", "DPK"}
    typed = phones(200, seed=1)
    assert None in typed
    assert all(parse_phone(p).tail for p in typed if p is not None)


def test_measure_checkin_times_real_check_ins(station: Station) -> None:
    out = measure_checkin(station, 15)
    assert len(out) == 15 and all(0 < t < 5 for t in out)
    typed = phones(15 + WARM_UP, seed=4)
    with_number = sum(1 for p in typed if p is not None and parse_phone(p).full)
    assert counts(station) == {
        "parcels": 15 + WARM_UP,
        "jobs": 15 + WARM_UP,
        "notes": with_number,  # a message only where there is a number to send it to
        "events": 15 + WARM_UP,
    }


def test_floor_insert_commits_rows_and_cleans_up(tmp_path: Path) -> None:
    path = str(tmp_path / "floor.sqlite3")
    out = floor_insert(path, 10)
    assert len(out) == 10 and all(t > 0 for t in out)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'bench_floor'").fetchone()[0] == 0
