"""The day report's figures as SQL aggregates: a few GROUP BY queries instead of every row in Python.

Two independent views of one business day, per carrier:
- `record_figures`: from the parcel rows' timestamps (the parcels that can touch the day, found
  through the exit-time and status/check-in indexes), with a count of inconsistent rows and, in the
  same scan, the parcels left on a shelf at the end of the day by overdue band;
- `event_figures`: from the event log (the day's events from ix_event_day_kind_parcel alone, joined to the
  parcel only for its carrier), plus the opening parcels' own event history.
reconcile.py compares them and replays parcel by parcel only where they differ.

Timestamps are compared in the database's own form (`DayKeys`): sortable text on SQLite, timestamptz
on PostgreSQL. The few dialect-specific expressions (durations, hour buckets) are built here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

# The parcels whose records can touch the day: on a shelf at some moment of it (one indexed probe
# per way in or out). The same set the parcel-by-parcel path starts from (reconcile._DAY_SQL).
_COLS = "id, carrier_id, status, checked_in_at, picked_up_at, returned_at, written_off_at"
# The same rows, each once, with the columns the figures need (no second lookup by id): the branches
# are disjoint, so UNION ALL needs no de-duplication.
TOUCHING = f"""
  SELECT {_COLS} FROM parcel WHERE status = 'on_shelf' AND checked_in_at < :end
  UNION ALL SELECT {_COLS} FROM parcel
    WHERE picked_up_at >= :start AND checked_in_at < :end AND status != 'on_shelf'
  UNION ALL SELECT {_COLS} FROM parcel
    WHERE returned_at >= :start AND checked_in_at < :end AND status != 'on_shelf'
    AND (picked_up_at IS NULL OR picked_up_at < :start)
  UNION ALL SELECT {_COLS} FROM parcel
    WHERE written_off_at >= :start AND checked_in_at < :end AND status != 'on_shelf'
    AND (picked_up_at IS NULL OR picked_up_at < :start) AND (returned_at IS NULL OR returned_at < :start)
"""
# A consistent row has at most one exit time, the one its status names, not before its check-in;
# then `leave` is that exit time and the parcel's part always balances.
_LEAVE = "COALESCE(p.picked_up_at, p.returned_at, p.written_off_at)"
_EXITS = (
    "(CASE WHEN p.picked_up_at IS NULL THEN 0 ELSE 1 END + CASE WHEN p.returned_at IS NULL THEN 0 ELSE 1 END"
    " + CASE WHEN p.written_off_at IS NULL THEN 0 ELSE 1 END)"
)
_INCONSISTENT = f"""(
  {_EXITS} > 1
  OR (p.status = 'on_shelf' AND {_EXITS} > 0)
  OR (p.status = 'picked_up' AND p.picked_up_at IS NULL)
  OR (p.status = 'returned' AND p.returned_at IS NULL)
  OR (p.status = 'written_off' AND p.written_off_at IS NULL)
  OR {_LEAVE} < p.checked_in_at
)"""


def _when(cond: str) -> str:
    return f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)"


RECORDS_SQL = f"""{{limits}}
SELECT p.carrier_id,
  {_when(f"p.checked_in_at < :start AND ({_LEAVE} IS NULL OR {_LEAVE} >= :start)")},
  {_when("p.checked_in_at >= :start AND p.checked_in_at < :end")},
  {_when("p.picked_up_at >= :start AND p.picked_up_at < :end")},
  {_when("p.returned_at >= :start AND p.returned_at < :end")},
  {_when("p.written_off_at >= :start AND p.written_off_at < :end")},
  {_when(f"p.checked_in_at < :end AND ({_LEAVE} IS NULL OR {_LEAVE} >= :end)")},
  {_when(_INCONSISTENT)}{{bands}}
