"""Courier handover batches: one courier's bag at check-in, checked against the pre-alerts.

Open a batch for the carrier (and the courier's name); each check-in made in it carries its id. The
live view compares: expected (the carrier's open pre-alerts, less those that arrived outside this batch),
received (checked in here and expected), missing (expected, not yet here) and extra (here, not
expected), plus the parcels flagged damaged while it was open. A parcel of another carrier found in the
courier's bag (the clerk answered "use UPS" at its scan) is none of these: it is listed apart with its
carrier (`other_carrier`), as the courier handed it over, and counts to none of this carrier's figures.
Closing it (the courier's name required) fixes that in the pre-alerts: received ones `received`,
missing ones `not_received` (problem parcels until they turn up: a later check-in of the waybill
settles them) and queues the handover receipt.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, bindparam, exists, or_, update
from sqlalchemy import select as columns
from sqlmodel import Session, col, select

from db.models import (
    Carrier,
    CourierBatch,
    EventKind,
    Parcel,
    ParcelStatus,
    PreAlert,
    PreAlertStatus,
    ProblemKind,
)
from station_console import name_limit
from station_console.errors import NotFound, Refused
from station_console.i18n import CURRENT, N_, Translator, _
from station_console.safe_text import cut
from station_console.services.core import audit
from station_console.services.core.free_text import NoteRule, text_field
from station_console.services.core.later_steps import StepFailed, after_commit, command
from station_console.services.core.paper_numbers import courier_batch_number
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.printing.carrier_names import names_kept
from station_console.services.printing.courier_receipt import (
    JOB_KIND,
    handover_payload,
    other_carrier_lines,
    other_carrier_name,
)
from station_console.services.printing.jobs import queue_document
from station_console.services.printing.printers import check_printable

COURIER_MAX = name_limit.NAME_MAX  # a person's name (the courier_name column is as long)
# The courier's name as this module refuses it (a batch may open without one).
COURIER_NAME = NoteRule(N_("Courier"), COURIER_MAX, required=False)
# The name the close's dialog checks before it closes: there, it shows the name the close records, so
# one erased is said as empty (an empty Enter closed the dialog, closing nothing, saying nothing).
COURIER_TO_CLOSE = NoteRule(N_("Courier"), COURIER_MAX)


@dataclass(frozen=True)
class BatchView:
    id: int
    carrier: str
    carrier_name: str
    courier_name: str | None
    counter: str
    status: str
    opened_at: datetime
    closed_at: datetime | None
    expected: int
    received: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # this carrier's, not pre-alerted
    other_carrier: list[tuple[str, str]] = field(default_factory=list)  # (waybill, carrier code)
    # carrier code -> its names (`names_kept`): another carrier is named as paper and screens name it
    other_carrier_names: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    damaged: list[tuple[str, str]] = field(default_factory=list)  # (waybill, note)
    receipt_job_id: int | None = None
    # Set by a close only: the courier named at the open, when the close named another (the receipt's).
    courier_at_open: str | None = None
    received_ids: list[int] = field(default_factory=list, repr=False)  # their pre-alerts

    @property
    def label(self) -> str:
        return courier_batch_number(self.id)

    def counts(self) -> dict[str, int]:
        return {
            "expected": self.expected,
            "received": len(self.received),
            "missing": len(self.missing),
            "extra": len(self.extra),
            "other_carrier": len(self.other_carrier),
            "damaged": len(self.damaged),
        }

    def other_carrier_said(self, tr: Translator = CURRENT) -> list[str]:
        """Another carrier's parcels in the bag, a line per carrier ("FedEx: 1 parcel, another carrier's")."""
        return other_carrier_lines(tr, [code for _w, code in self.other_carrier], self.other_carrier_names)

    def other_carrier_name(self, code: str, tr: Translator = CURRENT) -> str:
        """Another carrier in the bag, named in `tr`'s language."""
        return other_carrier_name(tr, self.other_carrier_names, code)

    def courier_said(self) -> str:
        """A close's word on a courier named anew ("" when it kept the one named at the open)."""
        if not self.courier_at_open:
            return ""
        return _(
            "The receipt names {courier}, not {opened}, the courier named when the batch was opened.",
            courier=self.courier_name or "",
            opened=self.courier_at_open,
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("received_ids")
        data.pop("other_carrier_names")
        data["label"] = self.label
        data["counts"] = self.counts()
        data["damaged"] = [{"waybill": w, "note": n} for w, n in self.damaged]
        data["other_carrier"] = [
            {"waybill": w, "carrier": code, "carrier_name": self.other_carrier_name(code)}
            for w, code in self.other_carrier
        ]
        return data


def other_carrier_kept(view: BatchView) -> list[dict[str, Any]]:
    """Another carrier's parcels as the receipt keeps them: the code, and the names to draw it in its
    printer's language."""
    return [
        {"waybill": w, "carrier": code, "carrier_names": view.other_carrier_names.get(code, {})}
        for w, code in view.other_carrier
    ]


def _arrived_elsewhere() -> Any:
    """The pre-alert filled a check-in (not undone) outside this batch."""
    return exists().where(
        col(Parcel.prealert_id) == col(PreAlert.id),
        col(Parcel.status) != ParcelStatus.CANCELLED,
        or_(col(Parcel.courier_batch_id).is_(None), col(Parcel.courier_batch_id) != bindparam("batch")),
    )


def _expected(session: Session, batch: CourierBatch) -> dict[int, str]:
    """pre-alert id -> waybill of what this batch expects (see the module docstring)."""
    if batch.status == "closed":
        where: Any = col(PreAlert.batch_id) == batch.id
    else:
        where = and_(
            col(PreAlert.carrier_id) == batch.carrier_id,
            col(PreAlert.status) == PreAlertStatus.EXPECTED,
            ~_arrived_elsewhere(),
        )
    rows = session.execute(
        columns(col(PreAlert.id), col(PreAlert.waybill)).where(where).order_by(col(PreAlert.id)),
        {"batch": batch.id},
    ).all()
    return {int(pid): waybill for pid, waybill in rows}


def _view(session: Session, batch: CourierBatch) -> BatchView:
    expected = _expected(session, batch)
    parcels = session.execute(
        columns(
            col(Parcel.waybill),
            col(Parcel.prealert_id),
            col(Parcel.problem_kind),
            col(Parcel.problem_note),
            col(Carrier.code),
            col(Parcel.carrier_id),
        )
        .join(Carrier, col(Carrier.id) == col(Parcel.carrier_id))
        .where(col(Parcel.courier_batch_id) == batch.id, col(Parcel.status) != ParcelStatus.CANCELLED)
        .order_by(col(Parcel.id))
    ).all()
    arrived = {pid for _w, pid, _k, _n, _c, _cid in parcels if pid in expected}
    carrier = session.get(Carrier, batch.carrier_id)
    own = batch.carrier_id
    others = [(w, code, cid) for w, pid, _k, _n, code, cid in parcels if pid not in expected and cid != own]
    return BatchView(
        id=batch.id or 0,
        carrier=carrier.code if carrier else "?",
        carrier_name=carrier.short_name if carrier else "?",
        courier_name=batch.courier_name,
        counter=batch.counter,
        status=batch.status,
        opened_at=batch.opened_at,
        closed_at=batch.closed_at,
        expected=len(expected),
        received=[w for w, pid, _k, _n, _c, _cid in parcels if pid in expected],
        missing=[w for pid, w in expected.items() if pid not in arrived],
        extra=[w for w, pid, _k, _n, _c, cid in parcels if pid not in expected and cid == own],
        other_carrier=[(w, code) for w, code, _cid in others],
        other_carrier_names={code: names_kept(session.get(Carrier, cid)) for _w, code, cid in others},
        damaged=[(w, note or "") for w, _pid, kind, note, _c, _cid in parcels if kind == ProblemKind.DAMAGED],
        received_ids=sorted(arrived),
        receipt_job_id=batch.receipt_job_id,
    )


def _batch(session: Session, batch_id: int, *, lock: bool = False) -> CourierBatch:
    batch = session.get(CourierBatch, batch_id, with_for_update=lock)
    if batch is None:
        raise NotFound(
            N_("There is no courier batch {batch}."),
            code="no_courier_batch",
            batch=courier_batch_number(batch_id),
        )
    return batch


def _open_batch(session: Session, batch_id: int, *, closing: bool = False) -> CourierBatch:
    """The batch, refused when it is closed already (taken up again, or closed a second time).
    `closing`: its row held alone to the commit, so a check-in into it at another counter is counted
    (it waits for the check-in) or refused (the check-in waits for the close)."""
    batch = _batch(session, batch_id, lock=closing)
    if batch.status != "open":
        raise Refused(
            N_("Courier batch {batch} is already closed."),
            code="courier_batch_closed",
            batch=courier_batch_number(batch_id),
        )
    return batch


def _courier(name: str | None) -> str | None:
    # A pasted coloured name loses its colour codes whole, not just their ESC; a longer one is refused.
    return text_field(name, COURIER_NAME, limit=COURIER_MAX, required=False) or None


def open_batch(station: Station, carrier: str, courier_name: str | None = None) -> BatchView:
    """A new batch for one carrier's courier at this counter."""
    require(station, "courier_batch")
    code = (carrier or "").strip().upper()

    def work(session: Session) -> BatchView:
        row = session.exec(select(Carrier).where(Carrier.code == code, col(Carrier.active))).first()
        if row is None or row.id is None:
            raise NotFound(N_("Unknown carrier {carrier}."), code="unknown_carrier", carrier=cut(code, 16))
        now = station.now()
        batch = CourierBatch(
            carrier_id=row.id,
            courier_name=_courier(courier_name),
            counter=station.counter,
            opened_at=now,
            opened_by=station.clerk_id,
        )
        session.add(batch)
        session.flush()
        audit.record(
            session,
            station,
            EventKind.COURIER_BATCH_OPENED,
            at=now,
            details={"batch": batch.id, "carrier": code, "courier": batch.courier_name},
        )
        return _view(session, batch)

    return station.run(work)


def open_here(station: Station) -> list[BatchView]:
    """This counter's open batches, newest first: a courier's bag left open when another was opened
    stays reachable (Check-in's F10 offers to go on with it)."""
    require(station, "courier_batch")
    with station.read() as session:
        query = (
            select(CourierBatch)
            .where(CourierBatch.status == "open", CourierBatch.counter == station.counter)
            .order_by(col(CourierBatch.id).desc())
        )
        return [_view(session, b) for b in session.exec(query).all()]


def resume_batch(station: Station, batch_id: int) -> BatchView:
    """Go on receiving into a batch still open at this counter (its scans count to it again). One
    closed meanwhile, or open at another counter (that counter's courier), is refused."""
    require(station, "courier_batch")
    with station.read() as session:
        batch = _open_batch(session, batch_id)
        if batch.counter != station.counter:
            raise Refused(
                N_("Courier batch {batch} is open at {counter}: continue it there."),
                code="courier_batch_elsewhere",
                batch=courier_batch_number(batch_id),
                counter=batch.counter,
            )
        return _view(session, batch)


def get(station: Station, batch_id: int) -> BatchView:
    require(station, "view")
    with station.read() as session:
        return _view(session, _batch(session, batch_id))


def list_batches(station: Station, *, status: str | None = "open", limit: int = 50) -> list[BatchView]:
    """Newest first; the open ones are every courier being received now, at any counter."""
    require(station, "view")
    with station.read() as session:
        query = select(CourierBatch).order_by(col(CourierBatch.id).desc()).limit(limit)
        if status:
            query = query.where(CourierBatch.status == status)
        return [_view(session, b) for b in session.exec(query).all()]


def close_batch(
    station: Station,
    batch_id: int,
    courier_name: str | None = None,
    *,
    counter_settings: Any = None,
    print_receipt: bool = True,
) -> BatchView:
    """The courier's bag is done: fix received and missing, queue the receipt for the courier to sign.

    `counter_settings` is this counter's (its printers); a receipt no printer could print is refused
    before anything is written (close with `print_receipt=False` and print the PDF instead).
    """
    require(station, "courier_batch")
    if print_receipt:
        check_printable(counter_settings, JOB_KIND, document="courier_receipt")

    def work(session: Session) -> BatchView:
        batch = _open_batch(session, batch_id, closing=True)
        courier = _courier(courier_name) or batch.courier_name
        opened = batch.courier_name if batch.courier_name and batch.courier_name != courier else None
        if not courier:
            raise Refused(
                N_("Type the name of the courier who hands the parcels over."), code="courier_required"
            )
        view = _view(session, batch)
        expected = _expected(session, batch)
        now = station.now()
        for ids, status in (
            (view.received_ids, PreAlertStatus.RECEIVED),
            ([pid for pid in expected if pid not in set(view.received_ids)], PreAlertStatus.NOT_RECEIVED),
        ):
            if ids:
                session.execute(
                    update(PreAlert)
                    .where(col(PreAlert.id).in_(ids))
                    .values(status=status, batch_id=batch.id, closed_at=now)
                    .execution_options(synchronize_session=False)
                )
        batch.status, batch.closed_at, batch.closed_by, batch.courier_name = (
            "closed",
            now,
            station.clerk_id,
            courier,
        )
        closed = _view_closed(view, batch)
        batch.result = receipt_payload(station, closed, session.get(Carrier, batch.carrier_id))
        if print_receipt:
            batch.receipt_job_id = queue_document(
                session, station, JOB_KIND, handover_payload(batch.result)
            ).id
        session.add(batch)
        audit.record(
            session,
            station,
            EventKind.COURIER_BATCH_CLOSED,
            at=now,
            details={
                "batch": batch.id,
                "carrier": view.carrier,
                "courier": courier,
                **({"courier_at_open": opened} if opened else {}),
                **closed.counts(),
            },
        )
        return replace(_view_closed(view, batch), courier_at_open=opened)

    return station.run(work)


def _view_closed(view: BatchView, batch: CourierBatch) -> BatchView:
    return BatchView(
        **{
            **asdict(view),
            "status": batch.status,
            "closed_at": batch.closed_at,
            "courier_name": batch.courier_name,
            "receipt_job_id": batch.receipt_job_id,
        }
    )


def receipt_payload(station: Station, view: BatchView, carrier: Carrier | None) -> dict[str, Any]:
    """What the receipt shows, frozen at the close (kept with the batch; reprints show the same): the
    carrier's names too, as the receipt is drawn in its printer's language."""
    return {
        "batch_id": view.id,
        "label": view.label,
        "carrier": view.carrier,
        "carrier_name": view.carrier_name,
        "carrier_names": names_kept(carrier),
        "courier": view.courier_name,
        "counter": view.counter,
        "opened_at": view.opened_at.isoformat(),
        "closed_at": (view.closed_at or station.now()).isoformat(),
        "counts": view.counts(),
        "missing": view.missing,
        "extra": view.extra,
        "other_carrier": other_carrier_kept(view),
        "damaged": [{"waybill": w, "note": n} for w, n in view.damaged],
    }


def _stored_receipt(session: Session, batch_id: int) -> dict[str, Any]:
    batch = _batch(session, batch_id)
    if batch.status != "closed":
        raise Refused(
            N_("Courier batch {batch} is still open: close it first."),
            code="courier_batch_open",
            batch=courier_batch_number(batch_id),
        )
    return dict(batch.result)


def reprint_receipt(station: Station, batch_id: int, counter_settings: Any) -> int:
    """Queue the closed batch's receipt again (the same content as at the close)."""
    require(station, "courier_batch")
    with station.read() as session:  # a wrong or open batch is said before any printer; a closed one's stays
        receipt = _stored_receipt(session, batch_id)
    check_printable(counter_settings, JOB_KIND, document="courier_receipt")
    payload = handover_payload(receipt)
    return station.run(lambda session: queue_document(session, station, JOB_KIND, payload).id or 0)


def receipt_of(station: Station, batch_id: int) -> dict[str, Any]:
    """The stored receipt of a closed batch (for `--pdf`), to whoever may receive a courier's batch."""
    require(station, "courier_batch")  # as its reprint: `handover receipt` in the roles table
    with station.read() as session:
        return _stored_receipt(session, batch_id)


def save_receipt_pdf(station: Station, batch_id: int, lang: str, path: Path | None = None) -> Path:
    """A closed batch's receipt as a PDF file for the courier to sign where no printer here takes it: at
    `path`, or under `receipts/` in the user data folder. The console and `station handover close` both."""
    from station_console.services.printing.courier_receipt import handover_document
    from station_console.services.printing.saved_pdfs import save_pdf

    receipt = receipt_of(station, batch_id)
    return save_pdf(
        handover_document(station, handover_payload(receipt), lang), "receipts", receipt["label"], path
    )


RECEIPT_NOT_SAVED = N_("Its receipt PDF was not saved: {reason}")


def receipt_pdf_after_close(
    station: Station, batch_id: int, lang: str, path: Path | None = None
) -> tuple[Path | None, StepFailed | None]:
    """`save_receipt_pdf` right after the close: the batch is closed whatever becomes of the file, so a
    file not written is what failed after the close, with the command that saves it again."""
    from station_console.services.printing.saved_pdfs import pdf_path

    target = pdf_path("receipts", courier_batch_number(batch_id), path)
    again = command("station", "handover", "receipt", courier_batch_number(batch_id), "--pdf", target)
    return after_commit(lambda: save_receipt_pdf(station, batch_id, lang, target), RECEIPT_NOT_SAVED, again)
