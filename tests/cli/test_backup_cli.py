"""station backup / restore on SQLite; the pg_dump command for PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func
from sqlmodel import select

from db.models import Parcel
from station_console.cli import cli
from station_console.services.admin.backup import pg_dump_command
from station_console.services.admin.setup import open_station
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.people import clerks

AS_MANAGER = ("--clerk", "Boss", "--pin", "4071")
pytestmark = pytest.mark.new_station


@pytest.fixture
def station(db_url: str) -> Iterator[Station]:
    """A station database as the CLI makes it (migrated by Alembic, seeded)."""
    st = open_station(db_url, counter="test-counter")
    clerks.create_first_manager(st, "Boss", "4071")  # through the service: a restore checks the trail
    clerks.sign_in(st, "Boss", "4071")
    yield st
    st.engine.dispose()


def _parcels(station: Station) -> int:
    with station.read() as session:
        return int(session.exec(select(func.count()).select_from(Parcel)).one())


def test_backup_then_restore_brings_the_data_back(station: Station, db_url: str, tmp_path: Path) -> None:
    check_in(station, "JT0000000000001")
    runner = CliRunner()
    target = tmp_path / "backup.sqlite3"
    result = runner.invoke(cli, ["--db", db_url, *AS_MANAGER, "backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0
    check_in(station, "JT0000000000002")
    assert _parcels(station) == 2
    again = runner.invoke(cli, ["--db", db_url, *AS_MANAGER, "backup", str(target)])
    assert again.exit_code == 1 and "exists already" in again.output
    station.engine.dispose()  # closed, as another console must be for a restore
    result = runner.invoke(cli, ["--db", db_url, *AS_MANAGER, "restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    station.engine.dispose()
    assert _parcels(station) == 1


def test_restore_refuses_a_file_that_is_not_a_station_database(
    station: Station, db_url: str, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    result = CliRunner().invoke(cli, ["--db", db_url, *AS_MANAGER, "restore", "--yes", str(junk)])
    assert result.exit_code == 1
    assert "is not a station backup" in result.output
    check_in(station, "JT0000000000003")  # the station database is untouched
    assert _parcels(station) == 1


def test_pg_dump_command_keeps_the_password_off_the_command_line(tmp_path: Path) -> None:
    command = pg_dump_command(
        "postgresql+psycopg://station:s3cret@db.local:5432/station", tmp_path / "s.dump"
    )
    assert command.startswith("pg_dump --format=custom --file=")
    assert "postgresql://station@db.local:5432/station" in command
    assert "s3cret" not in command


def test_a_copy_sqlite_refuses_is_said_in_words_with_what_to_do(
    station: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """SQLite's English ("disk I/O error") goes to the log; the refusal says what to do, and no file is left."""
    import sqlite3

    from station_console.errors import Refused
    from station_console.services.admin import backup

    real = sqlite3.connect

    def failing(path: object, *args: object, **kwargs: object) -> sqlite3.Connection:
        if ".tmp" in str(path):
            raise sqlite3.OperationalError("disk I/O error")
        return real(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(backup.sqlite3, "connect", failing)
    target = tmp_path / "backup.sqlite3"
    with pytest.raises(Refused) as refused:
        backup.backup_sqlite(station, target)
    said = str(refused.value)
    assert said.startswith(f"{target} was not written: the database could not be copied into it.")
    assert "disk I/O" not in said and "disk I/O error" in caplog.text
    assert not target.exists()


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("/dev/null", "/dev/null is not a file"),
        ("a-folder", "a-folder is not a file"),
        ("photo.jpg", "photo.jpg is not a station backup"),
        ("empty.sqlite3", "empty.sqlite3 is not a station backup"),
        ("other.sqlite3", "other.sqlite3 is not a station backup"),
    ],
)
def test_restore_checks_the_file_before_asking(
    station: Station, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, said: str
) -> None:
    """The file is refused before the [y/N] question: the manager is not asked about a file that cannot go in."""
    import sqlite3

    monkeypatch.chdir(tmp_path)
    (tmp_path / "photo.jpg").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "empty.sqlite3").write_bytes(b"")
    (tmp_path / "a-folder").mkdir()
    other = sqlite3.connect(tmp_path / "other.sqlite3")  # a SQLite file, but not a station's
    other.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
    other.close()
    station.engine.dispose()
    result = CliRunner().invoke(cli, ["--db", db_url, *AS_MANAGER, "restore", name], input="y\n")
    assert result.exit_code == 1, result.output
    assert said in result.output
    assert "Replace every record" not in result.output
    assert "No file" not in result.output
    assert _parcels(station) == 0  # the station database is untouched


def test_restore_asks_about_a_good_backup_and_no_changes_nothing(
    station: Station, db_url: str, tmp_path: Path
) -> None:
    check_in(station, "JT0000000000001")
    target = tmp_path / "backup.sqlite3"
    assert CliRunner().invoke(cli, ["--db", db_url, *AS_MANAGER, "backup", str(target)]).exit_code == 0
    check_in(station, "JT0000000000002")
    station.engine.dispose()
    result = CliRunner().invoke(cli, ["--db", db_url, *AS_MANAGER, "restore", str(target)], input="n\n")
    assert "Replace every record in the station database" in result.output
    assert result.exit_code == 1
    assert _parcels(station) == 2


