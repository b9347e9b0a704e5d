"""Handover to the courier (揽收): one batch per carrier, every parcel scanned, then signed and closed.

Like pickup, a scan that is not one of this carrier's sends at the counter is a loud refusal naming
what it is. Closing hands over the scanned sends (their recipients' full phone numbers are dropped:
the carrier has the waybill now), lists the ones left behind as missing, and queues the manifest the
courier signs. A clerk's action.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update
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
from station_console.services.core.station import Station
from station_console.services.scan.waybill import normalise
from station_console.services.sendout.payments import STATUS_LABELS
from station_console.services.sendout.printouts import queue_manifest

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
    batch_id: int
    carrier: str
    status: str
    opened_at: datetime
    rows: tuple[SendRow, ...]  # every send of the carrier at the counter, and the ones handed over in it
    courier_name: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    carrier_name: str = ""  # its short name (the label's), as every counter list names a carrier

    @property
    def scanned(self) -> list[SendRow]:
        return [r for r in self.rows if r.scanned]

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


def _carrier(session: Session, code: str) -> Carrier:
    row = session.exec(select(Carrier).where(Carrier.code == code)).first()
    if row is None or row.id is None:
        # Quoted cut, as the send-out's own lookup quotes it: 5,000 characters came back whole.
        raise NotFound(N_("Unknown carrier {carrier}."), code="unknown_carrier", carrier=cut(code, 16))
    return row


def _view(session: Session, batch: HandoverBatch) -> BatchView:
    assert batch.id is not None
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
            chargeable_g=s.chargeable_g or 0,
            item_count=s.item_count,
            destination=s.destination,
            recipient=s.recipient_masked_phone,
            created_at=s.created_at,
            scanned=s.handover_batch_id == batch.id,
        )
        for s in sends
    )
    name = carrier.short_name if carrier else "?"
    return BatchView(
        batch.id, code, batch.status, batch.opened_at, rows, batch.courier_name, dict(batch.summary), name
    )


def open_batch(station: Station, carrier: str) -> BatchView:
    """The carrier's open batch, or a new one: the courier's scans go there."""
    require(station, "send_handover")
    code = carrier.strip().upper()

    def work(session: Session) -> BatchView:
        carrier_row = _carrier(session, code)
        batch = session.exec(
            select(HandoverBatch)
            .where(HandoverBatch.carrier_id == carrier_row.id, HandoverBatch.status == OPEN)
            .order_by(col(HandoverBatch.id))
        ).first()
        if batch is None:
            assert carrier_row.id is not None
            batch = HandoverBatch(
                carrier_id=carrier_row.id,
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
        return _view(session, batch)

    return station.run(work)


def batch_view(station: Station, batch_id: int) -> BatchView:
    with station.read() as session:
        batch = session.get(HandoverBatch, batch_id)
        if batch is None:
            raise NotFound(
                N_("Handover batch {batch} not found."),
                code="no_batch",
                batch=handover_batch_number(batch_id),
            )
        return _view(session, batch)


def _wrong(session: Session, waybill: str, carrier_id: int, code: str) -> Refused:
    """Why a scanned parcel may not go with this courier, naming what it is."""
    send = session.exec(select(Send).where(Send.waybill == waybill).order_by(col(Send.id).desc())).first()
    if send is None:
        return Refused(
            N_("Wrong parcel: {waybill} is not a send of this station."), code="wrong_parcel", waybill=waybill
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


def scan(station: Station, batch_id: int, raw: str) -> ScanResult:
    """The courier scanned one parcel into the batch; a stranger is refused and nothing changes."""
    require(station, "send_handover")
    cleaned = normalise(raw)
    if cleaned.waybill is None:
        assert cleaned.error is not None
        raise cleaned.error
    waybill = cleaned.waybill

    def work(session: Session) -> ScanResult:
        batch = session.get(HandoverBatch, batch_id)
        if batch is None or batch.status != OPEN:
            raise Refused(
                N_("Handover batch {batch} is closed."),
                code="batch_closed",
                batch=handover_batch_number(batch_id),
            )
        carrier = session.get(Carrier, batch.carrier_id)
        code = carrier.code if carrier else "?"
        send = session.exec(
            select(Send).where(
                Send.waybill == waybill,
                Send.status == SendStatus.ACCEPTED,
                Send.carrier_id == batch.carrier_id,
            )
        ).first()
        if send is None or send.id is None:
            raise _wrong(session, waybill, batch.carrier_id, code)
        already = send.handover_batch_id == batch_id
        if not already:
            now = station.now()
            session.connection().execute(
                update(Send)
                .where(col(Send.id) == send.id)
                .values(handover_batch_id=batch_id, scanned_at=now, version=send.version + 1)
            )
            audit.record(
                session,
                station,
                SendEvent.SEND_SCANNED,
                at=now,
                details={"send_id": send.id, "waybill": waybill, "batch_id": batch_id, "carrier": code},
            )
        view = _view(session, batch)
        row = view.row_for(waybill)
        assert row is not None
        return ScanResult(row, already, len(view.scanned), len(view.rows))

    return station.run(work)


def close_batch(
    station: Station, batch_id: int, *, courier_name: str | None = None, print_manifest: bool = True
) -> BatchView:
    """Hand over every scanned send; the rest stay at the counter and are listed as missing.

    The manifest is queued for this counter's printers; with `print_manifest=False` (no printer here
    takes it) nothing is queued, as a job no printer takes would wait for ever: the caller draws it
    (`drawing.manifest_document`) for the courier to sign.
    """
    require(station, "send_handover")
    courier = text_field(courier_name, _("Courier"), limit=name_limit.NAME_MAX, required=False) or None

    def work(session: Session) -> BatchView:
        batch = session.get(HandoverBatch, batch_id)
        if batch is None or batch.status != OPEN:
            raise Refused(
                N_("Handover batch {batch} is closed."),
                code="batch_closed",
                batch=handover_batch_number(batch_id),
            )
        before = _view(session, batch)
        if not before.scanned:
            raise Refused(N_("Nothing scanned: scan each parcel the courier takes."), code="nothing_scanned")
        now = station.now()
        for row in before.scanned:
            session.connection().execute(
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


@dataclass(frozen=True)
class Waiting:
    """A carrier's sends waiting at the counter for its courier."""

    carrier: str
    carrier_name: str  # its short name (the label's), as every counter list names a carrier
    count: int


def at_counter(station: Station) -> list[Waiting]:
    """Sends waiting for their courier, per carrier, by code."""
    require(station, "view")
    from sqlalchemy import func

    with station.read() as session:
        rows = session.exec(
            select(Carrier.code, Carrier.short_name, func.count(col(Send.id)))
            .join(Carrier, col(Carrier.id) == Send.carrier_id)
            .where(Send.status == SendStatus.ACCEPTED)
            .group_by(Carrier.code, Carrier.short_name)
            .order_by(Carrier.code)
        ).all()
    return [Waiting(code, name, int(n)) for code, name, n in rows]
