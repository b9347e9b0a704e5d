"""Counter-2 beside the app's counter, for tests of what the live view hears."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from db.engine import create_station_engine
from station_console.services.core.station import Station


@asynccontextmanager
async def another_counter(station: Station, db_url: str) -> AsyncIterator[Station]:
    """The same clerk at counter-2, on an engine of its own (as another PC is): what the live view
    hears about."""
    other = Station(
        engine=create_station_engine(db_url),
        counter="counter-2",
        clerk_id=station.clerk_id,
        clerk_role=station.clerk_role,
        clock=station.clock,
    )
    try:
        yield other
    finally:
        other.engine.dispose()
