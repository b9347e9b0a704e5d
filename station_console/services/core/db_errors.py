"""Database faults a clerk can understand: one place that turns a driver error into `DatabaseUnavailable`."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from station_console.errors import DatabaseUnavailable, Refused
from station_console.i18n import N_


def unavailable(exc: OperationalError) -> DatabaseUnavailable:
    """The clerk's message for a database that is locked, read-only, full or unreachable."""
    reason = str(exc.orig if exc.orig is not None else exc).lower()
    if "locked" in reason or "busy" in reason:
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
        N_("The database cannot be written ({reason}). Nothing was saved."),
        code="database_unavailable",
        reason=" ".join(str(exc.orig if exc.orig is not None else exc).split())[:120],
    )


def lost_race() -> Refused:
    """A row another counter kept changing while this transaction retried: refused, nothing written."""
    return Refused(
        N_("A parcel was changed at another counter just now. Nothing was saved; look it up again"),
        code="version_conflict",
    )
