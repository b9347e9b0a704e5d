"""Overdue parcels: the list by age band (bands in `core/ageing.py`), reminders, and return candidates."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from db.models import Carrier, EventKind, Parcel, ParcelStatus
from station_console.services.core import audit
from station_console.services.core.ageing import (
    BANDS,
    Policy,
    age_reached,
    band_for,
    on_shelf_bands,
    policies,
)
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.notify import outbox
from station_console.services.shelves.search import ParcelRow, find_parcel, rows_for


@dataclass(frozen=True)
class OverdueRow:
    parcel: ParcelRow
    band: str
    age_hours: float

    @property
    def age(self) -> tuple[int, int]:
        """(days, hours) on the shelf, counted as the band is."""
        return age_reached(self.age_hours)

    def to_json(self) -> dict[str, Any]:
        # Down to the tenth, never up: 71.96 h must not read as the 72 h a band starts at.
        age = math.floor(self.age_hours * 10) / 10
        return {**self.parcel.to_json(), "band": self.band, "age_hours": age}


def overdue(station: Station, *, min_band: str = "amber", carrier: str | None = None) -> list[OverdueRow]:
    """Parcels on the shelves at `min_band` or worse, oldest first."""
    require(station, "view")
    floor = BANDS.index(min_band)
    now = station.now()
    with station.read() as session:
        pol = policies(session)
        stmt = (
            select(Parcel).where(Parcel.status == ParcelStatus.ON_SHELF).order_by(col(Parcel.checked_in_at))
        )
        if carrier:
            cid = session.exec(select(Carrier.id).where(Carrier.code == carrier.upper())).first()
            stmt = stmt.where(Parcel.carrier_id == (cid or -1))
        parcels = [
            p
            for p in session.exec(stmt).all()
            if BANDS.index(band_for(p.checked_in_at, now, pol.get(p.carrier_id, Policy()))) >= floor
        ]
        rows = rows_for(session, parcels)
    return [
        OverdueRow(
            parcel=row,
            band=band_for(p.checked_in_at, now, pol.get(p.carrier_id, Policy())),
            age_hours=(now - p.checked_in_at).total_seconds() / 3600,
        )
        for row, p in zip(rows, parcels, strict=True)
    ]


def summary(station: Station) -> dict[str, int]:
    """Parcels on the shelves per band."""
    require(station, "view")
    counts = dict.fromkeys(BANDS, 0)
    with station.read() as session:
        for _layer, band, _problem in on_shelf_bands(session, station.now()):
            counts[band] += 1
    return counts


def return_candidates(station: Station, *, carrier: str | None = None) -> list[OverdueRow]:
    """Parcels past their carrier's return deadline: the bulk selection for a return batch."""
    require(station, "view")
    return overdue(station, min_band="return", carrier=carrier)


@dataclass(frozen=True)
class ResendResult:
    queued: list[str]  # waybills
    skipped: list[str]  # not on the shelf, or no way to reach the recipient


def resend(station: Station, refs: Iterable[str]) -> ResendResult:
    """Queue a reminder for each parcel (waybill or code); one transaction for the whole selection."""
    require(station, "notify")
    refs = list(refs)

    def work(session: Session) -> ResendResult:
        queued: list[str] = []
        skipped: list[str] = []
        carriers = {c.id: c for c in session.exec(select(Carrier)).all()}
        for ref in refs:
            parcel = find_parcel(session, ref)
            if parcel.status != ParcelStatus.ON_SHELF or not (parcel.phone_full or parcel.email):
                skipped.append(parcel.waybill)
                continue
            carrier = carriers.get(parcel.carrier_id)
            note = outbox.queue(
                session,
                station,
                parcel,
                "reminder",
                {
                    "pickup_code": parcel.pickup_code,
                    "carrier": carrier.short_name if carrier else "",
                    "checked_in_at": parcel.checked_in_at.isoformat(),
                },
            )
            session.flush()
            audit.record(
                session,
                station,
                EventKind.NOTIFIED,
                parcel_id=parcel.id,
                details={"kind": "reminder", "queued": True, "notification": note.id},
            )
            queued.append(parcel.waybill)
        return ResendResult(queued=queued, skipped=skipped)

    return station.run(work)


def to_json(rows: list[OverdueRow]) -> list[dict[str, Any]]:
    return [r.to_json() for r in rows]
