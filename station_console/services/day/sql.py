"""The day report's figures as SQL aggregates: a few GROUP BY queries instead of every row in Python.

Two independent views of one business day, per carrier:
- `record_figures`: from the parcel rows' timestamps (the parcels that can touch the day, found
  through the exit-time and status/check-in indexes), with a count of inconsistent rows and, in the
  same scan, the parcels left on a shelf at the end of the day by overdue band, and the opening
  parcels' own event history (the events' opening: the one thing both views read of those rows);
- `event_figures`: from the event log (the day's events from ix_event_day_kind_parcel alone, joined to the
  parcel only for its carrier), with that opening.
reconcile.py compares them and replays parcel by parcel only where they differ.

Timestamps are compared in the database's own form (`DayKeys`): sortable text on SQLite, timestamptz
on PostgreSQL. The few dialect-specific expressions (durations, hour buckets) are built here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import bindparam, text
from sqlmodel import Session

# The parcels whose records can touch the day: on a shelf at some moment of it (one indexed probe per
# way in or out; the same set the parcel-by-parcel path starts from, reconcile._DAY_SQL), undone
# check-ins left out. The branches are disjoint, so each parcel comes once, and every one of them was
# checked in before the end of the day.
_TOUCHING = (
    "p.status = 'on_shelf' AND p.checked_in_at < :end",
    "p.picked_up_at >= :start AND {cin} < :end AND p.status NOT IN ('on_shelf', 'cancelled')",
    "p.returned_at >= :start AND {cin} < :end AND p.status NOT IN ('on_shelf', 'cancelled')"
    " AND (p.picked_up_at IS NULL OR p.picked_up_at < :start)",
    "p.written_off_at >= :start AND {cin} < :end AND p.status NOT IN ('on_shelf', 'cancelled')"
    " AND (p.picked_up_at IS NULL OR p.picked_up_at < :start) AND (p.returned_at IS NULL OR p.returned_at < :start)",
)
_STATUSES = ("on_shelf", "picked_up", "returned", "written_off")  # any other status is 4
NEVER, BEFORE, DURING, AFTER = range(4)  # when a time falls, against the day
_EXIT_TIMES = ("picked_up_at", "returned_at", "written_off_at")
# The events' side of the opening, in the same scan: of the parcels the records have on a shelf at the
# start of the day, those the event log has there too (each one's history from ix_event_parcel alone,
# only for those rows). A parcel the events have there but the records do not either has an event on
# the day (so the day's flows differ) or is outside the parcel-by-parcel replay's reach as well.
# Every aggregate below names its kinds, so the parcel's other events count for nothing: no `kind IN`,
# which would make each probe six seeks instead of one range of the parcel's few entries.
_IN_EVENTS_AT_START = """(
    SELECT MAX(CASE WHEN e.kind = 'checked_in' THEN {day} END) < :day
      AND SUM(CASE WHEN e.kind = 'checkin_undone' THEN 1 ELSE 0 END) = 0
      AND SUM(CASE WHEN {day} >= :day THEN 0
                   WHEN e.kind IN ('picked_up', 'returned', 'written_off') THEN 1
                   WHEN e.kind = 'pickup_undone' THEN -1 ELSE 0 END) <= 0
    FROM parcel_event e WHERE e.parcel_id = p.id
  )"""


@dataclass(frozen=True)
class _Shape:
    """One parcel row's part in the day as a few small numbers, packed into one integer with its
    carrier: the scan hands the touching rows' integers over as one text (`_joined`), and
    `record_figures` counts them and turns each of the few hundred back into figures. A dozen
    `COUNT(*) FILTER`s grouped by carrier instead compared each row's times some forty times and
    sorted whole rows: 2.6 times the instructions on the bench's day."""

    bands: int  # overdue bands, worst first
    groups: int  # groups of carriers with one overdue policy
    sqlite: bool

    def col(self, name: str) -> str:
        return f"+p.{name}" if self.sqlite else f"p.{name}"  # as DayKeys.raw: no affinity tried per row

    def when(self, name: str) -> str:
        at = self.col(name)
        return f"CASE WHEN {at} IS NULL THEN 0 WHEN {at} < :start THEN 1 WHEN {at} < :end THEN 2 ELSE 3 END"

    def fields(self) -> list[tuple[str, int]]:
        """(expression, how many values) per field, in packing order."""
        cin = self.col("checked_in_at")
        leave = f"COALESCE({', '.join(self.col(c) for c in _EXIT_TIMES)})"
        status = " ".join(f"WHEN '{s}' THEN {n}" for n, s in enumerate(_STATUSES))
        opening = f"{cin} < :start AND ({leave} IS NULL OR {leave} >= :start)"
        day = "+e.business_day" if self.sqlite else "e.business_day"
        out = [
            (f"CASE p.status {status} ELSE {len(_STATUSES)} END", len(_STATUSES) + 1),
            (f"CASE WHEN {cin} < :start THEN 0 ELSE 1 END", 2),
            *((self.when(c), 4) for c in _EXIT_TIMES),
            (f"CASE WHEN {leave} < {cin} THEN 1 ELSE 0 END", 2),
            # CASE, not AND: the event log is read only for the opening rows, on either database.
            (
                f"CASE WHEN {opening} THEN (CASE WHEN {_IN_EVENTS_AT_START.format(day=day)} THEN 1 ELSE 0 END) ELSE 0 END",
                2,
            ),
        ]
        # The first band (worst first) whose latest check-in the row's is not after; 0: none.
        cases = " ".join(f"WHEN {cin} <= {_limit(i, self.groups)} THEN {i + 1}" for i in range(self.bands))
        band = f"CASE WHEN {cin} > :newest THEN 0 {cases} ELSE 0 END" if self.bands else "0"
        return [*out, (band, self.bands + 1)]

    def sql(self) -> str:
        key = "p.carrier_id"
        for expression, values in self.fields():
            key = f"({key}) * {values} + {expression}"
        branches = "\n  UNION ALL ".join(
            f"SELECT {key} AS k FROM parcel p WHERE {where.format(cin=self.col('checked_in_at'))}"
            for where in _TOUCHING
        )
        return f"SELECT {_joined(self.sqlite, 'k')} FROM (\n  {branches}\n) t"

    @property
    def sizes(self) -> list[int]:
        return [n for _, n in self.fields()]


