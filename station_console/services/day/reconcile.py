"""End-of-day reconciliation (对账): `opening + checked_in - picked_up - returned - written_off = closing`.

One business day in the station's time zone, per carrier and in total. Each parcel's part in the day
is worked out twice, independently: from the parcel row's timestamps (UTC, against the day's bounds)
and from the event log (replayed per parcel, bucketed by the events' stored business day). The two
must agree parcel by parcel; every disagreement is listed. Undone check-ins count nowhere; a
re-delivery is a new parcel row, so it simply counts again.

First both sides are counted per carrier with SQL aggregates (services/day/sql.py); only when those
disagree, or a parcel row is inconsistent in itself, is the day replayed parcel by parcel (loading the
parcels that can touch the day and their events) to list the differences. Both paths give the same
figures from the records; the property test in tests/services/test_reconcile.py holds them together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlalchemy import select as sa_select
from sqlalchemy import text
from sqlmodel import Session

from db.models import Carrier, EventKind, ParcelStatus
from station_console.services.core.station import Station, day_bounds
from station_console.services.day import sql
from station_console.services.day.put_backs import put_backs

FIGURES = ("opening", "checked_in", "picked_up", "returned", "written_off", "closing")
EXITS = ("picked_up", "returned", "written_off")
EVENT_KINDS = (
    EventKind.CHECKED_IN,
    EventKind.CHECKIN_UNDONE,
    EventKind.PICKED_UP,
    EventKind.PICKUP_UNDONE,
    EventKind.RETURNED,
    EventKind.WRITTEN_OFF,
)


class RawParcel(NamedTuple):
    """A parcel as read raw: timestamps as the database returns them (text on SQLite), see DayData.dt()."""

    id: int
    waybill: str
    carrier_id: int
    status: str
    checked_in_at: Any
    picked_up_at: Any
    returned_at: Any
    written_off_at: Any
    checked_in_by: int | None
    picked_up_by: int | None
    redelivery: bool
    business_day: Any


class EventRow(NamedTuple):
    id: int
    parcel_id: int
    kind: str
    business_day: Any  # raw, like DayData.day_key


@dataclass(frozen=True)
class CarrierInfo:
    id: int
    code: str
    fee_cents: int
    amber_hours: int
    red_hours: int
    return_after_days: int
    sort_order: int


@dataclass
class DayData:
    """Everything of one business day the report needs, read in one transaction."""

    day: date
    start: datetime  # UTC bounds of the station-local day
    end: datetime
    carriers: dict[int, CarrierInfo]
    parcels: dict[int, RawParcel]
    events: dict[int, list[EventRow]]  # per parcel, in id order
    # The bounds in the database's own form (text on SQLite), for comparing raw values.
    start_key: Any = None
    end_key: Any = None
    day_key: Any = None

    def dt(self, value: Any) -> datetime:
        """A raw timestamp as an aware UTC datetime."""
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        return datetime.fromisoformat(value).replace(tzinfo=UTC)

    def naive(self, value: Any) -> datetime:
        """A raw timestamp as naive UTC, for differences (cheaper than `dt`)."""
        if isinstance(value, datetime):
            return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
        return datetime.fromisoformat(value)

    def in_day(self, value: Any) -> bool:
        return value is not None and self.start_key <= value < self.end_key


class Part(NamedTuple):
    """One parcel's part in the day, as one source sees it."""

    opening: bool
    checked_in: bool
    exit: str | None  # picked_up | returned | written_off, when it left during the day
    closing: bool

    def balances(self) -> bool:
        return int(self.opening) + int(self.checked_in) - int(self.exit is not None) == int(self.closing)


