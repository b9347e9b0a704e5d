"""Returns to the courier (退回): a batch per carrier, scanned in, a manifest, closed on signature.

A carrier has at most one open batch (a partial unique index, `uq_return_batch_open_carrier`): its
courier takes one pile and signs one manifest. Opening one finds the carrier's open batch or opens it in
one transaction, so two counters (or the console and the CLI) opening at once end in one batch: the
second's insert fails on the index, its unit is retried and joins the first's.

A parcel in an open batch is still `on_shelf` (it is physically there until the courier takes it);
`return_batch_id` marks it (pickup takes it out, door delivery refuses it), so opening a batch and each
parcel put in or taken out is an audit event of its own. A parcel goes in only with a reason to go back:
past its carrier's return threshold, a problem recorded, or recalled by its carrier or sender (`recalled`,
recorded as its problem in the same transaction): a fresh parcel scanned from the wrong pile is refused,
so no customer's parcel leaves the counter by mistake (`return_reasons.py`). Closing the batch (courier's
name typed) makes each parcel `returned`, releases its slot and code, withdraws pending messages, and
records a `returned` event per parcel; a screen's close names the parcels it listed, and one of a batch
another counter changed since is refused (`core/seen_batch.py`).
Putting parcels in and taking them out: `return_batch_parcels.py`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from db.models import Carrier, EventKind, Parcel, ParcelStatus, ReturnBatch
from station_console import name_limit
from station_console.errors import NotFound, Refused
from station_console.i18n import N_
from station_console.safe_text import clean, cut
from station_console.services.carrier_events import outbox as carrier_outbox
from station_console.services.core import audit
from station_console.services.core.batch_states import BATCH_STATE_LABELS
from station_console.services.core.free_text import Phrase, text_field
from station_console.services.core.paper_numbers import return_batch_number
from station_console.services.core.roles import require
from station_console.services.core.seen_batch import Seen, refuse_unless_seen
from station_console.services.core.station import Station
from station_console.services.exceptions import return_batch_parcels, return_reasons
from station_console.services.exceptions.problem_kinds import COURIER_NOTE_KINDS, KIND_LABELS
from station_console.services.exceptions.return_batch_parcels import held_open_batch
from station_console.services.printing.jobs import queue_manifest
from station_console.services.printing.printers import check_printable
from station_console.services.shelves.leaving import leave_shelf
from station_console.services.shelves.search import ParcelRow, rows_for
from station_console.settings import CounterSettings

STATE_LABELS = BATCH_STATE_LABELS  # a batch's status, translated where shown
CARRIER = Phrase(N_("Carrier"))
CARRIER_WANTED = Phrase(N_("a carrier's code, e.g. SF"))  # what a carrier field of marks alone lacks


@dataclass(frozen=True)
class BatchView:
    id: int
    carrier: str
    carrier_name: str  # its short name (the label's), as every counter list names a carrier
    status: str
    created_at: datetime
    closed_at: datetime | None
    signed_by_name: str | None
    parcels: list[ParcelRow] = field(default_factory=list)
    merged_into: int | None = None  # `merged`: the batch its parcels went into, if known
    merged_into_count: int = 0  # how many parcels that batch holds (or returned)
    # `open_batch`'s: opened now, or found open; None from other reads (not compared: a read again is no change)
    opened: bool | None = field(default=None, compare=False)

    @property
    def count(self) -> int:
        return len(self.parcels)

    @property
    def on_shelf_ids(self) -> list[int]:
        """The parcels its close returns, as listed: what a screen passes `close` as `seen`."""
        return [p.id for p in self.parcels if p.status == ParcelStatus.ON_SHELF]

    @property
    def number(self) -> str:
        """What its manifest prints and its barcode carries: RB000003."""
        return return_batch_number(self.id)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["count"] = self.count
        data["number"] = self.number
        data["merged_into_number"] = return_batch_number(self.merged_into) if self.merged_into else None
        if self.opened is None:
            del data["opened"]
        return data


def _view(session: Session, batch: ReturnBatch) -> BatchView:
    carrier = session.get(Carrier, batch.carrier_id)
    parcels = list(
        session.exec(select(Parcel).where(Parcel.return_batch_id == batch.id).order_by(col(Parcel.id))).all()
    )
    return BatchView(
        id=batch.id or 0,
        carrier=carrier.code if carrier else "?",
        carrier_name=carrier.short_name if carrier else "?",
        status=batch.status,
        created_at=batch.created_at,
        closed_at=batch.closed_at,
        signed_by_name=batch.signed_by_name,
        parcels=rows_for(session, parcels),
        merged_into=batch.merged_into,
        merged_into_count=_count_in(session, batch.merged_into) if batch.merged_into else 0,
    )


def open_batch(station: Station, carrier: str) -> BatchView:
    """The carrier's open return batch: the one open already (opened here or at another counter),
    else a new, empty one."""
    require(station, "returns")
    code = _carrier_code(carrier)

    def work(session: Session) -> BatchView:
        batch, opened = _carriers_batch(session, station, code, carrier)
        return replace(_view(session, batch), opened=opened)

    return station.run(work)


def _count_in(session: Session, batch_id: int) -> int:
    return session.exec(select(func.count(col(Parcel.id))).where(Parcel.return_batch_id == batch_id)).one()


def open_batch_with(
    station: Station,
    carrier: str,
    refs: list[str],
    *,
    recalled: bool = False,
    note: str = "",
    recalled_refs: Collection[str] | None = None,
) -> BatchView:
    """`refs` put in the carrier's open return batch (a new one if none is open), in one transaction:
    a parcel refused (picked up at another counter since the list was read) opens no batch, so none is
    left open and empty.
    `recalled`, `note`: as `add`, for every one of `refs`, or only those in `recalled_refs` (Overdue's
    Yes to the ones not yet due: those due go back for their age, nobody said they were recalled)."""
    require(station, "returns")
    code = _carrier_code(carrier)
    note = return_reasons.RECALL_NOTE.read(note) if recalled else ""

    def work(session: Session) -> BatchView:
        batch, _opened = _carriers_batch(session, station, code, carrier)
        return_batch_parcels.put_many_in(
            session, station, batch.id or 0, refs, recalled=recalled, note=note, recalled_refs=recalled_refs
        )
        return _view(session, batch)

    return station.run(work)


def _carrier_code(carrier: str) -> str:
    # empty or marks alone: said as such, not "Unknown carrier"
    code = text_field(carrier, CARRIER, limit=32, wanted=CARRIER_WANTED).upper()
    typed = carrier.strip()
    if code != typed.upper():
        # Not a carrier's code as typed (an escape sequence, a hidden character the field's cleaning took
        # out): unknown, as every other carrier lookup and a waybill with them are, not taken for ZTO.
        raise NotFound(N_("Unknown carrier {carrier}."), code="unknown_carrier", carrier=cut(typed, 16))
    return code


def _carriers_batch(session: Session, station: Station, code: str, typed: str) -> tuple[ReturnBatch, bool]:
    """The carrier's open batch, else a new one with its opening event; whether it is new. Of two
    transactions opening one at once the second's insert meets the index: rolled back and retried, it
    finds the first's, so the audit trail records one opening."""
    row = session.exec(select(Carrier).where(Carrier.code == code)).first()
    if row is None or row.id is None:
        raise NotFound(
            N_("Unknown carrier {carrier}."), code="unknown_carrier", carrier=cut(typed.strip(), 16)
        )
    # Held as a scan's batch is (`_open_batch`): one a close at another counter holds is waited for and,
    # closed by then, no longer matches (PostgreSQL reads the row again), so the next batch opens. Read
    # unlocked, it was joined as open and its parcels were put in after the close returned the rest.
    batch = session.exec(
        select(ReturnBatch)
        .where(ReturnBatch.carrier_id == row.id, ReturnBatch.status == "open")
        .order_by(col(ReturnBatch.id))
        .with_for_update(read=True)
    ).first()
    if batch is not None:
        return batch, False
    now = station.now()
    batch = ReturnBatch(carrier_id=row.id, created_at=now, created_by=station.clerk_id)
    session.add(batch)
    session.flush()
    audit.record(
        session,
        station,
        EventKind.RETURN_BATCH_OPENED,
        at=now,
        details={"batch": batch.id, "carrier": code},
    )
    return batch, True


