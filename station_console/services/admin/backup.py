"""Backups. SQLite: the online backup API, safe while consoles are writing (WAL). PostgreSQL: pg_dump,
whose command line we print (it needs the server's client tools and credentials, not us)."""

from __future__ import annotations

import shlex
import sqlite3
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url

from station_console.errors import Refused
from station_console.i18n import N_

REQUIRED_TABLES = {"parcel", "parcel_event", "layer", "shelf"}


def _sqlite_path(engine: Engine) -> str:
    if engine.dialect.name != "sqlite" or not engine.url.database or engine.url.database == ":memory:":
        raise Refused(N_("Only a SQLite database file can be backed up this way"), code="not_sqlite")
    return engine.url.database


def pg_dump_command(url: str, target: Path) -> str:
    """The pg_dump command that backs up the PostgreSQL database at `url` into `target` (custom format)."""
    u = make_url(url)
    # No password: it goes in PGPASSWORD or ~/.pgpass, never on a command line.
    bare = URL.create(
        "postgresql", username=u.username, host=u.host, port=u.port, database=u.database, query=u.query
    )
    conninfo = bare.render_as_string(hide_password=False)
    return f"pg_dump --format=custom --file={shlex.quote(str(target))} {shlex.quote(conninfo)}"


def backup_sqlite(engine: Engine, target: Path, *, overwrite: bool = False) -> int:
    """Copy the live SQLite database into `target` page by page; returns the size in bytes."""
    source = _sqlite_path(engine)
    if target.exists() and not overwrite:
        raise Refused(N_("{file} exists already; choose another name"), code="file_exists", file=str(target))
    if target.resolve() == Path(source).resolve():
        raise Refused(N_("A backup cannot overwrite the database itself"), code="same_file")
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst, pages=1024)  # in steps, so other counters' writes are not held up
    finally:
        dst.close()
        src.close()
    return target.stat().st_size


def check_backup(path: Path) -> None:
    """Refuse a file that is not a readable station database."""
    if not path.is_file():
        raise Refused(N_("No file {file}"), code="no_file", file=str(path))
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise sqlite3.DatabaseError("quick_check failed")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        raise Refused(
            N_("{file} is not a readable SQLite database"), code="not_a_backup", file=str(path)
        ) from None
    if not tables >= REQUIRED_TABLES:
        raise Refused(N_("{file} is not a station database"), code="not_a_backup", file=str(path))


def restore_sqlite(engine: Engine, source: Path) -> None:
    """Replace the SQLite database's contents with the backup `source` (the online backup API, reversed).

    Other consoles must be closed first: they would keep working on what they last read.
    """
    target = _sqlite_path(engine)
    check_backup(source)
    engine.dispose()  # no pooled connection keeps reading the old pages
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
