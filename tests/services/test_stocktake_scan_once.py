"""A waybill is scanned into a stocktake once: two counters scanning it at the same moment record one
scan (the second answered as a repeat), and a database that already holds such pairs keeps the earliest
of each when it is upgraded."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

from alembic import command
from pickup_helpers import as_clerk
from saves_at_once import other_save_before
from shelf_helpers import place, wb
from sqlalchemy import inspect, text
from sqlmodel import select
from station_helpers import act_as_new_clerk

from db.engine import is_sqlite
from db.migrate import alembic_config
from db.models import Parcel, Role
from station_console.services.core.station import Station
from station_console.services.exceptions import stocktake, stocktake_close
from station_console.services.exceptions.stocktake_view import Item


def scans_of(station: Station, take_id: int) -> list[tuple[str, str]]:
    # Plain SQL: read below head too, where the model's later columns (0019's) are not there yet.
    with station.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT waybill, classification FROM stocktake_scan WHERE stocktake_id = :take ORDER BY id"),
            {"take": take_id},
        ).all()
    return [(str(waybill), str(classification)) for waybill, classification in rows]


def code_of(station: Station, waybill: str) -> str:
    with station.read() as s:
        on_shelf = select(Parcel.pickup_code).where(Parcel.waybill == waybill, Parcel.status == "on_shelf")
        return str(s.exec(on_shelf).one())


def closed_relocating(station: Station, take_id: int, waybill: str) -> dict[str, Any]:
    """The stocktake closed by a manager, who accepts moving `waybill` to where it was found: its fixes."""
    act_as_new_clerk(station, "Boss", Role.MANAGER)
    return stocktake_close.close(station, take_id, relocate=[waybill]).result["fixes"]


def test_two_counters_scanning_one_waybill_at_once_record_one_scan(station: Station) -> None:
    """PostgreSQL: both scans found no earlier scan of the waybill and both inserted one, so the parcel
    was counted twice and the close tried to relocate it twice. The second insert now meets the unique
    index, its scan is tried again, finds the first one and answers as a scan seen twice does."""
    place(station, wb(1), "6-2")  # found on 6-5: wrong layer
    take = stocktake.start(station, "6-5")
    busy = threading.Event()
    li = replace(as_clerk(station, "Li", counter="counter-Li"), on_busy=busy.set)
    wu = replace(as_clerk(station, "Wu", counter="counter-Wu"), on_busy=busy.set)
    waiting = busy.is_set if is_sqlite(station.engine) else None  # SQLite: Wu's write waits for Li's

    def other_counter() -> object:
        return stocktake.scan(wu, take.id, wb(1))

    with other_save_before(li, "INSERT INTO stocktake_scan", other_counter, waiting) as outcome:
        first = stocktake.scan(li, take.id, wb(1))
    (second,) = outcome
    assert isinstance(second, Item), second
    answers = sorted([first, second], key=lambda item: item.duplicate)
    assert [item.duplicate for item in answers] == [False, True]
    assert answers[1] == stocktake.scan(station, take.id, wb(1))  # the same as a scan seen twice
    assert answers[0].classification == "wrong_layer"
    assert scans_of(station, take.id) == [(wb(1), "wrong_layer")]
    assert stocktake.view(station, take.id).counts["wrong_layer"] == 1
    fixes = closed_relocating(station, take.id, wb(1))
    assert [r["waybill"] for r in fixes["relocated"]] == [wb(1)] and fixes["failed"] == []
    assert code_of(station, wb(1)).startswith("6-5-")


def test_the_upgrade_keeps_the_earliest_scan_of_each_waybill_scanned_twice(station: Station) -> None:
    """A database from before the index, holding a waybill scanned twice into one stocktake: the upgrade
    drops the later scan, keeps the one of the same waybill in another stocktake, and the close moves the
    parcel once, as the earliest scan found it."""
    place(station, wb(1), "6-2")
    take = stocktake.start(station, "6-5")
    other = stocktake.start(station, "1-1")
    assert stocktake.scan(station, take.id, wb(1)).classification == "wrong_layer"
    assert stocktake.scan(station, other.id, wb(1)).classification == "wrong_shelf"
    config = alembic_config(station.engine)
    command.downgrade(config, "0017")
    with station.engine.begin() as conn:
        # The later scan, as a second counter's would be: counted as found where it is on record.
        conn.execute(
            text(
                "INSERT INTO stocktake_scan"
                " (stocktake_id, waybill, parcel_id, classification, scanned_at, found_layer_id)"
                " SELECT stocktake_id, waybill, parcel_id, 'match', scanned_at, NULL"
                " FROM stocktake_scan WHERE stocktake_id = :take"
            ),
            {"take": take.id},
        )
    assert scans_of(station, take.id) == [(wb(1), "wrong_layer"), (wb(1), "match")]
    command.upgrade(config, "head")
    with station.engine.connect() as conn:
        indexes = {i["name"]: i for i in inspect(conn).get_indexes("stocktake_scan")}
    assert set(indexes) == {"uq_stocktake_scan_waybill"} and indexes["uq_stocktake_scan_waybill"]["unique"]
    assert scans_of(station, take.id) == [(wb(1), "wrong_layer")]
    assert scans_of(station, other.id) == [(wb(1), "wrong_shelf")]
    fixes = closed_relocating(station, take.id, wb(1))
    assert [r["waybill"] for r in fixes["relocated"]] == [wb(1)] and fixes["failed"] == []
    assert code_of(station, wb(1)).startswith("6-5-")
