"""Files that hold personal data: created 0600 in 0700 folders, and written whole or not at all.

Backups, report exports, a person's data export, labels written to a file, run sheets, manifests,
carrier event files, the message file and the log all carry phone numbers, names or pickup codes. They are created readable by this user only, in folders made for this user only
(an existing folder someone chose, like /media/usb, is left as it is). `write_atomic` writes to a
temporary file in the same folder, fsyncs it and renames it over the target, so a full disk or a
crash leaves the old file or nothing, never half a file; `write_new` puts it under a name nothing has
(`-2`, `-3`, ...), never over a file already there or arriving meanwhile.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import secrets
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

from hardware.file_names import claim_name
from hardware.messages import Message
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.validation_reasons import InvalidValue

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
_DENIED = N_("this user may not write there (permission denied)")
# Why a write failed, in the reader's language: the system's `strerror` is English on a Chinese screen.
_WRITE_REASONS = {
    errno.EACCES: _DENIED,
    errno.EPERM: _DENIED,
    errno.EROFS: N_("the disk it is on is read-only"),
    errno.ENOENT: N_("its folder does not exist"),
    errno.ENOTDIR: N_("a file is where its folder should be"),
    errno.EEXIST: N_("a file is where its folder should be"),  # a folder made over a file
    errno.EISDIR: N_("it is a folder, not a file"),
    errno.ENOSPC: N_("the disk is full"),
    errno.ENAMETOOLONG: N_("its name is too long for the disk"),
}


def private_dir(path: Path, *, tighten: bool = False) -> Path:
    """Create `path` (and missing parents) as 0700. `tighten`: an existing folder of ours loses group
    and other access too (the station's own data and log folders)."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=PRIVATE_DIR)
        os.chmod(folder, PRIVATE_DIR)  # mkdir's mode is cut by the umask
    if tighten and path.is_dir() and stat.S_IMODE(path.stat().st_mode) & 0o077:
        os.chmod(path, stat.S_IMODE(path.stat().st_mode) & ~0o077)
    return path


class FolderIsLink(OSError):
    """`opened_private_dir` was given a folder that is a link: it is never followed."""


@contextlib.contextmanager
def opened_private_dir(path: Path) -> Iterator[int]:
    """`path` (created if missing) opened without following a link, made this user's only through what
    was opened, never by its name: a link swapped in after a check would have the folder it points to
    re-moded. Yields the folder's descriptor, for writes into it (`dst_dir_fd=`); a link raises
    `FolderIsLink`."""
    made = False
    with contextlib.suppress(FileExistsError):
        os.mkdir(path, PRIVATE_DIR)
        made = True
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as exc:
        # Linux answers a link with ENOTDIR when a directory is asked for, ELOOP otherwise.
        if exc.errno == errno.ELOOP or (exc.errno == errno.ENOTDIR and os.path.islink(path)):
            raise FolderIsLink(errno.ELOOP, os.strerror(errno.ELOOP), str(path)) from exc
        raise
    try:
        found = os.fstat(fd)
        if not stat.S_ISDIR(found.st_mode):
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path))
        mode = stat.S_IMODE(found.st_mode)
        if made and mode != PRIVATE_DIR:
            os.fchmod(fd, PRIVATE_DIR)  # mkdir's mode is cut by the umask
        elif mode & 0o077:
            os.fchmod(fd, mode & ~0o077)
        yield fd
    finally:
        os.close(fd)


def tighten_file(path: Path) -> None:
    """Take group and other access away from an existing file (an older station's database, say)."""
    with contextlib.suppress(FileNotFoundError):
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            os.chmod(path, mode & ~0o077)


def write_failed(path: Path, exc: OSError) -> Refused:
    """The refusal for a file that could not be written (nothing of it was left behind); the system's
    words go to the log."""
    logging.getLogger(__name__).warning("cannot write %s: %s", path, exc)
    if exc.errno in _FULL:
        return Refused(
            N_("The disk is full: {file} was not written (nothing of it was left)."),
            code="disk_full",
            file=str(path),
        )
    return Refused(
        N_("Cannot write {file}: {reason}"),
        code="write_failed",
        file=str(path),
        reason=write_reason(exc),
    )


def write_reason(exc: OSError) -> InvalidValue | str:
    """Why `exc` stopped a write, translated when shown; an error this console has no words for by its
    errno's name (`EIO`), which the log explains."""
    msgid = _WRITE_REASONS.get(exc.errno or 0)
    if msgid is not None:
        return InvalidValue(msgid)
    return errno.errorcode.get(exc.errno or 0, type(exc).__name__)


