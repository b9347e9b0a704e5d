"""Handover to the courier (揽收): one batch per carrier, every parcel scanned, then signed and closed.

Like pickup, a scan that is not one of this carrier's sends at the counter is a loud refusal naming
what it is. Closing hands over the scanned sends (their recipients' full phone numbers are dropped:
the carrier has the waybill now), lists the ones left behind as missing, and queues the manifest the
courier signs; the batch is shared by the counters, so a close names the scanned sends it listed and
is refused when another counter changed them since (`core/seen_batch.py`). A clerk's action.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from db.models import Carrier, HandoverBatch, Send, SendEvent, SendStatus
from station_console import name_limit
from station_console.errors import NotFound, Refused
from station_console.i18n import N_, _, label_of
from station_console.safe_text import cut
from station_console.services.core import audit
from station_console.services.core.free_text import text_field
from station_console.services.core.paper_numbers import handover_batch_number
from station_console.services.core.roles import require
from station_console.services.core.seen_batch import Seen, refuse_unless_seen
from station_console.services.core.station import Station
from station_console.services.scan.phone_scans import (
    SCAN_WAYBILL,
    phone_not_waybill,
    refuse_phone,
    scanned_phone,
)
from station_console.services.scan.waybill import as_typed, normalise
from station_console.services.sendout.handover_closed import closed_refusal
from station_console.services.sendout.payments import STATUS_LABELS
from station_console.services.sendout.printouts import queue_manifest
from station_console.services.sendout.quote import billed_grams

OPEN, CLOSED = "open", "closed"


@dataclass(frozen=True)
class SendRow:
    send_id: int
    waybill: str
    carrier: str
    weight_g: int
    chargeable_g: int
    item_count: int
    destination: str
    recipient: str  # masked phone
    created_at: datetime
    scanned: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "send_id": self.send_id,
            "waybill": self.waybill,
            "carrier": self.carrier,
            "weight_g": self.weight_g,
            "chargeable_g": self.chargeable_g,
            "items": self.item_count,
            "destination": self.destination,
            "recipient": self.recipient,
            "accepted_at": self.created_at.isoformat(),
            "scanned": self.scanned,
        }


@dataclass(frozen=True)
class BatchView:
    # None until the first accepted scan saves the batch: choosing a carrier writes nothing.
    batch_id: int | None
    carrier: str
    status: str
    opened_at: datetime
    rows: tuple[SendRow, ...]  # every send of the carrier at the counter, and the ones handed over in it
    courier_name: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    carrier_name: str = ""  # its short name (the label's), as every counter list names a carrier

    @property
    def saved(self) -> bool:
        return self.batch_id is not None

    @property
    def scanned(self) -> list[SendRow]:
        return [r for r in self.rows if r.scanned]

    @property
    def scanned_ids(self) -> list[int]:
        """The sends its close hands over, as listed: what a screen passes `close_batch` as `seen`."""
        return [r.send_id for r in self.scanned]

    @property
    def missing(self) -> list[SendRow]:
        return [r for r in self.rows if not r.scanned]

    def row_for(self, waybill: str) -> SendRow | None:
        return next((r for r in self.rows if r.waybill == waybill), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "carrier": self.carrier,
            "status": self.status,
            "opened_at": self.opened_at.isoformat(),
            "courier_name": self.courier_name,
            "scanned": len(self.scanned),
            "expected": len(self.rows),
            "sends": [r.to_json() for r in self.rows],
            "summary": self.summary,
        }


@dataclass(frozen=True)
class ScanResult:
    row: SendRow
    already: bool
    done: int
    total: int
    batch: BatchView  # after the scan: saved, with its number

    @property
    def batch_id(self) -> int:
        assert self.batch.batch_id is not None
        return self.batch.batch_id


def _carrier(session: Session, code: str, *, lock: bool = False) -> Carrier:
    query = select(Carrier).where(Carrier.code == code)
    # FOR NO KEY UPDATE: it serialises the carrier's first scans, not the sends that refer to it.
    row = session.exec(query.with_for_update(key_share=True) if lock else query).first()
    if row is None or row.id is None:
        # Quoted cut, as the send-out's own lookup quotes it: 5,000 characters came back whole.
        raise NotFound(N_("Unknown carrier {carrier}."), code="unknown_carrier", carrier=cut(code, 16))
    return row


def _view(session: Session, batch: HandoverBatch) -> BatchView:
    """The batch as the counter sees it; a batch not yet saved (`id` None) has none of them scanned."""
    carrier = session.get(Carrier, batch.carrier_id)
    code = carrier.code if carrier else "?"
    where = (
        (col(Send.handover_batch_id) == batch.id)
        if batch.status == CLOSED
        else (col(Send.carrier_id) == batch.carrier_id) & (col(Send.status) == SendStatus.ACCEPTED)
    )
    # populate_existing: the scan and close below write with Core UPDATEs; read what they wrote.
    query = select(Send).where(where).order_by(col(Send.created_at), col(Send.id))
    sends = session.exec(query.execution_options(populate_existing=True)).all()
    rows = tuple(
        SendRow(
            send_id=s.id or 0,
            waybill=s.waybill or "",
            carrier=code,
            weight_g=s.weight_g or 0,
            chargeable_g=billed_grams(s.quote, s.chargeable_g),
            item_count=s.item_count,
            destination=s.destination,
            recipient=s.recipient_masked_phone,
            created_at=s.created_at,
            scanned=batch.id is not None and s.handover_batch_id == batch.id,
        )
        for s in sends
    )
    name = carrier.short_name if carrier else "?"
    return BatchView(
        batch.id, code, batch.status, batch.opened_at, rows, batch.courier_name, dict(batch.summary), name
    )


def _open_for(session: Session, carrier_id: int, *, lock: bool = False) -> HandoverBatch | None:
    query = (
        select(HandoverBatch)
        .where(HandoverBatch.carrier_id == carrier_id, HandoverBatch.status == OPEN)
        .order_by(col(HandoverBatch.id))
    )
    # `lock`: held as a scan's batch is (`_batch_for_scan`); one closed while this waited no longer
    # matches (PostgreSQL reads the row again), so the scan opens the next.
    return session.exec(query.with_for_update(read=True) if lock else query).first()


def _batch_for_scan(
    session: Session, station: Station, batch_id: int, *, closing: bool = False
) -> HandoverBatch:
    """The open batch a scan puts a send in, or a close closes, its row held to the commit
    (PostgreSQL): scans share it, a close takes it alone. So a close waits for a scan at another
    counter and hands that send over too (or, told what the clerk saw, is refused as changed), and a
    scan waits for a close and is refused: no send is left accepted in a closed batch, out of its
    manifest, while the counter counts it gone with the courier. The refusal says who closed it,
    when, and where if not here: a caller says it as it is."""
    batch = session.get(HandoverBatch, batch_id, with_for_update=True if closing else {"read": True})
    if batch is None:  # never: its number came from a batch read
        raise _no_batch(batch_id)
    if batch.status != OPEN:
        raise closed_refusal(session, station, batch)
    return batch


def _no_batch(batch_id: int) -> NotFound:
    return NotFound(
        N_("Handover batch {batch} not found."), code="no_batch", batch=handover_batch_number(batch_id)
    )


def open_batch(station: Station, carrier: str) -> BatchView:
    """The carrier's open batch (this counter's or another's), or one not yet saved (`batch_id` None):
    it writes nothing; the first accepted scan saves the batch."""
    require(station, "send_handover")
    code = carrier.strip().upper()
    with station.read() as session:
        carrier_row = _carrier(session, code)
        assert carrier_row.id is not None
        batch = _open_for(session, carrier_row.id)
        if batch is None:
            batch = HandoverBatch(carrier_id=carrier_row.id, status=OPEN, opened_at=station.now())
        return _view(session, batch)


def _saved_batch(session: Session, station: Station, carrier_id: int, code: str) -> HandoverBatch:
    """The carrier's open batch for a first accepted scan: the one another counter opened meanwhile,
    or a new one with its audit event. The caller locked the carrier's row (PostgreSQL; SQLite's
    writes are one at a time already): two counters scanning their first parcel at once for one
    carrier end in one batch, the second waiting for the first's and joining it."""
    batch = _open_for(session, carrier_id, lock=True)
    if batch is not None:
        return batch
    batch = HandoverBatch(
        carrier_id=carrier_id,
        status=OPEN,
        counter=station.counter,
        opened_at=station.now(),
        opened_by=station.clerk_id,
    )
    session.add(batch)
    session.flush()
    audit.record(
        session,
        station,
        SendEvent.HANDOVER_OPENED,
        at=batch.opened_at,
        details={"batch": batch.id, "carrier": code},
    )
    return batch


