"""The restore tests' station and command (tests/security/test_p1_restore*.py; the `live` fixture is in
conftest.py)."""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from security.helpers import PIN, Run, make_station, run_cli
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.day.close import close_day

PHONE = "13812345678"
MANAGER = ["--clerk", "Wang", "--pin", PIN]


def backed_up_station(tmp_path: Path) -> Station:
    """A station with two parcels, yesterday closed (its heads sealed and anchored), and a good backup
    (`good.sqlite3` beside it), then a third parcel that a restore loses."""
    station = make_station(tmp_path / "station.sqlite3")
    check_in(station, "SF1234567890123", phone=PHONE)
    close_day(station, station.business_day() - timedelta(days=1))
    check_in(station, "JT1234567890123", phone=PHONE)
    made = run_cli(["--db", str(station.engine.url), *MANAGER, "backup", str(tmp_path / "good.sqlite3")])
    assert made.code == 0, made.output
    check_in(station, "JT1234567890124", phone=PHONE)  # after the backup: a restore loses it
    return station


def restore(cli: Callable[..., Run], station: Station, file: Path, *who: str) -> Run:
    """`station restore FILE`, the test's own station closed first as another console would be (and the
    engines of the commands run before it in this process, which nothing else closes)."""
    station.engine.dispose()
    gc.collect()
    return cli(["--db", str(station.engine.url), "--lang", "en", *who, "restore", "--yes", str(file)])