@dataclass(frozen=True)
class Difference:
    parcel_id: int
    waybill: str
    carrier: str
    issue: str  # records_vs_events | record_inconsistent | no_checkin_event | undo_mismatch
    records: dict[str, Any] | None
    events: dict[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Reconciliation:
    day: date
    carriers: list[dict[str, Any]]
    totals: dict[str, int]
    balanced: bool
    differences: list[Difference] = field(default_factory=list)
    # Parcels on a shelf at the end of the day: filled by the parcel-by-parcel path only.
    closing_ids: list[int] = field(default_factory=list)
    per_parcel: bool = False  # True when the aggregates disagreed and the day was replayed per parcel

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "carriers": self.carriers,
            "totals": self.totals,
            "balanced": self.balanced,
            "differences": [d.to_json() for d in self.differences],
        }


_CARRIER_COLUMNS = ("id", "code", "fee_cents", "amber_hours", "red_hours", "return_after_days", "sort_order")


def load_carriers(session: Session) -> dict[int, CarrierInfo]:
    """The carriers' figures the report needs, as plain rows (no model objects: the report reads them
    a few times)."""
    columns = [getattr(Carrier, name) for name in _CARRIER_COLUMNS]
    rows = session.execute(sa_select(*columns)).all()
    return {row[0]: CarrierInfo(*row) for row in rows if row[0] is not None}


# One statement: the parcels that touch the day (on a shelf at some moment of it: one indexed probe per
# way in or out) or have an event on it, each joined to its events. Raw SQL without type processing:
# on SQLite timestamps stay in their stored, sortable text form and are compared as text, which is
# what makes a 20,000-parcel day read fast; `DayData.dt()` parses the few that need arithmetic.
_DAY_SQL = """
WITH ids AS (
  SELECT id FROM parcel WHERE status = 'on_shelf' AND checked_in_at < :end
  UNION SELECT id FROM parcel WHERE picked_up_at >= :start AND checked_in_at < :end
  UNION SELECT id FROM parcel WHERE returned_at >= :start AND checked_in_at < :end
  UNION SELECT id FROM parcel WHERE written_off_at >= :start AND checked_in_at < :end
  UNION SELECT parcel_id FROM parcel_event WHERE business_day = :day AND kind IN ({kinds})
    AND parcel_id IS NOT NULL
)
SELECT p.id, p.waybill, p.carrier_id, p.status, p.checked_in_at, p.picked_up_at, p.returned_at,
       p.written_off_at, p.checked_in_by, p.picked_up_by, p.redelivery, p.business_day,
       e.id, e.kind, e.business_day
FROM ids JOIN parcel p ON p.id = ids.id
LEFT JOIN parcel_event e ON e.parcel_id = p.id AND e.kind IN ({kinds})
ORDER BY p.id, e.id
""".format(kinds=", ".join(f"'{k.value}'" for k in EVENT_KINDS))


def _keys(session: Session, start: datetime, end: datetime, day: date) -> tuple[Any, Any, Any]:
    """Bounds in the form the database hands values back in (text on SQLite)."""
    if session.get_bind().dialect.name == "sqlite":
        fmt = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's storage form of naive UTC
        return (
            start.replace(tzinfo=None).strftime(fmt),
            end.replace(tzinfo=None).strftime(fmt),
            day.isoformat(),
        )
    return start, end, day


def load_day(session: Session, station: Station, day: date) -> DayData:
    start, end = day_bounds(station, day, session)
    start_key, end_key, day_key = _keys(session, start, end, day)
    parcels: dict[int, RawParcel] = {}
    events: dict[int, list[EventRow]] = {}
    params = {"start": start_key, "end": end_key, "day": day_key}
    rows: Iterable[Any]
    if isinstance(start_key, str):  # SQLite: the DBAPI cursor directly, no per-row result wrapping
        cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
        rows = cursor.execute(_DAY_SQL, params).fetchall()
    else:
        rows = session.execute(text(_DAY_SQL), params)
    for row in rows:
        pid = row[0]
        if pid not in parcels:
            parcels[pid] = RawParcel(*row[:12])
        if row[12] is not None:
            events.setdefault(pid, []).append(EventRow(row[12], pid, row[13], row[14]))
    return DayData(
        day=day,
        start=start,
        end=end,
        carriers=load_carriers(session),
        parcels=parcels,
        events=events,
        start_key=start_key,
        end_key=end_key,
        day_key=day_key,
    )


