"""Point 5: a damaged database is noticed before anything trusts it or copies it.

The attacks (or accidents): a page of the file wiped, and an index whose entries no longer match
its table (a fault `quick_check` does not see, `integrity_check` does). Backup and day close refuse a
damaged file and say to restore the last good backup; the console says so at start; a backup reads
back the copy it made and keeps nothing that fails.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from tui import quiet

from security.helpers import PIN, Run, corrupt_page, make_station
from station_console.services.checkin.transaction import check_in
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp

MANAGER = ["--clerk", "Wang", "--pin", PIN]


def station_file(tmp_path: Path) -> Path:
    db = tmp_path / "station.sqlite3"
    station = make_station(db)
    for n in range(30):
        check_in(station, f"JT{n:013d}", phone="13812345678")
    station.engine.dispose()
    return db


def test_a_damaged_page_stops_backup_and_day_close(cli: Callable[..., Run], tmp_path: Path) -> None:
    db = station_file(tmp_path)
    corrupt_page(db, "ix_parcel_day_carrier")
    url = ["--db", f"sqlite:///{db}", "--lang", "en", *MANAGER]
    target = tmp_path / "usb" / "backup.sqlite3"
    backup = cli([*url, "backup", str(target)])
    assert backup.code == 1 and "damaged" in backup.err and "restore the last good backup" in backup.err
    assert not target.exists()
    assert not target.parent.exists() or list(target.parent.iterdir()) == []  # no half copy either
    close = cli([*url, "close-day", "--date", "2000-01-01"])
    assert close.code == 1 and "damaged" in close.err
    assert sqlite3.connect(db).execute("SELECT count(*) FROM day_close").fetchone() == (0,)
    check = cli([*url, "db", "check"])
    assert check.code == 1 and "damaged" in check.err


def test_a_backup_reads_back_its_copy(cli: Callable[..., Run], tmp_path: Path) -> None:
    """The index no longer matches its table: quick_check passes the live file, the copy's
    integrity_check fails it, and the copy is not kept."""
    db = station_file(tmp_path)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute(
        "UPDATE sqlite_master SET sql = 'CREATE INDEX ix_parcel_day_carrier ON parcel (size)' "
        "WHERE name = 'ix_parcel_day_carrier'"
    )
    conn.commit()
    conn.close()
    assert sqlite3.connect(db).execute("PRAGMA quick_check").fetchone() == ("ok",)
    target = tmp_path / "backup.sqlite3"
    result = cli(["--db", f"sqlite:///{db}", "--lang", "en", *MANAGER, "backup", str(target)])
    assert result.code == 1 and "damaged" in result.err and "an index does not match its table" in result.err
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".backup")] == []


async def test_the_console_says_so_at_start(tmp_path: Path) -> None:
    from station_console.tui.screens.damaged import DamagedScreen

    db = station_file(tmp_path)
    corrupt_page(db, "ix_parcel_day_carrier")
    from station_console.services.admin.setup import open_station
    from station_console.services.people import clerks

    station = open_station(f"sqlite:///{db}", counter="counter-1")
    clerks.act_as(station, clerks.authenticate(station, "Wang", PIN))
    app = StationApp(station, CounterSettings(counter="counter-1"), database_label="damaged")
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)  # the database check runs in a worker after the first refresh
        assert isinstance(app.screen, DamagedScreen)
        assert "restore the last good backup" in str(app.screen.query_one("#damaged-message").render())
        await quiet.press(pilot, "escape", "f2")  # it cannot be dismissed
        assert isinstance(app.screen, DamagedScreen)
    station.engine.dispose()


def test_a_sound_station_backs_up_and_closes(cli: Callable[..., Run], tmp_path: Path) -> None:
    db = station_file(tmp_path)
    url = ["--db", f"sqlite:///{db}", "--lang", "en", *MANAGER]
    assert cli([*url, "backup", str(tmp_path / "b.sqlite3")]).code == 0
    assert cli([*url, "db", "check"]).code == 0
    assert cli([*url, "close-day", "--date", "2000-01-01"]).code == 0
