"""One unfinished stocktake per shelf: two counters beginning one on the same shelf at the same moment
end up counting into one (the second resumes the first's, or is refused), and a database that
already holds two unfinished on one shelf has them merged into the earliest when it is upgraded."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from alembic import command
from pickup_helpers import as_clerk
from saves_at_once import other_save_before
from shelf_helpers import place, wb
from sqlalchemy import inspect, text
from sqlmodel import select

from db.engine import is_sqlite
from db.migrate import alembic_config
from db.models import Parcel, Stocktake
from station_console.errors import NotFound, Refused
from station_console.services.core.station import Station
from station_console.services.exceptions import stocktake, stocktake_close
from station_console.services.shelves.locations import is_layer

# Tables whose column `seen_event_id` migration 0026 adds (the newest event id a look saw).
_SEEN_BY_0026 = ("stocktake", "stocktake_scan")


def unfinished_on(station: Station, shelf: str) -> list[int]:
    return [v.id for v in stocktake.unfinished(station) if v.scope.split("-")[0] == shelf]


def scans_of(station: Station, take_id: int) -> list[tuple[str, str]]:
    with station.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT waybill, classification FROM stocktake_scan WHERE stocktake_id = :take ORDER BY id"),
            {"take": take_id},
        ).all()
    return [(str(waybill), str(classification)) for waybill, classification in rows]


def two_counters(station: Station) -> tuple[Station, Station, threading.Event]:
    busy = threading.Event()
    li = replace(as_clerk(station, "Li", counter="counter-Li"), on_busy=busy.set)
    wu = replace(as_clerk(station, "Wu", counter="counter-Wu"), on_busy=busy.set)
    return li, wu, busy


@pytest.mark.parametrize("other", ["6-2", "6"], ids=["another-layer", "the-whole-shelf"])
def test_two_counters_beginning_on_one_shelf_at_once_count_into_one_stocktake(
    station: Station, other: str
) -> None:
    """PostgreSQL: both found no unfinished stocktake on shelf 6 and both made one, two stocktakes
    counting the same parcels (each close fixing them). The second insert now meets the unique index,
    its unit is tried again and finds the first one's stocktake: it resumes it when it counts the whole
    shelf the second asked a layer of, and is refused, naming it, when it counts another layer (its
    scans would be recorded as found there); never a second stocktake."""
    li, wu, busy = two_counters(station)
    waiting = busy.is_set if is_sqlite(station.engine) else None  # SQLite: one write waits for the other

    li_begun: object
    with other_save_before(li, "INSERT INTO stocktake ", lambda: stocktake.begin(wu, other), waiting) as out:
        try:
            li_begun = stocktake.begin(li, "6-5")
        except Refused as refused:  # PostgreSQL: Wu's insert may commit first
            li_begun = refused
    (wu_begun,) = out
    (new,) = [b for b in (li_begun, wu_begun) if isinstance(b, stocktake.Begun) and not b.resumed]
    (second,) = [b for b in (li_begun, wu_begun) if b is not new]
    if isinstance(second, Refused):  # the winner counts a layer the loser did not ask
        assert (second.code, second.params["id"]) == ("stocktake_other_scope", new.view.id)
        assert is_layer(new.view.scope)
    else:
        assert isinstance(second, stocktake.Begun), second
        assert (second.view.id, second.view.status, second.layer_in_shelf) == (new.view.id, "open", True)
    assert unfinished_on(station, "6") == [new.view.id]


def test_two_counters_starting_on_one_shelf_at_once_the_second_is_refused(station: Station) -> None:
    """`start` (the CLI's stocktake without --resume) refuses a shelf with one unfinished: the loser of
    the race is refused so, naming the winner's stocktake, instead of making a second."""
    li, wu, busy = two_counters(station)
    waiting = busy.is_set if is_sqlite(station.engine) else None

    with other_save_before(li, "INSERT INTO stocktake ", lambda: stocktake.start(wu, "6-2"), waiting) as out:
        try:
            answers: list[object] = [stocktake.start(li, "6-5")]
        except Refused as exc:
            answers = [exc]
    answers += out
    refused = [a for a in answers if isinstance(a, Refused)]
    started = [a for a in answers if not isinstance(a, Refused)]
    assert len(refused) == 1 and len(started) == 1, answers
    assert refused[0].code == "stocktake_open"
    assert unfinished_on(station, "6") == [started[0].id]  # type: ignore[attr-defined]


def layer_id(station: Station, location: str) -> int:
    shelf, layer = location.split("-")
    with station.engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT layer.id FROM layer JOIN shelf ON shelf.id = layer.shelf_id"
                    " WHERE shelf.label = :shelf AND layer.label = :layer"
                ),
                {"shelf": shelf, "layer": layer},
            ).scalar_one()
        )


