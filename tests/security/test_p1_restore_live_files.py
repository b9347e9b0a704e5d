"""Point 1: a restore never reads from the live station database, nor from the -wal or -shm SQLite keeps
beside it, by any name (the name itself, a symbolic or a hard link); a backup never writes over one.

Read through a second name, SQLite does not see the live -wal: the "backup" would be the database as it
was at its last checkpoint, and the station would lose what it acknowledged since. A name compared after
links are followed missed a hard link: the file is compared by its identity (device and inode) too."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from station_helpers import snapshot

from security.helpers import Run
from security.restore_helpers import MANAGER, restore
from station_console.errors import Refused
from station_console.services.admin import backup
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station

LIVE = "is the live station database (or a file SQLite keeps beside it), not a backup"


def _database(station: Station) -> Path:
    return Path(station.engine.url.database or "")


def test_a_hard_link_to_the_live_database_is_refused_as_the_database(
    cli: Callable[..., Run], live: Station, tmp_path: Path
) -> None:
    link = tmp_path / "looks-like-a-backup.sqlite3"
    os.link(_database(live), link)
    before = snapshot(live)
    result = restore(cli, live, link, *MANAGER)
    assert result.code == 1, result.output
    assert f"{link} {LIVE}" in result.err, result.err
    assert snapshot(live) == before
    assert not list(tmp_path.glob("station.sqlite3.before-restore-*"))  # nothing was swapped


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
@pytest.mark.parametrize("how", ["name", "symlink", "hard link"])
def test_the_live_files_by_any_name_are_refused_before_a_byte_is_read(
    live: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str, how: str
) -> None:
    """The -wal and -shm were refused only once read, as no SQLite file (their first bytes differ), and
    a hard link to the database was read as a backup."""
    check_in(live, "JT1234567890125")  # the live database open, its -wal and -shm beside it
    own = Path(f"{_database(live)}{suffix}")
    assert own.exists()
    named = {"name": own, "symlink": tmp_path / f"s{suffix}", "hard link": tmp_path / f"h{suffix}"}[how]
    if how == "symlink":
        named.symlink_to(own)
    elif how == "hard link":
        os.link(own, named)
    opened: list[str] = []
    real_open = open

    def watched_open(file: object, *args: object, **kwargs: object) -> object:
        opened.append(str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", watched_open)
    for check in (backup.check_restore_file, backup.restore_sqlite):
        with pytest.raises(Refused) as refused:
            check(live, named)
        assert refused.value.code == "same_file" and refused.value.message("en") == f"{named} {LIVE}."
    assert str(named) not in opened
    assert not list(tmp_path.glob("station.sqlite3.before-restore-*"))


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_a_backup_never_writes_over_a_hard_link_to_the_live_files(
    live: Station, tmp_path: Path, suffix: str
) -> None:
    """`backup --overwrite` to a second name of the database or its -wal: that name would stop being the
    live file without a word; it is refused as the file itself is."""
    check_in(live, "JT1234567890125")
    own = Path(f"{_database(live)}{suffix}")
    link = tmp_path / f"copy{suffix}.sqlite3"
    os.link(own, link)
    with pytest.raises(Refused) as refused:
        backup.backup_sqlite(live, link, overwrite=True)
    assert refused.value.code == "same_file"
    assert os.path.samefile(link, own)  # still the live file's other name
