"""Whether the clerk a station acts as still stands: their row still active, and a manager still a
manager.

Roles come from the sign-in, so a clerk a manager deactivates at another counter (another process)
would keep every power here until they signed out. `require` asks `check_still_active` before any
action that needs a sign-in; the row is read at most once every `RECHECK_S` per station and clerk,
so a check-in at scanner speed pays a dictionary look-up, and a deactivation ends the clerk's work
everywhere within those seconds. An idle console hears of the change through its live view, which
reads the row again at once (`read_again`: admin/catch_up.py) and locks.

A PIN a manager resets does not end the clerk's sign-ins: a reset is for a forgotten PIN, and the
clerk signed in is the one who knew the old one. Shutting someone out is deactivation's work.

A manager a manager made a clerk since signing in is refused the same way (the console locks, and
they sign in again as a clerk): the role is the sign-in's (`Station.signed_in_roles`), so without
this they kept a manager's powers until they signed out. A clerk made a manager is not: they lose
nothing by waiting for their next sign-in to act as one.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlmodel import col

from db.models import Clerk, Role
from station_console.errors import DEACTIVATED, PermissionDenied
from station_console.i18n import N_
from station_console.services.core.station import Station

RECHECK_S = 3.0


def has_no_clerk(station: Station) -> bool:
    """A new station: nobody can sign in yet, as no clerk exists."""
    with station.connect() as conn:
        return conn.execute(select(col(Clerk.id)).limit(1)).first() is None


def check_still_active(station: Station, *, read_again: bool = False) -> None:
    """Refuse the signed-in clerk whose row is gone or no longer active (read again when the last
    read is `RECHECK_S` old, or the clock went back past it; `read_again`: now, a clerk's change heard)."""
    clerk_id = station.clerk_id
    if clerk_id is None:
        return
    now = station.now()
    seen = station.active_seen.get(clerk_id)
    if not read_again and seen is not None and seen <= now < seen + timedelta(seconds=RECHECK_S):
        return
    with station.connect() as conn:
        row = conn.execute(
            select(col(Clerk.active), col(Clerk.role)).where(col(Clerk.id) == clerk_id)
        ).first()
    if row is None or not row.active:
        station.active_seen.pop(clerk_id, None)
        raise PermissionDenied(
            N_("Your account was deactivated by a manager: ask a manager."), code=DEACTIVATED
        )
    if station.signed_in_roles.get(clerk_id) == Role.MANAGER and row.role != Role.MANAGER:
        station.active_seen.pop(clerk_id, None)
        raise PermissionDenied(
            N_("A manager made you a clerk: sign in again to go on as a clerk."), code=DEACTIVATED
        )
    station.active_seen[clerk_id] = now
