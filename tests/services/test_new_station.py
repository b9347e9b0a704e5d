"""The `new_station` fixture starts the same on both databases: seeded, no clerk, nobody signed in."""

from __future__ import annotations

from pathlib import Path

from station_helpers import file_snapshot, snapshot

from station_console.services.core.station import Station


def test_new_station_starts_seeded_without_clerks(new_station: Station, seeded_sqlite: Path) -> None:
    rows = {table: len(found) for table, found in snapshot(new_station).items()}
    seeded = {table: len(found) for table, found in file_snapshot(seeded_sqlite).items()}
    assert rows == seeded
    assert rows["carrier"] and rows["shelf"]  # the seed rows themselves, not two empty databases
    assert rows["clerk"] == 0
    assert new_station.clerk_id is None