def part_from_record(row: RawParcel, start: Any, end: Any) -> tuple[Part | None, str | None]:
    """The parcel's part from its own timestamps; the second value names an inconsistency, if any."""
    if row.status == ParcelStatus.CANCELLED:
        return None, None
    exits = [
        (kind, at)
        for kind, at in zip(EXITS, (row.picked_up_at, row.returned_at, row.written_off_at), strict=True)
        if at is not None
    ]
    problem = None
    if len(exits) > 1:
        problem = "several exits"
    elif row.status == ParcelStatus.ON_SHELF and exits:
        problem = "on shelf with an exit time"
    elif row.status in EXITS and (not exits or exits[0][0] != row.status):
        problem = f"status {row.status} without its time"
    elif exits and exits[0][1] < row.checked_in_at:
        problem = "left before it came in"
    leave = min((at for _, at in exits), default=None)
    cin = row.checked_in_at
    exit_kind = next((kind for kind, at in exits if start <= at < end), None)
    part = Part(
        opening=cin < start and (leave is None or leave >= start),
        checked_in=start <= cin < end,
        exit=exit_kind,
        closing=cin < end and (leave is None or leave >= end),
    )
    return part, problem


def part_from_events(events: Iterable[EventRow], day: Any) -> tuple[Part | None, bool, bool]:
    """Replay one parcel's events. Returns (part, check-in seen, check-in undone)."""
    checkin_day: Any = None
    undone = False
    exits: list[tuple[str, Any]] = []
    for ev in events:
        if ev.kind == EventKind.CHECKED_IN:
            checkin_day = ev.business_day
        elif ev.kind == EventKind.CHECKIN_UNDONE:
            undone = True
        elif ev.kind == EventKind.PICKUP_UNDONE:
            for i in range(len(exits) - 1, -1, -1):
                if exits[i][0] == "picked_up":
                    del exits[i]
                    break
        else:
            exits.append((str(ev.kind), ev.business_day))
    if checkin_day is None or undone:
        return None, checkin_day is not None, undone
    leave = min((d for _, d in exits), default=None)
    exit_kind = next((kind for kind, d in exits if d == day), None)
    part = Part(
        opening=checkin_day < day and (leave is None or leave >= day),
        checked_in=checkin_day == day,
        exit=exit_kind,
        closing=checkin_day <= day and (leave is None or leave > day),
    )
    return part, True, False


def _touches(part: Part | None) -> bool:
    return part is not None and (part.opening or part.checked_in or part.exit is not None or part.closing)


def reconcile_data(data: DayData, put_back: dict[int, int] | None = None) -> Reconciliation:
    """The day parcel by parcel, from both sides; `put_back`: see `reconcile_in`."""
    counts: dict[int, dict[str, int]] = {}
    differences: list[Difference] = []
    closing_ids: list[int] = []
    for parcel_id in sorted(set(data.parcels) | set(data.events)):
        row = data.parcels.get(parcel_id)
        rec, problem = part_from_record(row, data.start_key, data.end_key) if row else (None, None)
        evp, seen, undone = part_from_events(data.events.get(parcel_id, ()), data.day_key)
        carrier = data.carriers.get(row.carrier_id) if row else None
        code = carrier.code if carrier else "?"

        def diff(
            issue: str,
            *,
            _row: RawParcel | None = row,
            _rec: Part | None = rec,
            _evp: Part | None = evp,
            _code: str = code,
            _id: int = parcel_id,
        ) -> None:
            differences.append(
                Difference(
                    _id,
                    _row.waybill if _row else "?",
                    _code,
                    issue,
                    _rec._asdict() if _rec else None,
                    _evp._asdict() if _evp else None,
                )
            )

        if row is not None and row.status == ParcelStatus.CANCELLED:
            if seen and not undone and _touches(evp):
                diff("undo_mismatch")
            continue
        if rec is None or not _touches(rec):
            if _touches(evp):
                diff("records_vs_events")
            continue
        if problem is not None or not rec.balances():
            diff("record_inconsistent")
        elif not seen:
            diff("no_checkin_event")
        elif undone:
            diff("undo_mismatch")
        elif rec != evp:
            diff("records_vs_events")
        per = counts.setdefault(row.carrier_id, dict.fromkeys(FIGURES, 0)) if row else {}
        per["opening"] += rec.opening
        per["checked_in"] += rec.checked_in
        per["closing"] += rec.closing
        if rec.exit:
            per[rec.exit] += 1
        if rec.closing:
            closing_ids.append(parcel_id)
    result = _summarise(data.day, data.carriers, counts, differences, put_back or {})
    result.closing_ids, result.per_parcel = closing_ids, True
    return result


