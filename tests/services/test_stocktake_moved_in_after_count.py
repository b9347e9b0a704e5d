"""Stocktake close: a parcel moved onto a counted layer after that layer was last scanned is not marked
missing. Nobody has looked at the layer since it arrived: its not being scanned says nothing."""

from __future__ import annotations

from typing import Any

from door_campus import campus_of, checked_in
from shelf_helpers import as_manager, parcel, place, wb
from sqlmodel import col, select

from db.models import Layer, ProblemKind, Shelf
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.delivery import runs, scan_back
from station_console.services.exceptions import stocktake, stocktake_close
from station_console.services.pickup.handover import confirm_pickup
from station_console.services.pickup.undo import undo_pickup
from station_console.services.shelves.moves import move_parcel


def test_a_parcel_moved_in_after_the_layer_was_counted_is_not_marked_missing(
    station: Station, clock: Any
) -> None:
    place(station, wb(1), "6-5")
    pid = place(station, wb(2), "6-2")
    take = stocktake.start(station, "6-5")
    stocktake.scan(station, take.id, wb(1))  # the layer counted: one parcel, found
    clock.advance(minutes=1)
    move_parcel(station, wb(2), "6-5")  # at another counter, once the layer was counted
    clock.advance(minutes=1)
    view = stocktake.view(station, take.id)
    assert [i.waybill for i in view.items["missing"]] == [wb(2)]  # what the clerk is offered to mark
    closed = stocktake_close.close(station, take.id, mark_missing=[wb(2)])
    assert parcel(station, pid).problem_kind is None
    assert closed.result["fixes"]["marked_missing"] == []
    (failed,) = closed.result["fixes"]["failed"]
    assert failed["waybill"] == wb(2) and failed["fix"] == "mark_missing"
    assert failed["reason"] == (
        "Moved to 6-5 at 10:01, after that layer was last counted here: not marked missing."
    )


def test_a_parcel_moved_in_before_the_layer_was_counted_and_not_found_is_marked_missing(
    station: Station, clock: Any
) -> None:
    place(station, wb(1), "6-5")
    pid = place(station, wb(2), "6-2")
    take = stocktake.start(station, "6-5")
    clock.advance(minutes=1)
    move_parcel(station, wb(2), "6-5")  # there before the clerk counted the layer, and not found
    clock.advance(minutes=1)
    stocktake.scan(station, take.id, wb(1))
    closed = stocktake_close.close(station, take.id, mark_missing=[wb(2)])
    assert parcel(station, pid).problem_kind == ProblemKind.MISSING
    assert closed.result["fixes"]["marked_missing"] == [wb(2)] and closed.result["fixes"]["failed"] == []


def test_a_parcel_checked_in_onto_the_layer_after_it_was_counted_is_not_marked_missing(
    station: Station, clock: Any
) -> None:
    """It arrived after the count, at this counter or another: not having been scanned says nothing."""
    place(station, wb(1), "6-5")
    take = stocktake.start(station, "6-5")
    stocktake.scan(station, take.id, wb(1))  # the layer counted: one parcel, found
    clock.advance(minutes=1)
    arrived = check_in(station, "SF1234567890123", phone="13812345678", wanted_layer=layer_of(station, "6-5"))
    assert arrived.location == "6-5"
    view = stocktake.view(station, take.id)
    assert [i.waybill for i in view.items["missing"]] == ["SF1234567890123"]  # offered, on the layer
    closed = stocktake_close.close(station, take.id, mark_missing=["SF1234567890123"])
    assert parcel(station, arrived.parcel_id).problem_kind is None
    assert closed.result["fixes"]["marked_missing"] == []
    (failed,) = closed.result["fixes"]["failed"]
    assert failed["waybill"] == "SF1234567890123" and failed["fix"] == "mark_missing"
    assert failed["reason"] == (
        "Checked in onto 6-5 at 10:01, after that layer was last counted here: not marked missing."
    )


def test_a_parcel_checked_in_onto_the_layer_before_it_was_counted_and_not_found_is_marked_missing(
    station: Station, clock: Any
) -> None:
    place(station, wb(1), "6-5")
    take = stocktake.start(station, "6-5")
    arrived = check_in(station, "SF1234567890123", phone="13812345678", wanted_layer=layer_of(station, "6-5"))
    clock.advance(minutes=1)
    stocktake.scan(station, take.id, wb(1))
    closed = stocktake_close.close(station, take.id, mark_missing=["SF1234567890123"])
    assert parcel(station, arrived.parcel_id).problem_kind == ProblemKind.MISSING
    assert closed.result["fixes"]["marked_missing"] == ["SF1234567890123"]


def layer_of(station: Station, location: str) -> int:
    shelf, layer = location.split("-")
    with station.read() as session:
        return (
            session.exec(
                select(Layer.id)
                .join(Shelf, col(Shelf.id) == col(Layer.shelf_id))
                .where(Shelf.label == shelf, Layer.label == layer)
            ).one()
            or 0
        )


def test_a_parcel_put_back_by_a_pickup_undone_after_the_layer_was_counted_is_not_marked_missing(
    station: Station, clock: Any
) -> None:
    """Handed out before the count, its pickup undone after: back on the layer nobody has counted since."""
    place(station, wb(1), "6-5")
    pid = place(station, wb(2), "6-5")
    confirm_pickup(station, [pid], method="code", scanned=[wb(2)])
    take = stocktake.start(station, "6-5")
    stocktake.scan(station, take.id, wb(1))  # the layer counted: wb(2) had left
    clock.advance(minutes=1)
    undo_pickup(as_manager(station), pid)
    view = stocktake.view(station, take.id)
    assert [i.waybill for i in view.items["missing"]] == [wb(2)]  # offered, on the layer again
    closed = stocktake_close.close(station, take.id, mark_missing=[wb(2)])
    assert parcel(station, pid).problem_kind is None
    assert closed.result["fixes"]["marked_missing"] == []
    (failed,) = closed.result["fixes"]["failed"]
    assert failed["waybill"] == wb(2) and failed["fix"] == "mark_missing"
    assert failed["reason"] == (
        "Back on 6-5 at 10:01, its pickup undone after that layer was last counted here: not marked missing."
    )


def test_a_parcel_back_from_a_door_run_after_its_layer_was_counted_is_not_marked_missing(
    station: Station, clock: Any
) -> None:
    """Out with the runner when the layer was counted (not looked for), back in its slot after."""
    pid = checked_in(campus_of(station), 1, "王五")
    run = runs.plan(station, "小刘")
    (stop,) = run.stops
    runs.scan_out(station, run.id, wb(1))
    take = stocktake.start(station, stop.shelf_location)
    assert stocktake.view(station, take.id).items["missing"] == []  # out: not offered
    clock.advance(minutes=1)
    scan_back.fail(station, run.id, wb(1), reason="not_home")
    assert [i.waybill for i in stocktake.view(station, take.id).items["missing"]] == [wb(1)]
    closed = stocktake_close.close(station, take.id, mark_missing=[wb(1)])
    assert parcel(station, pid).problem_kind is None
    (failed,) = closed.result["fixes"]["failed"]
    assert failed["waybill"] == wb(1) and failed["fix"] == "mark_missing"
    assert failed["reason"] == (
        f"Back on {stop.shelf_location} at 10:01 from a door run, after that layer was last counted here: "
        "not marked missing."
    )
