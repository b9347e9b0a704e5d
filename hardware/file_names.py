"""A file written whole under a name nothing else has, and text made fit to be part of a file's name.

Shared by the file printer (`printers.transports`, one file per job) and the console's private files
(`station_console.private_files.write_new`): hardware may not import the console, the console may import
hardware, so the one way to claim a name lives here.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from pathlib import Path

# A link refused by the file system, not by the name: a FAT drive, a share without hard links. A CIFS/SMB
# share answers EACCES for a link it does not make as for a folder it will not let this user write in;
# the name is then claimed by an exclusive create, which a folder truly closed to this user refuses with
# EACCES as well, so that is still said as a permission problem, and this write leaves nothing behind.
NO_HARD_LINKS = frozenset(
    {errno.EPERM, errno.EACCES, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EMLINK}
)


def claim_name(written: str | Path, name: str | Path, mode: int = 0o600) -> None:
    """`written` (a whole file, in the same folder) under `name` too; `FileExistsError` when `name` is
    taken, however it came (a look, then a rename, would write over a file arriving meanwhile). Where
    links cannot be made the name is claimed empty by an exclusive create and `written` moved over it,
    and then it is no longer under its own name; a move that fails takes the claim away (an empty file
    left under the name would be read as a blank job or an empty export)."""
    try:
        os.link(written, name, follow_symlinks=False)
        return
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in NO_HARD_LINKS:
            raise
    os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode))
    try:
        os.replace(written, name)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


# Kept in a name: letters and digits of any script, `.`, `_` and `-`; control, format (zero-width, bidi)
# and every other character, a path separator above all, become one `_`.
_NOT_KEPT = re.compile(r"[^\w.-]+")
_DOTS = re.compile(r"\.{2,}")  # `..` nowhere in a name


def name_part(text: str, limit: int = 32) -> str:
    """`text` fit to be part of a file's name: safe characters only (`_` for a run of others), no `..`,
    no dot, `_` or `-` at either end (a hidden file, an option), at most `limit` characters; "" for text with nothing to keep."""
    part = _DOTS.sub(".", _NOT_KEPT.sub("_", text))
    part = "".join(c for c in part if c.isprintable())  # \w takes no control, but be sure of format ones
    return part.strip("._-")[:limit].strip("._-")
