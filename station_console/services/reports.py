"""The day report: the reconciliation plus the other end-of-day figures, as one JSON-able dict.

`day_figures` is what a day close hashes: only facts of that day (no "now", no forecast), so a
closed day's figures stay identical unless its records change. `build_report` adds the forecast and
the close status (with whether the stored hash still matches).
"""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from db.models import Clerk, EventKind, ParcelEvent, Shelf, Stocktake
from station_console.i18n import N_
from station_console.services.reconcile import DayData, ParcelRow, Reconciliation, load_day, reconcile_data
from station_console.services.station import Station

OVERDUE_BANDS = ("amber", "red", "return")
BAND_LABELS = {"amber": N_("48 h+"), "red": N_("72 h+"), "return": N_("7 days+")}


def day_figures(session: Session, station: Station, day: date) -> dict[str, Any]:
    """Everything the report says about `day`, from that day's facts only (the hashed part)."""
    data = load_day(session, station, day)
    rec = reconcile_data(data)
    figures = rec.to_json()
    figures["station"] = station.settings().station_name
    figures["overdue"] = overdue_at_close(data, rec)
    figures["time_to_pickup"] = time_to_pickup(data)
    figures["per_clerk"] = per_clerk(session, data)
    figures["by_hour"] = by_hour(station, data)
    figures["problems"] = problems(session, data)
    figures["stocktakes"] = stocktakes(session, data)
    figures["redeliveries"] = redeliveries(data)
    return figures


def build_report(station: Station, day: date | None = None, *, with_forecast: bool = True) -> dict[str, Any]:
    """The full report of `day` (default today, station time), in one read transaction."""
    from station_console.services import dayclose, forecast

    day = day or station.business_day()
    with station.read() as session:
        figures = day_figures(session, station, day)
        info = dayclose.close_info(session, day)
        report = dict(figures)
        report["closed"] = None
        if info is not None:
            report["closed"] = {**info.to_json(), "matches": dayclose.digest(figures) == info.sha256}
        if with_forecast:
            report["forecast"] = forecast.forecast(session, station, day + timedelta(days=1)).to_json()
    return report


def _in_day(at: Any, data: DayData) -> bool:
    return data.in_day(at)


def _day_rows(data: DayData) -> list[ParcelRow]:
    return [p for p in data.parcels.values() if p.status != "cancelled"]


def overdue_at_close(data: DayData, rec: Reconciliation) -> dict[str, Any]:
    """Parcels still on a shelf at the end of the day, by age band (per carrier policy)."""
    totals = dict.fromkeys(OVERDUE_BANDS, 0)
    carriers: dict[str, dict[str, int]] = {}
    for pid in rec.closing_ids:
        row = data.parcels[pid]
        info = data.carriers[row.carrier_id]
        hours = (data.end - data.dt(row.checked_in_at)).total_seconds() / 3600
        band = (
            "return"
            if hours >= info.return_after_days * 24
            else "red"
            if hours >= info.red_hours
            else "amber"
            if hours >= info.amber_hours
            else None
        )
        if band is None:
            continue
        totals[band] += 1
        carriers.setdefault(info.code, dict.fromkeys(OVERDUE_BANDS, 0))[band] += 1
    return {"totals": totals, "carriers": dict(sorted(carriers.items()))}


def _percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile: the smallest value with at least q of the values at or below it."""
    rank = max(1, -(-len(sorted_values) * q // 1))
    return sorted_values[int(rank) - 1]


def time_to_pickup(data: DayData) -> dict[str, Any]:
    minutes = sorted(
        (data.naive(r.picked_up_at) - data.naive(r.checked_in_at)).total_seconds() / 60
        for r in _day_rows(data)
        if r.picked_up_at is not None and _in_day(r.picked_up_at, data)
    )
    if not minutes:
        return {"count": 0, "median_minutes": None, "p90_minutes": None}
    return {
        "count": len(minutes),
        "median_minutes": round(statistics.median(minutes), 1),
        "p90_minutes": round(_percentile(minutes, 0.9), 1),
    }


def per_clerk(session: Session, data: DayData) -> list[dict[str, Any]]:
    counts: dict[int | None, list[int]] = {}
    for r in _day_rows(data):
        if _in_day(r.checked_in_at, data):
            counts.setdefault(r.checked_in_by, [0, 0])[0] += 1
        if _in_day(r.picked_up_at, data):
            counts.setdefault(r.picked_up_by, [0, 0])[1] += 1
    names = {c.id: c.name for c in session.exec(select(Clerk)).all()}
    rows = [
        {
            "clerk": names.get(cid, str(cid)) if cid is not None else "-",
            "checked_in": n_in,
            "picked_up": n_out,
        }
        for cid, (n_in, n_out) in counts.items()
    ]
    return sorted(rows, key=lambda r: r["clerk"])


def by_hour(station: Station, data: DayData) -> dict[str, list[int]]:
    """Check-ins and pickups per station-local hour (DST-safe: each distinct UTC hour is converted once)."""
    zone = station.zone()
    result = {}
    for kind in ("checked_in", "picked_up"):
        utc_hours: Counter[Any] = Counter()
        for r in _day_rows(data):
            at = r.checked_in_at if kind == "checked_in" else r.picked_up_at
            if data.in_day(at):
                utc_hours[
                    at[:13] if isinstance(at, str) else at.replace(minute=0, second=0, microsecond=0)
                ] += 1
        hours = [0] * 24
        for key, n in utc_hours.items():
            start = data.dt(key + ":00:00" if isinstance(key, str) else key)
            hours[start.astimezone(zone).hour] += n
        result[kind] = hours
    return result


def problems(session: Session, data: DayData) -> dict[str, Any]:
    """Problems marked and resolved during the day, from the event log."""
    rows = session.exec(
        select(ParcelEvent.parcel_id, ParcelEvent.kind, ParcelEvent.details)
        .where(
            ParcelEvent.business_day == data.day,
            col(ParcelEvent.kind).in_((EventKind.PROBLEM_MARKED, EventKind.PROBLEM_RESOLVED)),
        )
        .order_by(col(ParcelEvent.id))
    ).all()
    marked = []
    resolved = 0
    for parcel_id, kind, details in rows:
        if kind == EventKind.PROBLEM_RESOLVED:
            resolved += 1
            continue
        parcel = data.parcels.get(parcel_id) if parcel_id is not None else None
        carrier = data.carriers.get(parcel.carrier_id) if parcel else None
        marked.append(
            {
                "parcel_id": parcel_id,
                "waybill": parcel.waybill if parcel else details.get("waybill"),
                "carrier": carrier.code if carrier else details.get("carrier"),
                "kind": details.get("kind") or details.get("problem_kind"),
            }
        )
    return {"marked": len(marked), "resolved": resolved, "parcels": marked}


def stocktakes(session: Session, data: DayData) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Stocktake, Shelf.label)
        .join(Shelf, col(Shelf.id) == Stocktake.shelf_id)
        .where(
            Stocktake.status == "closed",
            col(Stocktake.closed_at) >= data.start,
            col(Stocktake.closed_at) < data.end,
        )
        .order_by(col(Stocktake.id))
    ).all()
    return [{"id": st.id, "shelf": label, "result": st.result} for st, label in rows]


def redeliveries(data: DayData) -> dict[str, Any]:
    rows = sorted(
        (r for r in _day_rows(data) if r.redelivery and _in_day(r.checked_in_at, data)), key=lambda r: r.id
    )
    return {"count": len(rows), "waybills": [r.waybill for r in rows][:50]}
