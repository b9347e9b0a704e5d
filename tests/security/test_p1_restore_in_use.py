"""Point 1, continued: a restore is refused while another console or program has the station database
open (it would go on writing to the file set aside), and not for this process's own connections (its
background checkpointer busy with a crash's big WAL)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from station_helpers import snapshot

from db.migrate import head_revision
from security.helpers import PIN, Run
from security.restore_helpers import MANAGER, restore
from station_console.services.core.station import Station


def test_a_restore_while_another_console_has_the_database_open_is_refused(
    cli: Callable[..., Run], live: Station, tmp_path: Path
) -> None:
    """A console still open would go on checking parcels in to the file renamed aside: refused, nothing
    changed; once it is closed the same restore goes in."""
    good = tmp_path / "good.sqlite3"
    live.engine.dispose()
    other_console = sqlite3.connect(tmp_path / "station.sqlite3")
    other_console.execute("SELECT count(*) FROM parcel").fetchone()  # open, as an idle console's is
    before = snapshot(live)
    live.engine.dispose()
    result = cli(["--db", str(live.engine.url), "--lang", "en", *MANAGER, "restore", "--yes", str(good)])
    assert result.code == 1, result.output
    assert "Another console or program has the station database open" in result.err
    live.engine.dispose()
    assert snapshot(live) == before
    assert not list(tmp_path.glob("station.sqlite3.before-restore-*"))
    assert other_console.execute("SELECT count(*) FROM parcel").fetchone() == (3,)  # it still works
    other_console.close()
    assert restore(cli, live, good, *MANAGER).code == 0


def test_a_program_that_opens_the_database_during_the_check_is_refused_too(
    cli: Callable[..., Run], live: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between leaving WAL mode and going back to it, a program opens the file and reads: WAL cannot be
    set back, and the restore says the database is in use (it said an unexpected error had happened);
    the next console to open the file has it in WAL mode again."""
    db = tmp_path / "station.sqlite3"
    real_connect = sqlite3.connect
    reader: list[sqlite3.Connection] = []

    def connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = real_connect(database, *args, **kwargs)
        left: list[bool] = []

        def opened_meanwhile(statement: str) -> None:
            if statement == "PRAGMA journal_mode=DELETE":
                left.append(True)
            elif statement == "PRAGMA journal_mode=WAL" and left and not reader:
                other = real_connect(db, isolation_level=None)
                other.execute("BEGIN")
                other.execute("SELECT count(*) FROM parcel").fetchone()  # holds the file while it reads
                reader.append(other)

        if Path(str(database)) == db:
            conn.set_trace_callback(opened_meanwhile)
        return conn

    before = snapshot(live)
    monkeypatch.setattr(sqlite3, "connect", connect)
    result = restore(cli, live, tmp_path / "good.sqlite3", *MANAGER)
    monkeypatch.undo()
    assert reader, "the check never left WAL mode"
    reader[0].close()
    assert result.code == 1 and "has the station database open" in result.err, result.output
    assert not list(tmp_path.glob("station.sqlite3.before-restore-*"))
    assert snapshot(live) == before  # a console's connection: it sets WAL again
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_restore_is_not_refused_for_its_own_checkpointer(
    live: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Right after a crash the WAL is past the checkpointer's 1,000 pages: the restore's own process,
    once it has written, checkpoints them in the background, and its connection was open at the check
    that no other console has the file: the restore was refused as 'in use'. It waits for it now."""
    import threading
    from types import SimpleNamespace

    from sqlalchemy import Engine

    from db import checkpoint
    from db.checkpoint import Checkpointer
    from db.engine import checkpointer_of
    from db.migrate import schema_at
    from station_console.services.admin import backup
    from station_console.services.admin.backup import restore_sqlite
    from station_console.services.admin.setup import open_station

    url = str(live.engine.url)
    live.engine.dispose()
    pooled = sqlite3.connect(tmp_path / "station.sqlite3")  # open throughout: the WAL is not folded in
    pooled.execute("SELECT count(*) FROM sqlite_master").fetchone()
    writer = sqlite3.connect(tmp_path / "station.sqlite3", isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint=0")  # as a crash leaves it: nothing copied back yet
    writer.execute("BEGIN")
    writer.execute("CREATE TABLE filler (blob BLOB)")
    writer.executemany("INSERT INTO filler VALUES (?)", ((bytes(4000),) for _ in range(1200)))
    writer.execute("COMMIT")
    writer.close()
    schema_at(head_revision())  # made once per process: the restore reaches its check at once

    reading, done = threading.Event(), threading.Event()
    real_connect = sqlite3.connect

    def slow_checkpoint(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        """The checkpoint's connection, reading the WAL until the restore comes to its check."""
        conn = real_connect(*args, **kwargs)
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM filler").fetchone()
        reading.set()
        done.wait(30)
        conn.execute("COMMIT")
        return conn

    real_checkpointer_of = backup.checkpointer_of
    under_way: list[bool] = []

    def at_the_check(engine: Engine) -> Checkpointer | None:
        """The restore comes to its check: the checkpoint under way ends a moment later (checked at
        once, the file would be found open)."""
        under_way.append(reading.is_set() and not done.is_set())
        threading.Timer(0.3, done.set).start()
        return real_checkpointer_of(engine)

    monkeypatch.setattr(backup, "checkpointer_of", at_the_check)
    monkeypatch.setattr(checkpoint, "sqlite3", SimpleNamespace(connect=slow_checkpoint, Error=sqlite3.Error))
    station = open_station(url, clerk_name="Wang", pin=PIN)  # as `station restore` opens it
    background = checkpointer_of(station.engine)
    assert background is not None and background.due()
    background.nudge()  # as the restore's first commit does
    assert reading.wait(30)
    pooled.close()
    try:
        restored = restore_sqlite(station, tmp_path / "good.sqlite3")
    finally:
        done.set()
    assert under_way == [True]  # a checkpoint of this process had the file open as the check began
    assert restored.kept_as.exists()
    station.engine.dispose()
