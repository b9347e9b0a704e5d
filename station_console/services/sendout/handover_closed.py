"""A handover batch closed while a command or the console was still scanning into it: who closed it,
when, and where (the command's refusal, and the console's line heard live or refusing a scan or F10).

The console and the `station` command may share a counter's name, so the refusal says "at another
counter" only when the close's own audit event names another counter (then it names that counter);
closed under this counter's name, or with no event saying where, it says who and when alone."""

from __future__ import annotations

from sqlmodel import col, select

from db.models import Clerk, HandoverBatch, ParcelEvent, SendEvent
from station_console.errors import NotFound, Refused
from station_console.i18n import N_
from station_console.services.core.local_times import short_when
from station_console.services.core.paper_numbers import handover_batch_number
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.sendout.handover import BatchView, batch_view


def closed_elsewhere(station: Station, batch_id: int) -> tuple[Refused, BatchView]:
    """A scan refused as its batch was closed meanwhile (at another counter, or another process of this
    one): the refusal naming who closed it, when and at which counter if not this one, and the batch as
    it was handed over, for a command that then stops (its next scans would all be refused the same
    way)."""
    require(station, "send_handover")
    with station.read() as session:
        batch = session.get(HandoverBatch, batch_id)
        if batch is None:  # never: a scan was refused on it
            raise NotFound(
                N_("Handover batch {batch} not found."),
                code="no_batch",
                batch=handover_batch_number(batch_id),
            )
        clerk = session.get(Clerk, batch.closed_by) if batch.closed_by is not None else None
        closes = session.exec(
            select(ParcelEvent)
            .where(ParcelEvent.kind == str(SendEvent.HANDOVER_CLOSED), ParcelEvent.at == batch.closed_at)
            .order_by(col(ParcelEvent.id).desc())
        ).all()
        counter = next((e.counter for e in closes if e.details.get("batch_id") == batch_id), "")
        params = {
            "batch": handover_batch_number(batch_id),
            "clerk": clerk.name if clerk else "?",
            "time": short_when(batch.closed_at, station.zone(), station.now()) if batch.closed_at else "?",
        }
        if counter and counter != station.counter:
            refusal = Refused(
                N_(
                    "Handover batch {batch} was closed at counter {counter} by {clerk} at {time}: scans no "
                    "longer go into it."
                ),
                code="batch_closed",
                counter=counter,
                **params,
            )
        else:
            refusal = Refused(
                N_("Handover batch {batch} was closed by {clerk} at {time}: scans no longer go into it."),
                code="batch_closed",
                **params,
            )
    return refusal, batch_view(station, batch_id)  # closed: as it was handed over, read again or not
