"""Check-in (入库): one call per scan, one transaction.

normalise + detect -> duplicate check -> phone -> size -> shelf slot -> pickup code -> parcel row ->
label job -> notification -> carrier event -> audit event. A pre-alerted waybill fills the phone, name and
size the clerk did not type (`prealert.py`). All of it commits together or none of it does; a refusal
raises a `StationError` and writes nothing.

The console checks a parcel in the moment it is scanned and takes its phone afterwards (`set_phone` in
`late_phone.py`, the one way a phone joins a parcel after its check-in): its label is held for the phone
meanwhile (`hold_label`), and the arrival message is queued once the parcel has a number to send it to.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db import fast
from db.fast import Hot, Tx
from db.models import (
    Carrier,
    EventKind,
    Layer,
    Parcel,
    ParcelEvent,
    ParcelStatus,
    ProblemKind,
    Shelf,
    Size,
)
from station_console import name_limit
from station_console.errors import NotFound, Refused
from station_console.i18n import N_
from station_console.safe_text import clean
from station_console.services.carrier_events import outbox as carrier_outbox
from station_console.services.checkin import prealert, recipient
from station_console.services.checkin.carrier_choice import chosen_carrier, unreadable
from station_console.services.checkin.duplicates import check_duplicate
from station_console.services.checkin.phones import Phone, parse_phone
from station_console.services.core import audit
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.notify import outbox
from station_console.services.printing import jobs
from station_console.services.scan.carriers import active_detector, carrier_ref
from station_console.services.shelves import placing
from station_console.services.shelves.leaving import leave_shelf
from station_console.services.shelves.search import require_on_shelf, status_text

SIZES = tuple(s.value for s in Size)


@dataclass(frozen=True)
class CheckinResult:
    parcel_id: int
    waybill: str
    carrier: str
    carrier_name: str  # its short name (the label's), as every counter list names a carrier
    shelf: str
    layer: str
    pickup_code: str
    size: str
    masked_phone: str | None
    status: str
    redelivery: bool
    overflow: bool
    label_job: int | None
    recipient_id: int | None = None  # the directory entry, when the clerk chose one or the phone is theirs
    consent_missing: bool = False  # that person has not consented to holding parcels at the station
    # and what they said: granted, refused, withdrawn or not_asked (recipient.CONSENT_STATES)
    consent: str | None = None
    wants_door: bool = False  # that person's delivery choice is door delivery
    prealerted: bool = False  # a pre-alert filled what the clerk did not type

    @property
    def location(self) -> str:
        return f"{self.shelf}-{self.layer}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def check_in(
    station: Station,
    raw: str,
    *,
    batch: str | None = None,
    carrier: str | None = None,
    phone: str | None = None,
    size: str | None = None,
    recipient_name: str | None = None,
    email: str | None = None,
    hold_label: bool = False,
    recipient_id: int | None = None,
    courier_batch: int | None = None,
    put_back_at_stocktake: int | None = None,
    put_back_note: str = "",
    wanted_layer: int | None = None,
    session: Tx | None = None,
) -> CheckinResult:
    """Check in one scanned waybill, in a transaction of its own, or in the caller's `session` (a
    service whose change includes check-ins, the stocktake's close: they commit with it or not at all).

    `batch` is the carrier the clerk is receiving (settles ambiguity; a contradiction is refused as
    `carrier_conflict` until the clerk confirms). `carrier` is the clerk's explicit choice and wins.
    A pre-alert of the waybill fills what was not typed (phone, name, size, recipient type).
    `recipient_id` is the directory entry the clerk chose: its phone, name and e-mail fill what was
    still missing (a typed or pre-alerted tail of one of its phones gets that phone's full number).
    Without it, a full phone (typed or pre-alerted) that is one person's directory phone links that
    person. `courier_batch` is the open courier batch the parcel arrives in (its expected/received counts).
    `hold_label`: the console's scan, whose phone comes next: its label waits for it (printing/jobs.py),
    and this counter's label held for the parcel before prints now.
    `put_back_at_stocktake`: a parcel recorded as having left, found on the shelf at that stocktake: it
    is no new arrival, so neither the customer nor the carrier is told it arrived; and someone may have
    been handed a wrong parcel, so it is flagged a problem (`put_back`, its note `put_back_note`: when and
    by whom it left) for the manager to sort out on Problems.
    `wanted_layer`: the layer it goes on when that takes it (room and a code free: a put-back stays
    where the stocktake found it), else the assignment policy's (`shelves/placing.py`).
    """
    require(station, "checkin")
    if email is not None and len(email) > 120:
        raise Refused(N_("An e-mail address is at most 120 characters."), code="bad_email")
    settings = station.settings()
    # Every carrier deactivated: the detector knows no waybill length, and every scan read as "too
    # long for a waybill (at most 0)".
    detector = active_detector(station)
    detection = detector.detect(raw, batch=batch)
    if detection.waybill is None:
        raise unreadable(detection)
    waybill = detection.waybill
    if carrier is None:
        carrier = chosen_carrier(detection, waybill, batch)
    typed_size = size.upper() if size else None
    if typed_size is not None and typed_size not in SIZES:
        raise Refused(N_("Size must be one of S, M, L, XL."), code="bad_size")
    typed: Phone | None = parse_phone(phone) if phone else None
    forced = detection.error is not None or carrier not in {c.carrier for c in detection.candidates}

    def work(session: Tx) -> CheckinResult:
        # The detector's cached row when it has it (a carrier chosen by hand may be one another
        # counter just added: then the table).
        carrier_row = carrier_ref(station, carrier) or _CARRIER.first(session, code=carrier)
        if carrier_row is None or carrier_row[0] is None:
            raise Refused(N_("Unknown carrier {carrier}."), code="unknown_carrier", carrier=carrier)
        carrier_id, carrier_short = int(carrier_row[0]), str(carrier_row[1])
        # A put-back's waybill was here before, but the parcel never left: not a re-delivery (the day
        # report counts it once, among the stocktake's put-backs).
        redelivery = check_duplicate(session, waybill) and put_back_at_stocktake is None
        if courier_batch is not None:
            prealert.require_open_batch(session, courier_batch)
        expected = prealert.expected(session, waybill)
        parsed = prealert.merged_phone(typed, expected)
        size = typed_size or (expected.size if expected else None) or settings.default_size
        if recipient_id is not None:
            addressee: recipient.Addressee | None = recipient.by_id(session, recipient_id)
        else:
            addressee = recipient.by_phone(session, parsed.full) if parsed and parsed.full else None
        phone = addressee.phone_for(parsed) if addressee else parsed
        now = station.now()
        slot, code = placing.place(
            session,
            settings,
            size,
            now,
            phone_full=phone.full if phone else None,
            masked_phone=phone.masked if phone else None,
            phone_tail=phone.tail if phone else None,
            recipient_id=addressee.id if addressee else None,
            wanted_layer=wanted_layer,
        )
        day_of = station.day_of(now, session=session)
        # A plain row, not a model object: the check-in's hot path (db/fast.py).
        row: dict[str, Any] = {
            "waybill": waybill,
            "carrier_id": carrier_id,
            "size": size,
            "status": ParcelStatus.ON_SHELF,
            "shelf_id": slot.shelf_id,
            "layer_id": slot.layer_id,
            "pickup_code": code,
            "redelivery": redelivery,
            "phone_tail": phone.tail if phone else None,
            "masked_phone": phone.masked if phone else None,
            "phone_full": phone.full if phone else None,
            "email": email or (addressee.email if addressee else None),
            # The station's directory spells the name better than a carrier's (often masked) pre-alert.
            "recipient_name": clean(recipient_name, name_limit.NAME_MAX)
            or (addressee.name if addressee else None)
            or (expected.recipient_name if expected else None),
            "recipient_id": addressee.id if addressee else None,
            "recipient_type": expected.recipient_type if expected else None,
            "courier_batch_id": courier_batch,
            "prealert_id": expected.id if expected else None,
            "checked_in_at": now,
            "checked_in_by": station.clerk_id,
            "checked_in_counter": station.counter,
            "business_day": day_of[0],
        }
        if put_back_at_stocktake is not None:
            row |= {
                "problem_kind": ProblemKind.PUT_BACK,
                "problem_note": put_back_note[:500],
                "problem_at": now,
            }
        parcel_id = fast.insert_row(session, Parcel, row)
        if hold_label:
            jobs.release_held(session, station)
        job_id = jobs.queue_label_row(session, station, parcel_id, hold=hold_label and phone is None, at=now)
        arrived = put_back_at_stocktake is None
        if arrived and (row["phone_full"] or row["email"]):  # reachable (notify/outbox.py)
            outbox.queue_checkin_row(
                session,
                station,
                parcel_id=parcel_id,
                pickup_code=code,
                checked_in_at=now,
                carrier=carrier_short,
                shelf=slot.shelf_label,
                layer=slot.layer_label,
            )
        if arrived:
            carrier_outbox.queue(
                session,
                station,
                _NewParcel(parcel_id, carrier_id, waybill),
                carrier_outbox.CHECKED_IN,
                carrier=carrier,
                at=now,
                details={"pickup_code": code},
            )
        overflow = slot.zone == settings.overflow_zone
        details: dict[str, Any] = {}
        if expected is not None:
            details["prealert"] = expected.id
            if expected.status != "expected":
                details["prealert_status"] = expected.status  # it was closed as not received
        if courier_batch is not None:
            details["courier_batch"] = courier_batch
        if addressee is not None:
            details["recipient"] = addressee.id
        if put_back_at_stocktake is not None:
            details["stocktake"] = put_back_at_stocktake
        audit.record(
            session,
            station,
            EventKind.CHECKED_IN,
            parcel_id=parcel_id,
            at=now,
            day_of=day_of,
            details={
                "raw": detection.raw[:80],
                "waybill": waybill,
                "carrier": carrier,
                "code": code,
                "size": size,
                "shelf": slot.shelf_label,
                "layer": slot.layer_label,
                "masked_phone": row["masked_phone"],
                "redelivery": redelivery,
                "overflow": overflow,
                "forced_carrier": forced,
                **details,
            },
        )
        if put_back_at_stocktake is not None:
            audit.record(
                session,
                station,
                EventKind.PROBLEM_MARKED,
                parcel_id=parcel_id,
                at=now,
                day_of=day_of,
                details={
                    "waybill": waybill,
                    "kind": ProblemKind.PUT_BACK,
                    "note": row["problem_note"],
                    "previous": None,
                    "stocktake": put_back_at_stocktake,
                },
            )
        return CheckinResult(
            parcel_id=parcel_id,
            waybill=waybill,
            carrier=carrier,
            carrier_name=carrier_short,
            shelf=slot.shelf_label,
            layer=slot.layer_label,
            pickup_code=code,
            size=size,
            masked_phone=row["masked_phone"],
            status=ParcelStatus.ON_SHELF,
            redelivery=redelivery,
            overflow=overflow,
            label_job=job_id,
            recipient_id=addressee.id if addressee else None,
            consent_missing=addressee.consent_missing if addressee else False,
            consent=addressee.consent_state if addressee else None,
            wants_door=addressee is not None and addressee.preference == "door",
            prealerted=expected is not None,
        )

    if session is not None:
        return work(session)
    return station.run_plain(work)


class _NewParcel(NamedTuple):
    """What the carrier outbox needs of the parcel just written as a plain row."""

    id: int
    carrier_id: int
    waybill: str


# The check-in's own reads, on the driver's cursor (db/fast.py).
_CARRIER = Hot(
    sa_select(col(Carrier.id), col(Carrier.short_name)).where(
        col(Carrier.code) == bindparam("code"), col(Carrier.active)
    )
)


def undo_last(station: Station) -> CheckinResult:
    """Reverse this clerk's (this counter's) newest check-in not undone yet; pressed again, the one
    before it. One that has left the shelf since (picked up at another counter, out with a runner) is
    refused, naming it: the undo went on to the newest still on the shelf, an older parcel the clerk
    never meant, whose customer's code then no longer answered.

    The code goes into cooldown, its label job and message are withdrawn, the audit event stays and a
    `checkin_undone` event joins it.
    """
    require(station, "undo_checkin")
    settings = station.settings()

    def work(session: Session) -> CheckinResult:
        query = (
            select(ParcelEvent.parcel_id)
            .join(Parcel, col(Parcel.id) == ParcelEvent.parcel_id)
            .where(
                ParcelEvent.kind == EventKind.CHECKED_IN,
                ParcelEvent.counter == station.counter,
                Parcel.status != ParcelStatus.CANCELLED,
            )
            .order_by(col(ParcelEvent.id).desc())
            .limit(1)
        )
        if station.clerk_id is not None:
            query = query.where(ParcelEvent.clerk_id == station.clerk_id)
        parcel_id = session.exec(query).first()
        parcel = session.get(Parcel, parcel_id) if parcel_id else None
        if parcel is None or parcel.id is None:
            raise NotFound(
                N_("Nothing to undo: no check-in of yours is still on the shelf."), code="nothing_to_undo"
            )
        if parcel.status != ParcelStatus.ON_SHELF:
            raise Refused(
                N_(
                    "Nothing undone: your last check-in, {waybill}, is no longer on the shelf ({status}). "
                    "Only a parcel still on the shelf can be undone."
                ),
                code="last_checkin_left",
                waybill=parcel.waybill,
                status=status_text(parcel.status),
            )
        require_on_shelf(parcel)  # nor one out with a runner: it says which run
        now = station.now()
        leave_shelf(
            session,
            station,
            parcel,
            ParcelStatus.CANCELLED,
            EventKind.CHECKIN_UNDONE,
            now=now,
            settings=settings,
            details={"waybill": parcel.waybill, "code": parcel.pickup_code},
        )
        carrier_row = session.get(Carrier, parcel.carrier_id)
        carrier_outbox.withdraw_or_correct(
            session,
            station,
            parcel,
            carrier_outbox.CHECKED_IN,
            carrier=carrier_row.code if carrier_row else "?",
        )
        shelf_label, layer_label = shelf_and_layer(session, parcel)
        return CheckinResult(
            parcel_id=parcel.id,
            waybill=parcel.waybill,
            carrier=carrier_row.code if carrier_row else "?",
            carrier_name=carrier_row.short_name if carrier_row else "?",
            shelf=shelf_label,
            layer=layer_label,
            pickup_code=parcel.pickup_code or "",
            size=parcel.size,
            masked_phone=parcel.masked_phone,
            status=parcel.status,
            redelivery=parcel.redelivery,
            overflow=False,
            label_job=None,
        )

    return station.run(work)


def shelf_and_layer(session: Session, parcel: Parcel) -> tuple[str, str]:
    """The labels of the shelf and layer a parcel is on ("?" for one it has none of)."""
    layer = session.get(Layer, parcel.layer_id) if parcel.layer_id else None
    shelf = session.get(Shelf, parcel.shelf_id) if parcel.shelf_id else None
    return (shelf.label if shelf else "?", layer.label if layer else "?")