FROM ({TOUCHING}) p{{join}}
WHERE p.status != 'cancelled'
GROUP BY p.carrier_id
"""
_CLOSING = f"p.checked_in_at < :end AND ({_LEAVE} IS NULL OR {_LEAVE} >= :end)"


def _records_sql(bands: Sequence[str], carriers: int) -> str:
    """RECORDS_SQL, counting too the parcels on a shelf at the end of the day by age band: a parcel
    is in the first band (worst first) whose latest check-in it is not after, per its carrier's limits
    (a VALUES list joined on the carrier)."""
    if not bands or not carriers:
        return RECORDS_SQL.format(bands="", limits="", join="")
    columns = []
    for i in range(len(bands)):
        newer_than_worse = "".join(f" AND p.checked_in_at > lim.l{j}" for j in range(i))
        columns.append(_when(f"{_CLOSING} AND p.checked_in_at <= lim.l{i}{newer_than_worse}"))
    names = ", ".join(f"l{i}" for i in range(len(bands)))
    values = ", ".join(
        "(" + ", ".join([f":c{n}", *(f":c{n}_l{i}" for i in range(len(bands)))]) + ")"
        for n in range(carriers)
    )
    return RECORDS_SQL.format(
        limits=f"WITH lim (carrier_id, {names}) AS (VALUES {values})",
        bands="".join(f",\n  {c}" for c in columns),
        join=" LEFT JOIN lim ON lim.carrier_id = p.carrier_id",
    )


_KINDS = "'checked_in', 'checkin_undone', 'picked_up', 'pickup_undone', 'returned', 'written_off'"
EVENTS_SQL = f"""
SELECT p.carrier_id, e.kind, COUNT(*)
FROM parcel_event e JOIN parcel p ON p.id = e.parcel_id
WHERE e.business_day = :day AND e.kind IN ({_KINDS})
GROUP BY p.carrier_id, e.kind
"""

# Of the parcels the records have on a shelf at the start of the day, those the event log has there
# too (each one's history through ix_event_parcel: a few thousand parcels). A parcel the events have
# there but the records do not either has an event on the day (so the day's flows differ) or is
# outside the parcel-by-parcel replay's reach as well.
EVENT_OPENING_SQL = f"""
WITH cand AS (
  SELECT p.id FROM ({TOUCHING}) p
    WHERE p.status != 'cancelled' AND p.checked_in_at < :start AND ({_LEAVE} IS NULL OR {_LEAVE} >= :start)
),
per AS (
  SELECT e.parcel_id,
    MAX(CASE WHEN e.kind = 'checked_in' THEN e.business_day END) AS checkin_day,
    SUM(CASE WHEN e.kind = 'checkin_undone' THEN 1 ELSE 0 END) AS undone,
    SUM(CASE WHEN e.business_day >= :day THEN 0
             WHEN e.kind IN ('picked_up', 'returned', 'written_off') THEN 1
             WHEN e.kind = 'pickup_undone' THEN -1 ELSE 0 END) AS gone
  FROM parcel_event e WHERE e.parcel_id IN (SELECT id FROM cand) AND e.kind IN ({_KINDS})
  GROUP BY e.parcel_id
)
SELECT p.carrier_id, COUNT(*)
FROM per JOIN parcel p ON p.id = per.parcel_id
WHERE per.checkin_day < :day AND per.undone = 0 AND per.gone <= 0
GROUP BY p.carrier_id
"""

FLOWS = ("checked_in", "picked_up", "returned", "written_off")


@dataclass(frozen=True)
class DayKeys:
    """The day's bounds in the database's own form, and its dialect."""

    day: Any
    start: Any
    end: Any
    sqlite: bool

    @property
    def params(self) -> dict[str, Any]:
        return {"day": self.day, "start": self.start, "end": self.end}

    def before(self, hours: float) -> Any:
        """The instant `hours` before the end of the day, in the same form."""
        if self.sqlite:
            at = datetime.fromisoformat(self.end) - timedelta(hours=hours)
            return at.strftime("%Y-%m-%d %H:%M:%S.%f")
        return self.end - timedelta(hours=hours)


def day_keys(session: Session, day: date, start: datetime, end: datetime) -> DayKeys:
    if session.get_bind().dialect.name == "sqlite":
        fmt = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's storage form of naive UTC
        return DayKeys(
            day.isoformat(),
            start.replace(tzinfo=None).strftime(fmt),
            end.replace(tzinfo=None).strftime(fmt),
            True,
        )
    return DayKeys(day, start, end, False)


def _rows(session: Session, sql: str, keys: DayKeys) -> list[Any]:
    return list(session.execute(text(sql), keys.params).all())


@dataclass(frozen=True)
class Records:
    """The records' side of the day, from one scan of the parcels that touch it."""

    per_carrier: dict[int, dict[str, int]]  # opening, checked_in, picked_up, returned, written_off, closing
    inconsistent: int  # touching parcel rows inconsistent in themselves
    bands: dict[int, dict[str, int]]  # on a shelf at the end of the day, per carrier, by age band


