"""Send-out printouts into the print queue: the sender's receipt, the waybill label, the handover
manifest. Queued in the caller's transaction (nothing waits for a printer); `drawing` draws them at
send time. Every job's payload says `flow: sendout`, so the queue hands it to that renderer.

Job kinds: `receipt` and `manifest` go to any printer that prints documents; `waybill` goes only to
the counter's named waybill printer.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from db import fast
from db.models import JobStatus, PrintJob, Send
from station_console.errors import NotFound
from station_console.i18n import N_
from station_console.services.core.paper_language import with_language
from station_console.services.core.roles import require
from station_console.services.core.station import Station

FLOW = "sendout"


def _job(session: Session, station: Station, kind: str, payload: dict[str, Any], printer: str | None) -> int:
    job = PrintJob(
        kind=kind,
        printer=printer,
        counter=station.counter,
        status=JobStatus.QUEUED,
        payload=with_language(kind, {"flow": FLOW, **payload}),
        created_at=station.now(),
    )
    return fast.insert(session, job)


def queue_for_send(
    session: Session, station: Station, send: Send, *, label_printer: str | None, sort_code: str | None = None
) -> list[int]:
    """The sender's receipt, and the waybill label when this counter prints waybills."""
    jobs = [_job(session, station, "receipt", {"send_id": send.id}, None)]
    if label_printer:
        jobs.append(
            _job(session, station, "waybill", {"send_id": send.id, "sort_code": sort_code}, label_printer)
        )
    return jobs


def queue_manifest(session: Session, station: Station, batch_id: int) -> int:
    return _job(session, station, "manifest", {"batch_id": batch_id}, None)


def reprint(station: Station, send_id: int, what: str, *, label_printer: str | None = None) -> int:
    """Queue the receipt (`what="receipt"`) or the waybill label again. A clerk's action."""
    require(station, "reprint")
    if what == "waybill" and not label_printer:
        raise NotFound(
            N_("This counter has no waybill printer (setting waybill_printer)."), code="no_printer"
        )

    def work(session: Session) -> int:
        if session.get(Send, send_id) is None:
            raise NotFound(
                N_("No send with number or waybill {ref}."), code="send_not_found", ref=str(send_id)
            )
        kind = "waybill" if what == "waybill" else "receipt"
        return _job(
            session, station, kind, {"send_id": send_id}, label_printer if kind == "waybill" else None
        )

    return station.run(work)
