"""A stray (a parcel unknown here) checked in at a stocktake's close goes on the layer the clerk found it
on when that layer takes its size and has room, as a put-back does; else where the assignment puts it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import Session, select

from db.models import Layer, Parcel, ParcelStatus, Shelf
from station_console.services.core.station import Station
from station_console.services.exceptions import stocktake, stocktake_close
from station_console.services.shelves import slots

STRAY = "SF1234567890123"


def stray_checked_in(station: Station) -> dict[str, object]:
    """A stocktake of shelf 4 finds `STRAY` on layer 5 and closes, checking it in: its fix."""
    take = stocktake.start(station, "4")
    assert stocktake.scan(station, take.id, STRAY, layer="5").classification == "extra"
    closed = stocktake_close.close(station, take.id, recheck_in=[STRAY])
    assert closed.result["fixes"]["failed"] == []
    (done,) = closed.result["fixes"]["rechecked"]
    return done


def stray_on_shelf(station: Station) -> tuple[str, str]:
    """The stray's row on the shelves: its layer as "SHELF-LAYER", and its pickup code."""
    with station.read() as s:
        parcel = s.exec(
            select(Parcel).where(Parcel.waybill == STRAY, Parcel.status == ParcelStatus.ON_SHELF)
        ).one()
        layer = s.get(Layer, parcel.layer_id)
        shelf = s.get(Shelf, parcel.shelf_id)
        assert layer is not None and shelf is not None
        return f"{shelf.label}-{layer.label}", str(parcel.pickup_code)


def test_a_stray_checked_in_at_the_close_stays_on_the_layer_it_was_found_on(station: Station) -> None:
    """Found on 4-5, it was given a code on a new layer ("put it on 1-1") while a put-back found beside it
    stayed on 4-5: the clerk carried a parcel across the station for nothing."""
    done = stray_checked_in(station)
    assert (done["location"], done["stays"]) == ("4-5", True)
    assert stray_on_shelf(station) == ("4-5", done["pickup_code"])


def _full(layer: Layer) -> None:
    layer.used_units = layer.capacity_units


def _large_only(layer: Layer) -> None:
    layer.accepts_sizes = "L"  # the stray is checked in at the default size, M


@pytest.mark.parametrize("change", [_full, _large_only], ids=["full", "takes-only-large"])
def test_a_stray_found_on_a_layer_that_cannot_take_it_goes_where_the_assignment_says(
    station: Station, change: Callable[[Layer], None]
) -> None:
    def change_four_five(session: Session) -> None:
        (slot,) = [s for s in slots.slots(session) if (s.shelf_label, s.layer_label) == ("4", "5")]
        layer = session.get(Layer, slot.layer_id)
        assert layer is not None
        change(layer)
        session.add(layer)

    station.run(change_four_five)
    done = stray_checked_in(station)
    assert done["location"] != "4-5" and done["stays"] is False
    assert stray_on_shelf(station) == (done["location"], done["pickup_code"])
