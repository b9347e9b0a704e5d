"""One person's data, exported on request (manager only): everything the station holds under their full
phone number (parcels, directory entries, pre-alerts, sends and the sender list, messages, events, who
took their parcels), as JSON-ready data or into a private file. What a deletion blanks is the same set
(privacy.py).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from db.models import (
    Carrier,
    DeliveryItem,
    EventKind,
    Notification,
    Parcel,
    ParcelEvent,
    PreAlert,
    ProxyPickup,
)
from station_console.errors import NotFound
from station_console.i18n import N_
from station_console.private_files import write_atomic
from station_console.services.checkin.phones import parse_phone
from station_console.services.core import audit
from station_console.services.core.roles import require_manager
from station_console.services.core.station import Station
from station_console.services.people.privacy import full_number, parcels_with_phone
from station_console.services.recipients import directory_privacy
from station_console.services.sendout import retention


def export_person(
    station: Station, phone: str, *, keep: Callable[[dict[str, Any]], None] | None = None
) -> dict[str, Any]:
    """Everything the station holds about the person with this phone (manager only), as JSON-ready data.

    The export itself is an audit event (with the masked phone and the count, never the number).
    `keep` writes the data where it goes, as the last step before that event commits: a write that
    fails records nothing.
    """
    require_manager(station, "export")
    full = full_number(phone)

    def work(session: Session) -> dict[str, Any]:
        parcels = parcels_with_phone(session, full)
        entries = directory_privacy.with_phone(session, full)
        prealerts = session.exec(
            select(PreAlert).where(PreAlert.phone_full == full).order_by(col(PreAlert.id))
        ).all()
        sender = retention.sender_with_phone(session, full)
        sends = retention.sends_of(session, sender, full)
        if not parcels and not entries and not prealerts and sender is None and not sends:
            raise NotFound(N_("No parcel holds that phone number."), code="no_person")
        ids = [p.id for p in parcels]
        carriers = {c.id: c.code for c in session.exec(select(Carrier)).all()}
        notes = session.exec(
            select(Notification).where(col(Notification.parcel_id).in_(ids)).order_by(col(Notification.id))
        ).all()
        events = session.exec(
            select(ParcelEvent).where(col(ParcelEvent.parcel_id).in_(ids)).order_by(col(ParcelEvent.id))
        ).all()
        now = station.now()
        audit.record(
            session,
            station,
            EventKind.DATA_EXPORTED,
            at=now,
            details={
                "what": "person",
                "masked_phone": parse_phone(full).masked,
                "parcels": len(ids),
                **({"recipients": len(entries)} if entries else {}),
                **({"prealerts": len(prealerts)} if prealerts else {}),
                **({"senders": 1} if sender is not None else {}),
                **({"sends": len(sends)} if sends else {}),
            },
        )
        data = {
            "exported_at": now.isoformat(),
            "station": station.settings().name_shown(),
            "phone": full,
            "parcels": [_parcel_json(p, carriers) for p in parcels],
            "directory": [directory_privacy.entry_json(session, e) for e in entries],
            "prealerts": [
                {
                    "waybill": a.waybill,
                    "carrier": carriers.get(a.carrier_id),
                    "masked_phone": a.masked_phone,
                    "recipient_name": a.recipient_name,
                    "recipient_type": a.recipient_type,
                    "status": a.status,
                    "created_at": _iso(a.created_at),
                }
                for a in prealerts
            ],
            "senders": [retention.sender_json(sender)] if sender is not None else [],
            "sends": [retention.send_json(session, s, sender) for s in sends],
            "notifications": [
                {
                    "parcel_id": n.parcel_id,
                    "kind": n.kind,
                    "status": n.status,
                    "channel": n.channel,
                    "created_at": _iso(n.created_at),
                    "sent_at": _iso(n.sent_at),
                }
                for n in notes
            ],
            "events": [
                {"parcel_id": e.parcel_id, "kind": e.kind, "at": _iso(e.at), "counter": e.counter}
                for e in events
            ],
            "handovers": _handovers_json(session, ids),
        }
        if keep is not None:
            keep(data)
        return data

    return station.run(work)


def export_person_to(station: Station, phone: str, path: Path) -> dict[str, Any]:
    """`export_person` into the file `path` (0600, whole): written aside and put in place inside the
    export's transaction, just before its audit event commits. A file that cannot be written or put
    in place rolls the event back; a commit that fails after takes the file away again."""
    placed = False

    def write(data: dict[str, Any]) -> None:
        nonlocal placed
        write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2))
        placed = True

    try:
        return export_person(station, phone, keep=write)
    except BaseException:
        if placed:  # the export is not recorded: no file of it may stay behind
            with contextlib.suppress(OSError):
                path.unlink()
        raise


def _handovers_json(session: Session, ids: list[Any]) -> list[dict[str, Any]]:
    """Who took their parcels for them, and who took them at the door: what a deletion blanks."""
    proxies = session.exec(select(ProxyPickup).where(col(ProxyPickup.parcel_id).in_(ids))).all()
    doors = session.exec(select(DeliveryItem).where(col(DeliveryItem.parcel_id).in_(ids))).all()
    return [
        *(
            {
                "parcel_id": p.parcel_id,
                "proxy_name": p.name,
                "proxy_phone_tail": p.phone_tail,
                "at": _iso(p.at),
            }
            for p in proxies
        ),
        *(
            {
                "parcel_id": d.parcel_id,
                "received_by": d.received_by,
                "signature_name": d.signature_name,
                "photo_ref": d.photo_ref,
                "fail_note": d.fail_note,
                "at": _iso(d.done_at),
            }
            for d in doors
        ),
    ]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parcel_json(p: Parcel, carriers: dict[int | None, str]) -> dict[str, Any]:
    return {
        "waybill": p.waybill,
        "carrier": carriers.get(p.carrier_id),
        "status": p.status,
        "pickup_code": p.pickup_code,
        "phone": p.phone_full,
        "masked_phone": p.masked_phone,
        "email": p.email,
        "recipient_name": p.recipient_name,
        "checked_in_at": _iso(p.checked_in_at),
        "picked_up_at": _iso(p.picked_up_at),
        "returned_at": _iso(p.returned_at),
    }
