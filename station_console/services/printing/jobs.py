"""The print queue's jobs: every label, receipt and manifest is a stored job; a worker sends it (`sending.py`).

Check-in only adds a `PrintJob` row in its own transaction (`queue_label`) and never waits for a
printer. A job the parcel no longer needs (it left the shelves, its check-in was undone, a reprint
replaces it) is withdrawn here before it is sent.

A check-in made at the console holds its label ("held") until the phone typed after the scan is in,
the next scan comes, or `label_hold_s` passes (`hold_over`, checked as the worker claims, so a crashed
console's held labels still print): the sticker carries the masked phone without the clerk waiting for it.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, literal_column, update
from sqlmodel import Session, col, select

from db import fast
from db.fast import Hot, Tx
from db.models import Carrier, JobStatus, Parcel, PrintJob, ReturnBatch
from hardware.printers.textfit import clip_keeping_end
from station_console.errors import NotFound
from station_console.i18n import N_
from station_console.safe_text import clean
from station_console.services.core.ageing import age_reached
from station_console.services.core.paper_language import with_language
from station_console.services.core.paper_numbers import return_batch_number
from station_console.services.core.station import Station
from station_console.services.printing.carrier_names import names_kept
from station_console.services.printing.printers import (
    check_printable,
    counter_printers,
    printer_for,
)

log = logging.getLogger(__name__)
__all__ = [
    "check_printable",
    "counter_printers",
    "printer_for",
    "cancel_jobs_for_parcel",
    "queue_label",
    "queue_label_row",
    "queue_document",
    "queue_manifest",
    "queue_receipt",
    "release_held",
    "queue_run_sheet",
]

PENDING = (JobStatus.QUEUED, JobStatus.FAILED)
UNSENT = (JobStatus.HELD, *PENDING)
MANIFEST_NOTE_LIMIT = 200  # a problem's note in a manifest's job; the paper shows as much as its column holds


def queue_label(
    session: Session, station: Station, parcel: Parcel, *, printer: str | None = None, hold: bool = False
) -> PrintJob:
    """Add a label job for `parcel` to the caller's transaction; rendered from the parcel row when sent.

    `hold`: wait for the phone (see the module doc) before it prints."""
    if parcel.id is None:
        session.flush()
    return _add_job(session, station, "label", parcel_id=parcel.id, printer=printer, held=hold)


def queue_label_row(
    session: Tx, station: Station, parcel_id: int, *, hold: bool = False, at: datetime | None = None
) -> int:
    """`queue_label` for a parcel written as a plain row (check-in): the job's id, no model object.
    `at`: the check-in's time, the job's too."""
    row = _job_row(station, "label", parcel_id, None, None, hold, at)
    return fast.insert_row(session, PrintJob, row)


def release_held(session: Tx, station: Station, *, parcel_id: int | None = None) -> int:
    """Let held labels print now: one parcel's, or (None) every one this counter holds."""
    if parcel_id is not None:
        return int(_RELEASE_PARCEL.count(session, parcel_id=parcel_id))
    return int(_RELEASE_COUNTER.count(session, counter=station.counter))


# On the driver's cursor (db/fast.py): the console's check-in releases this counter's held label.
_HELD = update(PrintJob).where(col(PrintJob.status) == JobStatus.HELD).values(status=JobStatus.QUEUED)
_RELEASE_PARCEL = Hot(_HELD.where(col(PrintJob.parcel_id) == bindparam("parcel_id")))
_RELEASE_COUNTER = Hot(_HELD.where(col(PrintJob.counter) == bindparam("counter")))


def hold_over(station: Station, now: datetime | None = None) -> datetime:
    """A label held for its phone since this time or before waits no longer: it prints without it."""
    return (now or station.now()) - timedelta(seconds=station.settings().label_hold_s)


def queue_receipt(
    session: Session, station: Station, parcel_ids: list[int], *, printer: str | None = None
) -> PrintJob:
    """A pickup receipt for `parcel_ids`, as they are now (a snapshot in the payload).

    The caller first refuses what no printer would take (`check_printable`), outside its transaction.
    """
    rows = session.exec(
        select(Parcel, Carrier)
        .join(Carrier, col(Carrier.id) == col(Parcel.carrier_id))
        .where(col(Parcel.id).in_(parcel_ids))
        .order_by(col(Parcel.id))
    ).all()
    if not rows:
        raise NotFound(N_("No parcels to print a receipt for."), code="no_parcels")
    payload = {
        "at": station.now().isoformat(),
        "counter": station.counter,
        "clerk_id": station.clerk_id,
        "parcels": [
            {
                "code": p.pickup_code,
                "carrier": c.short_name,
                "carrier_code": c.code,
                "carrier_names": names_kept(c),
                "waybill_tail": p.waybill[-4:],
            }
            for p, c in rows
        ],
    }
    return _add_job(session, station, "receipt", printer=printer, payload=payload)


