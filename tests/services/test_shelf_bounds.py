"""A shelf's numbers stay inside what a station could use and an INTEGER column holds: a capacity,
a new shelf's walking order and its layer count are refused with their own sentence, never saved
as a database error (PostgreSQL's INTEGER ends at 2,147,483,647)."""

from __future__ import annotations

import pytest
from shelf_helpers import as_manager
from station_helpers import snapshot

from station_console.errors import Refused
from station_console.services.core.station import Station
from station_console.services.shelves import edits, layout_csv
from station_console.services.shelves import layout as shelves

HUGE = 3_000_000_000


@pytest.mark.parametrize(
    "add",
    [
        lambda st: shelves.add_shelf(st, "A", capacity_units=HUGE),
        lambda st: shelves.add_layer(st, "3", capacity_units=HUGE),
        lambda st: edits.edit_layer(st, "3-2", capacity_units=HUGE),
        lambda st: layout_csv.import_layout(st, f"shelf,zone,layers,capacity_units\nA,main,2,{HUGE}\n"),
    ],
    ids=["add shelf", "add layer", "edit", "csv"],
)
def test_a_capacity_beyond_the_limit_is_refused_everywhere_and_saves_nothing(station: Station, add) -> None:  # type: ignore[no-untyped-def]
    as_manager(station)
    before = snapshot(station)
    with pytest.raises(Refused) as refused:
        add(station)
    assert refused.value.code == "capacity_too_large"
    assert f"at most {shelves.CAPACITY_LIMIT} units" in refused.value.message()
    assert snapshot(station) == before


def test_the_largest_capacity_is_taken(station: Station) -> None:
    as_manager(station)
    assert edits.edit_layer(station, "3-2", capacity_units=shelves.CAPACITY_LIMIT) is True


def test_a_new_shelf_past_the_highest_walking_order_is_refused(station: Station) -> None:
    as_manager(station)
    edits.edit(station, "OV", walk_order=shelves.WALK_ORDER_LIMIT)  # the last shelf walked
    before = snapshot(station)
    with pytest.raises(Refused) as refused:
        shelves.add_shelf(station, "A")
    assert refused.value.code == "walk_order_full"
    assert snapshot(station) == before
    edits.edit(station, "OV", walk_order=shelves.WALK_ORDER_LIMIT - 1)
    shelves.add_shelf(station, "A")
    row = next(r for r in shelves.shelf_map(station) if r.label == "A")
    assert row.walk_order == shelves.WALK_ORDER_LIMIT


@pytest.mark.parametrize("layers", [0, 51, HUGE])
def test_a_new_shelf_has_1_to_50_layers(station: Station, layers: int) -> None:
    as_manager(station)
    before = snapshot(station)
    with pytest.raises(Refused) as refused:
        shelves.add_shelf(station, "A", layers=layers)
    assert refused.value.code == "bad_layers"
    assert snapshot(station) == before
