"""Carrier events for the console's tests, as the sender leaves them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import select
from station_helpers import configure

from db.models import Carrier, CarrierEvent
from station_console.services.core.station import Station
from station_console.settings import EventTarget


def one_dead_letter(station: Station, folder: Path) -> int:
    """A ZTO arrival that gave up (a retry sends it to a file in `folder`); its id."""
    configure(station, carrier_event_targets={"*": EventTarget(channel="file", folder=str(folder))})

    def work(session: Any) -> int:
        carrier = session.exec(select(Carrier).where(Carrier.code == "ZTO")).one()
        event = CarrierEvent(
            carrier_id=carrier.id,
            kind="checked_in",
            waybill="73000000000001",
            at=station.now(),
            idempotency_key="dead-1",
            status="dead",
            attempts=8,
            last_error="HTTP 400",
            created_at=station.now(),
        )
        session.add(event)
        session.flush()
        return int(event.id or 0)

    return station.run(work)
