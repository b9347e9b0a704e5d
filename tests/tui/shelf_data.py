"""Parcels placed on chosen layers for the shelf screens (the service tests' helper, importable here)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))

from shelf_helpers import place, place_picked_up, wb  # noqa: E402

from station_console.services.core.station import Station  # noqa: E402
from station_console.services.shelves.search import timeline  # noqa: E402


def location_of(station: Station, waybill: str) -> str | None:
    return timeline(station, waybill).parcel.location


__all__ = ["location_of", "place", "place_picked_up", "wb"]
