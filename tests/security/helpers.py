"""What the security tests share: the attack is the body of each test, on a real SQLite file.

`run_cli` runs the real `station` entry point (`cli.main`, as a shell runs it) in this process and
returns its exit code and what it printed (`station_helpers.snapshot` reads every row of every table,
so a refusal can be shown to have written nothing); `make_station` makes a station the way a real
one is made.
"""

from __future__ import annotations

import io
import stat
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from station_helpers import new_database_file

from station_console.services.core.station import Station

PIN = "4071"


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def output(self) -> str:
        return self.out + self.err


def run_cli(args: list[str], *, stdin: str = "", argv0: str = "station") -> Run:
    """`station ARGS` through `cli.main()`, the console script's own entry point."""
    from station_console.cli import main

    out, err = io.StringIO(), io.StringIO()
    old_argv, old_stdin = sys.argv, sys.stdin
    sys.argv, sys.stdin = [argv0, *args], io.StringIO(stdin)
    code = 0
    try:
        with redirect_stdout(out), redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv, sys.stdin = old_argv, old_stdin
    return Run(code, out.getvalue(), err.getvalue())


def make_station(path: Path, *, counter: str = "counter-1") -> Station:
    """A station made the way a real one is: migrated, seeded, the manager Wang and the clerk Li made
    through the service (so they are in the trail), Wang signed in. The migrations' result is copied
    (`new_database_file`); `open_station` seeds it as on a new station."""
    from station_console.services.admin.setup import open_station
    from station_console.services.people import clerks

    station = open_station(new_database_file(path), counter=counter)
    clerks.create_first_manager(station, "Wang", PIN)
    clerks.sign_in(station, "Wang", PIN)
    clerks.add_clerk(station, "Li", PIN)
    return station


def corrupt_page(path: Path, table: str) -> None:
    """Wipe the b-tree page header of `table`'s root page: SQLite's checks fail, the file still opens."""
    import sqlite3

    conn = sqlite3.connect(path)
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    (size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * size + (100 if root == 1 else 0)
    data[start : start + 12] = b"\xff" * 12  # page type, freeblock, cell count, content start: garbage
    path.write_bytes(bytes(data))


def accept_send(station: Station, waybill: str, carrier: str = "SF") -> None:
    """A send accepted at the counter (cash, 800 g, every check ticked), still waiting for its courier."""
    from station_console.services.sendout import accept, inspection, payments
    from station_console.services.sendout.weighing import Weight

    accept.accept(
        station,
        carrier=carrier,
        party=accept.Party("Zhang San", "13712345678", "passport", "E12345678", id_seen=True),
        recipient=accept.Recipient("Wang Wu", "13987654321", "北京"),
        parcel=accept.Parcel("books"),
        checked=inspection.current(station).ids,
        weight=Weight.typed(800),
        payment=payments.Payment("cash"),
        waybill=waybill,
    )


def change_settings(station: Station, **changes: object) -> None:
    """Station settings changed straight in the database (fields no command sets in one go)."""
    from db.models import Setting
    from station_console.services.core.settings import STATION_KEY, load_station_settings

    def work(session: Any) -> None:
        row = session.get(Setting, STATION_KEY)
        row.value = {**load_station_settings(session).model_dump(mode="json"), **changes}
        session.add(row)

    station.run(work)
    station.forget_settings()


def two_closed_days(path: Path, *, after: tuple[str, ...] = ()) -> None:
    """A new station at `path` (its files deleted first) with two days closed early, three days ago and
    two, then `after` checked in on the day after them (events after the last close)."""
    from station_console.services.checkin.transaction import check_in
    from station_console.services.day.close import close_day

    for leftover in (path, *(Path(f"{path}{s}") for s in ("-wal", "-shm", "-journal"))):
        leftover.unlink(missing_ok=True)
    station = make_station(path)
    start = datetime.now(UTC) - timedelta(days=3)
    station.clock = lambda: start
    for waybill in ("SF1234567890123", "JT1234567890123"):
        check_in(station, waybill, phone="13812345678")
        close_day(station, station.business_day(start), early=True)
        start += timedelta(days=1)
    for waybill in after:
        check_in(station, waybill, phone="13812345678")
    station.engine.dispose()


PRIVATE_FILE, PRIVATE_DIR = 0o600, 0o700  # what the private writer gives a file and a folder it makes


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)
