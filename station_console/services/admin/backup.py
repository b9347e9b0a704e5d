"""Backups and restores. SQLite: the online backup API, safe while consoles are writing (WAL).
PostgreSQL: pg_dump, whose command line we print (it needs the server's tools and credentials, not us).

Both are a manager's acts. A backup refuses a damaged database, writes beside the target and renames
only a copy that passed `integrity_check` (a full disk leaves nothing), 0600 in a 0700 folder.

A restore trusts nothing in the file it is given: a copy of it is checked before anything changes.
It must pass `integrity_check`, carry a revision the migrations know (an older one is migrated, a newer
one refused), hold exactly the schema objects a new database of that revision has (a trigger, view,
index or table too many is refused: a planted trigger would run on every check-in), have every clerk in
its audit trail, and have an audit chain that verifies, through the closes this counter anchored up to
the backup's time. Then the restore is recorded in the current database's trail, the current file is
renamed aside (kept, so a wrong restore can be undone by restoring it), the copy is moved into place,
migrated, and the restore is recorded in its trail too.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import secrets
import shlex
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url

from db.engine import SQLITE_BESIDE, checkpointer_of, create_station_engine
from db.migrate import head_revision, known_revisions, schema_at, schema_objects, upgrade
from db.models import EventKind
from station_console.errors import Refused, StationError
from station_console.i18n import N_, Later, get_language, shown_params, translate
from station_console.logs import log_path
from station_console.private_files import PRIVATE_FILE, staged, write_failed
from station_console.services.core import anchors, audit
from station_console.services.core.health import DatabaseDamaged, check_database, check_file
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.core.station_files import same_file
from station_console.services.people.audit_trail import verify
from station_console.services.people.event_detail_labels import ROLE_LABELS
from station_console.services.scan.carriers import forget_detector

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Restored:
    source: Path
    revision: str  # the backup's revision (it is now at head)
    events: int
    kept_as: Path  # the replaced database, renamed: restore it to undo

    def to_json(self) -> dict[str, Any]:
        return {
            "file": str(self.source),
            "revision": self.revision,
            "events": self.events,
            "kept_as": str(self.kept_as),
        }


def _sqlite_path(engine: Engine) -> Path:
    if engine.dialect.name != "sqlite" or not engine.url.database or engine.url.database == ":memory:":
        raise Refused(N_("Only a SQLite database file can be backed up this way."), code="not_sqlite")
    return Path(engine.url.database)


def _live_files(database: Path) -> list[Path]:
    """A database file and the files SQLite keeps beside it while it is open (WAL mode; a rollback
    journal otherwise): the live database's, or a restore's copy's."""
    return [Path(f"{database}{end}") for end in ("", *SQLITE_BESIDE)]


def pg_dump_command(url: str, target: Path) -> str:
    """The pg_dump command that backs up the PostgreSQL database at `url` into `target` (custom format)."""
    u = make_url(url)
    # No password: it goes in PGPASSWORD or ~/.pgpass, never on a command line.
    bare = URL.create(
        "postgresql", username=u.username, host=u.host, port=u.port, database=u.database, query=u.query
    )
    conninfo = bare.render_as_string(hide_password=False)
    return f"pg_dump --format=custom --file={shlex.quote(str(target))} {shlex.quote(conninfo)}"


def check_backup_target(target: Path) -> None:
    """A backup is written into a file: a folder given is refused with a file's name in it to give instead."""
    if target.is_dir():
        raise Refused(
            N_("{file} is a folder: give the name of the backup file to write, such as {example}."),
            code="is_folder",
            file=str(target),
            example=str(target / "station-backup.sqlite3"),
        )


