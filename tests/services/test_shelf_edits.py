"""A shelf's and a layer's edit at once (`shelves edit 3-2 --capacity 50 --zone floor`): every value is
checked before any is written, so one refused leaves the shelf and the layer as stored."""

from __future__ import annotations

from typing import Any

import pytest
from shelf_helpers import as_manager, events, place, wb
from station_helpers import snapshot

from db.models import EventKind
from station_console.errors import NotFound, Refused
from station_console.services.core.station import Station
from station_console.services.shelves import edits, layout

# Each refused with a good value beside it, which alone would be saved.
REFUSED: list[tuple[str, dict[str, Any], str]] = [
    ("3-2", {"capacity_units": 50, "zone": "bogus"}, "bad_zone"),
    ("3-2", {"capacity_units": 0, "zone": "floor"}, "bad_capacity"),
    ("3-2", {"capacity_units": 3_000_000_000, "zone": "floor"}, "capacity_too_large"),
    ("3-2", {"accepts_sizes": "SMQ", "walk_order": 7}, "bad_sizes"),
    ("3-2", {"capacity_units": 50, "walk_order": 10**10}, "bad_walk_order"),
    ("3-2", {"capacity_units": 50, "zone": "floor", "walk_order": -(10**10)}, "bad_walk_order"),
    ("3-2", {"capacity_units": 50, "zone": "floor", "note": "x" * 201}, "too_long"),
    ("3", {"capacity_units": 50, "zone": "floor"}, "need_layer"),
    ("3-9", {"zone": "floor"}, "no_layer"),
    ("3-9", {"capacity_units": 50, "walk_order": 7}, "no_layer"),
    ("99-1", {"capacity_units": 50, "zone": "floor"}, "no_shelf"),
]


@pytest.mark.parametrize(("location", "values", "code"), REFUSED)
def test_an_edit_with_one_value_refused_changes_nothing(
    station: Station, location: str, values: dict[str, Any], code: str
) -> None:
    as_manager(station)
    before = snapshot(station)
    with pytest.raises((Refused, NotFound)) as refused:
        edits.edit(station, location, **values)
    assert refused.value.code == code
    assert snapshot(station) == before


def test_a_capacity_below_what_the_layer_holds_refuses_the_shelfs_zone_too(station: Station) -> None:
    as_manager(station)
    place(station, wb(1), "3-2")  # 2 units
    before = snapshot(station)
    with pytest.raises(Refused) as refused:
        edits.edit(station, "3-2", capacity_units=1, zone="floor")
    assert refused.value.code == "below_used"
    assert snapshot(station) == before


def test_a_stale_form_refuses_the_shelfs_walking_order_too(station: Station) -> None:
    as_manager(station)
    edits.edit(station, "3-2", accepts_sizes="SM")
    before = snapshot(station)
    with pytest.raises(Refused) as refused:
        edits.edit(station, "3-2", capacity_units=50, walk_order=7, read=(40, "SML"))
    assert refused.value.code == "layer_saved_meanwhile"
    assert snapshot(station) == before


def test_an_edit_saves_the_layer_and_its_shelf_together_one_event_each(station: Station) -> None:
    as_manager(station)
    before = len(events(station, EventKind.SHELF_CHANGED))
    was = next(r for r in layout.shelf_map(station) if r.label == "3")
    assert (was.zone, was.walk_order) != ("floor", 7)
    assert edits.edit(station, "3-2", capacity_units=50, zone="floor", walk_order=7) is True
    shelf = next(r for r in layout.shelf_map(station) if r.label == "3")
    layer = next(c for c in shelf.layers if c.label == "2")
    assert (layer.capacity_units, shelf.zone, shelf.walk_order) == (50, "floor", 7)
    details = [e.details for e in events(station, EventKind.SHELF_CHANGED)[before:]]
    assert details == [
        # Old and new, as a carrier's edit records them: what the capacity was before stays in the trail.
        {"action": "edit_layer", "shelf": "3", "layer": "2", "changed": {"capacity_units": [40, 50]}},
        {
            "action": "edit_shelf",
            "shelf": "3",
            "changed": {"zone": [was.zone, "floor"], "walk_order": [was.walk_order, 7]},
        },
    ]
    # The layer as stored, the shelf changed: one event, the shelf's.
    assert edits.edit(station, "3-2", capacity_units=50, zone="overflow") is True
    assert [e.details["action"] for e in events(station, EventKind.SHELF_CHANGED)[before + 2 :]] == [
        "edit_shelf"
    ]
    assert edits.edit(station, "3-2", capacity_units=50, zone="overflow", walk_order=7) is False
    assert len(events(station, EventKind.SHELF_CHANGED)) == before + 3
