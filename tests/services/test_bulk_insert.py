"""`db.bulk.insert_many` stores exactly what SQLAlchemy's own INSERT stores, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import insert, select

from db.bulk import insert_many
from db.models import Recipient
from station_console.services.core.station import Station

EAST8 = timezone(timedelta(hours=8))


def _rows(prefix: str) -> list[dict[str, Any]]:
    when = datetime(2026, 11, 25, 9, 30, 15, 123456, tzinfo=EAST8)
    return [
        {
            "external_id": f"{prefix}{n}",
            "name": name,
            "search_name": f" {name.lower()}",
            "active": active,
            "created_at": when + timedelta(minutes=n),
            "updated_at": None if n % 2 else when,
            "consent_at": when,
        }
        for n, (name, active) in enumerate([("张三", True), ("O'Brien; --", False), ("[/]", True)])
    ]


def test_rows_read_back_the_same_as_sqlalchemys_insert(station: Station) -> None:
    table: Any = Recipient.__table__  # type: ignore[attr-defined]  # SQLModel's class does not declare it
    with station.engine.begin() as conn:
        conn.execute(insert(table), _rows("orm-"))
        insert_many(conn, table, _rows("bulk-"))
        insert_many(conn, table, [])  # nothing to do is not an error
    with station.engine.connect() as conn:
        got = {r.external_id: r for r in conn.execute(select(table)).all()}
    fields = ("name", "search_name", "active", "created_at", "updated_at", "consent_at")
    assert len(got) == 6
    for n in range(3):
        orm, bulk = got[f"orm-{n}"], got[f"bulk-{n}"]
        assert [getattr(bulk, f) for f in fields] == [getattr(orm, f) for f in fields]
    assert got["bulk-0"].created_at == datetime(2026, 11, 25, 1, 30, 15, 123456, tzinfo=UTC)
    assert got["bulk-1"].active is False and got["bulk-1"].updated_at is None