def backup_sqlite(station: Station, target: Path, *, overwrite: bool = False) -> int:
    """Copy the live SQLite database into `target` page by page; returns the size in bytes."""
    require(station, "backup")
    source = _sqlite_path(station.engine)
    check_backup_target(target)
    if target.exists() and not overwrite:
        raise Refused(N_("{file} exists already; choose another name."), code="file_exists", file=str(target))
    # Its -wal holds the latest transactions (not yet in the file): a copy renamed over it loses them.
    # A second name of one of them (a hard link) is refused too: that name would stop being the database.
    if same_file(target, _live_files(source)):
        raise Refused(N_("A backup cannot overwrite the database itself."), code="same_file")
    check_database(station.engine)  # a damaged database is not copied over a good backup
    with staged(target) as tmp:
        try:
            src = sqlite3.connect(source, timeout=30)
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst, pages=1024)  # in steps, so other counters' writes are not held up
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            finally:
                dst.close()
                src.close()
        except sqlite3.Error as exc:
            if "full" in str(exc).lower():
                raise write_failed(target, OSError(28, str(exc))) from exc
            # SQLite's words are English whatever the manager's language: they go to the log.
            log.error("the backup copy to %s failed", target, exc_info=exc)
            raise Refused(
                N_(
                    "{file} was not written: the database could not be copied into it. Check the disk and "
                    "the folder, then back up again (the reason is in the log, {log})."
                ),
                code="write_failed",
                file=str(target),
                log=str(log_path()),
            ) from exc
        check_file(tmp)  # the copy itself is read back and checked before it takes the name
        # Every parcel and phone number leaves the station in that file: the trail says so, as it says
        # one person's export, with the digest a restore of the file records. Recorded before the copy
        # takes the name, so a trail that cannot be written leaves no copy (nor a replaced older one).
        details = {"file": target.name, "sha256": _sha256(tmp)}
        station.run(lambda session: audit.record(session, station, EventKind.DB_BACKED_UP, details=details))
    return target.stat().st_size


