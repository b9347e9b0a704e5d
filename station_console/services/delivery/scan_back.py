"""A parcel back from a delivery run: delivered at the door (it leaves like a pickup, method `door`,
queued for its carrier as `door_delivered`), or not (on its shelf again, same slot and code, and the
recipient is told why). The run itself, its plan, scan-out and close: runs.py.

Who received it, a signature name and a photo file reference are kept on the delivery item (purged
with the phones), never in the audit event.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from db.models import (
    Carrier,
    DeliveryItem,
    DeliveryRun,
    DeliveryStatus,
    EventKind,
    Layer,
    Parcel,
    ParcelStatus,
    PickupMethod,
    Shelf,
)
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.services.carrier_events import outbox as carrier_outbox
from station_console.services.core import audit
from station_console.services.core.free_text import NOTE
from station_console.services.core.paper_numbers import run_number
from station_console.services.core.recalls import close_overridden, is_recalled
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.delivery import recalled
from station_console.services.delivery.runs import item_on_run, run_row, status_text, typed_name
from station_console.services.delivery.stops import Stop, stops_for
from station_console.services.notify import outbox
from station_console.services.notify.templates import FAIL_REASONS
from station_console.services.recipients.fields import clean
from station_console.services.shelves.leaving import leave_shelf


def _out_item(session: Session, run: DeliveryRun, raw: str) -> tuple[Parcel, DeliveryItem]:
    parcel, item = item_on_run(session, run, raw)
    if item.status != DeliveryStatus.OUT or parcel.delivery_run_id != run.id:
        raise Refused(
            N_("{waybill} was not scanned out on run {run} ({status})."),
            code="not_out",
            waybill=parcel.waybill,
            status=status_text(item.status),
            run=run_number(run.id or 0),
        )
    return parcel, item


def recalled_back(station: Station, run_id: int, raw: str) -> bool:
    """Whether the parcel back from run `run_id` is recalled, read again as F9 (or a manager's Ctrl+O)
    is pressed: one no longer out on the run is refused as its delivery would be, with why, not said
    recalled (recalled.recalled_out answers True for it, for the delivery's write to refuse)."""
    require(station, "door_delivery")
    with station.read() as session:
        parcel, _item = _out_item(session, run_row(session, run_id, writable=False), raw)
        return is_recalled(parcel.problem_kind)


@dataclass(frozen=True)
class Receipt:
    """Who took a parcel at the door, as its delivery item records it."""

    received_by: str
    signature_name: str | None = None
    photo_ref: str | None = None


def receipt_of(received_by: str, signature_name: str | None = None, photo_ref: str | None = None) -> Receipt:
    """The receipt as typed, checked (the screen's form checks with it too); refuses a missing or too long
    part."""
    received = typed_name(received_by, N_("Type who received it (a name, or 'self').")) or ""
    signature = typed_name(signature_name, None)
    photo = clean(photo_ref) or None
    if photo is not None and len(photo) > 200:
        raise Refused(N_("A photo reference has at most 200 characters."), code="too_long")
    return Receipt(received, signature, photo)


def failure_of(reason: str, note: str | None) -> tuple[str, str | None]:
    """Why a parcel came back, and the note as it is stored (the screen's form checks with it too)."""
    if reason not in FAIL_REASONS:
        raise Refused(N_("Say why: {reasons}."), code="bad_reason", reasons=", ".join(FAIL_REASONS))
    return reason, NOTE.read(note) or None


def deliver(
    station: Station,
    run_id: int,
    raw: str,
    *,
    received_by: str,
    signature_name: str | None = None,
    photo_ref: str | None = None,
    recall_reason: str | None = None,
) -> Stop:
    """Back, delivered: it leaves like a pickup (method `door`); a recalled one: recalled.py."""
    require(station, "door_delivery")
    receipt = receipt_of(received_by, signature_name, photo_ref)
    received, signature, photo = receipt.received_by, receipt.signature_name, receipt.photo_ref
    settings, recall_reason = station.settings(), recalled.read_reason(recall_reason)

    def work(session: Session) -> Stop:
        run = run_row(session, run_id)
        parcel, item = _out_item(session, run, raw)
        recalled.check_delivery(station, parcel, recall_reason)
        now = station.now()
        item.status, item.done_at, item.done_by = DeliveryStatus.DELIVERED, now, station.clerk_id
        item.received_by, item.signature_name, item.photo_ref = received, signature, photo
        item.fee_cents = settings.door_delivery_fee_cents
        session.add(item)
        leave_shelf(
            session,
            station,
            parcel,
            ParcelStatus.PICKED_UP,
            EventKind.PICKED_UP,
            now=now,
            settings=settings,
            details={
                "waybill": parcel.waybill,
                "code": parcel.pickup_code,
                "method": PickupMethod.DOOR,
                "scanned": True,
                "run": run.id,
                "fee_cents": item.fee_cents,
                "signed": signature is not None,
                "photo": photo is not None,
                **({"recall_overridden": recall_reason} if is_recalled(parcel.problem_kind) else {}),
            },
            pickup_method=PickupMethod.DOOR,
        )
        close_overridden(session, station, parcel, recall_reason or "", at=now)
        carrier = session.get(Carrier, parcel.carrier_id)
        carrier_outbox.queue(
            session,
            station,
            parcel,
            carrier_outbox.DOOR_DELIVERED,
            carrier=carrier.code if carrier else "?",
            at=now,
            details={"method": PickupMethod.DOOR.value},
        )
        return stops_for(session, [parcel], {parcel.id or 0: item})[0]

    return station.run(work)


def fail(station: Station, run_id: int, raw: str, *, reason: str, note: str | None = None) -> Stop:
    """Back from the run, not delivered: on its shelf again (same slot, same code); the recipient is told,
    unless it was recalled (recalled.py)."""
    require(station, "door_delivery")
    reason, text = failure_of(reason, note)

    def work(session: Session) -> Stop:
        run = run_row(session, run_id)
        parcel, item = _out_item(session, run, raw)
        now = station.now()
        item.status, item.done_at, item.done_by = DeliveryStatus.FAILED, now, station.clerk_id
        item.fail_reason, item.fail_note = reason, text
        parcel.delivery_run_id = None
        session.add_all([item, parcel])
        layer = session.get(Layer, parcel.layer_id) if parcel.layer_id else None
        shelf = session.get(Shelf, parcel.shelf_id) if parcel.shelf_id else None
        details = {"waybill": parcel.waybill, "code": parcel.pickup_code, "run": run.id, "reason": reason}
        if is_recalled(parcel.problem_kind):
            # Brought back as it was recalled: the recipient is not sent to the counter for it.
            details["recalled"] = True
        else:
            outbox.queue(
                session,
                station,
                parcel,
                "delivery_failed",
                outbox.parcel_payload(
                    parcel,
                    shelf=shelf.label if shelf else None,
                    layer=layer.label if layer else None,
                    reason=reason,
                ),
            )
        audit.record(
            session, station, EventKind.DELIVERY_FAILED, parcel_id=parcel.id, at=now, details=details
        )
        return stops_for(session, [parcel], {parcel.id or 0: item})[0]

    return station.run(work)
