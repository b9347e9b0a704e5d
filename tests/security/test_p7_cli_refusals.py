"""Point 7: input that used to end in "An unexpected error happened" is refused properly.

The attacks: an argument that is not UTF-8, a 50,000-character search, a database from a newer
schema, a file that is not a database, a bad `--db` URL, a counter name too long for its column,
a waybill too long for its column; and a disk that fills up during a backup or a report export.
Each ends with exit status 1 and one line saying why, nothing written, no half file left behind.
"""

from __future__ import annotations

import errno
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from security.helpers import PIN, Run, make_station
from station_console.errors import Refused

MANAGER = ["--clerk", "Wang", "--pin", PIN]
STATION = [sys.executable, "-c", "from station_console.cli import main; main()"]


def one_line_refusal(result: Run, words: str) -> None:
    assert result.code == 1, result.output
    assert "Traceback" not in result.output and "unexpected error" not in result.output
    assert result.err.count("\n") == 1 and words in result.err, result.err


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "station.sqlite3"
    make_station(path).engine.dispose()
    return path


def test_hostile_arguments_are_refused_in_one_line(
    cli: Callable[..., Run], db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = ["--db", f"sqlite:///{db}", "--lang", "en"]
    monkeypatch.setenv("STATION_PIN", PIN)  # not --pin: its warning would be a second line
    manager = ["--clerk", "Wang"]
    before = db.read_bytes()
    one_line_refusal(cli([*url, *manager, "search", "\udcff\udcfe"]), "not valid UTF-8")
    one_line_refusal(cli([*url, *manager, "search", "A" * 50_000]), "A search is at most 100 characters.")
    one_line_refusal(cli([*url, *manager, "pickup", "1-1-1001 " * 6_000]), "at most 500 characters")
    one_line_refusal(cli([*url, "--counter", "c" * 33, *manager, "checkin", "SF1234567890123"]), "1 to 32")
    one_line_refusal(cli([*url, *manager, "checkin", "GM" + "1" * 39]), "too long to be one waybill")
    one_line_refusal(cli(["--db", "foo://nowhere", "parcels"]), "not a database URL")
    one_line_refusal(
        cli(["--db", "sqlite:////no/such/folder/x.sqlite3", "parcels"]), "Cannot open the database"
    )
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\n" * 200)
    one_line_refusal(cli(["--db", f"sqlite:///{notes}", "parcels"]), "is not a station database")
    assert notes.read_text() == "shopping list\n" * 200
    newer = tmp_path / "newer.sqlite3"
    shutil.copy(db, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    one_line_refusal(cli(["--db", f"sqlite:///{newer}", *manager, "parcels"]), "newer station-console")
    assert sqlite3.connect(newer).execute("SELECT version_num FROM alembic_version").fetchone() == ("9999",)
    assert db.read_bytes() == before


def test_invalid_utf8_bytes_on_a_real_command_line(db: Path) -> None:
    done = subprocess.run(
        [*STATION, "--db", f"sqlite:///{db}", "--lang", "en", "search", b"\xff\xfe"],
        capture_output=True,
        timeout=60,
        env={**os.environ, "STATION_CLERK": "Wang", "STATION_PIN": PIN},
    )
    assert done.returncode == 1
    assert done.stderr.decode().count("\n") == 1 and b"not valid UTF-8" in done.stderr


def _small_disk(limit: int) -> Callable[[], None]:
    """For the child: files it writes stop growing at `limit` bytes, as on a full disk."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk_leaves_no_half_backup_or_export(db: Path, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    env = {**os.environ, "STATION_CLERK": "Wang", "STATION_PIN": PIN}
    base = [*STATION, "--db", f"sqlite:///{db}", "--lang", "en"]
    assert db.stat().st_size > 64 * 1024
    # A console keeps the database open, so its -wal and -shm exist already: the command only reads.
    console = sqlite3.connect(db)
    console.execute("PRAGMA journal_mode=WAL")
    console.execute("SELECT count(*) FROM parcel").fetchone()
    try:
        backup = subprocess.run(
            [*base, "backup", str(usb / "b.sqlite3")],
            capture_output=True,
            env=env,
            timeout=60,
            preexec_fn=_small_disk(64 * 1024),
        )
        report = subprocess.run(
            [*base, "report", "--format", "pdf", "--out", str(usb / "day.pdf")],
            capture_output=True,
            env=env,
            timeout=60,
            preexec_fn=_small_disk(1024),
        )
    finally:
        console.close()
    assert backup.returncode == 1, backup.stderr
    assert b"Traceback" not in backup.stderr and backup.stderr.decode().count("\n") == 1
    # The size limit reaches SQLite as an I/O error (EFBIG), not a full disk: either refusal will do.
    assert b"was not written: the database could not be copied" in backup.stderr or (
        b"The disk is full" in backup.stderr
    ), backup.stderr
    assert report.returncode == 1 and b"The disk is full: " in report.stderr, report.stderr
    assert list(usb.iterdir()) == []  # neither a half file nor a temporary one


def test_a_writer_that_hits_enospc_leaves_the_old_file(tmp_path: Path) -> None:
    from station_console.private_files import write_atomic

    target = tmp_path / "report.csv"
    target.write_text("yesterday's report\n")

    def full_disk(out: object) -> None:
        out.write(b"half a report")  # type: ignore[attr-defined]
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(Refused) as refused:
        write_atomic(target, full_disk)
    assert refused.value.code == "disk_full"
    assert target.read_text() == "yesterday's report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]