def batch_view(station: Station, batch_id: int) -> BatchView:
    """A batch as the handover screen and `station sendout handover` read it: its sends, waybills and
    destinations, so a read for someone signed in, as its scans and close are."""
    require(station, "send_handover")
    return batch_as_printed(station, batch_id)


def batch_as_printed(station: Station, batch_id: int) -> BatchView:
    """The batch as its manifest prints it: a background duty of the print queue, which runs while the
    console is locked (the manifest was queued by the clerk who closed the batch)."""
    with station.read() as session:
        batch = session.get(HandoverBatch, batch_id)
        if batch is None:
            raise _no_batch(batch_id)
        return _view(session, batch)


def batch_read_again(station: Station, batch_id: int) -> tuple[BatchView, Refused | None]:
    """The batch as it is now, and, closed, the refusal a scan into it now gets (who closed it, when,
    and where if not here): for a screen that shows it open and hears it closed with no scan."""
    require(station, "send_handover")
    with station.read() as session:
        batch = session.get(HandoverBatch, batch_id)
        if batch is None:
            raise _no_batch(batch_id)
        closed = closed_refusal(session, station, batch) if batch.status != OPEN else None
        return _view(session, batch), closed


def _wrong(session: Session, waybill: str, carrier_id: int, code: str, typed: str) -> Refused:
    """Why a scanned parcel may not go with this courier, naming what it is (one that is no send of
    this station quoted as `typed`: what the clerk typed, cleaned, not upper-cased)."""
    send = session.exec(select(Send).where(Send.waybill == waybill).order_by(col(Send.id).desc())).first()
    if send is None:
        phone = scanned_phone(waybill)
        if phone is not None:  # a phone barcode scanned: said masked, as a phone
            return phone_not_waybill(phone, advice=SCAN_WAYBILL)
        return Refused(
            N_("Wrong parcel: {waybill} is not a send of this station."), code="wrong_parcel", waybill=typed
        )
    if send.status != SendStatus.ACCEPTED:
        return Refused(
            N_("Wrong parcel: {waybill} is {status}, it must not leave with the courier."),
            code="wrong_parcel",
            waybill=waybill,
            status=label_of(STATUS_LABELS, send.status),
        )
    other = session.get(Carrier, send.carrier_id) if send.carrier_id != carrier_id else None
    return Refused(
        N_("Wrong parcel: {waybill} goes with {other}, not {carrier}."),
        code="wrong_parcel",
        waybill=waybill,
        other=other.code if other else "?",
        carrier=code,
    )


