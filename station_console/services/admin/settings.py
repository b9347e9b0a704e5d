"""Changing the station settings: manager only, and every change recorded in the audit trail."""

from __future__ import annotations

from sqlmodel import Session

from db.models import EventKind, Setting
from station_console.services.core import audit
from station_console.services.core.roles import require_manager
from station_console.services.core.settings import STATION_KEY, load_station_settings
from station_console.services.core.station import Station
from station_console.settings import StationSettings


def save_station_settings(session: Session, station: Station, new: StationSettings) -> None:
    """Store `new` and record what changed; the caller owns the transaction. Manager only."""
    require_manager(station, "settings")

    old = load_station_settings(session)
    changed = {k: v for k, v in new.model_dump().items() if old.model_dump().get(k) != v}
    row = session.get(Setting, STATION_KEY) or Setting(key=STATION_KEY)
    row.value = new.model_dump(mode="json")
    session.add(row)
    if changed:
        audit.record(session, station, EventKind.SETTINGS_CHANGED, details={"changed": sorted(changed)})
    station.forget_settings()
