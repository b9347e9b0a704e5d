"""Day report latency through the service, beside the raw-sqlite floor (goal: < 200 ms for a 20,000-parcel
day in a 1,000,000-parcel database). Each function returns one latency per run, in milliseconds.
"""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

from station_console.services.core.station import Station
from station_console.services.day.report import build_report

# The raw aggregate the report needs: every parcel that touches the day (on a shelf at some moment of
# it), counted per carrier by the way it moved. Same indexes as the service's queries.
FLOOR_SQL = """
WITH touching AS (
  SELECT id FROM parcel WHERE status = 'on_shelf' AND checked_in_at < :end
  UNION SELECT id FROM parcel WHERE picked_up_at >= :start AND checked_in_at < :end
  UNION SELECT id FROM parcel WHERE returned_at >= :start AND checked_in_at < :end
  UNION SELECT id FROM parcel WHERE written_off_at >= :start AND checked_in_at < :end
)
SELECT p.carrier_id,
  IFNULL(SUM(p.checked_in_at < :start), 0),
  IFNULL(SUM(p.checked_in_at >= :start), 0),
  IFNULL(SUM(p.picked_up_at >= :start AND p.picked_up_at < :end), 0),
  IFNULL(SUM(p.returned_at >= :start AND p.returned_at < :end), 0),
  IFNULL(SUM(p.written_off_at >= :start AND p.written_off_at < :end), 0)
FROM parcel p WHERE p.id IN (SELECT id FROM touching) AND p.status != 'cancelled'
GROUP BY p.carrier_id
"""


def measure_report(station: Station, day: date, samples: int = 5) -> list[float]:
    """The full report (reconciliation both ways, figures, forecast, close check) per run."""
    out = []
    for _ in range(samples):
        t0 = time.perf_counter()
        build_report(station, day)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _bounds(conn: sqlite3.Connection, day: date) -> tuple[str, str]:
    row = conn.execute("SELECT value FROM setting WHERE key = 'station'").fetchone()
    zone = ZoneInfo(json.loads(row[0]).get("timezone", "UTC") if row else "UTC")

    def utc(d: date) -> str:  # SQLAlchemy's SQLite storage form of a naive UTC timestamp
        at = datetime.combine(d, dtime(0), tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
        return at.strftime("%Y-%m-%d %H:%M:%S.%f")

    return utc(day), utc(day + timedelta(days=1))


def floor_aggregate(sqlite_path: str, day: date, samples: int = 5) -> list[float]:
    """The raw GROUP BY alone, on a plain sqlite3 connection: the floor the service cannot beat."""
    conn = sqlite3.connect(sqlite_path)
    try:
        start, end = _bounds(conn, day)
        out = []
        for _ in range(samples):
            t0 = time.perf_counter()
            conn.execute(FLOOR_SQL, {"start": start, "end": end}).fetchall()
            out.append((time.perf_counter() - t0) * 1000)
        return out
    finally:
        conn.close()


def floor_rows(sqlite_path: str, day: date) -> list[tuple[int, int, int, int, int, int]]:
    """The floor query's result (carrier_id, opening, checked_in, picked_up, returned, written_off)."""
    conn = sqlite3.connect(sqlite_path)
    try:
        start, end = _bounds(conn, day)
        return [tuple(r) for r in conn.execute(FLOOR_SQL, {"start": start, "end": end}).fetchall()]
    finally:
        conn.close()
