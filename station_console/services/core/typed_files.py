"""A file a clerk or manager names by a path typed at the console (a rule file, waybill stock, a shelf
layout, a pre-alert file, a directory), read off the screen's thread and refused in the clerk's words when
it is a folder, missing, too large, not to be read or not text (`decode_text`: UTF-8, UTF-16 or GBK); the
system's English goes to the log. Each caller names the kinds it reads (its suffixes): a file of another
kind, or one of the station's own (`station_files`: its settings, secrets, database, log), is refused
unread, so no refusal quotes a line of it. A path is
data: `~` is the user's folder, nothing else in it is expanded (no pattern, no variable). An import that
previews a file first keeps its bytes' digest, and the import refuses the file if its bytes changed since."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import stat
from pathlib import Path

from station_console.errors import Refused
from station_console.i18n import N_
from station_console.safe_text import cut
from station_console.services.core.station_files import refuse_station_file

LINK_NOT_READ = N_("{path} is a link to another file: it was not read.")
NOT_THIS_KIND = N_("{path} was not read: the kinds of file taken here are {kinds}.")


def typed_path(path: Path) -> Path:
    """The path as typed, `~` made the user's folder ("~name" of no user here: kept, read as no such
    file)."""
    with contextlib.suppress(RuntimeError):
        return path.expanduser()
    return path


def folder_refused(path: Path) -> Refused:
    """The refusal of a folder given where a file is wanted (read or written), wherever it is given."""
    return Refused(
        N_("{path} is a folder: type the path of a file."),
        code="is_folder",
        path=cut(str(typed_path(path)), 200),
    )


def read_typed_bytes(
    path: Path,
    *,
    kinds: tuple[str, ...],
    max_bytes: int | None = None,
    too_large: str = "",
    follow_links: bool = True,
) -> bytes:
    """The file's bytes; a `Refused` saying what is wrong with it. `kinds`: the suffixes the caller
    reads (".csv"); a file of another kind is refused unread (`not_this_kind`, naming them), and so is
    one of the station's own files, links followed (`station_file`: `station_files`). Past `max_bytes`
    it is refused with `too_large` (a msgid taking `path` and `mb`). `follow_links=False`: a link is
    refused unread (`is_link`), checked as the file is opened, so a file swapped for a link after a
    caller looked at it is not read either (the watched folder, where others drop files; a clerk's own
    typed path may name a link)."""
    path = typed_path(path)
    shown = cut(str(path), 200)
    try:
        is_dir, is_file = path.is_dir(), path.is_file()
    except OSError:  # a name longer than the system takes (255 bytes): no such file can be there
        is_dir = is_file = False
    if is_dir:
        raise folder_refused(path)
    if not is_file:
        raise Refused(N_("No such file: {path}."), code="no_file", path=shown)
    refuse_station_file(path, follow_links=follow_links)
    refuse_other_kind(path, kinds, follow_links=follow_links)
    try:
        return _read(path, shown, max_bytes, too_large, follow_links)
    except PermissionError as exc:
        raise Refused(
            N_("{path} may not be read by this console: let it be read, or copy it elsewhere."),
            code="bad_file",
            path=shown,
        ) from exc
    except OSError as exc:  # its words are the system's English: the log keeps them
        logging.getLogger(__name__).warning("cannot read %s: %s", shown, exc)
        raise Refused(
            N_("{path} could not be read: its disk or network share did not answer."),
            code="bad_file",
            advice=N_("Check that it is connected, then type the path again."),
            path=shown,
        ) from exc


def refuse_other_kind(path: Path, kinds: tuple[str, ...], *, follow_links: bool = True) -> None:
    """Refuse, unread, a file whose name does not end in one of `kinds` (nor, a link followed, the
    file it leads to): what is not a file of the kind asked for is not read, so nothing of it (its
    first line, as a heading the import cannot find) is shown back."""
    names = [path.name]
    if follow_links:
        with contextlib.suppress(OSError, RuntimeError):  # a link loop: opened, and refused, by its name
            names.append(path.resolve().name)
    if not all(Path(name).suffix.lower() in kinds for name in names):
        raise Refused(NOT_THIS_KIND, code="not_this_kind", path=cut(str(path), 200), kinds=", ".join(kinds))


def open_file(path: Path, flags: int) -> int:
    """The file opened for reading, its descriptor: where the system says it may not be read (EACCES)
    or its disk did not answer (EIO)."""
    return os.open(path, flags)


def _read(path: Path, shown: str, max_bytes: int | None, too_large: str, follow_links: bool) -> bytes:
    """The file's bytes once it is checked: a file, not one of the station's own under another name (a
    hard link), not past `max_bytes`. Opened once, checked by what was opened and read from it: a file
    swapped for a link after the check is not read through it. O_NONBLOCK: a pipe put in the file's
    place is not waited on, but refused. `follow_links=False`: a link is refused (`is_link`)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if follow_links else os.O_NOFOLLOW)
    try:
        fd = open_file(path, flags)
    except OSError as exc:
        if not follow_links and exc.errno == errno.ELOOP:
            raise Refused(LINK_NOT_READ, code="is_link", path=shown) from exc
        raise
    with os.fdopen(fd, "rb") as file:
        found = os.fstat(file.fileno())
        if not stat.S_ISREG(found.st_mode):
            raise Refused(N_("No such file: {path}."), code="no_file", path=shown)
        _refuse_checked(path, shown, found, max_bytes, too_large)
        return file.read()


def _refuse_checked(
    path: Path, shown: str, found: os.stat_result, max_bytes: int | None, too_large: str
) -> None:
    refuse_station_file(path, found)
    if max_bytes is not None and found.st_size > max_bytes:
        raise Refused(too_large, code="file_too_large", path=shown, mb=max_bytes // (1024 * 1024))


def decode_text(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) of a file's bytes as spreadsheets and editors save text, None when it is none of
    these: a byte-order mark says UTF-8 or UTF-16 (Excel's "Unicode text"); else strict UTF-8; else
    GB 18030, a superset of GBK (Excel in China saves CSV in GBK). Every typed file's text is read so."""
    attempts: tuple[str, ...]
    if data.startswith(b"\xef\xbb\xbf"):
        attempts = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        attempts = ("utf-16",)
    else:
        attempts = ("utf-8", "gb18030")
    for codec in attempts:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    return None


def read_typed_file(
    path: Path, *, kinds: tuple[str, ...], max_bytes: int | None = None, too_large: str = ""
) -> str:
    """The file's text (`decode_text`, a byte-order mark dropped); refused as `read_typed_bytes` refuses,
    or as no text it can read."""
    decoded = decode_text(read_typed_bytes(path, kinds=kinds, max_bytes=max_bytes, too_large=too_large))
    if decoded is None:  # Python's own words would be English on a Chinese screen
        raise Refused(
            N_("{path} is neither UTF-8 nor GBK text: save it as UTF-8 and type its path again."),
            code="bad_file",
            path=cut(str(typed_path(path)), 200),
        )
    return decoded[0]


def content_digest(data: bytes) -> str:
    """The sha256 of a file's bytes as read: an import can insist on the very file its preview showed."""
    return hashlib.sha256(data).hexdigest()


def refuse_if_changed(name: str, digest: str, previewed: str | None) -> None:
    """Refuse the file whole when its bytes are not those of the preview the clerk saw (`previewed`, a
    `content_digest`; None: there was no preview)."""
    if previewed is not None and digest != previewed:
        raise Refused(
            N_("{file} changed after its preview: nothing was imported. Preview it again."),
            code="file_changed",
            file=name,
        )
