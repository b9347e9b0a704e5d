"""A day's figures: the reconciliation plus the other end-of-day figures, as one JSON-able dict.

`day_figures` is what a day close hashes: only facts of that day (no "now", no forecast), so a
closed day's figures stay identical unless its records change. The report (`report.py`) adds the
forecast and the close status.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import Carrier, Clerk, EventKind, Parcel, ParcelEvent, Shelf, Stocktake
from station_console.services.core.ageing import Policy
from station_console.services.core.station import Station, day_bounds, midnight
from station_console.services.day import sql
from station_console.services.day.put_backs import PutBack, put_back_rows
from station_console.services.day.reconcile import CarrierInfo, load_carriers, reconcile_in
from station_console.services.day.sql import DayKeys
from station_console.services.fees.day import fee_figures
from station_console.services.sendout.figures import day_sends

OVERDUE_BANDS = ("amber", "red", "return")


@dataclass(frozen=True)
class Counting:
    """How a version of the console counted the figures a close hashes; today's is `Counting()`."""

    bands_from_day_end: bool = False  # the overdue bands counted back from the day's end (its close)
    problems_by_marking: bool = False  # each marking of a problem counted, a parcel marked twice twice
    problems_by_row: bool = False  # each row counted: a parcel put back after it left counted twice
    # Storage fees' parcels: every one with an entry that day, an undone pickup's reversal too.
    fee_parcels_by_entry: bool = False
    # The sends weighed by their stored chargeable_g (greater of actual and volumetric), not billed.
    sends_by_chargeable: bool = False


CURRENT = Counting()
# The ways earlier versions counted, newest first: a close one of them made still matches its hash.
EARLIER_COUNTINGS = (
    Counting(sends_by_chargeable=True),
    Counting(fee_parcels_by_entry=True, sends_by_chargeable=True),
    Counting(problems_by_row=True, fee_parcels_by_entry=True, sends_by_chargeable=True),
    Counting(problems_by_marking=True, fee_parcels_by_entry=True, sends_by_chargeable=True),
    Counting(
        bands_from_day_end=True, problems_by_marking=True, fee_parcels_by_entry=True, sends_by_chargeable=True
    ),
)


def day_figures(
    session: Session, station: Station, day: date, *, counting: Counting = CURRENT
) -> dict[str, Any]:
    """Everything the report says about `day`, from that day's facts only (the hashed part), counted
    as today's version counts, or as an earlier one did (`counting`: to check the hash it froze)."""
    start, end = day_bounds(station, day, session)
    keys = sql.day_keys(session, day, start, end)
    carriers = load_carriers(session)
    as_of = end if counting.bands_from_day_end else overdue_as_of(station, day)
    records = sql.record_figures(session, keys, band_limits(keys, carriers, as_of))
    rec = reconcile_in(session, station, day, records)
    figures = rec.to_json()
    figures["station"] = station.settings().station_name
    figures["overdue"] = overdue_at_close(records, carriers)
    pickups = sql.pickups(session, keys)
    figures["time_to_pickup"] = time_to_pickup(pickups.ranked)
    moves = sql.moves(session, keys, pickups.per_clerk)
    # A put-back is no clerk's check-in nor an hour's arrival (put-backs came with this counting).
    moves = without_put_backs(moves, put_back_rows(session, day, start, end))
    figures["per_clerk"] = per_clerk(session, moves)
    figures["by_hour"] = by_hour(station, moves)
    figures["problems"] = problems(
        session, day, by_marking=counting.problems_by_marking, by_row=counting.problems_by_row
    )
    figures["stocktakes"] = stocktakes(session, start, end)
    figures["redeliveries"] = redeliveries(session, keys, moves)
    door = sql.door_deliveries(session, keys)
    if any(door.values()):  # only then: days closed before door delivery keep their hash
        figures["door"] = door
    sends = day_sends(session, station, day, by_chargeable=counting.sends_by_chargeable)
    if sends is not None:  # absent on a day without sends, so days closed before send-out keep their hash
        figures["sends"] = sends
        figures["balanced"] = figures["balanced"] and sends["balanced"]
    add_storage_fees(figures, session, day, parcels_by_entry=counting.fee_parcels_by_entry)
    return figures