def restore_sqlite(station: Station, source: Path) -> Restored:
    """Replace the station's SQLite database with the backup `source`, after checking a copy of it.

    Other consoles must be closed first (refused while one has the file open): they would keep
    working on the file that was renamed aside.
    """
    target = _check_source(station, source)
    digest = _sha256(source)
    stamp = station.now().strftime("%Y%m%dT%H%M%S")
    kept = target.with_name(f"{target.name}.before-restore-{stamp}")
    # The copy is made beside the database (same filesystem: the final move is a rename), checked,
    # migrated, and only then put in place; any refusal removes it and changes nothing.
    copy = target.with_name(f".{target.name}.restoring-{secrets.token_hex(4)}")
    try:
        os.close(os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
        _copy_file(source, copy)
        revision = _check_backup(copy, source)
        _migrate(copy)  # safe now: the file holds exactly a known revision's schema
        events, newest, restored_id = _check_trail(station, copy)
        _refuse_if_open_elsewhere(station, target)
        details = {
            "file": source.name,
            "sha256": digest,
            "revision": revision,
            "events": events,
            "kept_as": kept.name,
        }
        try:  # the replaced database's own trail says what replaced it, if it can still take a write
            station.run(
                lambda session: audit.record(session, station, EventKind.DB_RESTORED, details=details)
            )
        except StationError as exc:
            details["old_trail"] = exc.code
        _swap(station, target, copy, kept)
        anchors.append_restore(station.engine, newest, digest, restored_id)
    except OSError as exc:
        raise write_failed(target, exc) from exc
    finally:
        for leftover in _live_files(copy):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    station.engine = create_station_engine(str(station.engine.url))
    station.forget_settings()
    forget_detector(station)
    station.run(lambda session: audit.record(session, station, EventKind.DB_RESTORED, details=details))
    return Restored(source=source, revision=revision, events=events, kept_as=kept)


SQLITE_HEADER = b"SQLite format 3\x00"


def check_restore_file(station: Station, source: Path) -> None:
    """Refuse `source` as `restore_sqlite` would, writing nothing: asked before the manager is asked to
    confirm, so a file that cannot be restored is said at once. The audit chain is checked by the
    restore itself (an older backup's must be migrated first, which writes)."""
    _check_source(station, source)
    _check_backup(source, source)


def _check_source(station: Station, source: Path) -> Path:
    """The file named is a station backup's file at all (a regular file, a SQLite one, not the station
    database itself); the station database's path."""
    require(station, "restore")
    target = _sqlite_path(station.engine)
    if not source.exists():
        raise Refused(N_("No file {file}."), code="no_file", file=str(source))
    if not source.is_file():  # a folder, /dev/null, a pipe
        raise Refused(N_("{file} is not a file."), code="not_a_file", file=str(source))
    # By any name (a link, a hard link): read through another name, SQLite would not see the live -wal
    # and restore the database as it was at its last checkpoint; a -wal or -shm is no backup at all.
    if same_file(source, _live_files(target)):
        raise Refused(
            N_("{file} is the live station database (or a file SQLite keeps beside it), not a backup."),
            code="same_file",
            file=str(source),
        )
    try:
        with open(source, "rb") as data:
            header = data.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise write_failed(source, exc) from exc
    if header != SQLITE_HEADER:
        raise _not_a_backup(source)
    return target


def _not_a_backup(source: Path) -> Refused:
    return Refused(N_("{file} is not a station backup."), code="not_a_backup", file=str(source))


def _refuse_if_open_elsewhere(station: Station, target: Path) -> None:
    """Refuse while another console (or program) has the database open: it would go on writing into the
    file renamed aside, and a check-in it acknowledged would be missing from the restored station.

    Leaving WAL mode needs the only connection to the file, so it tells; WAL is set back at once. A
    console opened in the few seconds between this and the swap is not caught."""
    checkpointer = checkpointer_of(station.engine)
    # Our own connections are not another console's: the pool's closed, and our checkpointer's (a big
    # WAL left by a crash keeps it checkpointing for a while) waited for and held off meanwhile.
    with checkpointer.paused() if checkpointer is not None else contextlib.nullcontext():
        station.engine.dispose()
        _refuse_if_held(target)


def _refuse_if_held(target: Path) -> None:
    """The check itself: this process's own connections all closed."""
    in_use = Refused(
        N_(
            "Another console or program has the station database open: close it (Ctrl+Q), "
            "then restore again. Nothing was changed."
        ),
        code="database_in_use",
    )
    conn = sqlite3.connect(target, timeout=1)
    try:
        try:
            mode = str(conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]).lower()
        except sqlite3.OperationalError:
            mode = "wal"  # locked: another connection holds it
        if mode != "delete":
            raise in_use
        try:
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:  # a program opened it meanwhile and is reading: in use too
            raise in_use from None  # (the next console to connect sets WAL again)
    finally:
        conn.close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_file(source: Path, copy: Path) -> None:
    """The backup's pages, copied through SQLite (a WAL beside it is read in, nothing is written to it)."""
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(copy)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
    except sqlite3.DatabaseError:
        raise _not_a_backup(source) from None


@dataclass(frozen=True)
class _Why(Later):
    """Why a backup is refused, in the language the refusal is shown in (a clerk's name stays as it is)."""

    msgid: str
    params: tuple[tuple[str, Any], ...] = ()

    def message(self, lang: str | None = None) -> str:
        lang = lang or get_language()
        return translate(self.msgid, lang, **shown_params(dict(self.params), lang))


def _why(msgid: str, **params: Any) -> _Why:
    return _Why(msgid, tuple(params.items()))


def _refuse(reason: str | Later, **params: Any) -> Refused:
    return Refused(N_("This file cannot be restored: {reason}"), code="bad_backup", reason=reason, **params)