def test_restore_of_a_folder_is_said_in_the_clerks_language(
    station: Station, db_url: str, tmp_path: Path
) -> None:
    """A folder is refused by the restore's own check, as any other non-file: exit 1, in Chinese too
    (click's own check said it in its words, exit 2)."""
    folder = tmp_path / "备份"
    folder.mkdir()
    station.engine.dispose()
    result = CliRunner().invoke(cli, ["--db", db_url, "--lang", "zh", *AS_MANAGER, "restore", str(folder)])
    assert result.exit_code == 1, result.output
    assert f"{folder} 不是文件" in result.output
    assert _parcels(station) == 0


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "{folder} is a folder: give the name of the backup file to write, such as {example}"),
        ("zh", "{folder} 是文件夹：请给出要写入的备份文件名，例如 {example}"),
    ],
    ids=["en", "zh"],
)
def test_backup_into_a_folder_says_to_give_a_file_in_the_clerks_language(
    station: Station, db_url: str, tmp_path: Path, lang: str, said: str
) -> None:
    """A folder is refused by the backup's own check, exit 1, naming a file to give instead (click's
    own check said it in English, exit 2); nothing is written into the folder."""
    folder = tmp_path / "备份"
    folder.mkdir()
    example = folder / "station-backup.sqlite3"
    result = CliRunner().invoke(cli, ["--db", db_url, "--lang", lang, *AS_MANAGER, "backup", str(folder)])
    assert result.exit_code == 1, result.output
    assert said.format(folder=folder, example=example) in " ".join(result.output.split())
    assert list(folder.iterdir()) == []


def test_a_backup_is_recorded_once_with_the_digest_a_restore_of_it_records(
    station: Station, db_url: str, tmp_path: Path
) -> None:
    """A backup copies every parcel and phone number out of the station: it is recorded in the audit
    trail as one person's export is (it left no trace), with the copy's SHA-256, the one a later
    restore of that file records; a refused backup records nothing."""
    import hashlib

    from db.models import ParcelEvent

    def backed_up() -> list[dict[str, object]]:
        with station.read() as session:
            rows = session.exec(select(ParcelEvent).where(ParcelEvent.kind == "db_backed_up")).all()
            return [dict(row.details) for row in rows]

    runner = CliRunner()
    target = tmp_path / "backup.sqlite3"
    assert runner.invoke(cli, ["--db", db_url, *AS_MANAGER, "backup", str(target)]).exit_code == 0
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    assert backed_up() == [{"file": "backup.sqlite3", "sha256": digest}]
    assert runner.invoke(cli, ["--db", db_url, *AS_MANAGER, "backup", str(target)]).exit_code == 1
    assert runner.invoke(cli, ["--db", db_url, "backup", str(tmp_path / "b.sqlite3")]).exit_code == 1
    assert len(backed_up()) == 1
    station.engine.dispose()
    restored = runner.invoke(cli, ["--db", db_url, *AS_MANAGER, "restore", "--yes", str(target)])
    assert restored.exit_code == 0, restored.output
    with station.read() as session:
        event = session.exec(select(ParcelEvent).where(ParcelEvent.kind == "db_restored")).one()
    assert event.details["sha256"] == digest


@pytest.mark.parametrize("earlier", [False, True], ids=["new-file", "overwrite"])
def test_a_backup_whose_audit_event_fails_leaves_no_copy_behind(
    station: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, earlier: bool
) -> None:
    """The copy and its trace go together: a database that fills (or stays locked) as the backup is recorded
    refuses the backup, and no copy of every parcel and phone is left under the name with no trace in
    the trail; an older backup being overwritten is left as it was."""
    from sqlalchemy.exc import OperationalError

    from station_console.errors import StationError
    from station_console.services.admin import backup
    from station_console.services.core import audit

    check_in(station, "JT0000000000001")
    target = tmp_path / "backup.sqlite3"
    if earlier:
        target.write_bytes(b"an older backup")
    real_record = audit.record

    def locked(session: object, st: object, kind: object, **kw: object) -> object:
        if str(kind) == "db_backed_up":
            raise OperationalError("INSERT", {}, Exception("database or disk is full"))
        return real_record(session, st, kind, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(audit, "record", locked)
    with pytest.raises(StationError):
        backup.backup_sqlite(station, target, overwrite=earlier)
    if earlier:
        assert target.read_bytes() == b"an older backup"
    else:
        assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name != target.name and "backup" in p.name] == []


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_a_backup_never_overwrites_the_database_or_its_wal_and_shm(
    station: Station, db_url: str, suffix: str
) -> None:
    """`backup --overwrite` naming the live database, or the write-ahead log beside it that holds its
    latest transactions, is refused before a byte is written: a copy renamed over the -wal would lose
    every transaction not yet checkpointed into the database."""
    check_in(station, "JT0000000000001")
    database = Path(station.engine.url.database or "")
    target = database.with_name(database.name + suffix)
    assert target.exists()  # the live station's own file: WAL mode keeps its -wal and -shm beside it
    result = CliRunner().invoke(cli, ["--db", db_url, *AS_MANAGER, "backup", "--overwrite", str(target)])
    assert result.exit_code == 1, result.output
    assert "cannot overwrite the database itself" in result.output
    # Still the database, or its log and index (their bytes move as the command signs in): no copy
    assert target.read_bytes().startswith(b"SQLite format 3") == (suffix == "")
    assert _parcels(station) == 1