def record_figures(
    session: Session, keys: DayKeys, limits: Mapping[int, Sequence[tuple[str, Any]]] | None = None
) -> Records:
    """Per carrier id: opening, checked_in, picked_up, returned, written_off, closing; how many
    touching parcel rows are inconsistent in themselves; and, given each carrier's (band, latest
    check-in in it) worst first, the closing parcels by band, all in the one scan."""
    limits = limits or {}
    bands = [band for band, _ in next(iter(limits.values()), ())]
    params: dict[str, Any] = dict(keys.params)
    for n, (cid, bounds) in enumerate(limits.items()):
        assert [band for band, _ in bounds] == bands  # every carrier's policy names the same bands
        params[f"c{n}"] = cid
        params.update({f"c{n}_l{i}": limit for i, (_, limit) in enumerate(bounds)})
    out: dict[int, dict[str, int]] = {}
    per_band: dict[int, dict[str, int]] = {}
    bad = 0
    names = ("opening", *FLOWS, "closing")
    sql = _records_sql(bands, len(limits))
    for cid, *counts in session.execute(text(sql), params).all():
        out[cid] = {name: int(n or 0) for name, n in zip(names, counts[: len(names)], strict=True)}
        bad += int(counts[len(names)] or 0)
        per_band[cid] = {band: int(n or 0) for band, n in zip(bands, counts[len(names) + 1 :], strict=True)}
    return Records(out, bad, per_band)


def event_figures(session: Session, keys: DayKeys) -> dict[int, dict[str, int]]:
    """Per carrier id, from the event log: opening, the day's net flows, and closing from those."""
    kinds: dict[int, Counter[str]] = {}
    for cid, kind, n in _rows(session, EVENTS_SQL, keys):
        kinds.setdefault(cid, Counter())[kind] += int(n)
    opening = {cid: int(n) for cid, n in _rows(session, EVENT_OPENING_SQL, keys)}
    out: dict[int, dict[str, int]] = {}
    for cid in set(kinds) | set(opening):
        k = kinds.get(cid, Counter())
        line = {
            "opening": opening.get(cid, 0),
            "checked_in": k["checked_in"] - k["checkin_undone"],
            "picked_up": k["picked_up"] - k["pickup_undone"],
            "returned": k["returned"],
            "written_off": k["written_off"],
        }
        line["closing"] = line["opening"] + line["checked_in"] - sum(line[x] for x in FLOWS[1:])
        out[cid] = line
    return out


def _minutes_sql(keys: DayKeys) -> str:
    """Whole microseconds from check-in to pickup, exactly (so the rounding matches Python's)."""
    if keys.sqlite:
        return (
            "(CAST(strftime('%s', picked_up_at) AS INTEGER) - CAST(strftime('%s', checked_in_at) AS INTEGER))"
            " * 1000000 + CAST(substr(picked_up_at, 21, 6) AS INTEGER)"
            " - CAST(substr(checked_in_at, 21, 6) AS INTEGER)"
        )
    return "CAST(ROUND(EXTRACT(EPOCH FROM (picked_up_at - checked_in_at)) * 1000000) AS BIGINT)"


_PICKED_IN_DAY = (
    "status != 'cancelled' AND picked_up_at >= :start AND picked_up_at < :end AND checked_in_at < :end"
)
_CHECKED_IN_DAY = (
    "status IN ('on_shelf', 'picked_up', 'returned', 'written_off')"
    " AND checked_in_at >= :start AND checked_in_at < :end"
)


