"""Overdue parcels: age bands by the carrier's policy, reminders, and return candidates.

Bands (per carrier): `ok` below amber_hours, `amber` from amber_hours, `red` from red_hours, `return`
from return_after_days (a candidate for a return batch to the courier).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlmodel import Session, col, select

from db.models import Carrier, EventKind, Parcel, ParcelStatus
from station_console.i18n import N_
from station_console.services import audit, outbox
from station_console.services.search import ParcelRow, find_parcel, rows_for
from station_console.services.station import Station

BANDS = ("ok", "amber", "red", "return")
BAND_LABELS = {"ok": N_("ok"), "amber": N_("amber"), "red": N_("red"), "return": N_("return")}


class _HasPolicy(Protocol):
    """A carrier row or a read model of one (reconcile.CarrierInfo)."""

    @property
    def amber_hours(self) -> int: ...
    @property
    def red_hours(self) -> int: ...
    @property
    def return_after_days(self) -> int: ...


@dataclass(frozen=True)
class Policy:
    amber_hours: int = 48
    red_hours: int = 72
    return_after_days: int = 7

    @classmethod
    def of(cls, carrier: _HasPolicy | None) -> Policy:
        if carrier is None:
            return cls()
        return cls(carrier.amber_hours, carrier.red_hours, carrier.return_after_days)

    def thresholds(self) -> tuple[tuple[str, float], ...]:
        """(band, hours on the shelf at which it starts), worst first: the one rule for every band."""
        return (("return", self.return_after_days * 24), ("red", self.red_hours), ("amber", self.amber_hours))

    def hours_to(self, band: str) -> float:
        """Hours on the shelf at which `band` ("amber", "red" or "return") starts."""
        return dict(self.thresholds())[band]


def band_of_age(hours: float, policy: Policy) -> str:
    return next((band for band, start in policy.thresholds() if hours >= start), "ok")


def band_for(checked_in_at: datetime, now: datetime, policy: Policy) -> str:
    return band_of_age((now - checked_in_at).total_seconds() / 3600, policy)


def is_overdue(band: str) -> bool:
    return band != "ok"


@dataclass(frozen=True)
class OverdueRow:
    parcel: ParcelRow
    band: str
    age_hours: float

    def to_json(self) -> dict[str, Any]:
        return {**self.parcel.to_json(), "band": self.band, "age_hours": round(self.age_hours, 1)}


def policies(session: Session) -> dict[int, Policy]:
    return {c.id or 0: Policy.of(c) for c in session.exec(select(Carrier)).all()}


def on_shelf_bands(session: Session, now: datetime) -> list[tuple[int | None, str, str | None]]:
    """(layer_id, band, problem_kind) for every parcel on the shelves; the shelf map counts these."""
    pol = policies(session)
    rows = session.exec(
        select(Parcel.layer_id, Parcel.carrier_id, Parcel.checked_in_at, Parcel.problem_kind).where(
            Parcel.status == ParcelStatus.ON_SHELF
        )
    ).all()
    return [
        (layer_id, band_for(at, now, pol.get(cid, Policy())), problem) for layer_id, cid, at, problem in rows
    ]


def overdue(station: Station, *, min_band: str = "amber", carrier: str | None = None) -> list[OverdueRow]:
    """Parcels on the shelves at `min_band` or worse, oldest first."""
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
    counts = dict.fromkeys(BANDS, 0)
    with station.read() as session:
        for _layer, band, _problem in on_shelf_bands(session, station.now()):
            counts[band] += 1
    return counts


def return_candidates(station: Station, *, carrier: str | None = None) -> list[OverdueRow]:
    """Parcels past their carrier's return deadline: the bulk selection for a return batch."""
    return overdue(station, min_band="return", carrier=carrier)


@dataclass(frozen=True)
class ResendResult:
    queued: list[str]  # waybills
    skipped: list[str]  # not on the shelf, or no way to reach the recipient


def resend(station: Station, refs: Iterable[str]) -> ResendResult:
    """Queue a reminder for each parcel (waybill or code); one transaction for the whole selection."""
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
