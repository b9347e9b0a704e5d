"""The closes judge "did it move after that look?" by the database's order of writes, not by clocks:
several counters share one database, and a counter whose clock is minutes behind dated a real move
before the scan it followed, so the close undid it (moved the parcel back, or marked it missing); one
whose clock is ahead dated a move made before the scan after it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from door_campus import Campus, campus_of, checked_in
from shelf_helpers import parcel, place, wb
from sqlalchemy import text

from db.models import ProblemKind
from station_console.services.core.station import Station
from station_console.services.delivery import runs
from station_console.services.exceptions import stocktake, stocktake_close
from station_console.services.shelves.moves import move_parcel


@contextmanager
def at_a_counter_off_by(clock: Any, minutes: int) -> Iterator[None]:
    """What is done inside is stamped by a counter whose clock is `minutes` off (behind when negative)."""
    clock.advance(minutes=minutes)
    try:
        yield
    finally:
        clock.advance(minutes=-minutes)


def test_a_move_after_the_scan_at_a_counter_whose_clock_is_behind_is_not_undone(
    station: Station, clock: Any
) -> None:
    place(station, wb(1), "6-5")
    pid = place(station, wb(3), "6-2")
    take = stocktake.start(station, "6-5")
    stocktake.scan(station, take.id, wb(1))
    stocktake.scan(station, take.id, wb(3))  # found on 6-5, on record 6-2
    clock.advance(minutes=1)
    with at_a_counter_off_by(clock, -5):
        moved = move_parcel(station, wb(3), "3-1")  # after the scan, stamped 4 minutes before it
    closed = stocktake_close.close(station, take.id, relocate=[wb(3)])
    assert parcel(station, pid).pickup_code == moved.pickup_code and str(moved.pickup_code).startswith("3-1-")
    assert closed.result["fixes"]["relocated"] == []
    (failed,) = closed.result["fixes"]["failed"]
    assert failed["waybill"] == wb(3) and failed["fix"] == "relocate"
    assert failed["reason"] == "Moved to 3-1 at 09:56, after it was scanned here: not moved back."


def test_a_move_before_the_scan_at_a_counter_whose_clock_is_ahead_does_not_stop_the_fix(
    station: Station, clock: Any
) -> None:
    place(station, wb(1), "6-5")
    pid = place(station, wb(3), "6-2")
    take = stocktake.start(station, "6-5")
    with at_a_counter_off_by(clock, 5):
        move_parcel(station, wb(3), "6-3")  # before the scan, stamped 5 minutes after it
    stocktake.scan(station, take.id, wb(1))
    stocktake.scan(station, take.id, wb(3))  # found on 6-5 after that move: on record 6-3
    closed = stocktake_close.close(station, take.id, relocate=[wb(3)])
    assert closed.result["fixes"]["failed"] == []
    assert [r["waybill"] for r in closed.result["fixes"]["relocated"]] == [wb(3)]
    assert str(parcel(station, pid).pickup_code).startswith("6-5-")


def test_a_parcel_moved_onto_a_counted_layer_at_a_counter_whose_clock_is_behind_is_not_marked_missing(
    station: Station, clock: Any
) -> None:
    place(station, wb(1), "6-5")
    pid = place(station, wb(2), "6-2")
    take = stocktake.start(station, "6-5")
    stocktake.scan(station, take.id, wb(1))  # the layer counted
    clock.advance(minutes=1)
    with at_a_counter_off_by(clock, -5):
        move_parcel(station, wb(2), "6-5")  # after the count, stamped before it
    closed = stocktake_close.close(station, take.id, mark_missing=[wb(2)])
    assert parcel(station, pid).problem_kind is None
    assert closed.result["fixes"]["marked_missing"] == []
    (failed,) = closed.result["fixes"]["failed"]
    assert failed["reason"] == (
        "Moved to 6-5 at 09:56, after that layer was last counted here: not marked missing."
    )


def test_a_parcel_moved_in_before_the_count_at_a_counter_whose_clock_is_ahead_is_marked_missing(
    station: Station, clock: Any
) -> None:
    place(station, wb(1), "6-5")
    pid = place(station, wb(2), "6-2")
    take = stocktake.start(station, "6-5")
    with at_a_counter_off_by(clock, 5):
        move_parcel(station, wb(2), "6-5")  # there before the layer was counted, and not found
    stocktake.scan(station, take.id, wb(1))
    closed = stocktake_close.close(station, take.id, mark_missing=[wb(2)])
    assert parcel(station, pid).problem_kind == ProblemKind.MISSING
    assert closed.result["fixes"]["marked_missing"] == [wb(2)] and closed.result["fixes"]["failed"] == []


def test_a_run_close_names_a_sheet_parcel_moved_at_a_counter_whose_clock_is_behind(
    station: Station, clock: Any
) -> None:
    campus: Campus = campus_of(station)
    checked_in(campus, 1, "王五")
    run = runs.plan(station, "小刘")
    (stop,) = run.stops
    clock.advance(minutes=1)
    target = "3-1" if stop.shelf_location != "3-1" else "2-4"
    with at_a_counter_off_by(clock, -5):
        move_parcel(station, wb(1), target)  # after the sheet was printed, stamped before it
    closed = runs.close(station, run.id)
    assert [(g.waybill, g.why, g.place) for g in closed.gone] == [(wb(1), "moved", target)]


def test_a_run_close_does_not_name_a_parcel_moved_before_planning_at_a_counter_whose_clock_is_ahead(
    station: Station, clock: Any
) -> None:
    campus: Campus = campus_of(station)
    checked_in(campus, 1, "王五")
    with at_a_counter_off_by(clock, 5):
        move_parcel(station, wb(1), "3-1")  # before the run was planned, stamped after it
    run = runs.plan(station, "小刘")
    assert [s.shelf_location for s in run.stops] == ["3-1"]
    closed = runs.close(station, run.id)
    assert closed.gone == ()
    assert closed.waiting_next_run == 1


def test_a_scan_from_before_the_order_of_writes_was_kept_is_still_judged_by_its_time(
    station: Station, clock: Any
) -> None:
    """Scans made before the upgrade that added `seen_event_id` have none: their time still decides."""
    place(station, wb(1), "6-5")
    place(station, wb(3), "6-2")
    take = stocktake.start(station, "6-5")
    stocktake.scan(station, take.id, wb(1))
    stocktake.scan(station, take.id, wb(3))
    with station.engine.begin() as conn:
        conn.execute(text("UPDATE stocktake_scan SET seen_event_id = NULL"))
        conn.execute(text("UPDATE stocktake SET seen_event_id = NULL"))
    clock.advance(minutes=1)
    move_parcel(station, wb(3), "3-1")
    closed = stocktake_close.close(station, take.id, relocate=[wb(3)])
    (failed,) = closed.result["fixes"]["failed"]
    assert failed["reason"] == "Moved to 3-1 at 10:01, after it was scanned here: not moved back."