def write_reason_message(exc: OSError) -> Message | str:
    """`write_reason` as a hardware `Message`, for a message stored by its id and read in the reader's
    language (a print job's error, a carrier event's)."""
    reason = write_reason(exc)
    return Message(reason.msgid) if isinstance(reason, InvalidValue) else reason


@contextmanager
def staged(path: Path) -> Iterator[Path]:
    """A new private temporary file beside `path`; renamed over `path` when the block ends cleanly,
    removed when it raises. The caller writes the file (any way it likes) inside the block."""
    with _staging(path, os.replace) as tmp:
        yield tmp


@contextmanager
def _staging(path: Path, publish: Callable[[Path, Path], object]) -> Iterator[Path]:
    """`staged`, the written file put in place by `publish(tmp, path)`."""
    # The target's name cut: a name the disk takes (255 bytes) is not refused for its temporary one's.
    tmp = path.with_name(f".{path.name[:40]}.{secrets.token_hex(4)}.tmp")
    try:
        private_dir(path.parent)  # a folder it cannot make (a file in its place) is refused in words too
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
        yield tmp
        _fsync(tmp)
        publish(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        _remove(tmp)
        raise write_failed(path, exc) from exc
    except BaseException:
        _remove(tmp)
        raise


def write_atomic(path: Path, data: bytes | str | Callable[[BinaryIO], None]) -> None:
    """Write `data` (bytes, text as UTF-8, or a function writing to a binary file) to `path`, whole."""
    with staged(path) as tmp:
        _write_data(tmp, data)


def write_new(path: Path, data: bytes | str | Callable[[BinaryIO], None]) -> Path:
    """`write_atomic` under `path`'s name or, when something is there, the first of `<stem>-2<suffix>`,
    `-3`, ... free; never over a file or link, not even one arriving while `data` is written (another
    counter saving into the same shared folder at that moment). Returns the path written."""
    written: list[Path] = []
    with _staging(path, lambda tmp, _path: written.append(_link_new(tmp, path))) as tmp:
        _write_data(tmp, data)
    return written[0]


_NEW_NAMES_TRIED = 1000
ALL_NAMES_TAKEN = N_(
    "Cannot write {file}: that name and every next one up to {last} are taken. Move some files out of "
    "that folder and try again."
)


def _link_new(tmp: Path, path: Path) -> Path:
    """`tmp` given the first free name of `path`, `<stem>-2<suffix>`, ...: a link (or an exclusive
    create) fails on a name already there however it came, where a look then a rename would replace it."""
    for n in range(1, _NEW_NAMES_TRIED + 1):
        target = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
        try:
            claim_name(tmp, target, PRIVATE_FILE)  # the file printer's jobs take their names the same way
        except FileExistsError:
            continue
        _remove(tmp)  # still there when linked: the file is now under `target` alone
        return target
    # Not an OSError: EEXIST would be said as a file where its folder should be (`_WRITE_REASONS`).
    raise Refused(ALL_NAMES_TAKEN, code="write_failed", file=str(path), last=target.name)


def _write_data(tmp: Path, data: bytes | str | Callable[[BinaryIO], None]) -> None:
    with open(tmp, "wb") as out:
        if callable(data):
            data(out)
        else:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)


def open_private_append(path: Path) -> BinaryIO:
    """Open `path` for appending, created 0600 in a 0700 folder (a label file, the audit anchors)."""
    return os.fdopen(_append_fd(path), "ab")


def open_private_append_text(
    path: Path, *, encoding: str | None = "utf-8", errors: str | None = None
) -> TextIO:
    """`open_private_append` for text: a file of lines (carrier events, messages, the log)."""
    return os.fdopen(_append_fd(path), "a", encoding=encoding, errors=errors)


def _append_fd(path: Path) -> int:
    private_dir(path.parent)
    return os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    # Not every filesystem lets a folder be fsynced; and the file is whole and in place by now, so a
    # failure here must not tell the caller "not written" of a file that exists.
    with contextlib.suppress(OSError):
        _fsync(path)


def _remove(path: Path) -> None:
    """The file and what SQLite may have left beside it, if it wrote one there."""
    from db.engine import SQLITE_BESIDE  # here: `station --help` loads this module, and no database layer

    for leftover in (path, *(Path(f"{path}{suffix}") for suffix in SQLITE_BESIDE)):
        # Any OSError: nothing was written there (a file where its folder should be, a name too long),
        # and the write's own error is the one to say, not this clean-up's.
        with contextlib.suppress(OSError):
            leftover.unlink()
