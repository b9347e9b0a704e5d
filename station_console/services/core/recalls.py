"""A recalled parcel (拦截件): its carrier or sender asked for it back, so it goes back, not to the
recipient. The flag is the problem kind `recalled` (exceptions' kind, recorded by returns.py or by hand);
every way a parcel leaves towards its recipient (pickup, door delivery) reads it here, as those flows
may not import each other (nor returns.py, which records it, duplicate the kind's name)."""

from __future__ import annotations

from datetime import datetime

from db.models import ProblemKind
from station_console.services.core.station import Station

RECALLED = ProblemKind.RECALLED  # the flag every flow reads and returns.py records


def is_recalled(problem_kind: str | None) -> bool:
    return problem_kind == RECALLED


def day_of(station: Station, at: datetime | None) -> str:
    """The station's local date of the recall, as the clerk reads it ("?" for a flag with no time)."""
    return at.astimezone(station.zone()).strftime("%Y-%m-%d") if at is not None else "?"
