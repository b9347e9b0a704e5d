"""The refusal of a scan into (or a close of) a handover batch closed meanwhile, at another counter or
by another process of this one: who closed it, when, and where, in the one sentence the console and
the `station` command both say.

The console and the `station` command may share a counter's name, so the refusal names a counter only
when the close's own audit event names another counter; closed under this counter's name, or with no
event saying where, it says who and when alone."""

from __future__ import annotations

from sqlmodel import Session, col, select

from db.models import Clerk, HandoverBatch, ParcelEvent, SendEvent
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.services.core.local_times import short_when
from station_console.services.core.paper_numbers import handover_batch_number
from station_console.services.core.station import Station


def closed_refusal(session: Session, station: Station, batch: HandoverBatch) -> Refused:
    """Why `batch`, closed, takes no scan and no close: who closed it, when, and at which counter if
    not this one; the same in `data` (`closed_by`, `closed_at`, `closed_counter`) for a script, with
    the courier its manifest names (`courier`)."""
    assert batch.id is not None
    clerk = session.get(Clerk, batch.closed_by) if batch.closed_by is not None else None
    closes = session.exec(
        select(ParcelEvent)
        .where(ParcelEvent.kind == str(SendEvent.HANDOVER_CLOSED), ParcelEvent.at == batch.closed_at)
        .order_by(col(ParcelEvent.id).desc())
    ).all()
    counter = next((e.counter for e in closes if e.details.get("batch_id") == batch.id), "")
    elsewhere = bool(counter) and counter != station.counter
    params = {
        "batch": handover_batch_number(batch.id),
        "clerk": clerk.name if clerk else "?",
        "time": short_when(batch.closed_at, station.zone(), station.now()) if batch.closed_at else "?",
    }
    if elsewhere:
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
    refusal.data = {
        "closed_by": clerk.name if clerk else None,
        "closed_at": batch.closed_at.isoformat() if batch.closed_at else None,
        "closed_counter": counter if elsewhere else None,
        "courier": batch.courier_name,  # the name on its manifest: a screen with another typed says so
    }
    return refusal
