"""How long a parcel has waited on the shelf, in bands set by its carrier's policy.

Bands (per carrier): `ok` below amber_hours, `amber` from amber_hours, `red` from red_hours, `return`
from return_after_days (a candidate for a return batch to the courier). The shelf map, pickup lookups,
reminders, the overdue list and the day report all band parcels by these rules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlmodel import Session, select

from db.models import Carrier, Parcel, ParcelStatus
from station_console.i18n import N_

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


def age_reached(hours: float) -> tuple[int, int]:
    """An age on the shelf as the (days, hours) it has fully reached. A band starts at a whole hour and
    holds from that hour on, so the age is counted down to whole hours: rounded (71.6 h as "72 h" or
    "3.0 d"), a parcel read as old as a band it has not reached yet."""
    return divmod(max(0, math.floor(hours)), 24)


def band_for(checked_in_at: datetime, now: datetime, policy: Policy) -> str:
    return band_of_age((now - checked_in_at).total_seconds() / 3600, policy)


def is_overdue(band: str) -> bool:
    return band != "ok"


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
