"""A database that does not open at start-up: the manager reads why in the console's language (no
such folder, no permission, not a database file, the server gone), never the driver's English inside
a Chinese sentence; the log keeps the driver's words."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest
from alembic import command
from pg_server import PgServer
from sqlalchemy import create_engine
from sqlalchemy.exc import IntegrityError, OperationalError

from db.migrate import alembic_config, current_revision
from station_console.errors import StationError
from station_console.i18n import set_language
from station_console.logs import log_path
from station_console.services.admin import setup
from station_console.services.admin.setup import open_station


def refusal(url: str, caplog: pytest.LogCaptureFixture) -> tuple[str, str]:
    """The Chinese sentence `open_station(url)` is refused with, and what the log got."""
    set_language("zh")
    with pytest.raises(StationError) as refused:
        open_station(url)
    return refused.value.message(), caplog.text


def driver_says(monkeypatch: pytest.MonkeyPatch, words: str) -> None:
    """The database answers its first statement with SQLite's `words`."""

    def fails(*_args: object) -> None:
        raise OperationalError("SELECT version_num FROM alembic_version", {}, sqlite3.OperationalError(words))

    monkeypatch.setattr(setup, "current_revision", fails)


def test_a_missing_folder_is_named_in_chinese(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "no-such-folder"
    said, logged = refusal(f"sqlite:///{folder / 'station.sqlite3'}", caplog)
    assert said == f"无法打开数据库：文件夹 {folder} 不存在。"
    assert "unable to open database file" in logged


def test_a_file_that_is_no_database_is_said_in_chinese(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    notes = tmp_path / "notes.sqlite3"
    notes.write_text("shopping list\n" * 200)
    said, logged = refusal(f"sqlite:///{notes}", caplog)
    assert said == f"sqlite:///{notes} 不是驿站数据库：它不是数据库文件。"
    assert "file is not a database" in logged


def test_a_folder_given_as_the_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    said, _logged = refusal(f"sqlite:///{tmp_path}", caplog)
    assert said == f"无法打开数据库：{tmp_path} 是文件夹，不是数据库文件。"


def test_a_file_this_user_may_not_write_is_permission_denied(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "station.sqlite3"
    driver_says(monkeypatch, "attempt to write a readonly database")
    said, logged = refusal(f"sqlite:///{path}", caplog)
    assert said == f"无法打开数据库：当前用户没有读写 {path} 的权限。"
    assert "attempt to write a readonly database" in logged


def not_writable(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> None:
    """`os.access` says these paths are not writable, as it does to a user without the permission (the
    suite may run as root, whom a folder's mode does not stop)."""
    real = os.access

    def access(path: object, mode: int, **kwargs: object) -> bool:
        if mode & os.W_OK and Path(str(path)) in paths:
            return False
        return real(path, mode, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)


def test_a_folder_this_user_may_not_write_in_is_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is there and writable; SQLite cannot create its -wal and -shm beside it."""
    path = tmp_path / "station.sqlite3"
    path.touch()
    not_writable(monkeypatch, tmp_path)
    driver_says(monkeypatch, "unable to open database file")
    said, logged = refusal(f"sqlite:///{path}", caplog)
    assert said == (
        f"无法打开数据库：当前用户不能在文件夹 {tmp_path} 里新建文件，而 SQLite 需要在数据库旁边建立 -wal 和 -shm 文件。"
    )
    assert "unable to open database file" in logged


def test_a_read_only_file_system_is_said_as_such(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only mount: neither the file nor its folder can be written, and no permission changes it."""
    path = tmp_path / "station.sqlite3"
    path.touch()
    not_writable(monkeypatch, tmp_path, path)
    real = os.statvfs

    def statvfs(where: object) -> object:
        if Path(str(where)) == tmp_path:
            return SimpleNamespace(f_flag=os.ST_RDONLY)
        return real(where)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "statvfs", statvfs)
    driver_says(monkeypatch, "attempt to write a readonly database")
    said, _logged = refusal(f"sqlite:///{path}", caplog)
    assert said == (
        f"无法打开数据库：文件夹 {tmp_path} 所在的磁盘是只读的，而 SQLite 需要在那里写入数据库以及旁边的 -wal 和 -shm 文件。"
    )


def test_what_cannot_be_told_apart_points_at_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    driver_says(monkeypatch, "disk I/O error")
    said, logged = refusal(f"sqlite:///{tmp_path / 'station.sqlite3'}", caplog)
    assert said == f"无法打开数据库，原因见日志：{log_path()}"
    assert "disk I/O error" in logged


def test_a_server_that_cannot_be_reached(caplog: pytest.LogCaptureFixture) -> None:
    said, logged = refusal("postgresql+psycopg://station@127.0.0.1:1/station", caplog)
    assert said == "无法打开数据库：连不上数据库服务器，请检查服务器和网络。"
    assert "Connection refused" in logged or "connection failed" in logged


@pytest.mark.postgres
def test_a_user_the_server_does_not_know_is_the_login_not_the_database(
    pg_server: PgServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The server says role "..." does not exist: the user name is wrong, the database is there."""
    said, logged = refusal(pg_server.url("postgres").replace("postgres@", "nobody@"), caplog)
    assert said == "无法打开数据库：服务器拒绝了用户名或密码。"
    assert 'role "nobody" does not exist' in logged


@pytest.mark.postgres
def test_a_missing_database_with_a_long_name_is_still_named(
    pg_server: PgServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The driver's sentence runs past the log's first-line length; what it says is read whole."""
    name = "parcel_station_main_counter_database"
    said, logged = refusal(pg_server.url(name), caplog)
    assert said == "无法打开数据库：服务器上没有这个名称的数据库。"
    assert f'database "{name}" does not exist' in logged


UPGRADE_FAILED = (
    "数据库未能升级到当前版本，库中内容没有任何改动，上一版 station-console 仍能打开它。"
    "请先换回上一版，并把日志发给技术支持："
)


def test_a_failed_migration_changes_nothing_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A database at 0013 whose day_close already has 0015's column: 0014 runs, 0015 fails. Every
    migration runs in one transaction, so 0014's index is rolled back with it and the file stays at
    0013, which the previous release opens."""
    path = tmp_path / "station.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), "0013")
    engine.dispose()
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE day_close ADD COLUMN ended_early BOOLEAN")
    conn.commit()
    conn.close()
    said, logged = refusal(f"sqlite:///{path}", caplog)
    assert said == f"{UPGRADE_FAILED}{log_path()}"
    assert "duplicate column name: ended_early" in logged
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0013",)]
        assert not conn.execute(
            "SELECT name FROM sqlite_master WHERE name = 'ix_parcel_code_left'"
        ).fetchall()
    finally:
        conn.close()
    engine = create_engine(f"sqlite:///{path}")
    try:
        assert current_revision(engine) == "0013"
    finally:
        engine.dispose()


def test_a_migration_refused_by_a_constraint_is_no_foreign_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A constraint a migration's data breaks (a DatabaseError) read 'not a station database'."""

    def breaks(*_args: object) -> None:
        raise IntegrityError(
            "CREATE UNIQUE INDEX ...", {}, sqlite3.IntegrityError("UNIQUE constraint failed")
        )

    monkeypatch.setattr(setup, "upgrade_from", breaks)
    said, logged = refusal(f"sqlite:///{tmp_path / 'station.sqlite3'}", caplog)
    assert said == f"{UPGRADE_FAILED}{log_path()}"
    assert "UNIQUE constraint failed" in logged


def test_an_empty_version_table_beside_a_stations_tables_is_refused_not_migrated_over(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Its version row gone (damaged, or edited by hand): migrating from the start would run over the
    station's tables (it failed on "table already exists" and read as a failed upgrade to go back
    from). Refused, saying what to do; nothing in it changed."""
    path = tmp_path / "emptied.sqlite3"
    open_station(f"sqlite:///{path}").engine.dispose()
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM alembic_version")
    conn.commit()
    tables = conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
    conn.close()
    said, _log = refusal(f"sqlite:///{path}", caplog)
    assert said == (
        f"{path} 处的数据库有数据表，但版本表是空的：数据库已损坏，或不是驿站的数据库，其中内容未作任何改动。"
        "请用驿站最近的备份替换它，或把它移走后新建驿站。"
    )
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall() == tables
    assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (0,)
    conn.close()


def test_an_empty_version_table_alone_is_a_first_start_cut_short_and_is_made_a_station(
    tmp_path: Path,
) -> None:
    """Nothing but the empty version table: nothing to lose, so the station is made in it."""
    path = tmp_path / "cut-short.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    conn.commit()
    conn.close()
    station = open_station(f"sqlite:///{path}")
    try:
        assert station.seeded and current_revision(station.engine) is not None
    finally:
        station.engine.dispose()


def test_another_counters_first_migration_committed_between_the_reads_is_no_empty_version_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two counters opening a new station at once: the second read no revision, then the first
    committed its migration (tables and revision in one commit). The tables it then sees are that
    station's, not ones beside an empty version table: it opens the station, not a refusal."""
    path = tmp_path / "raced.sqlite3"
    open_station(f"sqlite:///{path}").engine.dispose()
    real = setup.current_revision
    reads: list[str | None] = []

    def read_before_the_other_commit(engine: object) -> str | None:
        # The first read happened before the other counter's commit: it saw no revision yet.
        revision = None if not reads else real(engine)  # type: ignore[arg-type]
        reads.append(revision)
        return revision

    monkeypatch.setattr(setup, "current_revision", read_before_the_other_commit)
    station = open_station(f"sqlite:///{path}")
    try:
        assert reads[0] is None and reads[-1] is not None
        assert current_revision(station.engine) is not None
    finally:
        station.engine.dispose()
