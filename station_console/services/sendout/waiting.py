"""Sends waiting at the counter for their courier, per carrier: what the handover screen offers first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select

from db.models import Carrier, Send, SendStatus
from station_console.services.core.roles import require
from station_console.services.core.station import Station


@dataclass(frozen=True)
class Waiting:
    """A carrier's sends waiting at the counter for its courier."""

    carrier: str
    carrier_name: str  # its short name (the label's), as every counter list names a carrier
    count: int  # not yet handed over: still at the station, whether scanned into a batch or not
    scanned: int = 0  # of those, scanned into the carrier's open batch (at this counter or another)


def at_counter(station: Station) -> list[Waiting]:
    """Sends waiting for their courier, per carrier, by code: each not yet handed over, and how many of
    them are scanned into an open batch already (a scan is no handover until the batch is closed)."""
    require(station, "view")
    with station.read() as session:
        rows = session.exec(
            select(
                Carrier.code,
                Carrier.short_name,
                func.count(col(Send.id)),
                func.count(col(Send.handover_batch_id)),  # counts the sends with a batch
            )
            .join(Carrier, col(Carrier.id) == Send.carrier_id)
            .where(Send.status == SendStatus.ACCEPTED)
            .group_by(Carrier.code, Carrier.short_name)
            .order_by(Carrier.code)
        ).all()
    return [Waiting(code, name, int(n), int(scanned)) for code, name, n, scanned in rows]
