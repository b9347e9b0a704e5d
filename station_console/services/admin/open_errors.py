"""Why a database could not be opened at start-up, in the manager's language.

The driver's own words are English whatever the console's language (and a Chinese sentence around
them read badly): the log keeps them, their first line; the manager reads what can be told apart from
them (no such folder, a folder or file system it may not write in, no permission, not a database file,
the server gone or refusing the login) as a sentence of its own, and otherwise that the log says why.
A migration that fails once the file opened is said as that, not as a file that is no station database.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from db import migrate
from db.migrate import UpgradeBlocked, UpgradeBusy, head_revision
from station_console.errors import DatabaseUnavailable, Refused, StationError
from station_console.i18n import N_
from station_console.logs import log_path
from station_console.services.core.db_errors import first_line, server_unreachable

log = logging.getLogger(__name__)

_LOCKED = ("database is locked", "database is busy")
_LOGIN = ("password authentication failed", "authentication failed", "no password supplied")
_NO_ROLE = re.compile(r'role "[^"]*" does not exist')  # the user name is wrong, not the database's
_NO_DATABASE = re.compile(r'database "[^"]*" does not exist')
# The log's line for the driver's words: long enough for a server's whole sentence (host, port, names).
_LOGGED = 400


def cannot_open(exc: DBAPIError, engine: Engine) -> StationError:
    """The refusal for a database that did not open (`exc`: an OperationalError); the driver's words
    logged."""
    driver = str(exc.orig if exc.orig is not None else exc)
    log.warning("the database did not open: %s", first_line(driver, _LOGGED))
    words = driver.lower()  # all of it: a long host or name must not cut off what tells the cause
    path = _sqlite_file(engine)
    if path is not None and ("unable to open" in words or "readonly" in words):
        if not path.parent.is_dir():
            return DatabaseUnavailable(
                N_("Cannot open the database: the folder {folder} does not exist."),
                code="database_missing",
                folder=str(path.parent),
            )
        if path.is_dir():
            return DatabaseUnavailable(
                N_("Cannot open the database: {file} is a folder, not a database file."),
                code="database_missing",
                file=str(path),
            )
        # SQLite writes beside the file too (its -wal and -shm): a folder it cannot write in is named
        # as the cause, not the file, which may well be writable itself.
        if _read_only_file_system(path.parent):
            return DatabaseUnavailable(
                N_(
                    "Cannot open the database: the folder {folder} is on a read-only file system, and "
                    "SQLite must write there (the database and its -wal and -shm files beside it)."
                ),
                code="database_permission",
                folder=str(path.parent),
            )
        folder_denied = not os.access(path.parent, os.W_OK | os.X_OK)
        if (path.exists() and not os.access(path, os.R_OK | os.W_OK)) or (
            "readonly" in words and not folder_denied
        ):
            return DatabaseUnavailable(
                N_("Cannot open the database: this user may not read and write {file} (permission denied)."),
                code="database_permission",
                file=str(path),
            )
        if folder_denied:
            return DatabaseUnavailable(
                N_(
                    "Cannot open the database: this user may not create files in the folder {folder}, "
                    "and SQLite must create its -wal and -shm files there, beside the database."
                ),
                code="database_permission",
                folder=str(path.parent),
            )
    if any(w in words for w in _LOCKED):
        return DatabaseUnavailable(
            N_("Cannot open the database: another program holds it locked. Try again in a moment."),
            code="database_locked",
        )
    if server_unreachable(exc):
        return DatabaseUnavailable(
            N_("Cannot open the database: the server cannot be reached. Check the server and the network."),
            code="database_unreachable",
        )
    if any(w in words for w in _LOGIN) or _NO_ROLE.search(words):
        return DatabaseUnavailable(
            N_("Cannot open the database: the server refused the user name or password."),
            code="database_login",
        )
    if _NO_DATABASE.search(words) and path is None:
        return DatabaseUnavailable(
            N_("Cannot open the database: the server has no database of that name."),
            code="database_missing",
        )
    return DatabaseUnavailable(
        N_("Cannot open the database; the log says why: {log}"),
        code="database_unavailable",
        log=str(log_path()),
    )


def not_a_database(exc: DBAPIError, engine: Engine) -> Refused:
    """The refusal for a file that is not a database at all (`exc`: a DatabaseError); the driver's words
    logged."""
    said = first_line(str(exc.orig if exc.orig is not None else exc), _LOGGED)
    log.warning("the database did not open: %s", said)
    url = engine.url.render_as_string(hide_password=True)
    if "not a database" in said.lower():
        return Refused(
            N_("{url} is not a station database: it is not a database file."), code="not_a_database", url=url
        )
    return Refused(
        N_("{url} is not a station database; the log says why: {log}"),
        code="not_a_database",
        url=url,
        log=str(log_path()),
    )


def upgrading(exc: Exception) -> DatabaseUnavailable:
    """The refusal for another counter holding the upgrade lock past the wait (`db.migrate.UpgradeBusy`),
    as this one migrated the database or seeded a new station."""
    log.warning("another process held the upgrade lock too long: %s", first_line(str(exc), _LOGGED))
    return DatabaseUnavailable(
        N_("Cannot open the database: another counter is upgrading it. Try again in a minute."),
        code="database_upgrading",
    )


def upgrade_blocked(exc: Exception) -> DatabaseUnavailable:
    """The refusal for a lock another connection held past the wait once the upgrade lock was held
    (`db.migrate.UpgradeBlocked`): the migrations or the seeding rolled back, nothing changed."""
    log.warning("the upgrade waited too long for a lock held elsewhere: %s", first_line(str(exc), _LOGGED))
    return DatabaseUnavailable(
        N_(
            "The database upgrade waited {seconds} s for a lock another program holds on the database and "
            "changed nothing; close that program (or end its transaction) and start again."
        ),
        code="database_upgrade_blocked",
        seconds=f"{migrate.UPGRADE_WAIT_S:g}",
    )


def not_brought_up_to_date(exc: Exception, engine: Engine, revision: str | None) -> StationError:
    """The refusal for a migration that failed on a database that opened; the whole error logged.

    The migrations run in one transaction (db/migrations/env.py), so a failure leaves the file as it
    was: the release before this one still opens it. A lock or a server gone meanwhile is said as such,
    and so is another counter's upgrade that kept this one waiting too long (upgraders take turns), and
    another program's lock the migrations waited for as long.
    """
    if isinstance(exc, UpgradeBusy):
        return upgrading(exc)
    if isinstance(exc, UpgradeBlocked):
        return upgrade_blocked(exc)
    if isinstance(exc, OperationalError):
        told = cannot_open(exc, engine)
        if told.code != "database_unavailable":
            return told
    log.error(
        "the database could not be brought up to date from schema %s to %s",
        revision,
        head_revision(),
        exc_info=exc,
    )
    return Refused(
        N_(
            "The database could not be brought up to date; nothing in it was changed, and the previous "
            "version of station-console still opens it. Go back to that version and send the log to "
            "support: {log}"
        ),
        code="migration_failed",
        log=str(log_path()),
    )


def _sqlite_file(engine: Engine) -> Path | None:
    """The database's file (SQLite on a file), else None."""
    database = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database).expanduser()


def _read_only_file_system(folder: Path) -> bool:
    """The folder is on a file system mounted read-only (not known where statvfs is not)."""
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (AttributeError, OSError):
        return False
