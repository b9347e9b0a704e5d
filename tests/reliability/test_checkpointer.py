"""The WAL checkpointer (db/checkpoint.py): SQLite's checkpoints happen off the committing thread, and
the WAL still never grows past the cap."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import text

from db import checkpoint
from db.engine import checkpointer_of, create_station_engine, write_session


def _fill(engine: object, pages: int) -> None:
    """Commit about `pages` new pages, one transaction per ~10 pages."""
    for _ in range(pages // 10):
        with write_session(engine) as session:  # type: ignore[arg-type]
            session.connection().execute(text("INSERT INTO filler (body) VALUES (:b)"), {"b": "x" * 40_000})


def test_connections_checkpoint_only_at_the_cap(tmp_path: Path) -> None:
    engine = create_station_engine(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == checkpoint.CAP_PAGES
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()
    memory = create_station_engine("sqlite://")
    assert checkpointer_of(memory) is None  # nothing to checkpoint
    memory.dispose()


def test_the_background_thread_checkpoints_once_the_wal_is_past_its_trigger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkpoint, "TRIGGER_PAGES", 50)
    path = tmp_path / "b.sqlite3"
    engine = create_station_engine(f"sqlite:///{path}")
    background = checkpointer_of(engine)
    assert background is not None
    with write_session(engine) as session:
        session.connection().execute(text("CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)"))
    _fill(engine, 30)  # under the trigger: left alone
    assert background.wal_holds(25) and not background.wal_holds(50)
    time.sleep(0.2)
    assert background.checkpoints == 0
    _fill(engine, 60)
    deadline = time.monotonic() + 30
    while background.checkpoints == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert background.checkpoints >= 1
    # Once a checkpoint got the whole WAL (none that ran while commits went on beside it), the next
    # writer starts the WAL over: it holds only that transaction's frames.
    rows = 9  # so far: 3 + 6
    while background.wal_holds(50) and time.monotonic() < deadline:
        _fill(engine, 10)
        rows += 1
        time.sleep(0.1)
    assert not background.wal_holds(50)
    engine.dispose()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("SELECT count(*) FROM filler").fetchone() == (rows,)
    con.close()


def test_a_checkpoint_thread_that_cannot_start_fails_no_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checkpointer is nudged inside every commit: a thread it cannot start (the process is out of
    threads) must not fail the clerk's commit, and the next nudge tries again."""
    engine = create_station_engine(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    background = checkpointer_of(engine)
    assert background is not None

    def refuse(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    with monkeypatch.context() as patch:
        patch.setattr(threading.Thread, "start", refuse)
        with write_session(engine) as session:
            session.connection().execute(text("CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)"))
        _fill(engine, 10)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM filler").scalar() == 1
    monkeypatch.setattr(checkpoint, "TRIGGER_PAGES", 5)
    _fill(engine, 10)  # threads start again: this commit's nudge runs a checkpoint
    deadline = time.monotonic() + 30
    while background.checkpoints == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert background.checkpoints >= 1
    engine.dispose()


def test_at_a_clerks_pace_the_wal_starts_over_long_before_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The nudge comes from inside the commit; a checkpoint that ran before that commit landed missed its
    frames, was never complete, and the WAL grew to the cap even with commits 100 ms apart."""
    monkeypatch.setattr(checkpoint, "TRIGGER_PAGES", 30)
    monkeypatch.setattr(checkpoint, "CAP_PAGES", 1000)  # the connections' cap, read at connect
    engine = create_station_engine(f"sqlite:///{tmp_path / 'd.sqlite3'}")
    background = checkpointer_of(engine)
    assert background is not None
    with write_session(engine) as session:
        session.connection().execute(text("CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)"))
    longest = 0
    for _ in range(20):  # about 200 pages in all, 10 a commit: a checkpoint due every third commit
        _fill(engine, 10)
        time.sleep(0.1)
        longest = max(longest, next(n for n in range(500, 0, -10) if background.wal_holds(n) or n == 10))
    engine.dispose()
    assert background.checkpoints >= 2
    assert longest <= 100, longest  # started over after each checkpoint, not grown towards 200 and on


def test_a_pause_holds_off_every_checkpointer_of_the_file_in_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two engines on one file in one process (the one a restore replaced, its thread still about, and
    the new one): a pause asked of either waits for the other's checkpoint under way, as a restore's
    check that the file is nobody else's must."""
    path = tmp_path / "c.sqlite3"
    engine = create_station_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE filler (body TEXT)")
    engine.dispose()
    reading, done = threading.Event(), threading.Event()
    real_connect = sqlite3.connect

    def slow(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = real_connect(*args, **kwargs)
        reading.set()
        done.wait(30)
        return conn

    monkeypatch.setattr(checkpoint, "sqlite3", SimpleNamespace(connect=slow, Error=sqlite3.Error))
    old, new = checkpoint.Checkpointer(str(path)), checkpoint.Checkpointer(str(path))
    busy = threading.Thread(target=old.checkpoint)
    busy.start()
    assert reading.wait(30)
    seen: list[int] = []

    def pause() -> None:
        with new.paused():
            seen.append(old.checkpoints)

    waiting = threading.Thread(target=pause)
    waiting.start()
    waiting.join(0.5)  # time enough to get in if nothing held it off
    done.set()
    waiting.join(30)
    busy.join(30)
    assert seen == [1]  # in only once the other's checkpoint was over