def _check_backup(copy: Path, source: Path) -> str:
    """Refuse a copy (of `source`, the file named; or that file itself) that is not exactly a station
    database of a known revision, reading it only; its revision."""
    try:
        check_file(copy)
    except DatabaseDamaged as exc:  # the file named is damaged, not the station's database: say so
        if "not a database" in str(exc.params["detail"]):
            raise _not_a_backup(source) from None
        raise _refuse(_why(N_("it is damaged ({detail})"), detail=exc.params["detail"])) from None
    conn = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        try:
            versions = [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
        except sqlite3.DatabaseError:
            raise _not_a_backup(source) from None
        if len(versions) != 1 or versions[0] not in known_revisions():
            newer = len(versions) == 1 and str(versions[0]) > (head_revision() or "")
            if newer:
                raise Refused(
                    N_("The backup was made by a newer station-console (schema {revision}); update first."),
                    code="backup_too_new",
                    revision=str(versions[0]),
                )
            raise _not_a_backup(source)
        revision = str(versions[0])
        found, expected = schema_objects(conn), schema_at(revision)
        extra = sorted(f"{kind} {name}" for kind, name, *_ in found - expected)
        missing = sorted(f"{kind} {name}" for kind, name, *_ in expected - found)
        if extra or missing:
            raise _refuse(_describe(extra, missing))
        clerks = conn.execute("SELECT id, name, role FROM clerk").fetchall()
        created = {
            (row[0], row[1])
            for row in conn.execute(
                "SELECT json_extract(details, '$.clerk_id'), json_extract(details, '$.role') FROM parcel_event "
                "WHERE kind = 'clerk_changed' AND json_extract(details, '$.change') = 'created'"
            )
        }
    finally:
        conn.close()
    for clerk_id, name, role in clerks:
        if (clerk_id, role) not in created:
            role_label = _why(ROLE_LABELS.get(role, str(role)))
            raise _refuse(
                _why(N_("clerk {name} ({role}) is not in its audit trail"), name=name, role=role_label)
            )
    return revision


def _check_trail(station: Station, copy: Path) -> tuple[int, int, str | None]:
    """The copy's audit chain verifies, through every close this counter anchored before the backup;
    (events, the newest event's id, the id of the station it is a backup of)."""
    engine = create_engine(f"sqlite:///{copy}")
    try:
        backup = Station(engine=engine, counter=station.counter)
        result = verify(backup, backup_of=station.engine)
        with backup.read() as session:
            restored_id = anchors.station_id(session)
    finally:
        engine.dispose()
    if not result.ok:
        raise _refuse(result.message())
    conn = sqlite3.connect(copy)
    try:
        newest = conn.execute("SELECT coalesce(max(id), 0) FROM parcel_event").fetchone()[0]
    finally:
        conn.close()
    return result.checked, int(newest), restored_id


def _describe(extra: list[str], missing: list[str]) -> _Why:
    def listed(names: list[str]) -> str:  # the schema's own names (table parcel): not translated
        return ", ".join(names[:4]) + (" ..." if len(names) > 4 else "")

    # The names in brackets, not after a colon: the refusal's own colon comes just before.
    if extra and missing:
        return _why(
            N_(
                "it has tables or other parts a station database does not have ({extra}) "
                "and lacks some it should have ({missing})"
            ),
            extra=listed(extra),
            missing=listed(missing),
        )
    if extra:
        return _why(
            N_("it has tables or other parts a station database does not have ({extra})"), extra=listed(extra)
        )
    return _why(
        N_("it lacks tables or other parts a station database has ({missing})"), missing=listed(missing)
    )


def _migrate(copy: Path) -> None:
    engine = create_engine(f"sqlite:///{copy}")
    try:
        upgrade(engine)
    except Exception as exc:  # noqa: BLE001  any failure to migrate refuses the file; nothing changed
        # The driver's words are English whatever the manager's language: they go to the log.
        log.error("the backup could not be brought up to date", exc_info=exc)
        raise _refuse(
            _why(
                N_("it could not be brought up to date for this version (the reason is in the log, {log})"),
                log=str(log_path()),
            )
        ) from exc
    finally:
        engine.dispose()


def _swap(station: Station, target: Path, copy: Path, kept: Path) -> None:
    """Rename the current database aside (its WAL checkpointed into it first), move the copy in."""
    with station.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    station.engine.dispose()
    moved: list[tuple[Path, Path]] = []
    try:
        for suffix in ("", *SQLITE_BESIDE):
            old = Path(f"{target}{suffix}")
            if old.exists():
                os.rename(old, f"{kept}{suffix}")
                moved.append((old, Path(f"{kept}{suffix}")))
        os.chmod(copy, PRIVATE_FILE)
        os.replace(copy, target)
    except OSError as exc:
        for old, aside in reversed(moved):  # put the station back as it was
            with contextlib.suppress(OSError):
                os.rename(aside, old)
        raise write_failed(target, exc) from exc
