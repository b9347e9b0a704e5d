"""What a console keeps in memory, read again when a change made elsewhere makes it stale.

A console reads the station settings once (`Station.settings`) and compiles the carrier table once
(`scan/carriers.py`), so that a scan never waits on the database for them. Another counter, or the
`station` command at this one, may change either: its event reaches the live view (`live.py`), whose
thread calls `catch_up` with the kinds it heard. Each cache is read again whole and swapped in, so the
next transaction uses the new values and the console's UI thread never finds them missing.

The signed-in clerk's standing (core/standing.py) is read again too when a clerk's change is heard:
an idle console whose clerk was deactivated elsewhere locks within the live view's poll, not at the
clerk's next key.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from db.models import EventKind
from station_console.errors import PermissionDenied
from station_console.services.admin.live import RESYNC
from station_console.services.core.standing import check_still_active
from station_console.services.core.station import SettingsRead, Station
from station_console.services.scan.carriers import reload_detector

# A restore replaces everything; a resync means the feed may have missed any change.
SETTINGS_STALE = frozenset({EventKind.SETTINGS_CHANGED, EventKind.DB_RESTORED, RESYNC})
CARRIERS_STALE = frozenset({EventKind.CARRIER_CHANGED, EventKind.DB_RESTORED, RESYNC})
# A clerk deactivated or made a clerk from a manager (at any counter, or with `station` here) or a
# restore may end the standing of the clerk signed in here.
STANDING_STALE = frozenset({EventKind.CLERK_CHANGED, EventKind.DB_RESTORED, RESYNC})


def stale(kinds: Iterable[str]) -> frozenset[str]:
    """The kinds among `kinds` that make a cache stale (most changes, a check-in, make none)."""
    return frozenset(kinds) & (SETTINGS_STALE | CARRIERS_STALE)


def catch_up(station: Station, kinds: Collection[str]) -> SettingsRead | None:
    """Read again what changes of `kinds` made stale; the settings when they were read again, with
    their place among the station's (a save here may swap in newer ones before they are handed on)."""
    if CARRIERS_STALE.intersection(kinds):
        reload_detector(station)
    if SETTINGS_STALE.intersection(kinds):
        return station.read_settings_again()
    return None


def standing_stale(kinds: Iterable[str]) -> bool:
    """Whether changes of `kinds` may have ended the signed-in clerk's standing."""
    return not STANDING_STALE.isdisjoint(kinds)


def standing_refusal(station: Station) -> PermissionDenied | None:
    """The signed-in clerk's row read again now: the refusal their next action would get (deactivated,
    made a clerk from a manager, or gone), None while they stand or nobody is signed in."""
    try:
        check_still_active(station, read_again=True)
    except PermissionDenied as exc:
        return exc
    return None
