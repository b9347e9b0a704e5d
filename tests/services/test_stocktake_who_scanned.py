"""Who scanned a parcel into a stocktake, and at which counter: kept on each scan (no audit event per
scan: the row is its record), named in the live view and in the put-back's problem note; scans from
before the upgrade name no one."""

from __future__ import annotations

from alembic import command
from pickup_helpers import as_clerk
from shelf_helpers import PICKED_UP, place, place_picked_up, wb
from sqlalchemy import text
from sqlmodel import func, select

from db.migrate import alembic_config
from db.models import Parcel, ParcelEvent, ParcelStatus, Role
from station_console.services.core.station import Station
from station_console.services.exceptions import stocktake, stocktake_close


def event_count(station: Station) -> int:
    with station.read() as s:
        return int(s.exec(select(func.count()).select_from(ParcelEvent)).one())


def put_back_note(station: Station) -> str | None:
    with station.read() as s:
        back = s.exec(
            select(Parcel).where(Parcel.waybill == PICKED_UP, Parcel.status == ParcelStatus.ON_SHELF)
        ).one()
    return back.problem_note


def test_each_scan_keeps_its_clerk_and_counter_and_the_put_back_names_who_found_it(station: Station) -> None:
    """Li and Wu counted shelf 1 at two counters; Boss closed it at a third. The put-back's note said
    when and by whom the parcel was recorded as picked up, never who found it on the shelf."""
    picked_at = place_picked_up(station, "1-1")  # by Tester
    place(station, wb(1), "1-1")
    take = stocktake.start(station, "1")
    li = as_clerk(station, "Li", counter="counter-Li")
    wu = as_clerk(station, "Wu", counter="counter-Wu")
    events_before = event_count(station)
    stocktake.scan(li, take.id, wb(1), layer="1")
    found = stocktake.scan(wu, take.id, PICKED_UP, layer="1")
    assert (found.classification, found.scanned_by, found.scanned_counter) == ("extra", "Wu", "counter-Wu")
    assert event_count(station) == events_before  # a stocktake's scans are its scan rows, not events
    again = stocktake.scan(li, take.id, PICKED_UP, layer="1")  # Li's repeat names Wu's scan
    assert again.duplicate and (again.scanned_by, again.scanned_counter) == ("Wu", "counter-Wu")
    view = stocktake.view(station, take.id)
    assert [
        (i.waybill, i.scanned_by, i.scanned_counter) for i in view.items["match"] + view.items["extra"]
    ] == [
        (wb(1), "Li", "counter-Li"),
        (PICKED_UP, "Wu", "counter-Wu"),
    ]
    assert view.to_json()["extra"][0]["scanned_by"] == "Wu"  # `station stocktake`'s JSON shows it too
    boss = as_clerk(station, "Boss", Role.MANAGER, counter="counter-Boss")
    closed = stocktake_close.close(boss, take.id, put_back=[PICKED_UP])
    assert closed.result["fixes"]["failed"] == []
    assert put_back_note(station) == (
        f"Found on the shelf at stocktake {take.id} by Wu at counter-Wu after it was recorded as picked up "
        f"on {picked_at} by Tester"
    )
    assert closed.result["extra"][0]["scanned_counter"] == "counter-Wu"  # kept with the close's result


def test_scans_from_before_the_upgrade_name_no_one(station: Station) -> None:
    """A stocktake under way when 0019 is applied: its scans get no clerk or counter (NULL), the view
    shows none, and the put-back's note says what it said before, naming no finder."""
    picked_at = place_picked_up(station, "1-1")
    take = stocktake.start(station, "1-1")
    stocktake.scan(station, take.id, PICKED_UP)
    config = alembic_config(station.engine)
    command.downgrade(config, "0018")
    command.upgrade(config, "head")
    with station.engine.connect() as conn:
        rows = conn.execute(text("SELECT scanned_by, scanned_counter FROM stocktake_scan")).all()
    assert [tuple(r) for r in rows] == [(None, None)]
    (extra,) = stocktake.view(station, take.id).items["extra"]
    assert (extra.scanned_by, extra.scanned_counter) == (None, None)
    boss = as_clerk(station, "Boss", Role.MANAGER)
    assert stocktake_close.close(boss, take.id, put_back=[PICKED_UP]).result["fixes"]["failed"] == []
    assert put_back_note(station) == (
        f"Found on the shelf at stocktake {take.id} after it was recorded as picked up on {picked_at} by Tester"
    )
