"""Which b-trees (tables and indexes) a commit's WAL frames belong to: where a durable commit's pages go.

Each page a commit changes is appended to the WAL as a frame (a 24-byte header naming the page, then
the page) and fsynced with it, so each one costs the commit a write whatever it holds. The WAL's
format: a 32-byte header whose salts every frame of the current WAL repeats (frames past the first
one that does not are left over from before a restart), then the frames. SQLite's `dbstat` table
names each page's b-tree.
"""

from __future__ import annotations

import os
import sqlite3
import struct
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

_WAL_HEADER = struct.Struct(">IIIIIIII")  # magic, version, page size, checkpoint no, salt 1, salt 2, checksum
_FRAME_HEADER = struct.Struct(">IIIIII")  # page no, size after a commit (else 0), salt 1, salt 2, checksum


def frame_pages(wal: Path) -> list[int]:
    """The page number of each frame in the WAL at `wal`, in order (none when it is empty or missing)."""
    try:
        data = wal.read_bytes()
    except FileNotFoundError:
        return []
    if len(data) < _WAL_HEADER.size:
        return []
    _magic, _version, page_size, _checkpoint, salt1, salt2, _c1, _c2 = _WAL_HEADER.unpack_from(data)
    pages = []
    offset = _WAL_HEADER.size
    while offset + _FRAME_HEADER.size + page_size <= len(data):
        page, _size, frame_salt1, frame_salt2, _f1, _f2 = _FRAME_HEADER.unpack_from(data, offset)
        if (frame_salt1, frame_salt2) != (salt1, salt2):
            break
        pages.append(page)
        offset += _FRAME_HEADER.size + page_size
    return pages


def file_frames(wal: Path) -> int:
    """How many frames the WAL at `wal` holds, the current WAL's and any left over from before a restart
    (none when it is empty or missing)."""
    try:
        with wal.open("rb") as f:
            header = f.read(_WAL_HEADER.size)
            size = os.fstat(f.fileno()).st_size
    except FileNotFoundError:
        return 0
    if len(header) < _WAL_HEADER.size:
        return 0
    page_size = _WAL_HEADER.unpack(header)[2]
    return (size - _WAL_HEADER.size) // (_FRAME_HEADER.size + page_size)


class PageOwners:
    """Page number -> "b-tree name" (with " (interior)" for a page above the leaves), read from `dbstat`
    on `conn` and read again when a page it does not know shows up (a split's new page)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.owners: dict[int, str] = {}
        self.refresh()

    def refresh(self) -> None:
        self.owners = {
            page: name if kind == "leaf" else f"{name} (interior)"
            for name, page, kind in self.conn.execute("SELECT name, pageno, pagetype FROM dbstat")
        }

    def count(self, pages: list[int]) -> Counter[str]:
        if any(page not in self.owners for page in pages):
            self.refresh()
        return Counter(self.owners.get(page, "(free)") for page in pages)


def pages_by_btree(sqlite_path: str, commits: Iterator[object], n: int) -> dict[str, float]:
    """Frames per commit by b-tree, over `n` commits of `commits` (each `next` makes one commit on
    `sqlite_path`): the WAL is emptied before each and its frames read after it.

    A commit whose WAL could not be emptied (another connection held it) is not counted."""
    wal = Path(f"{sqlite_path}-wal")
    total: Counter[str] = Counter()
    counted = 0
    conn = sqlite3.connect(sqlite_path, isolation_level=None)
    try:
        owners = PageOwners(conn)
        for _commit in range(n):
            busy, _frames, _copied = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            next(commits)
            if busy:
                continue
            total += owners.count(frame_pages(wal))
            counted += 1
    finally:
        conn.close()
    return {name: pages / counted for name, pages in total.most_common()} if counted else {}