def add_storage_fees(
    figures: dict[str, Any], session: Session, day: date, *, parcels_by_entry: bool = False
) -> None:
    """The day's storage fees (only on a day that has some); unsettled fees unbalance the day."""
    fees = fee_figures(session, day, parcels_by_entry=parcels_by_entry)
    if fees is None:
        return
    figures["storage_fees"] = fees
    if fees["balanced"]:
        return
    figures["balanced"] = False
    for item in fees["unsettled"]:
        figures["differences"].append(
            {
                "parcel_id": item["parcel_id"],
                "waybill": item["waybill"],
                "carrier": item["carrier"],
                "issue": "fee_unsettled",
                "records": {"charged_cents": item["charged_cents"]},
                "events": {"settled_cents": item["settled_cents"]},
            }
        )


def overdue_as_of(station: Station, day: date) -> datetime:
    """The instant a day's overdue bands are counted back from: the end of its date (local midnight).
    Not the close: the report shows these bands all day, before anyone knows when the close comes, and
    the close must freeze what the manager read (an early close still ends the day's work there)."""
    return midnight(station, day + timedelta(days=1))


def band_limits(
    keys: DayKeys, carriers: dict[int, CarrierInfo], as_of: datetime
) -> dict[int, list[tuple[str, Any]]]:
    """Per carrier, each band (worst first) with the latest check-in that falls in it at `as_of`,
    in the stored form."""
    return {
        cid: [(band, keys.before(hours, as_of)) for band, hours in Policy.of(info).thresholds()]
        for cid, info in carriers.items()
    }


def overdue_at_close(records: sql.Records, carriers: dict[int, CarrierInfo]) -> dict[str, Any]:
    """Parcels still on a shelf at the end of the day, by age band (per carrier policy)."""
    totals = dict.fromkeys(OVERDUE_BANDS, 0)
    per: dict[str, dict[str, int]] = {}
    for cid, bands in records.bands.items():
        for band, n in bands.items():
            if n:
                totals[band] += n
                per.setdefault(carriers[cid].code, dict.fromkeys(OVERDUE_BANDS, 0))[band] += n
    return {"totals": totals, "carriers": dict(sorted(per.items()))}


