"""One reading of a location or a stocktake's scope (`locations.split_location`): the first dash ends the
shelf, as a shelf label has none (refused at creation, by hand and by a layout import) and a layer's is
its number. So "OV-1" is layer 1 of shelf OV wherever it is typed: Move, the shelf map's filter, a
stocktake's scope and the layer a shelf stocktake's clerk is on."""

from __future__ import annotations

import pytest
from shelf_helpers import as_manager, place, wb
from sqlmodel import func, select

from db.models import Stocktake
from station_console.errors import NotFound, Refused
from station_console.services.core.station import Station
from station_console.services.exceptions import stocktake
from station_console.services.shelves import layout, layout_csv
from station_console.services.shelves.locations import layer_ids_for, split_location


def stocktakes(station: Station) -> int:
    with station.read() as s:
        return int(s.exec(select(func.count()).select_from(Stocktake)).one())


def test_a_dash_ends_the_shelf_and_a_shelf_label_cannot_hold_one(station: Station) -> None:
    """A pickup code typed where a location goes (6-5-3002) was read from its last dash: "There is no
    shelf 6-5.", of a station whose shelf 6 is there. A shelf labelled OV-1 would be read as layer 1 of
    OV, so none can be made: by hand (the CLI and the editor add through `add_shelf`) or by import."""
    assert [split_location(t) for t in ("6", "６－５", "ov 1", "6-5-3002")] == [
        ("6", ""),
        ("6", "5"),
        ("OV", "1"),
        ("6", "5-3002"),
    ]
    with station.read() as session:
        with pytest.raises(NotFound) as exc:
            layout.resolve(session, "6-5-3002")
        assert exc.value.message("en") == "Shelf 6 has no layer 5-3002."
        shelf, layer = layout.resolve(session, "ov-1")
        assert (shelf.label, layer.label if layer else None) == ("OV", "1")
        assert layer_ids_for(session, "ov-1") == [layer.id if layer else -1]
    as_manager(station)
    for label in ("OV-1", "A-2", "a 2", "A_2", "A－2"):
        with pytest.raises(Refused) as refused:
            layout.add_shelf(station, label, layers=1)
        assert refused.value.code == "bad_label" and "without a dash" in refused.value.message("en")
        with pytest.raises(Refused) as refused:
            layout_csv.import_layout(station, f"shelf,layers\nB,1\n{label},1\n")
        assert refused.value.message("en").startswith("Line 3: A shelf label is 1 to 16 letters")
    assert {r.label for r in layout.shelf_map(station)}.isdisjoint({"OV-1", "A-2", "B"})


@pytest.mark.parametrize("typed", ["６－２", "6 2", "6-2", "2"])
def test_the_layer_a_shelf_stocktakes_clerk_is_on_reads_as_any_location_does(
    station: Station, typed: str
) -> None:
    """A full-width dash or a space in the layer field (６－２, 6 2) was read as a layer of the shelf
    counted, "6-６－２": "There is no shelf 6-6.", and the scan was not counted."""
    place(station, wb(1), "6-2")
    take = stocktake.start(station, "6")
    item = stocktake.scan(station, take.id, wb(1), layer=typed)
    assert (item.classification, item.found) == ("match", "6-2")


def test_resume_only_refuses_a_shelf_with_none_unfinished_and_starts_nothing(station: Station) -> None:
    """`station stocktake 6-2 --resume` on a shelf with no unfinished stocktake: said, nothing started."""
    with pytest.raises(NotFound) as exc:
        stocktake.begin(station, "６－２", resume_only=True)
    assert (exc.value.code, exc.value.message("en")) == (
        "none_unfinished",
        "No unfinished stocktake on shelf 6.",
    )
    assert stocktakes(station) == 0
    take = stocktake.start(station, "6")
    stocktake.pause(station, take.id)
    begun = stocktake.begin(station, "6-2", resume_only=True)
    assert (begun.view.id, begun.view.status, begun.asked, begun.layer_in_shelf) == (
        take.id,
        "open",
        "6-2",
        True,
    )


@pytest.mark.parametrize("typed", ["-1", "1-", "6--2", "６－－２", "6 - - 2", "ov-"])
def test_a_location_with_an_empty_part_is_refused_not_read_as_another_place(
    station: Station, typed: str
) -> None:
    """A dash with nothing on one side was dropped as a space is: "-1" (a minus sign) started a
    stocktake of shelf 1, "6--2" was layer 2 of shelf 6. Another place than the one typed is refused."""
    with station.read() as session:
        with pytest.raises(Refused) as exc:
            layout.resolve(session, typed)
        assert exc.value.code == "bad_location"
        assert exc.value.message("en").startswith(f"{typed.strip()} is not a shelf or layer: ")
        assert exc.value.message("zh").startswith(f"{typed.strip()} 不是货架或货位：")
        with pytest.raises(Refused):
            layer_ids_for(session, typed)
    with pytest.raises(Refused):
        stocktake.start(station, typed)
    assert stocktakes(station) == 0


@pytest.mark.parametrize("typed", ["-2", "2-", "6--2"])
def test_a_shelf_stocktakes_layer_with_an_empty_part_counts_nothing(station: Station, typed: str) -> None:
    """`@-2` on a shelf stocktake counted the scans on layer 2."""
    place(station, wb(1), "6-2")
    take = stocktake.start(station, "6")
    with pytest.raises(Refused) as exc:
        stocktake.scan(station, take.id, wb(1), layer=typed)
    assert exc.value.code == "bad_location"
    counts = stocktake.view(station, take.id).counts
    assert (counts["match"], counts["wrong_layer"], counts["missing"]) == (0, 0, 1)


def test_spaces_around_a_dash_still_read_as_one_dash() -> None:
    assert [split_location(t) for t in ("6 - 5", " ６ － ５ ", "ov_1")] == [
        ("6", "5"),
        ("6", "5"),
        ("OV", "1"),
    ]
