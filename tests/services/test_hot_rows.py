"""A hot statement (db/fast.py) writes exactly the row SQLAlchemy's own INSERT writes, on SQLite and
PostgreSQL: each value through its type's conversion (UTC timestamps, dates, booleans, str enums, JSON,
None), a column left out takes its default; and the SQLite text of a UTC timestamp is SQLAlchemy's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import bindparam, event, insert, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.types import DateTime
from sqlmodel import SQLModel, col

from db import fast
from db.models import Carrier, EventKind, JobStatus, Parcel, ParcelEvent, ParcelStatus, PrintJob
from db.types import UTCDateTime
from station_console.services.core.station import Station

EAST8 = timezone(timedelta(hours=8))
WHEN = datetime(2026, 11, 25, 7, 30, 15, 123456, tzinfo=EAST8)


def _both_ways(station: Station, model: type[SQLModel], values: dict[str, Any]) -> tuple[Any, Any]:
    """The row as written by `fast.insert_row`, and as written by SQLAlchemy's INSERT, read back as
    the driver gives them (no result conversion), without their ids."""
    table: Any = model.__table__  # type: ignore[attr-defined]  # SQLModel's class does not declare it
    hot_id = station.run_plain(lambda tx: fast.insert_row(tx, model, values))
    with station.engine.begin() as conn:
        own_id = conn.execute(insert(table).returning(table.c.id), values).scalar_one()
        raw = conn.execute(
            text(f"SELECT * FROM {table.name} WHERE id IN (:a, :b)"), {"a": hot_id, "b": own_id}
        )
        rows = {row._mapping["id"]: {k: v for k, v in row._mapping.items() if k != "id"} for row in raw}
    return rows[hot_id], rows[own_id]


def test_a_hot_insert_writes_what_sqlalchemys_insert_writes(station: Station) -> None:
    with station.read() as session:
        carrier_id = session.scalars(select(col(Carrier.id))).first()
    parcel = {
        "waybill": "JT0001234567890",
        "carrier_id": carrier_id,
        "status": ParcelStatus.PICKED_UP,  # a str enum; off the shelves, so two rows may share the code
        "pickup_code": "1-2-3001",
        "redelivery": True,
        "checked_in_at": WHEN,  # not UTC: stored as UTC
        "picked_up_at": datetime(2026, 11, 25, 1, 0, tzinfo=UTC),  # whole seconds: still six digits
        "business_day": date(2026, 11, 25),
        "phone_full": None,
        # size and version left out: their defaults
    }
    hot, own = _both_ways(station, Parcel, parcel)
    assert hot == own
    assert own["redelivery"] in (1, True) and own["size"] == "M" and own["version"] == 1
    if station.engine.dialect.name == "sqlite":
        assert (own["checked_in_at"], own["picked_up_at"]) == (
            "2026-11-24 23:30:15.123456",
            "2026-11-25 01:00:00.000000",
        )
    event = {
        "kind": EventKind.CHECKED_IN,
        "at": WHEN,
        "business_day": date(2026, 11, 25),
        "counter": "counter-1",
        "details": {"名字": "张三", "n": 1, "ok": False, "nothing": None, "list": [1, "二"]},
        "prev_hash": "",
        "hash": "h",
        "chain": "counter-1",
    }
    hot, own = _both_ways(station, ParcelEvent, event)
    assert hot == own
    # A payload left out is the column's default ({}), made anew for each row; None given is JSON null.
    job = {"kind": "label", "counter": "counter-1", "status": JobStatus.QUEUED, "created_at": WHEN}
    hot, own = _both_ways(station, PrintJob, job)
    assert hot == own
    hot, own = _both_ways(station, PrintJob, {**job, "payload": None})
    assert hot == own


def test_a_hot_insert_gives_the_new_rows_id(station: Station) -> None:
    """On SQLite the id the driver read as the row went in (no RETURNING row buffered on the way),
    on PostgreSQL the RETURNING's; either way the row's own id, one after another."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    job = {"kind": "label", "counter": "counter-1", "status": JobStatus.QUEUED, "created_at": WHEN}
    event.listen(station.engine, "before_cursor_execute", note)
    try:
        ids = [station.run_plain(lambda tx: fast.insert_row(tx, PrintJob, job)) for _ in range(3)]
    finally:
        event.remove(station.engine, "before_cursor_execute", note)
    with station.read() as session:
        last = session.scalars(select(col(PrintJob.id)).order_by(col(PrintJob.id).desc()).limit(3))
        stored = [job_id for job_id in last if job_id is not None]  # a stored row has one: len stays 3
        assert ids == sorted(stored) and ids == sorted(set(ids))
    inserts = [s for s in seen if s.startswith("INSERT INTO print_job")]
    assert len(inserts) == 3
    returning = station.engine.dialect.name == "postgresql"
    assert all(("RETURNING" in s) == returning for s in inserts), inserts


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 11, 25, 7, 30, 15, 123456, tzinfo=EAST8),
        datetime(2026, 11, 25, 7, 30, tzinfo=UTC),  # no microseconds
        datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=-9, minutes=-30))),
        datetime(999, 1, 1, 8, 0, 0, 1, tzinfo=EAST8),  # a three-digit year
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        None,
    ],
)
def test_sqlites_utc_text_is_sqlalchemys(value: datetime | None) -> None:
    dialect = sqlite.dialect()
    kind = UTCDateTime()
    plain = DateTime().dialect_impl(dialect).bind_processor(dialect)
    assert plain is not None
    expected = plain(kind.process_bind_param(value, dialect))
    process = kind.dialect_impl(dialect).bind_processor(dialect)
    assert process is not None
    assert process(value) == expected


def test_a_timestamp_written_again_is_converted_once() -> None:
    """A check-in writes its one time into several columns: its text is made once, and every other
    value between still gets its own."""
    dialect = sqlite.dialect()
    kind = UTCDateTime()
    plain = DateTime().dialect_impl(dialect).bind_processor(dialect)
    process = kind.dialect_impl(dialect).bind_processor(dialect)
    assert plain is not None and process is not None
    now = datetime(2026, 11, 25, 7, 30, 15, 123456, tzinfo=EAST8)
    first = process(now)
    assert process(now) is first
    for value in (datetime(2026, 11, 25, 7, 30, 15, 123457, tzinfo=EAST8), None, now, now.astimezone(UTC)):
        assert process(value) == plain(kind.process_bind_param(value, dialect))


def test_a_naive_timestamp_is_refused_on_sqlite_too() -> None:
    dialect = sqlite.dialect()
    process = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert process is not None
    with pytest.raises(ValueError, match="naive"):
        process(datetime(2026, 11, 25, 7, 30))


@pytest.mark.parametrize(
    "value", [date(2026, 11, 25), date(999, 1, 2), datetime(2026, 11, 25, 23, 59, tzinfo=EAST8)]
)
def test_a_hot_statements_sqlite_date_is_sqlalchemys(value: date) -> None:
    dialect = sqlite.dialect()
    day = col(Parcel.business_day)
    hot = fast.Hot(select(col(Parcel.id)).where(day == bindparam("day")))
    bind = day.type.dialect_impl(dialect).bind_processor(dialect)  # type: ignore[attr-defined]  # col(): Mapped, no .type
    expected = bind(value)
    assert hot._for(dialect).arguments({"day": value}) == [expected]