def print_manifest(station: Station, batch_id: int, counter_settings: CounterSettings) -> int:
    """Queue the batch's manifest (the printing module renders it for PDF and receipt printers).

    A wrong or empty batch is refused first, then one no printer of this counter can print: it would
    wait in the queue for ever.
    """
    require(station, "returns")
    with station.read() as session:
        _batch_with_parcels(session, batch_id)
    check_printable(counter_settings, "manifest", document="return_manifest")

    def work(session: Session) -> int:
        _batch_with_parcels(session, batch_id)  # again: a parcel may have left it meanwhile
        job = queue_manifest(
            session, station, batch_id, problem_labels=KIND_LABELS, note_kinds=COURIER_NOTE_KINDS
        )
        return job.id or 0

    return station.run(work)


def _batch_with_parcels(session: Session, batch_id: int) -> ReturnBatch:
    batch = session.get(ReturnBatch, batch_id)
    if batch is None:
        raise NotFound(
            N_("There is no return batch {batch}."), code="no_batch", batch=return_batch_number(batch_id)
        )
    if not session.exec(select(Parcel.id).where(Parcel.return_batch_id == batch_id)).first():
        raise Refused(
            N_("Return batch {batch} is empty."), code="batch_empty", batch=return_batch_number(batch_id)
        )
    return batch


