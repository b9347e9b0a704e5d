"""A typed path reads only the kind of file its caller asks for, and never the station's own files: the
secrets, the counter settings, the database and its -wal, the log and the data folder, whatever path
names them (a link named foo.csv, a second name of the file). Refused unread, nothing of the file
quoted, logged without its content. Each import names the kinds it reads."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from prealert_helpers import ZH_HEADINGS, sign_in, stored, write_csv, zh_rows
from sendout_helpers import as_manager, staff

from db.engine import default_database_path
from station_console.counter_config import config_path
from station_console.errors import Refused
from station_console.logs import log_path
from station_console.secrets_file import secrets_path
from station_console.services.core.station import Station
from station_console.services.core.typed_files import read_typed_bytes
from station_console.services.prealerts.importer import import_file
from station_console.services.recipients import importing
from station_console.services.sendout import rule_files
from station_console.services.shelves import layout_csv

# The files read are this process's, whichever database the station is on; the database refused is a file.
pytestmark = pytest.mark.sqlite_only
SECRET = 'audit_key = "0123456789abcdef0123456789abcdef"\nsmtp_password = "hunter2-at-the-counter"\n'


def refused(call: Callable[[], object]) -> Refused:
    with pytest.raises(Refused) as caught:
        call()
    return caught.value


def said(refusal: Refused) -> str:
    """Every word the refusal says, in both languages, and its values (a --json refusal's)."""
    return " ".join([refusal.message("en"), refusal.message("zh"), repr(refusal.params)])


@pytest.fixture
def secrets() -> Path:
    path = secrets_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SECRET, encoding="utf-8")
    path.chmod(0o600)
    return path


