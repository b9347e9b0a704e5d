"""Send-out test helpers: signed-in clerks, a complete counter form, reading rows and events back."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

from sqlmodel import col, select
from station_helpers import act_as_new_clerk

from db.models import ParcelEvent, PrintJob, Role, Send, Sender
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.services.sendout import accept, inspection
from station_console.services.sendout.accept import Parcel, Party, Recipient, SendResult
from station_console.services.sendout.identity import resident_check_char
from station_console.services.sendout.payments import Payment
from station_console.services.sendout.weighing import Weight

RESIDENT_ID = "11010519491231002X"  # the GB 11643 example number: valid check character
SENDER_PHONE = "13812345678"
RECIPIENT_PHONE = "13987654321"
FULL_NUMBERS = (SENDER_PHONE, RECIPIENT_PHONE, RESIDENT_ID, RESIDENT_ID[:17])


def born_on(day: date) -> str:
    """A valid resident ID number of someone born on `day`."""
    first17 = "110105" + day.strftime("%Y%m%d") + "002"
    return first17 + resident_check_char(first17)


def staff(station: Station) -> Station:
    """Manager Wang and clerk Li exist (beside the fixture's own clerk); Li is signed in."""
    act_as_new_clerk(station, "Wang", Role.MANAGER, "9071")
    clerks.add_clerk(station, "Li", "1357")
    clerks.sign_in(station, "Li", "1357")
    return station


def as_manager(station: Station) -> None:
    clerks.sign_in(station, "Wang", "9071")


def as_clerk(station: Station) -> None:
    clerks.sign_in(station, "Li", "1357")


def party(**changes: Any) -> Party:
    base = Party(
        name="Zhang San", phone=SENDER_PHONE, id_type="resident", id_number=RESIDENT_ID, id_seen=True
    )
    return replace(base, **changes)


def recipient(**changes: Any) -> Recipient:
    base = Recipient(
        name="Wang Wu", phone=RECIPIENT_PHONE, destination="新疆", address="乌鲁木齐市天山区人民路 88 号"
    )
    return replace(base, **changes)


def parcel(**changes: Any) -> Parcel:
    return replace(Parcel(contents="clothes", item_count=1), **changes)


def all_ticked(station: Station) -> list[str]:
    return inspection.current(station).ids


def send(station: Station, waybill: str | None = "SF1234567890123", **kw: Any) -> SendResult:
    """Accept one send with a complete, valid form; keywords override any part."""
    args: dict[str, Any] = {
        "carrier": "SF",
        "party": party(),
        "recipient": recipient(),
        "parcel": parcel(),
        "checked": all_ticked(station),
        "weight": Weight.typed(1200),
        "payment": Payment("cash"),
        "waybill": waybill,
    }
    args.update(kw)
    return accept.accept(station, **args)


def sf(n: int) -> str:
    """A distinct valid SF waybill."""
    return f"SF{n:013d}"


def row(station: Station, send_id: int) -> Send:
    with station.read() as session:
        found = session.get(Send, send_id)
    assert found is not None
    return found


def senders(station: Station) -> list[Sender]:
    with station.read() as session:
        return list(session.exec(select(Sender)).all())


def events(station: Station, *kinds: str) -> list[ParcelEvent]:
    query = select(ParcelEvent).order_by(col(ParcelEvent.id))
    if kinds:
        query = query.where(col(ParcelEvent.kind).in_(kinds))
    with station.read() as session:
        return list(session.exec(query).all())


def jobs(station: Station) -> list[PrintJob]:
    with station.read() as session:
        return list(session.exec(select(PrintJob).order_by(col(PrintJob.id))).all())


def dump(station: Station) -> str:
    """Every event detail and print payload as text, to look for numbers that must not be there."""
    return json.dumps(
        [e.details for e in events(station)] + [j.payload for j in jobs(station)], ensure_ascii=False
    )
