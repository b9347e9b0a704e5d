"""The benchmark's raw floor query counts what the service counts (so the floor is a fair comparison)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from conftest import FakeClock
from day_helpers import carrier_id, leave, local, put
from sqlmodel import SQLModel
from station_helpers import act_as_new_clerk

from db.engine import create_station_engine
from db.models import Role
from station_console.bench.report import floor_aggregate, floor_rows, measure_report
from station_console.services.admin.setup import init_station
from station_console.services.core.station import Station
from station_console.services.day.reconcile import reconcile

D = date(2026, 11, 25)


def test_floor_and_service_agree_and_both_are_timed(tmp_path: Path, clock: FakeClock) -> None:
    # The floor is a raw sqlite3 query: this test runs on a SQLite file whatever the suite's database.
    db_url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    engine = create_station_engine(db_url)
    SQLModel.metadata.create_all(engine)
    station = Station(engine=engine, clock=clock)
    init_station(station, timezone="Asia/Shanghai")
    act_as_new_clerk(station, "Tester", Role.CLERK)
    ids = [put(station, f"73{i:012d}", "ZTO", local(D - timedelta(days=1), 12, i)) for i in range(5)]
    ids += [put(station, f"JT{i:013d}", "JT", local(D, 9, i)) for i in range(4)]
    leave(station, ids[0], "picked_up", local(D, 10))
    leave(station, ids[1], "returned", local(D, 11))
    leave(station, ids[5], "written_off", local(D, 12))
    rec = reconcile(station, D)
    service = {
        c["carrier"]: (c["opening"], c["checked_in"], c["picked_up"], c["returned"], c["written_off"])
        for c in rec.carriers
    }
    codes = {carrier_id(station, code): code for code in service}
    floor = {codes[row[0]]: tuple(row[1:]) for row in floor_rows(db_url.removeprefix("sqlite:///"), D)}
    assert floor == service == {"ZTO": (5, 0, 1, 1, 0), "JT": (0, 4, 0, 0, 1)}
    assert len(measure_report(station, D, 2)) == 2 and all(ms > 0 for ms in measure_report(station, D, 2))
    assert len(floor_aggregate(db_url.removeprefix("sqlite:///"), D, 3)) == 3
