"""Waybill numbers for sends: typed, scanned or pasted; taken from the station's stock; or issued by
the carrier's e-waybill service (电子面单) through a provider. Every number is checked with the carrier
detector against the send's carrier.

The stock is a file of numbers the carrier issued to the station, imported by a manager (all lines
good, or nothing imported). Providers are small objects behind one interface (`providers.py`); the
number is asked for before the send's transaction, so no network call ever holds the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, select

from db.models import Carrier, Send, SendEvent, SendStatus, WaybillStock
from station_console.errors import NotFound, Refused
from station_console.i18n import N_, _n
from station_console.safe_text import cut
from station_console.services.core import audit
from station_console.services.core.roles import require_manager
from station_console.services.core.station import Station
from station_console.services.scan.carriers import get_detector
from station_console.services.scan.phone_scans import (
    PHONE_FIELD,
    mobile_shaped_waybill,
    refuse_phone,
    unconfirmed_waybill,
)

ENTERED, POOL, PROVIDER = "entered", "pool", "provider"
SOURCES = (ENTERED, POOL, PROVIDER)
MAX_IMPORT = 100_000


def check_number(station: Station, raw: str, carrier: str, *, confirmed: bool = False) -> str:
    """The normalised waybill when it is a valid `carrier` number; `Refused` saying why otherwise.
    `confirmed`: the clerk (or the stock file's carrier) said a number shaped as a mobile that
    `carrier` takes is its waybill (a DHL Express number: 11 digits, a check digit)."""
    detector = get_detector(station)
    if carrier not in detector.carriers:
        raise NotFound(N_("Unknown carrier {carrier}."), code="unknown_carrier", carrier=cut(carrier, 16))
    detection = detector.detect(raw, batch=carrier)
    # A sender's phone barcode scanned (or typed) into the waybill: as check-in refuses it, never a
    # send's number (a DHL-shaped mobile passes the check below), its stock or its label, unless
    # confirmed; one the carrier would take is refused naming it, so a real one can be confirmed.
    shaped = mobile_shaped_waybill(detection, carrier)
    if shaped is not None and not confirmed:
        raise unconfirmed_waybill(shaped, carrier)
    if shaped is None:
        refuse_phone(raw, detection.waybill, advice=PHONE_FIELD)
    if detection.waybill is None:
        assert detection.error is not None
        raise detection.error
    if detection.error is not None:
        raise detection.error
    if carrier not in {c.carrier for c in detection.candidates}:
        best = detection.best
        raise Refused(
            N_("{waybill} is not a {carrier} waybill number (it looks like {detected})."),
            code="carrier_conflict",
            waybill=detection.waybill,
            carrier=carrier,
            detected=best.carrier if best else "?",
        )
    return detection.waybill


def assert_unused(session: Session, waybill: str) -> None:
    """Refuse a number a live send already carries."""
    other = session.exec(
        select(Send.id).where(
            Send.waybill == waybill, col(Send.status).in_((SendStatus.ACCEPTED, SendStatus.HANDED_OVER))
        )
    ).first()
    if other is not None:
        raise Refused(
            N_("Waybill {waybill} is already on send {send}."),
            code="waybill_used",
            waybill=waybill,
            send=other,
        )


def take_from_stock(session: Session, station: Station, carrier_id: int, carrier: str) -> WaybillStock:
    """The oldest unused stock number of the carrier, claimed in the caller's transaction."""
    row = session.exec(
        select(WaybillStock)
        .where(WaybillStock.carrier_id == carrier_id, col(WaybillStock.send_id).is_(None))
        .order_by(col(WaybillStock.id))
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if row is None:
        raise NotFound(
            N_("No {carrier} waybill numbers left in stock: import more, or scan a pre-printed one."),
            code="stock_empty",
            carrier=carrier,
        )
    return row


def mark_used(session: Session, row: WaybillStock, send_id: int, station: Station) -> None:
    claimed = session.connection().execute(
        update(WaybillStock)
        .where(col(WaybillStock.id) == row.id, col(WaybillStock.send_id).is_(None))
        .values(send_id=send_id, used_at=station.now())
    )
    if claimed.rowcount != 1:  # another counter took it between our read and this write: start again
        raise Refused(
            N_("That waybill number was just used at another counter; try again."), code="stock_race"
        )


def mark_stock_of(session: Session, waybill: str, send_id: int, station: Station) -> None:
    """A typed or scanned number that is in the stock is used up too."""
    row = session.exec(select(WaybillStock).where(WaybillStock.waybill == waybill)).first()
    if row is not None and row.send_id is None:
        mark_used(session, row, send_id, station)


@dataclass(frozen=True)
class ImportResult:
    carrier: str
    imported: int
    already: int  # numbers the stock had already (a file imported twice adds nothing)
    source: str

    def to_json(self) -> dict[str, object]:
        return {
            "carrier": self.carrier,
            "imported": self.imported,
            "already": self.already,
            "source": self.source,
        }

    def said(self) -> str:
        """What the import did, in the console's language (the CLI and the rules screen say it alike)."""
        return _n(
            "{carrier}: {n} number imported, {already} already in stock",
            "{carrier}: {n} numbers imported, {already} already in stock",
            self.imported,
            carrier=self.carrier,
            n=self.imported,
            already=self.already,
        )


def import_stock(station: Station, carrier: str, text: str, *, source: str = "") -> ImportResult:
    """A manager imports issued numbers, one per line (CSV: the first column); every line must be a
    valid number of `carrier`, else nothing is imported and the bad lines are named. The file is
    `carrier`'s by the manager's choice: a number of its shaped as a mobile (DHL Express) is taken."""
    require_manager(station, "waybill_stock")
    carrier = carrier.strip().upper()
    numbers: list[str] = []
    bad: list[int] = []
    lines = text.lstrip("\ufeff").splitlines()
    if len(lines) > MAX_IMPORT:
        raise Refused(N_("At most {max} numbers in one file."), code="too_many", max=MAX_IMPORT)
    for n, line in enumerate(lines, start=1):
        cell = line.split(",")[0].strip().strip('"')
        if not cell or cell.lower() in ("waybill", "运单号"):
            continue
        try:
            numbers.append(check_number(station, cell, carrier, confirmed=True))
        except Refused:
            bad.append(n)
    if bad:
        shown = ", ".join(map(str, bad[:20])) + (" ..." if len(bad) > 20 else "")
        raise Refused(
            N_("Not {carrier} waybill numbers on lines {lines}: nothing was imported."),
            code="bad_lines",
            carrier=carrier,
            lines=shown,
        )
    if not numbers:
        raise Refused(N_("The file holds no waybill numbers."), code="empty")
    if len(set(numbers)) != len(numbers):
        raise Refused(N_("The file lists a number twice: nothing was imported."), code="duplicate_lines")
    source = source[:120]

    def work(session: Session) -> ImportResult:
        carrier_row = session.exec(select(Carrier).where(Carrier.code == carrier)).first()
        if carrier_row is None or carrier_row.id is None:
            raise NotFound(N_("Unknown carrier {carrier}."), code="unknown_carrier", carrier=carrier)
        have = set(
            session.exec(select(WaybillStock.waybill).where(col(WaybillStock.waybill).in_(numbers))).all()
        )
        new = [n for n in numbers if n not in have]
        now = station.now()
        session.add_all(
            WaybillStock(
                carrier_id=carrier_row.id,
                waybill=n,
                source=source,
                imported_at=now,
                imported_by=station.clerk_id,
            )
            for n in new
        )
        audit.record(
            session,
            station,
            SendEvent.WAYBILLS_IMPORTED,
            details={"carrier": carrier, "imported": len(new), "already": len(have), "source": source},
        )
        return ImportResult(carrier, len(new), len(have), source)

    return station.run(work)


def stock_left(station: Station) -> dict[str, int]:
    """Unused stock numbers per carrier code."""
    from sqlalchemy import func

    with station.read() as session:
        rows = session.exec(
            select(Carrier.code, func.count(col(WaybillStock.id)))
            .join(Carrier, col(Carrier.id) == WaybillStock.carrier_id)
            .where(col(WaybillStock.send_id).is_(None))
            .group_by(Carrier.code)
        ).all()
    return {code: int(n) for code, n in rows}