def test_a_clerks_import_of_the_stations_own_files_is_refused_with_nothing_quoted(
    station: Station, tmp_path: Path, secrets: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The pre-alert import read any path: the secrets file's first line came back as the headings it
    lacked (`audit_key = "012345…`). Now the secrets, the counter settings, the database and its -wal,
    the log and a file in the data folder are refused before a byte is read, and the log says so
    without their content."""
    sign_in(station)
    config_path().write_text('counter = "front"\nstation_name = "hunter2-at-the-counter"\n')
    database = Path(str(station.engine.url.database))
    with station.connect():  # a connection open: the -wal beside the database is there
        pass
    log = log_path()
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("2026-11-25 WARNING hunter2-at-the-counter\n")
    data_file = default_database_path().parent / "reports" / "report.csv"  # in the data folder
    data_file.parent.mkdir(parents=True, exist_ok=True)
    data_file.write_text("waybill\nhunter2-at-the-counter\n")
    for path in (secrets, config_path(), database, Path(f"{database}-wal"), log, data_file):
        assert path.is_file(), path
        with caplog.at_level(logging.WARNING):
            refusal = refused(lambda: import_file(station, path))  # noqa: B023
        assert refusal.code == "station_file", path
        assert refusal.message() == (
            f"{path} is one of this station's own files (its settings, secrets, database, log or data): "
            "it was not read. Type the path of the file you mean."
        )
        assert "hunter2" not in said(refusal) and "audit_key" not in said(refusal)
        assert f"refused unread: {path}" in caplog.text
    assert "hunter2" not in caplog.text and "audit_key" not in caplog.text
    assert stored(station) == []


def test_a_link_or_a_second_name_of_the_secrets_file_is_refused_as_the_file_itself(
    station: Station, tmp_path: Path, secrets: Path
) -> None:
    """A link named foo.csv leading to secrets.toml has a pre-alert's name; the file it opens does not
    (nor does a hard link: the same file under another name and folder)."""
    sign_in(station)
    link = tmp_path / "elsewhere" / "foo.csv"
    link.parent.mkdir()
    link.symlink_to(secrets)
    hard = tmp_path / "elsewhere" / "bar.csv"
    os.link(secrets, hard)
    for path in (link, hard):
        refusal = refused(lambda: import_file(station, path))  # noqa: B023
        assert refusal.code == "station_file", path
        assert "audit_key" not in said(refusal) and "hunter2" not in said(refusal)


def test_a_file_of_another_kind_is_refused_unread_naming_the_kinds_taken(
    station: Station, tmp_path: Path
) -> None:
    """/etc/passwd, ~/.pgpass, a file without a pre-alert's suffix: refused before it is read, saying
    which kinds are taken; a link named foo.csv to such a file is no .csv either."""
    sign_in(station)
    passwd = tmp_path / "passwd"
    passwd.write_text("root:x:0:0:root:/root:/bin/bash\n")
    pgpass = tmp_path / ".pgpass"
    pgpass.write_text("db.example:5432:station:station:s3cret-pg\n")
    link = tmp_path / "foo.csv"
    link.symlink_to(passwd)
    for path in (passwd, pgpass, link):
        refusal = refused(lambda: import_file(station, path))  # noqa: B023
        assert refusal.code == "not_this_kind", path
        assert (
            refusal.message()
            == f"{path} was not read: the kinds of file taken here are .csv, .tsv, .txt, .json."
        )
        assert refusal.message("zh") == f"{path} 未读取：这里只接受这些类型的文件：.csv, .tsv, .txt, .json。"
        assert "root:" not in said(refusal) and "s3cret" not in said(refusal)


def test_each_reader_takes_its_own_kinds_and_reads_them_as_before(station: Station, tmp_path: Path) -> None:
    """Pre-alerts: .csv, .tsv, .txt, .json; the directory: .csv, .tsv, .txt, .xlsx, .xlsm; a layout:
    .csv; a checklist: .toml, .json; stock: .csv, .txt; a tariff: .toml, .csv. A file of another kind
    is refused by each in the same words, naming its kinds."""
    sign_in(station)
    for suffix in (".csv", ".tsv", ".txt"):
        write_csv(tmp_path / f"p{suffix}", ZH_HEADINGS, zh_rows([1]))
        assert import_file(station, tmp_path / f"p{suffix}", dry_run=True).to_load == 1, suffix
    notes = tmp_path / "notes.md"
    notes.write_text("shelf\nA\n")
    staff(station)
    as_manager(station)
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: importing.import_file(station, notes), ".csv, .tsv, .txt, .xlsx, .xlsm"),
        (lambda: layout_csv.import_layout_file(station, notes), ".csv"),
        (lambda: rule_files.preview_checklist(station, notes), ".toml, .json"),
        (lambda: rule_files.import_stock(station, "SF", notes), ".csv, .txt"),
        (lambda: rule_files.preview_tariff(station, "SF", notes), ".toml, .csv"),
    ]
    for call, kinds in cases:
        refusal = refused(call)
        assert (refusal.code, refusal.params["kinds"]) == ("not_this_kind", kinds)
        assert refusal.message() == f"{notes} was not read: the kinds of file taken here are {kinds}."
    (tmp_path / "layout.csv").write_text("shelf,zone,layers,capacity_units,accepts_sizes\nQ9,main,2,10,SML\n")
    assert layout_csv.import_layout_file(station, tmp_path / "layout.csv")["shelves"] == 1


def test_the_watched_folder_reads_the_kinds_an_import_reads(tmp_path: Path) -> None:
    from station_console.services.prealerts import parse, watch

    assert watch.SUFFIXES == parse.KINDS == (".csv", ".tsv", ".txt", ".json")
    (tmp_path / "a.xml").write_text("<x/>")
    refusal = refused(lambda: read_typed_bytes(tmp_path / "a.xml", kinds=parse.KINDS, follow_links=False))
    assert refusal.code == "not_this_kind"


def test_a_second_name_of_a_file_in_the_data_folder_is_refused_as_the_file_itself(
    station: Station, tmp_path: Path
) -> None:
    """The message file (phone numbers, a .txt a pre-alert import takes) under a second name outside the
    data folder, a hard link or the folder bound elsewhere: the same file, refused unread. Only the
    station's named files were compared by identity; the data folder's and the log's by path alone, so
    the link was read and its first line came back as a heading."""
    from station_console.services.core.station_files import data_folder

    sign_in(station)
    messages = data_folder() / "outbox-messages-WITH-PHONE-NUMBERS.txt"
    messages.parent.mkdir(parents=True, exist_ok=True)
    messages.write_text("to 13812345678: hunter2-at-the-counter 6-5-3002\n")
    second = tmp_path / "elsewhere" / "notes.txt"
    second.parent.mkdir()
    os.link(messages, second)
    refusal = refused(lambda: import_file(station, second))
    assert refusal.code == "station_file"
    assert "hunter2" not in said(refusal) and "5678" not in said(refusal)
    assert stored(station) == []


def test_a_file_swapped_for_a_link_after_its_checks_is_not_read_through_it(
    tmp_path: Path, secrets: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file checked is the file read: a pre-alert swapped for a link to the secrets between the
    check of the file found there and its reading (a folder others write to) was read through the link,
    its name and identity checked before it was opened again by name."""
    from station_console.services.core import typed_files

    path = tmp_path / "drop" / "alert.csv"
    path.parent.mkdir()
    path.write_text("waybill,phone\nZT1,5678\n")
    checked = typed_files._refuse_checked

    def check_then_swap(*args: object, **kwargs: object) -> None:
        checked(*args, **kwargs)  # type: ignore[arg-type]
        path.unlink()
        path.symlink_to(secrets)

    monkeypatch.setattr(typed_files, "_refuse_checked", check_then_swap)
    data = read_typed_bytes(path, kinds=(".csv",))
    assert data == b"waybill,phone\nZT1,5678\n"


def test_a_link_into_the_data_folder_or_to_a_folder_of_it_is_refused_and_so_is_a_deeper_second_name(
    station: Station, tmp_path: Path
) -> None:
    """A link to a backup, a link to the backups' folder typed through, and a hard link to a file two
    folders down: each the data folder's file, refused unread."""
    from station_console.services.core.station_files import data_folder

    sign_in(station)
    backup = data_folder() / "backups" / "2026" / "rows.csv"
    backup.parent.mkdir(parents=True)
    backup.write_text("waybill,phone\nhunter2-at-the-counter,13812345678\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "link.csv").symlink_to(backup)
    (elsewhere / "folder").symlink_to(backup.parent.parent)
    os.link(backup, elsewhere / "second.csv")
    for path in (
        elsewhere / "link.csv",
        elsewhere / "folder" / "2026" / "rows.csv",
        elsewhere / "second.csv",
    ):
        refusal = refused(lambda: import_file(station, path))  # noqa: B023
        assert refusal.code == "station_file", path
        assert "hunter2" not in said(refusal) and "5678" not in said(refusal)
    assert stored(station) == []


def test_a_file_with_one_name_is_read_without_a_look_at_each_file_of_the_data_and_log_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file with no second name can be none of their files under one: each of them was looked at on
    every typed read (5,000 logs and backups: 300 ms). Their folders are still listed (one bound under
    another path is theirs)."""
    from station_console.services.core.station_files import data_folder

    backups, logs = data_folder() / "backups", log_path().parent
    for folder in (backups, logs):
        folder.mkdir(parents=True, exist_ok=True)
        for n in range(50):
            (folder / f"old-{n}.log").write_text("x")
    typed = tmp_path / "alert.csv"
    typed.write_text("waybill\nZT1\n")
    looked_at: list[Path] = []
    stat = os.stat

    def watched(path: object, *args: object, **kwargs: object) -> os.stat_result:
        looked_at.append(Path(str(path)))
        return stat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", watched)
    assert read_typed_bytes(typed, kinds=(".csv",)) == b"waybill\nZT1\n"
    assert [path for path in looked_at if path.parent in (backups, logs)] == []
    assert typed.parent in looked_at  # the folder it was opened from, compared with theirs