def _percentile(ranked: sql.Ranked, q: float) -> float:
    """Nearest-rank percentile: the smallest value with at least q of the values at or below it."""
    rank = max(1, -(-ranked.count * q // 1))
    return ranked.minutes[int(rank)]


def _median(ranked: sql.Ranked) -> float:
    """As `statistics.median` of all the values: the middle one, or the mean of the middle two."""
    n = ranked.count
    if n % 2:
        return ranked.minutes[(n + 1) // 2]
    return (ranked.minutes[n // 2] + ranked.minutes[n // 2 + 1]) / 2


def time_to_pickup(ranked: sql.Ranked) -> dict[str, Any]:
    if not ranked.count:
        return {"count": 0, "median_minutes": None, "p90_minutes": None}
    return {
        "count": ranked.count,
        "median_minutes": round(_median(ranked), 1),
        "p90_minutes": round(_percentile(ranked, 0.9), 1),
    }


def without_put_backs(moves: sql.Moves, puts: list[PutBack]) -> sql.Moves:
    """The day's moves without its stocktake put-backs: a manager's fix at a close, not a parcel a
    clerk checked in from a courier (the reconciliation keeps them among the day's check-ins)."""
    if not puts:
        return moves
    clerks = Counter(moves.checked_in)
    clerks.subtract(put.clerk_id for put in puts)
    hours = Counter(moves.checked_in_hours)  # keyed by the naive UTC start of the hour
    hours.subtract(
        put.at.astimezone(UTC).replace(tzinfo=None, minute=0, second=0, microsecond=0) for put in puts
    )
    return replace(
        moves,
        checked_in={cid: n for cid, n in clerks.items() if n > 0},
        checked_in_hours={hour: n for hour, n in hours.items() if n > 0},
    )


def per_clerk(session: Session, moves: sql.Moves) -> list[dict[str, Any]]:
    counts: dict[int | None, list[int]] = {}
    for slot, counted in enumerate((moves.checked_in, moves.picked_up)):
        for cid, n in counted.items():
            counts.setdefault(cid, [0, 0])[slot] += n
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


def by_hour(station: Station, moves: sql.Moves) -> dict[str, list[int]]:
    """Check-ins and pickups per station-local hour (DST-safe: each UTC hour is converted on its own)."""
    zone = station.zone()
    result = {}
    for kind, counted in (("checked_in", moves.checked_in_hours), ("picked_up", moves.picked_up_hours)):
        hours = [0] * 24
        for utc_hour, n in counted.items():
            hours[utc_hour.replace(tzinfo=UTC).astimezone(zone).hour] += n
        result[kind] = hours
    return result


def problems(
    session: Session, day: date, *, by_marking: bool = False, by_row: bool = False
) -> dict[str, Any]:
    """The parcels marked with a problem and the parcels resolved during the day, from the event log:
    each parcel once, by its waybill (missing at two stocktakes is one parcel missing; one marked
    damaged, written off, then put back at a stocktake has two rows and is one parcel), listed with
    its latest kind. `by_marking`: each marking and resolving counted; `by_row`: each row, as earlier
    versions did."""
    # Five columns: past sqlmodel's typed `select` overloads, so SQLAlchemy's own.
    rows = session.execute(
        sa_select(
            col(ParcelEvent.parcel_id),
            col(ParcelEvent.kind),
            col(ParcelEvent.details),
            col(Parcel.waybill),
            col(Carrier.code),
        )
        .outerjoin(Parcel, col(Parcel.id) == ParcelEvent.parcel_id)
        .outerjoin(Carrier, col(Carrier.id) == Parcel.carrier_id)
        .where(
            col(ParcelEvent.business_day) == day,
            col(ParcelEvent.kind).in_((EventKind.PROBLEM_MARKED, EventKind.PROBLEM_RESOLVED)),
        )
        .order_by(col(ParcelEvent.id))
    ).all()
    marked: dict[Any, dict[str, Any]] = {}
    resolved: set[Any] = set()
    for n, (parcel_id, kind, details, waybill, carrier) in enumerate(rows):
        if by_marking or parcel_id is None:
            key: Any = ("event", n)
        else:
            key = parcel_id if by_row else waybill or parcel_id
        if kind == EventKind.PROBLEM_RESOLVED:
            resolved.add(key)
            continue
        # A parcel marked again: listed where it was first, with what it is marked as now.
        marked[key] = {
            "parcel_id": parcel_id,
            "waybill": waybill or details.get("waybill"),
            "carrier": carrier or details.get("carrier"),
            "kind": details.get("kind") or details.get("problem_kind"),
        }
    return {"marked": len(marked), "resolved": len(resolved), "parcels": list(marked.values())}


def stocktakes(session: Session, start: datetime, end: datetime) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Stocktake, Shelf.label)
        .join(Shelf, col(Shelf.id) == Stocktake.shelf_id)
        .where(
            Stocktake.status == "closed",
            col(Stocktake.closed_at) >= start,
            col(Stocktake.closed_at) < end,
        )
        .order_by(col(Stocktake.id))
    ).all()
    return [{"id": st.id, "shelf": label, "result": st.result} for st, label in rows]


def redeliveries(session: Session, keys: DayKeys, moves: sql.Moves) -> dict[str, Any]:
    waybills = sql.redelivered_waybills(session, keys) if moves.redelivered else []
    return {"count": len(waybills), "waybills": waybills[:50]}
