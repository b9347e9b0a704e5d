"""What a sign-in that fails writes: every wrong name or PIN is an audit event (a PIN typed into the
name field kept out of the trail), and the `pin_fail_limit`th wrong PIN in a row locks the clerk out,
each next lock twice as long, up to a day; a clerk refused before their PIN counts (locked out,
deactivated) is recorded with the reason; a good PIN starts the count over. `clerks.authenticate`
decides; this module keeps the count."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlmodel import Session

from db.models import Clerk, EventKind
from station_console import name_limit
from station_console.errors import StationError
from station_console.safe_text import clean
from station_console.services.core import audit
from station_console.services.core.station import Station
from station_console.services.people.pins import PIN_MAX, PIN_MIN

log = logging.getLogger(__name__)

MAX_LOCK_S = 24 * 3600


def typed_name(typed: str, row: Clerk | None) -> str:
    """The name as typed, for the trail; digits that name nobody are a PIN typed into the name field
    (at once after a lock the focus is there), kept out of the trail as a PIN would be."""
    name = clean(typed, name_limit.NAME_MAX)
    if row is None and name.isdigit() and PIN_MIN <= len(name) <= PIN_MAX:
        return "#" * len(name)
    return name


def minutes(seconds: float) -> int:
    """A lock-out's time left in whole minutes, rounded up: at least one."""
    return max(1, int(seconds // 60 + (seconds % 60 > 0)))


def failed(station: Station, typed: str, row: Clerk | None) -> int | None:
    """Record a wrong name or PIN; the `pin_fail_limit`th in a row locks the clerk out, each lock
    twice as long as the one before: the lock's seconds, once written. A database that cannot take
    the write does not hide the refusal."""
    settings = station.settings()

    def work(session: Session) -> int | None:
        locked_s: int | None = None
        details: dict[str, object] = {"name": typed_name(typed, row)}
        clerk = session.get(Clerk, row.id) if row is not None else None
        if clerk is not None:
            clerk.failed_sign_ins += 1
            details.update(clerk=clerk.name, clerk_id=clerk.id, failures=clerk.failed_sign_ins)
            if clerk.failed_sign_ins >= settings.pin_fail_limit:
                seconds = min(settings.pin_lock_s * 2**clerk.lockouts, MAX_LOCK_S)
                clerk.locked_until = station.now() + timedelta(seconds=seconds)
                clerk.lockouts += 1
                clerk.failed_sign_ins = 0
                details["locked_s"] = locked_s = seconds
            session.add(clerk)
        audit.record(session, station, EventKind.SIGN_IN_FAILED, details=details)
        return locked_s

    try:
        return station.run(work)
    except StationError:
        log.warning("a failed sign-in could not be recorded", exc_info=True)
        return None


def refused(station: Station, typed: str, row: Clerk, reason: str) -> None:
    """A clerk refused before their PIN counts: a deactivated clerk's right PIN, or any PIN while they
    are locked out (`reason`). The trail says who tried and why they were refused; not counted towards
    a lock-out (a deactivated clerk's next sign-in once active again starts at none, and a lock-out's
    length was set by the guesses that caused it)."""
    details = {
        "name": clean(typed, name_limit.NAME_MAX),
        "clerk": row.name,
        "clerk_id": row.id,
        "reason": reason,
    }

    def work(session: Session) -> None:
        audit.record(session, station, EventKind.SIGN_IN_FAILED, details=details)

    try:
        station.run(work)
    except StationError:
        log.warning("a refused sign-in (%s) could not be recorded", reason, exc_info=True)


def succeeded(station: Station, clerk_id: int | None) -> None:
    """A good PIN: the count of wrong ones (and of lock-outs) starts over."""

    def work(session: Session) -> None:
        clerk = session.get(Clerk, clerk_id)
        if clerk is not None:
            clerk.failed_sign_ins, clerk.lockouts, clerk.locked_until = 0, 0, None
            session.add(clerk)

    station.run(work)