def queue_manifest(
    session: Session,
    station: Station,
    batch_id: int,
    *,
    printer: str | None = None,
    problem_labels: Mapping[str, str] | None = None,
    note_kinds: Collection[str] = (),
) -> PrintJob:
    """The list of a return batch's parcels, for the courier to sign (a snapshot in the payload).

    Each parcel says why it goes back: its problem (`problem_labels`: each kind's message id, translated
    as the paper is drawn) or else how many days it waited uncollected; a closed batch names who signed.
    The problem's note goes with it for the kinds in `note_kinds` (a recall's note says who asked for it
    back), as one line of text, at most `MANIFEST_NOTE_LIMIT` characters (a note may hold 500).
    The caller first refuses what no printer would take (`check_printable`), outside its transaction.
    """
    batch = session.get(ReturnBatch, batch_id)
    if batch is None:
        raise NotFound(N_("Return batch {batch} not found."), batch=return_batch_number(batch_id))
    carrier = session.get(Carrier, batch.carrier_id)
    parcels = session.exec(
        select(Parcel)
        .where(Parcel.return_batch_id == batch_id)
        .order_by(col(Parcel.checked_in_at), col(Parcel.id))
    ).all()
    now, labels = station.now(), problem_labels or {}
    payload = {
        "batch_id": batch_id,
        "at": now.isoformat(),
        "counter": station.counter,
        "carrier": carrier.short_name if carrier else "",
        "carrier_code": carrier.code if carrier else "",
        "carrier_names": names_kept(carrier),
        "signed_by": batch.signed_by_name,
        "parcels": [
            {
                "waybill": p.waybill,
                "code": p.pickup_code or "",
                "checked_in": p.business_day.isoformat(),
                "problem": labels.get(p.problem_kind, p.problem_kind) if p.problem_kind else None,
                "note": _manifest_note(p.problem_note) if p.problem_kind in note_kinds else None,
                "days": age_reached(((p.returned_at or now) - p.checked_in_at).total_seconds() / 3600)[0],
            }
            for p in parcels
        ],
    }
    return _add_job(session, station, "manifest", printer=printer, payload=payload)


def _manifest_note(note: str | None) -> str | None:
    # Cleaned again: a row written before notes were cleaned, or by another program, is printed too.
    # Shortened inside, so what a recall says after the clerk's words (its age...) reaches the paper.
    return clip_keeping_end(clean(note), MANIFEST_NOTE_LIMIT, len) or None


def queue_run_sheet(
    session: Session, station: Station, payload: dict[str, Any], *, printer: str | None = None
) -> PrintJob:
    """A door delivery run's sheet (a manifest: PDF or receipt printer), from the run's snapshot.

    The caller first refuses what no printer would take (`check_printable`), outside its transaction.
    """
    return _add_job(
        session,
        station,
        "manifest",
        printer=printer,
        payload={
            "sheet": "delivery_run",
            "at": station.now().isoformat(),
            "counter": station.counter,
            **payload,
        },
    )


def queue_document(
    session: Session, station: Station, kind: str, payload: dict[str, Any], *, printer: str | None = None
) -> PrintJob:
    """A receipt or manifest whose content the caller has frozen in `payload` (it is drawn from it)."""
    return _add_job(session, station, kind, printer=printer, payload=payload)


def cancel_jobs_for_parcel(session: Tx, parcel_id: int) -> int:
    """Withdraw the parcel's jobs not sent yet: it left the shelves (a label printed after it went
    would be a stray sticker with a pickup code on the counter), its check-in was undone, or a reprint
    replaces its label. Returns how many."""
    return _WITHDRAW_UNSENT.count(session, parcel_id=parcel_id)


def restore_withdrawn_label(session: Session, station: Station, parcel: Parcel) -> PrintJob | None:
    """A parcel back on its shelf (an undone pickup) whose label was withdrawn unprinted as it left: it
    has no sticker, so its label is queued again. None when its label printed or still waits."""
    newest = session.exec(
        select(PrintJob.status)
        .where(PrintJob.parcel_id == parcel.id, PrintJob.kind == "label")
        .order_by(col(PrintJob.id).desc())
        .limit(1)
    ).first()
    return queue_label(session, station, parcel) if newest == JobStatus.CANCELLED else None


# One statement on the handover's hot path (db/fast.py); the statuses as literals, not an expanding bind.
_WITHDRAW_UNSENT = Hot(
    update(PrintJob)
    .where(
        col(PrintJob.parcel_id) == bindparam("parcel_id"),
        col(PrintJob.status).in_([literal_column(f"'{status.value}'") for status in UNSENT]),
    )
    .values(status=JobStatus.CANCELLED)
)


def _add_job(
    session: Session,
    station: Station,
    kind: str,
    *,
    parcel_id: int | None = None,
    printer: str | None = None,
    payload: dict[str, Any] | None = None,
    held: bool = False,
) -> PrintJob:
    job = PrintJob(**_job_row(station, kind, parcel_id, printer, payload, held))
    fast.insert(session, job)  # no ORM unit of work
    return job


def _job_row(
    station: Station,
    kind: str,
    parcel_id: int | None,
    printer: str | None,
    payload: dict[str, Any] | None,
    held: bool,
    at: datetime | None = None,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "parcel_id": parcel_id,
        "printer": printer,
        "counter": station.counter,
        "status": JobStatus.HELD if held else JobStatus.QUEUED,
        "payload": with_language(kind, payload or {}),
        "created_at": at or station.now(),
    }
