"""Moving a parcel or a whole layer: capacity, code policy, reprint, audit."""

from __future__ import annotations

import pytest
from checkin_helpers import configure
from shelf_helpers import events, layer_figures, parcel, place, wb
from sqlmodel import select

from db.models import CodeHold, EventKind, JobStatus, PrintJob
from station_console.errors import NotFound, Refused
from station_console.services.core.station import Station
from station_console.services.shelves.moves import move_layer, move_parcel


def test_move_with_new_code_frees_the_old_slot_and_reprints(station: Station) -> None:
    pid = place(station, wb(1), "1-1", size="L")
    old_code = parcel(station, pid).pickup_code
    result = move_parcel(station, wb(1), "2-4")
    moved = parcel(station, pid)
    assert (result.from_location, result.to_location) == ("1-1", "2-4")
    assert moved.pickup_code == result.pickup_code and str(moved.pickup_code).startswith("2-4-")
    assert result.old_code == old_code and result.code_changed
    assert layer_figures(station, "1-1") == (0, 0) and layer_figures(station, "2-4") == (4, 1)
    with station.read() as s:
        assert s.get(CodeHold, old_code) is not None  # the old code cools down
        job = s.exec(select(PrintJob).where(PrintJob.parcel_id == pid)).one()
    assert job.id == result.label_job and job.kind == "label"
    (event,) = events(station, EventKind.MOVED)
    assert (
        event.details["from"] == "1-1"
        and event.details["to"] == "2-4"
        and event.details["code"] == moved.pickup_code
    )


def test_move_keeping_the_code(station: Station) -> None:
    configure(station, move_policy="keep_code")
    pid = place(station, wb(1), "1-1")
    code = parcel(station, pid).pickup_code
    result = move_parcel(station, code or "", "OV-1")  # found by its pickup code
    assert not result.code_changed and result.label_job is None
    assert parcel(station, pid).pickup_code == code and result.to_location == "OV-1"
    assert layer_figures(station, "1-1") == (0, 0) and layer_figures(station, "OV-1") == (2, 1)
    with station.read() as s:
        assert s.get(CodeHold, code) is None


def test_move_refusals_write_nothing(station: Station) -> None:
    pid = place(station, wb(1), "1-1", size="L")
    with pytest.raises(Refused) as exc:
        move_parcel(station, wb(1), "1-1")
    assert exc.value.code == "same_layer"
    with pytest.raises(Refused) as exc:
        move_parcel(station, wb(1), "F")
    assert exc.value.code == "need_layer"
    with pytest.raises(NotFound):
        move_parcel(station, wb(1), "77-1")
    with pytest.raises(NotFound):
        move_parcel(station, wb(99), "2-1")
    xl = place(station, wb(2), "F-1", size="XL")
    with pytest.raises(Refused) as exc:
        move_parcel(station, wb(2), "2-1")  # main layers take S, M, L
    assert exc.value.code == "wrong_size"
    assert parcel(station, xl).layer_id is not None
    assert layer_figures(station, "1-1") == (4, 1) and str(parcel(station, pid).pickup_code).startswith(
        "1-1-"
    )
    assert events(station, EventKind.MOVED) == []


def test_move_never_overfills_the_target(station: Station) -> None:
    from checkin_helpers import keep_layers

    keep_layers(station, {"1-1": 40, "1-2": 4})
    place(station, wb(1), "1-2", size="L")
    place(station, wb(2), "1-1")
    with pytest.raises(Refused) as exc:
        move_parcel(station, wb(2), "1-2")
    assert exc.value.code == "no_room"
    with pytest.raises(Refused) as exc:
        move_parcel(station, wb(2), "1-3")
    assert exc.value.code == "retired"


def test_move_a_whole_layer(station: Station) -> None:
    ids = [place(station, wb(n), "3-3") for n in range(4)]
    results = move_layer(station, "3-3", "3-4")
    assert len(results) == 4 and all(r.to_location == "3-4" for r in results)
    assert layer_figures(station, "3-3") == (0, 0) and layer_figures(station, "3-4") == (8, 4)
    assert {str(parcel(station, i).pickup_code).split("-")[1] for i in ids} == {"4"}
    assert len(events(station, EventKind.MOVED)) == 4


def test_a_layer_move_without_room_moves_nothing(station: Station) -> None:
    from checkin_helpers import keep_layers

    keep_layers(station, {"1-1": 40, "1-2": 5})
    for n in range(3):
        place(station, wb(n), "1-1")  # 6 units, only 5 free on 1-2
    with pytest.raises(Refused):
        move_layer(station, "1-1", "1-2")
    assert layer_figures(station, "1-1") == (6, 3) and layer_figures(station, "1-2") == (0, 0)
    with pytest.raises(Refused) as exc:
        move_layer(station, "1-2", "1-1")
    assert exc.value.code == "empty_layer"


def test_a_parcel_reference_too_long_for_a_waybill_is_refused_as_check_in_refuses_it(
    station: Station,
) -> None:
    place(station, wb(1), "1-1")
    with pytest.raises(Refused) as exc:
        move_parcel(station, "X" * 5000, "1-2")
    assert exc.value.code == "too_long"  # not "neither a waybill nor a pickup code"
    assert exc.value.message() == "That is too long to be one waybill."


def test_rows_now_reads_a_moved_parcels_code_and_place_with_its_label(station: Station) -> None:
    """What check-in's table reads again every few seconds: a parcel moved since (new code) reads its
    new code and place, one not moved its own, both with their label states."""
    from station_console.services.shelves.lists import rows_now

    moved_id = place(station, wb(1), "1-1")
    kept_id = place(station, wb(2), "1-1")
    kept_code = parcel(station, kept_id).pickup_code
    result = move_parcel(station, wb(1), "2-4", policy="new_code")
    now = rows_now(station, [moved_id, kept_id])
    assert now.places == {moved_id: (result.pickup_code, "2-4"), kept_id: (kept_code, "1-1")}
    assert now.labels == {moved_id: JobStatus.QUEUED}  # its new label; the kept one was placed with none
    assert rows_now(station, []).places == {}
