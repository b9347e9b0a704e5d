"""Helpers for the reconciliation tests: parcel rows and their events written directly, at any time.

Direct rows let a test create every shape of day (returns, write-offs, undos, tampering) without the
services that own those flows; each helper writes the row change and its event in one transaction,
the way the services do.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from conftest import FakeClock
from sqlmodel import Session, select

from db.models import Carrier, Clerk, EventKind, Parcel, ParcelStatus
from station_console.services.core import audit
from station_console.services.core.station import Station
from station_console.services.day.close import close_day

SHANGHAI = ZoneInfo("Asia/Shanghai")
EXIT_FIELD = {"picked_up": "picked_up_at", "returned": "returned_at", "written_off": "written_off_at"}


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A station-local (Asia/Shanghai) wall time as an aware UTC datetime."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def carrier_id(station: Station, code: str) -> int:
    with station.read() as session:
        row = session.exec(select(Carrier).where(Carrier.code == code)).one()
        assert row.id is not None
        return row.id


def put(station: Station, waybill: str, carrier: str, at: datetime, *, redelivery: bool = False) -> int:
    cid = carrier_id(station, carrier)

    def work(session: Session) -> int:
        parcel = Parcel(
            waybill=waybill,
            carrier_id=cid,
            checked_in_at=at,
            business_day=station.business_day(at, session=session),
            redelivery=redelivery,
            checked_in_by=station.clerk_id,
        )
        session.add(parcel)
        session.flush()
        assert parcel.id is not None
        audit.record(
            session, station, EventKind.CHECKED_IN, parcel_id=parcel.id, at=at, details={"waybill": waybill}
        )
        return parcel.id

    return station.run(work)


def leave(station: Station, parcel_id: int, kind: str, at: datetime) -> None:
    """The parcel leaves the shelf: picked_up, returned or written_off."""

    def work(session: Session) -> None:
        parcel = session.get(Parcel, parcel_id)
        assert parcel is not None and parcel.status == ParcelStatus.ON_SHELF
        parcel.status = kind
        setattr(parcel, EXIT_FIELD[kind], at)
        if kind == "picked_up":
            parcel.picked_up_by = station.clerk_id
        session.add(parcel)
        audit.record(session, station, kind, parcel_id=parcel_id, at=at)

    station.run(work)


def undo_checkin(station: Station, parcel_id: int, at: datetime) -> None:
    def work(session: Session) -> None:
        parcel = session.get(Parcel, parcel_id)
        assert parcel is not None
        parcel.status, parcel.cancelled_at = ParcelStatus.CANCELLED, at
        session.add(parcel)
        audit.record(session, station, EventKind.CHECKIN_UNDONE, parcel_id=parcel_id, at=at)

    station.run(work)


def undo_pickup(station: Station, parcel_id: int, at: datetime) -> None:
    def work(session: Session) -> None:
        parcel = session.get(Parcel, parcel_id)
        assert parcel is not None and parcel.status == ParcelStatus.PICKED_UP
        parcel.status, parcel.picked_up_at, parcel.picked_up_by = ParcelStatus.ON_SHELF, None, None
        session.add(parcel)
        audit.record(session, station, EventKind.PICKUP_UNDONE, parcel_id=parcel_id, at=at)

    station.run(work)


def tamper(station: Station, parcel_id: int, **fields: Any) -> None:
    """Change a parcel row behind the services' back (no event): what reconciliation must catch."""

    def work(session: Session) -> None:
        parcel = session.get(Parcel, parcel_id)
        assert parcel is not None
        for key, value in fields.items():
            setattr(parcel, key, value)
        session.add(parcel)

    station.run(work)


def add_clerk(station: Station, name: str, role: str = "clerk") -> int:
    def work(session: Session) -> int:
        clerk = Clerk(name=name, role=role, created_at=station.now())
        session.add(clerk)
        session.flush()
        assert clerk.id is not None
        return clerk.id

    return station.run(work)


def act_as_manager(station: Station, name: str = "boss") -> None:
    station.clerk_id, station.clerk_role = add_clerk(station, name, "manager"), "manager"


def a_closed_day(station: Station, clock: FakeClock) -> date:
    """2026-11-25 with one parcel in and out, closed by a manager at 21:00 (the clock is left there)."""
    day = date(2026, 11, 25)
    leave(station, put(station, "JT0000000000001", "JT", local(day, 9)), "picked_up", local(day, 10))
    clock.now = local(day, 21)
    act_as_manager(station)
    close_day(station, day)
    return day