def _limit(i: int, groups: int) -> str:
    """Band i's latest check-in for the row's carrier: a parameter when every carrier has the same
    policy, else a CASE on the carrier (each group of carriers with one policy; every parcel's carrier
    is a carrier row, so the last group needs no list)."""
    if groups == 1:
        return f":g0_l{i}"
    cases = " ".join(f"WHEN p.carrier_id IN :g{g}_ids THEN :g{g}_l{i}" for g in range(groups - 1))
    return f"(CASE {cases} ELSE :g{groups - 1}_l{i} END)"


def _unpack(key: int, sizes: Sequence[int]) -> tuple[int, list[int]]:
    """(carrier id, the fields' values) of one packed key."""
    values = []
    for n in reversed(sizes):
        key, value = divmod(key, n)
        values.append(value)
    return key, values[::-1]


def _inconsistent(status: int, exits: Sequence[int], early: int) -> bool:
    """A consistent row has at most one exit time, the one its status names, not before its check-in."""
    if status == 0:
        return any(exits)
    if status < len(_STATUSES):
        own = exits[status - 1]
        others = [when for n, when in enumerate(exits) if n != status - 1]
        return own == NEVER or any(others) or bool(early)
    return sum(1 for when in exits if when) > 1 or bool(early)


_KINDS = ("checked_in", "checkin_undone", "picked_up", "pickup_undone", "returned", "written_off")


def _events_sql(sqlite: bool) -> str:
    """The day's events per kind, in the index's order, with their parcels' carriers as one text."""
    kinds = ", ".join(f"'{kind}'" for kind in _KINDS)
    # PostgreSQL hash-joins the events to a sequential scan of every parcel (0.2 to 0.5 s at 1,000,000
    # parcels); a lateral subquery it cannot pull up (OFFSET 0) probes the primary key per event
    # instead (about 80 ms). SQLite probes it anyway.
    parcel = (
        "parcel p ON p.id = e.parcel_id"
        if sqlite
        else ("LATERAL (SELECT carrier_id FROM parcel WHERE id = e.parcel_id OFFSET 0) p ON TRUE")
    )
    return f"""
SELECT e.kind, {_joined(sqlite, "p.carrier_id")}
FROM parcel_event e JOIN {parcel}
WHERE e.business_day = :day AND e.kind IN ({kinds})
GROUP BY e.kind
"""


def _joined(sqlite: bool, expression: str) -> str:
    """Every row's `expression` (an integer) as one comma-separated text, for `_counted`. SQLite
    groups by sorting every row (a few thousand instructions each); the day's thousands of rows
    handed over as one text and counted by Python's Counter cost a small part of that, and no more
    than a row each would to fetch."""
    return f"group_concat({expression})" if sqlite else f"string_agg(CAST({expression} AS TEXT), ',')"