def close(station: Station, batch_id: int, signed_by: str, *, seen: Seen | None = None) -> BatchView:
    """The courier signed (name typed): every parcel in the batch is `returned`. `seen`: the parcels
    the clerk was shown (`BatchView.on_shelf_ids`, or how many): a batch another counter changed since
    is refused (`batch_changed`), nothing returned, so the courier signs for the pile listed."""
    require(station, "returns")
    signed_by = clean(signed_by)
    if not signed_by:
        raise Refused(N_("Type the name of the courier who signed."), code="signature_required")
    name_limit.within_limit(signed_by)  # refused, not cut: the manifest names who signed
    settings = station.settings()

    def work(session: Session) -> BatchView:
        batch = held_open_batch(session, batch_id, closing=True)
        parcels = session.exec(
            select(Parcel).where(Parcel.return_batch_id == batch.id, Parcel.status == ParcelStatus.ON_SHELF)
        ).all()
        held = {p.id or 0: p.waybill for p in parcels}
        refuse_unless_seen(seen, held, batch_id=batch_id, batch=return_batch_number(batch_id))
        if not parcels:
            raise Refused(
                N_("Return batch {batch} is empty."), code="batch_empty", batch=return_batch_number(batch_id)
            )
        now = station.now()
        carrier = session.get(Carrier, batch.carrier_id)
        for parcel in parcels:
            leave_shelf(
                session,
                station,
                parcel,
                ParcelStatus.RETURNED,
                EventKind.RETURNED,
                now=now,
                settings=settings,
                details={
                    "waybill": parcel.waybill,
                    "batch": batch.id,
                    "signed_by": signed_by,
                    "code": parcel.pickup_code,
                },
                return_batch_id=batch.id,  # the batch it went back in
            )
            carrier_outbox.queue(
                session,
                station,
                parcel,
                carrier_outbox.RETURNED,
                carrier=carrier.code if carrier else "?",
                at=now,
            )
        batch.status, batch.closed_at, batch.closed_by, batch.signed_by_name = (
            "closed",
            now,
            station.clerk_id,
            signed_by,
        )
        session.add(batch)
        session.flush()
        return _view(session, batch)

    return station.run(work)


def get(station: Station, batch_id: int) -> BatchView:
    require(station, "view")
    with station.read() as session:
        batch = session.get(ReturnBatch, batch_id)
        if batch is None:
            raise NotFound(
                N_("There is no return batch {batch}."), code="no_batch", batch=return_batch_number(batch_id)
            )
        return _view(session, batch)


def list_batches(station: Station, *, status: str | None = None, limit: int = 50) -> list[BatchView]:
    """Newest first."""
    require(station, "view")
    with station.read() as session:
        stmt = select(ReturnBatch).order_by(col(ReturnBatch.id).desc()).limit(limit)
        if status:
            stmt = stmt.where(ReturnBatch.status == status)
        return [_view(session, b) for b in session.exec(stmt).all()]