def _summarise(
    day: date,
    infos: dict[int, CarrierInfo],
    counts: dict[int, dict[str, int]],
    differences: list[Difference],
    put_back: dict[int, int],
) -> Reconciliation:
    """Per carrier and in total. A put-back is among the check-ins (the day balances to the parcel), but
    its carrier delivered it once, so its fee is not counted again; `put_back` is said only where there
    are some, so a day closed before it keeps its hash."""
    carriers: list[dict[str, Any]] = []
    totals: dict[str, Any] = dict.fromkeys((*FIGURES, "fees_cents"), 0)
    if any(put_back.get(cid) for cid in counts):
        totals["put_back"] = 0
    for cid, per in sorted(counts.items(), key=lambda kv: (infos[kv[0]].sort_order, kv[0])):
        info = infos[cid]
        put = min(put_back.get(cid, 0), per["checked_in"])
        line = {"carrier": info.code, **per, "fees_cents": (per["checked_in"] - put) * info.fee_cents}
        if put:
            line["put_back"] = put
        carriers.append(line)
        for key in totals:
            totals[key] += line.get(key, 0)
    equation = all(_equation_holds(line) for line in [*carriers, totals])
    return Reconciliation(
        day=day,
        carriers=carriers,
        totals=totals,
        balanced=equation and not differences,
        differences=differences,
    )


def _equation_holds(line: dict[str, Any]) -> bool:
    return bool(
        line["opening"] + line["checked_in"] - line["picked_up"] - line["returned"] - line["written_off"]
        == line["closing"]
    )


def reconcile(station: Station, day: date | None = None) -> Reconciliation:
    """Reconcile one business day (default: today, station time)."""
    day = day or station.business_day()
    with station.read() as session:
        return reconcile_in(session, station, day)


def reconcile_in(
    session: Session, station: Station, day: date, records: sql.Records | None = None
) -> Reconciliation:
    """Per-carrier aggregates from the records and from the event log; parcel by parcel only if they differ.

    `records`: the records' side when the caller has already scanned it (the day report). The day's
    stocktake put-backs are counted apart too, for the carriers' fees (`put_backs.py`)."""
    start, end = day_bounds(station, day, session)
    keys = sql.day_keys(session, day, start, end)
    records = records or sql.record_figures(session, keys)
    per_carrier = _nonzero(records.per_carrier)
    put_back = put_backs(session, day, start, end)
    if records.inconsistent == 0 and per_carrier == _nonzero(
        sql.event_figures(session, keys, records.events_opening)
    ):
        return _summarise(day, load_carriers(session), per_carrier, [], put_back)
    return reconcile_data(load_day(session, station, day), put_back)


def _nonzero(per_carrier: dict[int, dict[str, int]]) -> dict[int, dict[str, int]]:
    return {cid: line for cid, line in per_carrier.items() if any(line.values())}
