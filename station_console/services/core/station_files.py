"""The station's own files, which no path typed at the console is read from: this counter's settings
(counter.toml, `$STATION_CONFIG`) and secrets (secrets.toml beside it), the database (the default file,
`$STATION_DB`'s, and any this process opened, with its -wal, -shm and -journal), the log folder and the
data folder (the anchors, the message file with phone numbers, reports, PDFs: all written 0600 by the
station alone).

A pre-alert file, a directory, a layout or a rule file is read and its refusals quote what they found
(a heading, a bad cell); read from one of these, a clerk would be shown a line of the secrets. So the
path is compared after links are followed, and the file opened by its identity too (a second name of
the same file, a hard link or a private folder bound under another path, is the same file)."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterable
from pathlib import Path

from platformdirs import user_data_dir

from station_console.counter_config import APP_NAME, config_path
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.logs import log_path
from station_console.safe_text import cut
from station_console.secrets_file import secrets_path

log = logging.getLogger(__name__)

STATION_FILE = N_(
    "{path} is one of this station's own files (its settings, secrets, database, log or data): "
    "it was not read. Type the path of the file you mean."
)


def _sqlite_file(url: str) -> Path | None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    with contextlib.suppress(ArgumentError, ValueError):
        parsed = make_url(url)
        name = parsed.database
        if (
            parsed.get_backend_name() == "sqlite"
            and name
            and name != ":memory:"
            and not name.startswith("file:")
        ):
            return Path(name)
    return None


def _database_files() -> list[Path]:
    # Imported here: a command's path reader (`typed_path`) is loaded by `station --help`, which loads
    # no database layer.
    from db.engine import SQLITE_BESIDE, default_database_path, opened_sqlite_files

    named = [default_database_path(), *opened_sqlite_files()]
    from_env = _sqlite_file(os.environ.get("STATION_DB", ""))
    if from_env is not None:
        named.append(from_env)
    return [Path(f"{db}{end}") for db in named for end in ("", *SQLITE_BESIDE)]


def private_files() -> list[Path]:
    """The station's own files, each by the path it is known by."""
    return [config_path(), secrets_path(), *_database_files()]


def private_folders() -> list[Path]:
    """Folders whose every file is the station's own: the log's, and the data folder."""
    return [log_path().parent, data_folder()]


def data_folder() -> Path:
    """The station's data folder (the default database's, the anchors', reports')."""
    return Path(user_data_dir(APP_NAME, appauthor=False))


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a link loop: compared as named
        return path.absolute()


def _names_one(resolved: Path, files: Iterable[Path], folders: Iterable[Path]) -> bool:
    if resolved in {_resolved(f) for f in files}:
        return True
    return any(resolved.is_relative_to(_resolved(folder)) for folder in folders)


def _identities(paths: Iterable[Path]) -> set[tuple[int, int]]:
    found = set()
    for path in paths:
        with contextlib.suppress(OSError):  # not there (no -wal now): nothing of it to read
            info = os.stat(path)
            found.add((info.st_dev, info.st_ino))
    return found


def _on_disk_of(identity: tuple[int, int], folders: Iterable[Path]) -> list[Path]:
    """The folders on the disk the file `identity` names is on: only their files can be it (a file on a
    USB stick or a share costs nothing)."""
    found = []
    for folder in folders:
        with contextlib.suppress(OSError):  # no such folder yet: nothing in it
            if os.stat(folder).st_dev == identity[0]:
                found.append(folder)
    return found


def _has_file(identity: tuple[int, int], folders: Iterable[Path]) -> bool:
    """Whether a file of `folders` (any depth) is the file `identity` names: each file looked at."""
    for folder in folders:
        for root, _dirs, files in os.walk(folder):
            for name in files:
                with contextlib.suppress(OSError):  # gone while walked
                    info = os.stat(os.path.join(root, name), follow_symlinks=False)
                    if (info.st_dev, info.st_ino) == identity:
                        return True
    return False


def _folder_identities(folders: Iterable[Path]) -> set[tuple[int, int]]:
    """The identities of `folders` and of every folder in them (any depth): their files are not looked
    at, only listed (a listing's entry says whether it is a folder)."""
    found: set[tuple[int, int]] = set()
    pending = list(folders)
    while pending:
        folder = pending.pop()
        with contextlib.suppress(OSError):  # gone while walked
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in found:
                continue  # a folder bound inside itself: walked once
            found.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as entries:
                pending.extend(Path(entry.path) for entry in entries if entry.is_dir(follow_symlinks=False))
    return found


def _in_folders(path: Path, opened: os.stat_result, folders: Iterable[Path]) -> bool:
    """Whether the file opened from `path` (`opened`: its fstat) is a file of the private folders under
    another name: a second name of one (a hard link), or the file itself in one of them bound under
    another path (a bind mount: the folder it was opened from is one of theirs). A file with one name
    has no second one: only a file with more is looked for among their files, each of them looked at
    (a typed read of a file with one name walked 5,000 logs and backups, 300 ms, for nothing)."""
    identity = (opened.st_dev, opened.st_ino)
    folders = _on_disk_of(identity, folders)
    if not folders:
        return False
    if opened.st_nlink > 1 and _has_file(identity, folders):
        return True
    return not _identities([_resolved(path).parent]).isdisjoint(_folder_identities(folders))


def same_file(path: Path, files: Iterable[Path]) -> bool:
    """`path` is one of `files`: the same path once links are followed, or the same file under another
    name (a hard link: device and inode). A file not there has no identity and is none of them."""
    files = list(files)
    if _resolved(path) in {_resolved(f) for f in files}:
        return True
    return not _identities([path]).isdisjoint(_identities(files))


def refuse_station_file(
    path: Path, opened: os.stat_result | None = None, *, follow_links: bool = True
) -> None:
    """Refuse `path` (as typed, `~` made the user's folder) when it names one of the station's own
    files, links followed (`follow_links=False`: its folders' only, a link itself is refused as one
    when opened); `opened` (the fstat of the file opened): when it is one of them, or a file of the
    private folders, under another name. Logged as a warning, without anything of the file."""
    if opened is None:
        named = _resolved(path) if follow_links else _resolved(path.parent) / path.name
        own = _names_one(named, private_files(), private_folders())
    else:
        own = (opened.st_dev, opened.st_ino) in _identities(private_files()) or _in_folders(
            path, opened, private_folders()
        )
    if own:
        shown = cut(str(path), 200)
        log.warning("a typed path named one of the station's own files, refused unread: %s", shown)
        raise Refused(STATION_FILE, code="station_file", path=shown)