def test_the_upgrade_merges_two_unfinished_stocktakes_of_one_shelf_into_the_earliest(
    station: Station,
) -> None:
    """A database from before the index holding two unfinished stocktakes of shelf 6 (6-5 open, 6-2
    paused): the upgrade keeps the earliest and moves the other's scans into it, a waybill scanned into
    both kept once (its earliest scan); it now counts the whole shelf, as its scans span two layers. A
    closed stocktake of the shelf and the unfinished one of another shelf are left as they were."""
    place(station, wb(1), "6-2")
    place(station, wb(2), "6-2")
    place(station, wb(3), "6-1")
    closed = stocktake.start(station, "6")
    stocktake_close.close(station, closed.id)
    kept = stocktake.start(station, "6-5")
    elsewhere = stocktake.start(station, "1-1")
    assert stocktake.scan(station, elsewhere.id, wb(1)).classification == "wrong_shelf"
    config = alembic_config(station.engine)
    command.downgrade(config, "0019")
    with station.engine.begin() as conn:  # today's code scans into it: the column 0026 adds, for now
        for table in _SEEN_BY_0026:
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN seen_event_id INTEGER"))
    with station.engine.begin() as conn:  # a second counter's stocktake of 6-2, as the race made them
        later = conn.execute(
            text(
                "INSERT INTO stocktake (shelf_id, layer_id, status, business_day, started_at, result)"
                " SELECT shelf_id, :layer, 'open', business_day, started_at, result FROM stocktake"
                " WHERE id = :kept RETURNING id"
            ),
            {"layer": layer_id(station, "6-2"), "kept": kept.id},
        ).scalar_one()
    assert stocktake.scan(station, kept.id, wb(1)).classification == "wrong_layer"
    assert stocktake.scan(station, later, wb(3)).classification == "wrong_layer"  # first found on 6-2
    assert stocktake.scan(station, later, wb(1)).classification == "match"
    assert stocktake.scan(station, later, wb(2)).classification == "match"
    assert stocktake.scan(station, kept.id, wb(3)).classification == "wrong_layer"  # then on 6-5
    stocktake.pause(station, later)
    with station.engine.begin() as conn:
        for table in _SEEN_BY_0026:
            conn.execute(text(f"ALTER TABLE {table} DROP COLUMN seen_event_id"))

    command.upgrade(config, "head")

    with station.engine.connect() as conn:
        indexes = {i["name"]: i for i in inspect(conn).get_indexes("stocktake")}
    assert indexes["uq_stocktake_unfinished_shelf"]["unique"]
    assert sorted(v.id for v in stocktake.unfinished(station)) == [kept.id, elsewhere.id]
    with pytest.raises(NotFound):
        stocktake.view(station, later)
    merged = stocktake.view(station, kept.id)
    assert (merged.scope, merged.status) == ("6", "open")
    assert scans_of(station, kept.id) == [(wb(1), "wrong_layer"), (wb(3), "wrong_layer"), (wb(2), "match")]
    assert [(i.waybill, i.found) for i in merged.items["wrong_layer"]] == [(wb(1), "6-5"), (wb(3), "6-2")]
    assert [(i.waybill, i.found) for i in merged.items["match"]] == [(wb(2), "6-2")]
    assert scans_of(station, elsewhere.id) == [(wb(1), "wrong_shelf")]
    assert (stocktake.view(station, closed.id).status, stocktake.view(station, closed.id).scope) == (
        "closed",
        "6",
    )

    begun = stocktake.begin(station, "6-2")  # the merged one is resumed, nothing new begun
    assert (begun.view.id, begun.resumed, begun.layer_in_shelf) == (kept.id, True, True)
    fixes = stocktake_close.close(station, kept.id, relocate=[wb(1), wb(3)]).result["fixes"]
    assert sorted(r["waybill"] for r in fixes["relocated"]) == [wb(1), wb(3)] and fixes["failed"] == []
    with station.read() as s:
        codes = dict(
            s.exec(select(Parcel.waybill, Parcel.pickup_code).where(Parcel.status == "on_shelf")).all()
        )
    assert str(codes[wb(1)]).startswith("6-5-") and str(codes[wb(3)]).startswith("6-2-")
    with station.read() as s:
        assert s.exec(select(Stocktake.id).where(Stocktake.id == later)).first() is None
