"""Station settings stored in the database: where they live and how they are read.

Changing them (manager only, audited) is `admin/settings.py`; reading is here because `Station`
itself reads them, and every service reaches them through `station.settings()`.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from db.models import Setting
from station_console.settings import StationSettings

STATION_KEY = "station"
log = logging.getLogger(__name__)


def load_station_settings(session: Session) -> StationSettings:
    """The stored settings; a stored value the rules refuse (written around the console, or by an
    older version) falls back to its default, with a warning in the log, so that one bad value never
    stops every flow of the station."""
    row = session.get(Setting, STATION_KEY)
    stored: dict[str, Any] = row.value if row is not None and isinstance(row.value, dict) else {}
    try:
        return StationSettings.model_validate(stored)
    except ValidationError as exc:
        refused = sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]})
        log.warning("stored station settings refused, defaults used instead: %s", ", ".join(refused))
        kept = {k: v for k, v in stored.items() if k not in refused}
    try:
        return StationSettings.model_validate(kept)
    except ValidationError:  # values valid alone but not together: start from the defaults
        log.warning("stored station settings refused as a whole, defaults used instead")
        return StationSettings()