def _counted(joined: str | None) -> dict[int, int]:
    """How many times each integer is in a `_joined` text."""
    return {int(value): n for value, n in Counter(joined.split(",")).items()} if joined else {}


def _per_clerk(count: int, clerks: str | None) -> dict[int | None, int]:
    """Rows per clerk id from their count and their clerks `_joined` (which leaves NULLs out)."""
    per_clerk: dict[int | None, int] = {cid: n for cid, n in _counted(clerks).items()}
    if count > sum(per_clerk.values()):
        per_clerk[None] = count - sum(per_clerk.values())
    return per_clerk


FLOWS = ("checked_in", "picked_up", "returned", "written_off")


_STORED = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's storage form of naive UTC on SQLite


@dataclass(frozen=True)
class DayKeys:
    """The day's bounds in the database's own form, and its dialect."""

    day: Any
    start: Any
    end: Any
    sqlite: bool
    unixepoch: bool = False  # SQLite 3.38+: unixepoch(), a third of strftime('%s')'s cost per pickup

    @property
    def params(self) -> dict[str, Any]:
        return {"day": self.day, "start": self.start, "end": self.end}

    def hours(self) -> list[tuple[datetime, Any]]:
        """The day cut at each whole UTC hour: per piece, the naive UTC start of its hour and where the
        piece starts (the day's start, then each hour), in the database's form."""
        hour = self._naive(self.start).replace(minute=0, second=0, microsecond=0)
        end = self._naive(self.end)
        pieces = [(hour, self.start)]
        while (hour := hour + timedelta(hours=1)) < end:
            pieces.append((hour, hour.strftime(_STORED) if self.sqlite else hour.replace(tzinfo=UTC)))
        return pieces

    def raw(self, column: str) -> str:
        """`column` for a comparison that no index serves: on SQLite a unary plus takes the DATETIME
        column's numeric affinity off, so the bound text is not tried as a number at each row (the
        stored text compares the same)."""
        return f"+{column}" if self.sqlite else column

    def _naive(self, at: Any) -> datetime:
        return datetime.fromisoformat(at) if self.sqlite else at.astimezone(UTC).replace(tzinfo=None)

    def before(self, hours: float, at: datetime) -> Any:
        """The instant `hours` before `at` (an aware instant), in the same form."""
        if self.sqlite:
            return (at.astimezone(UTC).replace(tzinfo=None) - timedelta(hours=hours)).strftime(_STORED)
        return at - timedelta(hours=hours)


