"""Station settings stored in the database."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from db.models import EventKind, Setting
from station_console.settings import StationSettings

STATION_KEY = "station"


def load_station_settings(session: Session) -> StationSettings:
    row = session.get(Setting, STATION_KEY)
    return StationSettings.model_validate(row.value if row else {})


def save_station_settings(session: Session, station: Any, new: StationSettings) -> None:
    """Store `new` and record what changed; the caller owns the transaction. Manager only."""
    from station_console.services import audit
    from station_console.services.roles import require_manager

    require_manager(station, "settings")

    old = load_station_settings(session)
    changed = {k: v for k, v in new.model_dump().items() if old.model_dump().get(k) != v}
    row = session.get(Setting, STATION_KEY) or Setting(key=STATION_KEY)
    row.value = new.model_dump(mode="json")
    session.add(row)
    if changed:
        audit.record(session, station, EventKind.SETTINGS_CHANGED, details={"changed": sorted(changed)})
    station.forget_settings()