# The day's pickups ranked by their time on the shelf, and how many there are; only the ranks a
# median and a nearest-rank 90th percentile can need come back (not every pickup of a busy day).
# `(9 * n + 9) / 10` is the exact ceiling of 0.9 n; Python's float 0.9 * n may round one above it.
_RANKED = """
SELECT rn, n, us FROM (
  SELECT us, ROW_NUMBER() OVER (ORDER BY us) AS rn, COUNT(*) OVER () AS n
  FROM (SELECT {minutes} AS us FROM parcel WHERE {where}) picked
) ranked
WHERE rn IN ((n + 1) / 2, n / 2, n / 2 + 1, (9 * n + 9) / 10, (9 * n + 9) / 10 + 1)
"""


@dataclass(frozen=True)
class Ranked:
    """The day's pickups: how many, and minutes on the shelf at the few ranks (1-based) read."""

    count: int
    minutes: dict[int, float]


def pickup_ranks(session: Session, keys: DayKeys) -> Ranked:
    """Minutes from check-in to pickup of the parcels picked up during the day, at the ranks a median
    and a 90th percentile need."""
    sql = _RANKED.format(minutes=_minutes_sql(keys), where=_PICKED_IN_DAY)
    count, minutes = 0, {}
    for rank, n, us in _rows(session, sql, keys):
        count, minutes[int(rank)] = int(n), int(us) / 10**6 / 60
    return Ranked(count, minutes)


@dataclass(frozen=True)
class Moves:
    """The day's check-ins and pickups counted per (clerk id, naive UTC start of the hour)."""

    checked_in: list[tuple[int | None, datetime, int]]
    picked_up: list[tuple[int | None, datetime, int]]


def moves(session: Session, keys: DayKeys) -> Moves:
    out = []
    for clerk, col, where in (
        ("checked_in_by", "checked_in_at", _CHECKED_IN_DAY),
        ("picked_up_by", "picked_up_at", _PICKED_IN_DAY),
    ):
        bucket = f"substr({col}, 1, 13)" if keys.sqlite else f"date_trunc('hour', {col} AT TIME ZONE 'UTC')"
        sql = f"SELECT {clerk}, {bucket}, COUNT(*) FROM parcel WHERE {where} GROUP BY 1, 2"
        out.append(
            [
                (cid, datetime.fromisoformat(f"{key}:00:00") if isinstance(key, str) else key, int(n))
                for cid, key, n in _rows(session, sql, keys)
            ]
        )
    return Moves(*out)


def redelivered_waybills(session: Session, keys: DayKeys) -> list[str]:
    sql = f"SELECT waybill FROM parcel WHERE {_CHECKED_IN_DAY} AND redelivery = :yes ORDER BY id"
    return [w for (w,) in session.execute(text(sql), {**keys.params, "yes": True}).all()]


DOOR_SQL = """
SELECT
  SUM(CASE WHEN status = 'delivered' AND done_at >= :start AND done_at < :end THEN 1 ELSE 0 END),
  SUM(CASE WHEN status = 'failed' AND done_at >= :start AND done_at < :end THEN 1 ELSE 0 END),
  SUM(CASE WHEN status = 'delivered' AND done_at >= :start AND done_at < :end THEN fee_cents ELSE 0 END),
  SUM(CASE WHEN out_at < :end AND (done_at IS NULL OR done_at >= :end)
           AND status IN ('out', 'delivered', 'failed') THEN 1 ELSE 0 END)
FROM delivery_item
WHERE done_at >= :start OR done_at IS NULL
"""


def door_deliveries(session: Session, keys: DayKeys) -> dict[str, int]:
    """The day's door deliveries: delivered (already among the pickups), failed, their fees, and how
    many were out with a runner at the end of the day (already among the closing parcels)."""
    row = session.execute(text(DOOR_SQL), {"start": keys.start, "end": keys.end}).one()
    delivered, failed, fees, out = (int(n or 0) for n in row)
    return {"delivered": delivered, "failed": failed, "fees_cents": fees, "out_at_close": out}