def day_keys(session: Session, day: date, start: datetime, end: datetime) -> DayKeys:
    if session.get_bind().dialect.name == "sqlite":
        return DayKeys(
            day.isoformat(),
            start.replace(tzinfo=None).strftime(_STORED),
            end.replace(tzinfo=None).strftime(_STORED),
            True,
            getattr(session.get_bind().dialect.dbapi, "sqlite_version_info", (0,)) >= (3, 38),
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
    events_opening: dict[int, int]  # of the opening parcels, those the event log has on a shelf too


def record_figures(
    session: Session, keys: DayKeys, limits: Mapping[int, Sequence[tuple[str, Any]]] | None = None
) -> Records:
    """Per carrier id: opening, checked_in, picked_up, returned, written_off, closing; how many
    touching parcel rows are inconsistent in themselves; and, given each carrier's (band, latest
    check-in in it) worst first, the closing parcels by band, all in the one scan."""
    limits = limits or {}
    bands = [band for band, _ in next(iter(limits.values()), ())]
    groups: dict[tuple[Any, ...], list[int]] = {}  # carriers by their limits: most share the defaults
    for cid, bounds in limits.items():
        assert [band for band, _ in bounds] == bands  # every carrier's policy names the same bands
        groups.setdefault(tuple(limit for _, limit in bounds), []).append(cid)
    params: dict[str, Any] = dict(keys.params)
    for g, (bounds_of, ids) in enumerate(sorted(groups.items(), key=lambda kv: len(kv[1]))):
        params[f"g{g}_ids"] = tuple(ids)
        params.update({f"g{g}_l{i}": limit for i, limit in enumerate(bounds_of)})
    if groups:  # a check-in after every band's latest one is in none: one comparison for most rows
        params["newest"] = max(limit for bounds_of in groups for limit in bounds_of)
    shape = _Shape(len(bands) if groups else 0, len(groups), keys.sqlite)
    sql = text(shape.sql())
    if len(groups) > 1:
        sql = sql.bindparams(*(bindparam(f"g{g}_ids", expanding=True) for g in range(len(groups) - 1)))
    out: dict[int, dict[str, int]] = {}
    per_band: dict[int, dict[str, int]] = {}
    events_opening: dict[int, int] = {}
    bad = 0
    sizes = shape.sizes
    for key, n in _counted(session.execute(sql, params).scalar()).items():
        cid, (status, checked_in, *exits, early, in_events, band) = _unpack(key, sizes)
        leave = next((when for when in exits if when != NEVER), NEVER)  # the first exit time's
        opening = checked_in == 0 and leave != BEFORE
        line = out.setdefault(cid, dict.fromkeys(("opening", *FLOWS, "closing"), 0))
        per_band.setdefault(cid, dict.fromkeys(bands, 0))
        line["opening"] += n * opening
        line["checked_in"] += n * checked_in
        for flow, when in zip(FLOWS[1:], exits, strict=True):
            line[flow] += n * (when == DURING)
        if leave in (NEVER, AFTER):
            line["closing"] += n
            if band:
                per_band[cid][bands[band - 1]] += n
        bad += n * _inconsistent(status, exits, early)
        if opening and in_events:
            events_opening[cid] = events_opening.get(cid, 0) + n
    return Records(out, bad, per_band, events_opening)


def event_figures(session: Session, keys: DayKeys, opening: Mapping[int, int]) -> dict[int, dict[str, int]]:
    """Per carrier id, from the event log: opening (counted in the records' scan: `Records.events_opening`),
    the day's net flows, and closing from those."""
    kinds: dict[int, Counter[str]] = {}
    for kind, carriers in _rows(session, _events_sql(keys.sqlite), keys):
        for cid, n in _counted(carriers).items():
            kinds.setdefault(cid, Counter())[kind] += n
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
        seconds = "unixepoch({})" if keys.unixepoch else "CAST(strftime('%s', {}) AS INTEGER)"
        return (
            f"({seconds.format('picked_up_at')} - {seconds.format('checked_in_at')})"
            " * 1000000 + CAST(substr(picked_up_at, 21, 6) AS INTEGER)"
            " - CAST(substr(checked_in_at, 21, 6) AS INTEGER)"
        )
    return "CAST(ROUND(EXTRACT(EPOCH FROM (picked_up_at - checked_in_at)) * 1000000) AS BIGINT)"


# The day's check-ins and pickups, whole or between two bounds (`lo`, `hi`: parameters).
def _checked_in(lo: str = ":start", hi: str = ":end") -> str:
    return (
        "status IN ('on_shelf', 'picked_up', 'returned', 'written_off')"
        f" AND checked_in_at >= {lo} AND checked_in_at < {hi}"
    )


_CHECKED_IN_DAY = _checked_in()


def _picked_up(keys: DayKeys, lo: str = ":start", hi: str = ":end") -> str:
    return (
        f"status != 'cancelled' AND picked_up_at >= {lo} AND picked_up_at < {hi}"
        f" AND {keys.raw('checked_in_at')} < :end"
    )


# The day's pickups: how many, their clerks and their times on the shelf in whole microseconds, each
# as one text (`_joined`): fetching a row per pickup cost as much as the rest of the statement, and
# counting per clerk in a statement of its own read every pickup again. Sorted here, not by a window
# function in SQL: fetching the integers and sorting them costs half of ROW_NUMBER() OVER (ORDER BY).
_PICKUPS = "SELECT COUNT(*), {clerks}, {minutes} FROM parcel WHERE {where}"


@dataclass(frozen=True)
class Ranked:
    """The day's pickups: how many, and minutes on the shelf at the few ranks (1-based) read."""

    count: int
    minutes: dict[int, float]


@dataclass(frozen=True)
class Pickups:
    """The day's pickups: their times on the shelf at the ranks read, and how many per clerk id."""

    ranked: Ranked
    per_clerk: dict[int | None, int]


def pickups(session: Session, keys: DayKeys) -> Pickups:
    """Minutes from check-in to pickup of the parcels picked up during the day, at the ranks a median
    and a 90th percentile need, and the pickups per clerk."""
    sql = _PICKUPS.format(
        clerks=_joined(keys.sqlite, "picked_up_by"),
        minutes=_joined(keys.sqlite, _minutes_sql(keys)),
        where=_picked_up(keys),
    )
    count, clerks, minutes = _rows(session, sql, keys)[0]
    ordered = sorted(map(int, minutes.split(","))) if minutes else []
    n = len(ordered)
    # `(9 * n + 9) // 10` is the exact ceiling of 0.9 n; Python's float 0.9 * n may round one above it.
    ranks = {(n + 1) // 2, n // 2, n // 2 + 1, (9 * n + 9) // 10, (9 * n + 9) // 10 + 1}
    ranked = Ranked(n, {rank: ordered[rank - 1] / 10**6 / 60 for rank in ranks if 1 <= rank <= n})
    return Pickups(ranked, _per_clerk(int(count), clerks))


@dataclass(frozen=True)
class Moves:
    """The day's check-ins and pickups counted per clerk id and per hour (naive UTC start of the
    hour), and how many of the check-ins were redeliveries."""

    checked_in: dict[int | None, int]
    picked_up: dict[int | None, int]
    checked_in_hours: dict[datetime, int]
    picked_up_hours: dict[datetime, int]
    redelivered: int = 0


def moves(session: Session, keys: DayKeys, picked_up: dict[int | None, int]) -> Moves:
    """Per clerk and, apart, per hour: nothing reads the two together, and grouping by both sorted
    every row of the day (most of these statements' cost); each hour is a range of an index instead.
    The pickups per clerk come with their times on the shelf (`pickups`)."""
    # The check-ins' redeliveries in the same pass (their waybills are read only when there are some).
    sql = (
        f"SELECT COUNT(*), {_joined(keys.sqlite, 'checked_in_by')}, SUM(CASE WHEN redelivery THEN 1 ELSE 0 END)"
        f" FROM parcel WHERE {_CHECKED_IN_DAY}"
    )
    count, clerks, redelivered = _rows(session, sql, keys)[0]
    return Moves(
        _per_clerk(int(count), clerks),
        picked_up,
        _per_hour(session, keys, _checked_in),
        _per_hour(session, keys, partial(_picked_up, keys)),
        int(redelivered or 0),
    )


def _per_hour(session: Session, keys: DayKeys, where: Callable[[str, str], str]) -> dict[datetime, int]:
    """How many rows `where` finds in each UTC hour of the day (index only: one range per hour)."""
    pieces = keys.hours()
    params = {
        **keys.params,
        **{f"h{k}": at for k, (_hour, at) in enumerate(pieces)},
        f"h{len(pieces)}": keys.end,
    }
    sql = "\nUNION ALL ".join(
        f"SELECT {k}, COUNT(*) FROM parcel WHERE {where(f':h{k}', f':h{k + 1}')}" for k in range(len(pieces))
    )
    return {pieces[k][0]: int(n) for k, n in session.execute(text(sql), params).all() if n}


def redelivered_waybills(session: Session, keys: DayKeys) -> list[str]:
    sql = f"SELECT waybill FROM parcel WHERE {_CHECKED_IN_DAY} AND redelivery = :yes ORDER BY id"
    return [w for (w,) in session.execute(text(sql), {**keys.params, "yes": True}).all()]


DOOR_SQL = """
SELECT
  SUM(CASE WHEN status = 'delivered' AND done_at >= :start AND done_at < :end THEN 1 ELSE 0 END),
  SUM(CASE WHEN status = 'failed' AND done_at >= :start AND done_at < :end THEN 1 ELSE 0 END),
  SUM(CASE WHEN status = 'delivered' AND done_at >= :start AND done_at < :end THEN fee_cents ELSE 0 END),
  SUM(CASE WHEN out_at < :end AND (done_at IS NULL OR done_at >= :end)
           AND status IN ('out', 'delivered', 'failed', 'undone') THEN 1 ELSE 0 END)
FROM delivery_item
WHERE done_at >= :start OR done_at IS NULL
"""


def door_deliveries(session: Session, keys: DayKeys) -> dict[str, int]:
    """The day's door deliveries: delivered (already among the pickups), failed, their fees, and how
    many were out with a runner at the end of the day (already among the closing parcels). A delivery
    undone at the counter is neither delivered nor failed, but it was out over a close it was out at."""
    row = session.execute(text(DOOR_SQL), {"start": keys.start, "end": keys.end}).one()
    delivered, failed, fees, out = (int(n or 0) for n in row)
    return {"delivered": delivered, "failed": failed, "fees_cents": fees, "out_at_close": out}