def scan(station: Station, batch: BatchView, raw: str) -> ScanResult:
    """The courier scanned one parcel into the batch; a stranger is refused and nothing changes.

    A batch not yet saved is saved with its first accepted scan, in the scan's transaction (or the
    scan joins the carrier's batch another counter opened meanwhile): the result names it.
    """
    require(station, "send_handover")
    cleaned = normalise(raw)
    if cleaned.waybill is None:
        refuse_phone(raw)  # `+86 138…`: a phone, not a waybill with odd characters
        assert cleaned.error is not None
        raise cleaned.error
    waybill = cleaned.waybill

    def work(session: Session) -> ScanResult:
        if batch.batch_id is None:
            row: HandoverBatch | None = None
            carrier_id = _carrier(session, batch.carrier, lock=True).id
            assert carrier_id is not None
        else:
            row = _batch_for_scan(session, station, batch.batch_id)
            carrier_id = row.carrier_id
        code = batch.carrier
        send = session.exec(
            select(Send).where(
                Send.waybill == waybill,
                Send.status == SendStatus.ACCEPTED,
                Send.carrier_id == carrier_id,
            )
        ).first()
        if send is None or send.id is None:
            raise _wrong(session, waybill, carrier_id, code, as_typed(raw, waybill))
        if row is None:
            row = _saved_batch(session, station, carrier_id, code)
        assert row.id is not None
        batch_id = row.id
        already = send.handover_batch_id == batch_id
        if not already:
            now = station.now()
            # Only on the send as read: one refunded at another counter since (PostgreSQL) starts the
            # scan again, which then refuses it as cancelled instead of putting it in the batch.
            changed = session.connection().execute(
                update(Send)
                .where(
                    col(Send.id) == send.id,
                    col(Send.version) == send.version,
                    col(Send.status) == SendStatus.ACCEPTED,
                )
                .values(handover_batch_id=batch_id, scanned_at=now, version=send.version + 1)
            )
            if changed.rowcount != 1:
                raise StaleDataError(f"send {send.id} changed since version {send.version} was read")
            audit.record(
                session,
                station,
                SendEvent.SEND_SCANNED,
                at=now,
                details={"send_id": send.id, "waybill": waybill, "batch_id": batch_id, "carrier": code},
            )
        view = _view(session, row)
        scanned = view.row_for(waybill)
        assert scanned is not None
        return ScanResult(scanned, already, len(view.scanned), len(view.rows), view)

    return station.run(work)


