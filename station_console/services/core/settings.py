"""Station settings stored in the database: where they live and how they are read.

Changing them (manager only, audited) is `admin/settings.py`; reading is here because `Station`
itself reads them, and every service reaches them through `station.settings()`.
"""

from __future__ import annotations

from sqlmodel import Session

from db.models import Setting
from station_console.settings import StationSettings

STATION_KEY = "station"


def load_station_settings(session: Session) -> StationSettings:
    row = session.get(Setting, STATION_KEY)
    return StationSettings.model_validate(row.value if row else {})
