"""Database faults a clerk can understand: one place that turns a driver error into `DatabaseUnavailable`."""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError, OperationalError

from db.engine import is_lock_conflict
from station_console.errors import DatabaseUnavailable, Refused
from station_console.i18n import N_

# What drivers say when the server is gone: refused, restarted, or the link dropped mid-way.
_UNREACHABLE = (
    "connection refused",
    "could not connect",
    "connection is lost",
    "connection is closed",
    "server closed the connection",
    "terminating connection",
    "connection timed out",
    "no route to host",
)

# The refusal codes `unavailable` gives: those a moment's wait may clear (a lock let go, the server
# back), and those that wait for someone to fix the file or the disk. Screens pick their hint by them.
PASSING_CODES = frozenset({"database_locked", "database_unreachable", "database_unavailable"})
LASTING_CODES = frozenset({"database_read_only", "disk_full"})

log = logging.getLogger(__name__)


def unavailable(exc: OperationalError, *, reading: bool = False) -> DatabaseUnavailable:
    """The clerk's message for a database that is locked, read-only, full or unreachable; `reading`:
    the failed work only read (nothing was to be saved)."""
    reason = str(exc.orig if exc.orig is not None else exc).lower()
    # The driver's own words are English whatever the console's language: the log keeps them for
    # whoever fixes the server, the clerk reads a sentence in their language alone.
    log.warning("database refused the work: %s", first_line(str(exc.orig if exc.orig is not None else exc)))
    if server_unreachable(exc):
        return DatabaseUnavailable(
            N_(
                "The database server cannot be reached. Try again in a moment; if it keeps failing, "
                "check the server and the network."
            ),
            code="database_unreachable",
        )
    if reading:
        return DatabaseUnavailable(
            N_("The database cannot be read. Try again in a moment."), code="database_unavailable"
        )
    # The retry loop's own test: SQLite busy or locked, PostgreSQL's lock not available (lock_timeout).
    if is_lock_conflict(exc):
        return DatabaseUnavailable(
            N_("The database is busy: another program holds it. Nothing was saved; try again in a moment."),
            code="database_locked",
        )
    if "readonly" in reason or "read-only" in reason or "read only" in reason:
        return DatabaseUnavailable(
            N_("The database file is read-only. Nothing was saved; ask for it to be made writable."),
            code="database_read_only",
        )
    if "full" in reason or "no space" in reason:
        return DatabaseUnavailable(
            N_("The disk is full. Nothing was saved; free some space and try again."), code="disk_full"
        )
    return DatabaseUnavailable(
        N_("The database cannot be written. Nothing was saved."), code="database_unavailable"
    )


def server_unreachable(exc: DBAPIError) -> bool:
    """The driver says the server is gone: refused, restarted, or the link dropped."""
    reason = str(exc.orig if exc.orig is not None else exc).lower()
    return exc.connection_invalidated or any(words in reason for words in _UNREACHABLE)


def first_line(text: str, limit: int = 120) -> str:
    """The driver's own words, short: its first line (psycopg adds hints below), cut at a word."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(line) <= limit:
        return line
    return line[:limit].rsplit(" ", 1)[0] + "…"


def lost_race() -> Refused:
    """A row another counter kept changing while this transaction retried: refused, nothing written."""
    return Refused(
        N_("A parcel was changed at another counter just now. Nothing was saved; look it up again."),
        code="version_conflict",
    )