def nothing_scanned() -> Refused:
    return Refused(N_("Nothing scanned: scan each parcel the courier takes."), code="nothing_scanned")


def close_batch(
    station: Station,
    batch_id: int | None,
    *,
    courier_name: str | None = None,
    print_manifest: bool = True,
    seen: Seen | None = None,
) -> BatchView:
    """Hand over every scanned send; the rest stay at the counter and are listed as missing.

    `seen`: the scanned sends the clerk was shown (`BatchView.scanned_ids`): the batch is shared by the
    counters, and one scanned in or refunded at another since is refused (`batch_changed`), nothing
    handed over, so the manifest counts the pile the courier was shown.

    The manifest is queued for this counter's printers; with `print_manifest=False` (no printer here
    takes it) nothing is queued, as a job no printer takes would wait for ever: the caller draws it
    (`drawing.manifest_document`) for the courier to sign.
    """
    require(station, "send_handover")
    courier = text_field(courier_name, _("Courier"), limit=name_limit.NAME_MAX, required=False) or None
    if batch_id is None:  # never saved: no scan was accepted, and there is nothing to write
        raise nothing_scanned()

    def work(session: Session) -> BatchView:
        batch = _batch_for_scan(session, station, batch_id, closing=True)
        before = _view(session, batch)
        held = {r.send_id: r.waybill for r in before.scanned}
        refuse_unless_seen(seen, held, batch_id=batch_id, batch=handover_batch_number(batch_id))
        if not before.scanned:
            raise nothing_scanned()
        now = station.now()
        for row in before.scanned:
            handed = session.connection().execute(
                update(Send)
                .where(col(Send.id) == row.send_id, col(Send.status) == SendStatus.ACCEPTED)
                .values(
                    status=SendStatus.HANDED_OVER,
                    handed_over_at=now,
                    handed_over_by=station.clerk_id,
                    recipient_phone_full=None,
                    version=Send.version + 1,
                )
            )
            if handed.rowcount != 1:
                # Refunded at another counter since the batch was read (PostgreSQL): the close starts
                # again without it, rather than recording it handed over and counting it.
                raise StaleDataError(f"send {row.send_id} left the counter since its batch was read")
            audit.record(
                session,
                station,
                SendEvent.SEND_HANDED_OVER,
                at=now,
                details={
                    "send_id": row.send_id,
                    "waybill": row.waybill,
                    "batch_id": batch_id,
                    "carrier": before.carrier,
                },
            )
        summary = {
            "handed_over": len(before.scanned),
            "items": sum(r.item_count for r in before.scanned),
            "weight_g": sum(r.weight_g for r in before.scanned),
            "chargeable_g": sum(r.chargeable_g for r in before.scanned),
            "missing": [{"send_id": r.send_id, "waybill": r.waybill} for r in before.missing],
        }
        batch.status, batch.closed_at, batch.closed_by = CLOSED, now, station.clerk_id
        batch.courier_name, batch.summary = courier, summary
        session.add(batch)
        session.flush()
        job = queue_manifest(session, station, batch_id) if print_manifest else None
        audit.record(
            session,
            station,
            SendEvent.HANDOVER_CLOSED,
            at=now,
            details={
                "batch_id": batch_id,
                "carrier": before.carrier,
                "courier": courier,
                "job_id": job,
                **summary,
            },
        )
        closed = _view(session, batch)
        # Left-behind sends are not in a closed batch's rows; the manifest names them from the summary.
        return closed

    return station.run(work)


def open_batches(station: Station) -> list[BatchView]:
    require(station, "view")
    with station.read() as session:
        rows = session.exec(
            select(HandoverBatch).where(HandoverBatch.status == OPEN).order_by(col(HandoverBatch.id))
        ).all()
        return [_view(session, b) for b in rows]
