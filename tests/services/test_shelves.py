"""Shelves: the map read model, add / edit / retire (never with parcels on it), CSV import."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from saves_at_once import other_save_before
from shelf_helpers import as_manager, events, place, wb

from db.models import EventKind
from station_console.errors import NotFound, PermissionDenied, Refused
from station_console.services.core.station import Station
from station_console.services.exceptions import problems
from station_console.services.shelves import edits, layout_csv
from station_console.services.shelves import layout as shelves


def cell(station: Station, location: str) -> shelves.LayerCell:
    shelf_label, layer_label = location.split("-")
    row = next(r for r in shelves.shelf_map(station) if r.label == shelf_label)
    return next(c for c in row.layers if c.label == layer_label)


def test_map_shows_capacity_fill_overdue_and_problem_counts(station: Station, clock) -> None:
    old = clock.now - timedelta(hours=50)  # JT amber after 48 h
    place(station, wb(1), "2-3", at=old)
    place(station, wb(2), "2-3", size="L")
    place(station, wb(3), "2-3")
    problems.mark(station, wb(3), "damaged", "box crushed")
    c = cell(station, "2-3")
    assert (c.capacity_units, c.used_units, c.parcel_count) == (40, 8, 3)
    assert c.fill_pct == 20
    assert (c.overdue_count, c.problem_count) == (1, 1)
    assert cell(station, "2-4").parcel_count == 0
    labels = [r.label for r in shelves.shelf_map(station)]
    assert labels == ["1", "2", "3", "4", "5", "6", "7", "8", "F", "OV"]  # walking order


def test_layer_parcels_lists_only_that_layer_oldest_first(station: Station, clock) -> None:
    place(station, wb(2), "1-1")
    place(station, wb(1), "1-1", at=clock.now - timedelta(hours=1))
    place(station, wb(3), "1-2")
    c = cell(station, "1-1")
    assert [p.waybill for p in shelves.layer_parcels(station, c.layer_id)] == [wb(1), wb(2)]


def test_shelf_edits_are_for_managers(station: Station) -> None:
    with pytest.raises(PermissionDenied):
        shelves.add_shelf(station, "9")
    assert "9" not in [r.label for r in shelves.shelf_map(station)]


def test_a_layer_edited_to_what_it_is_writes_nothing_and_records_no_event(station: Station) -> None:
    as_manager(station)
    before = len(events(station, EventKind.SHELF_CHANGED))
    assert edits.edit_layer(station, "1-1", capacity_units=40, accepts_sizes="lms") is False
    assert len(events(station, EventKind.SHELF_CHANGED)) == before
    assert edits.edit_layer(station, "1-1", capacity_units=40, accepts_sizes="SM") is True
    assert events(station, EventKind.SHELF_CHANGED)[-1].details["changed"] == {"accepts_sizes": ["SML", "SM"]}


def test_a_shelf_edited_to_what_it_is_writes_nothing_and_records_no_event(station: Station) -> None:
    as_manager(station)
    shelf = next(r for r in shelves.shelf_map(station) if r.label == "1")
    before = len(events(station, EventKind.SHELF_CHANGED))
    assert edits.edit(station, "1", zone=shelf.zone, walk_order=shelf.walk_order) is False
    assert len(events(station, EventKind.SHELF_CHANGED)) == before
    assert edits.edit(station, "1", zone="overflow", walk_order=shelf.walk_order) is True
    details = events(station, EventKind.SHELF_CHANGED)[-1].details
    assert details["changed"] == {"zone": [shelf.zone, "overflow"]}


def test_add_shelf_with_layers_then_add_and_edit_a_layer(station: Station) -> None:
    as_manager(station)
    shelves.add_shelf(station, "9", layers=3, capacity_units=30, accepts_sizes="sm")
    row = next(r for r in shelves.shelf_map(station) if r.label == "9")
    assert [(c.label, c.capacity_units, c.accepts_sizes) for c in row.layers] == [
        ("1", 30, "SM"),
        ("2", 30, "SM"),
        ("3", 30, "SM"),
    ]
    assert row.walk_order > max(r.walk_order for r in shelves.shelf_map(station) if r.label != "9")
    shelves.add_layer(station, "9", capacity_units=10)
    edits.edit_layer(station, "9-4", capacity_units=12, accepts_sizes="SMLX")
    assert (cell(station, "9-4").capacity_units, cell(station, "9-4").accepts_sizes) == (12, "SMLX")
    with pytest.raises(Refused) as exc:
        shelves.add_shelf(station, "9")
    assert exc.value.code == "shelf_exists"
    assert len(events(station, EventKind.SHELF_CHANGED)) == 3


def test_a_shelf_label_is_ascii_so_its_pickup_codes_can_be_looked_up(station: Station) -> None:
    """A Chinese shelf label is letters to Python, but its codes (冷-1-1001) were refused at pickup as
    not a pickup code; a full-width Ａ is read as A."""
    as_manager(station)
    for label in ("冷", "A区"):
        with pytest.raises(Refused) as exc:
            shelves.add_shelf(station, label, layers=1)
        assert exc.value.code == "bad_label" and "A-Z" in exc.value.message()
    assert {"冷", "A区"}.isdisjoint(r.label for r in shelves.shelf_map(station))
    shelves.add_shelf(station, "Ａ", layers=1)
    assert "A" in [r.label for r in shelves.shelf_map(station)]


def test_a_layer_label_given_is_checked_as_a_shelf_label_is(station: Station) -> None:
    """`add_layer(label=...)` stored any label: a Chinese one, a dash (the layer "2-3" of shelf 9 is read
    as shelf 9's layer "2-3" or a pickup code's parts), or a full-width "Ｂ" no typed location finds. A
    label goes through the shelves' check; a full-width one is read as ASCII, as everywhere."""
    as_manager(station)
    shelves.add_shelf(station, "9", layers=1)
    before = len(events(station, EventKind.SHELF_CHANGED))
    for label in ("冷", "2-3", "", "B 2", "X" * 17):
        with pytest.raises(Refused) as exc:
            shelves.add_layer(station, "9", label=label)
        assert exc.value.code == "bad_label" and "A-Z" in exc.value.message(), label
    assert [c.label for c in cell_row(station, "9").layers] == ["1"]
    assert len(events(station, EventKind.SHELF_CHANGED)) == before
    shelves.add_layer(station, "9", label="ｂ")
    assert [c.label for c in cell_row(station, "9").layers] == ["1", "B"]
    assert edits.edit_layer(station, "9-b", capacity_units=12) is True  # found as typed
    assert cell(station, "9-B").capacity_units == 12


def cell_row(station: Station, shelf: str) -> shelves.ShelfRow:
    return next(r for r in shelves.shelf_map(station) if r.label == shelf)


def test_capacity_cannot_drop_below_what_the_layer_holds(station: Station) -> None:
    as_manager(station)
    for n in range(3):
        place(station, wb(n), "3-1")  # 6 units
    with pytest.raises(Refused) as exc:
        edits.edit_layer(station, "3-1", capacity_units=5)
    assert exc.value.code == "below_used"
    assert cell(station, "3-1").capacity_units == 40
    edits.edit_layer(station, "3-1", capacity_units=6)
    assert cell(station, "3-1").fill_pct == 100


def test_a_layer_with_parcels_cannot_be_retired_until_emptied(station: Station) -> None:
    as_manager(station)
    place(station, wb(1), "4-2")
    with pytest.raises(Refused) as exc:
        shelves.retire(station, "4-2")
    assert exc.value.code == "not_empty"
    with pytest.raises(Refused):
        shelves.retire(station, "4")  # the shelf holds it too
    shelves.retire(station, "4-3")
    assert "3" not in [c.label for c in next(r for r in shelves.shelf_map(station) if r.label == "4").layers]
    from station_console.services.shelves.moves import move_parcel

    move_parcel(station, wb(1), "5-1")
    shelves.retire(station, "4")
    assert "4" not in [r.label for r in shelves.shelf_map(station)]
    assert "4" in [r.label for r in shelves.shelf_map(station, include_retired=True)]
    shelves.restore(station, "4")
    assert len(next(r for r in shelves.shelf_map(station) if r.label == "4").layers) == 5


def test_unknown_locations_are_named(station: Station) -> None:
    as_manager(station)
    with pytest.raises(NotFound) as exc:
        shelves.retire(station, "Z-1")
    assert exc.value.code == "no_shelf"
    with pytest.raises(NotFound) as exc:
        shelves.retire(station, "1-9")
    assert exc.value.code == "no_layer"


def test_import_layout_from_csv(station: Station) -> None:
    as_manager(station)
    text = "\ufeffshelf,zone,layers,capacity_units,accepts_sizes\nA,main,4,30,SML\nB,floor,2,48,LX\n1,main,5,40,SML\n"
    assert layout_csv.import_layout(station, text) == {"shelves": 2, "layers": 6, "skipped": 1}
    b = next(r for r in shelves.shelf_map(station) if r.label == "B")
    assert (b.zone, [c.accepts_sizes for c in b.layers]) == ("floor", ["LX", "LX"])


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_layout_file_past_its_size_limit_is_refused_unread(
    station: Station, tmp_path: Path, language: str
) -> None:
    """A path typed at the console is read whole into memory: a file larger than any layout (a 1 GB log
    typed by mistake) is refused by its size, before a byte of it is read, and adds nothing."""
    as_manager(station)
    path = tmp_path / "layout.csv"
    path.write_text("shelf,zone,layers\nZ,main,3\n" + "\n" * layout_csv.MAX_BYTES)  # all but blank lines
    with pytest.raises(Refused) as exc:
        layout_csv.import_layout_file(station, path)
    assert exc.value.code == "file_too_large"
    assert str(path) in exc.value.message(language) and "1 MB" in exc.value.message(language)
    assert "Z" not in [r.label for r in shelves.shelf_map(station)]


def test_a_bad_csv_row_refuses_the_whole_file(station: Station) -> None:
    as_manager(station)
    text = "shelf,zone,layers,capacity_units\nA,main,4,30\nB,attic,2,10\n"
    with pytest.raises(Refused) as exc:
        layout_csv.import_layout(station, text)
    assert "Line 3" in exc.value.message()
    assert "A" not in [r.label for r in shelves.shelf_map(station)]
    with pytest.raises(Refused):
        layout_csv.import_layout(station, "name,size\nx,1\n")


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "The CSV file cannot be read: not CSV this console can read at line 3: check that line"),
        ("zh", "无法读取 CSV 文件：第 3 行无法按 CSV 读取：请检查这一行"),
    ],
)
def test_a_cell_past_the_csv_readers_limit_refuses_the_layout_by_its_line(
    station: Station, language: str, said: str
) -> None:
    """A 200,000-character cell (past the csv module's 128 KB field limit) was the reader's English
    error, uncaught: an unexpected error at the counter."""
    as_manager(station)
    text = "shelf,zone,layers\nA,main,2\nB," + "x" * 200_000 + ",2\n"
    with pytest.raises(Refused) as exc:
        layout_csv.import_layout(station, text)
    assert exc.value.code == "bad_csv" and exc.value.message(language) == said
    assert {"A", "B"}.isdisjoint(r.label for r in shelves.shelf_map(station))


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "Line 3: a value past the header row's last column (shelf, zone, layers)."),
        ("zh", "第 3 行：标题行最后一列之后还有内容（shelf、zone、layers）。"),
    ],
)
def test_a_row_longer_than_the_header_refuses_the_layout_by_its_line(
    station: Station, language: str, said: str
) -> None:
    """csv.DictReader put the cells past the header's in a list, whose `.strip()` crashed the import;
    empty cells past it (a spreadsheet's trailing commas) are no value and are let through."""
    as_manager(station)
    with pytest.raises(Refused) as exc:
        layout_csv.import_layout(station, "shelf,zone,layers\nA,main,2,,\nB,main,2,40,SML\n")
    assert exc.value.code == "bad_csv" and exc.value.message(language) == said
    assert {"A", "B"}.isdisjoint(r.label for r in shelves.shelf_map(station))
    assert layout_csv.import_layout(station, "shelf,zone,layers\nA,main,2,,\n")["shelves"] == 1


def test_a_header_row_too_long_to_quote_whole_is_quoted_cut_and_masked(station: Station) -> None:
    """The refusal named every heading uncut: a file whose first line is any line of anything (a pasted
    note, a phone) came back whole. Now as a pre-alert's headings are quoted: the first twelve, each cut
    at 20 characters with a sign, a phone masked, and how many more."""
    as_manager(station)
    header = ["shelf", "call 13812345678 before you deliver weekdays only", *(f"h{n}" for n in range(14))]
    text = ",".join(header) + "\nA," + ",".join("x" * 15) + ",past\n"
    with pytest.raises(Refused) as exc:
        layout_csv.import_layout(station, text)
    said = exc.value.message("en")
    assert said.startswith(
        "Line 2: a value past the header row's last column (shelf, call 138****5678 be…, h0,"
    )
    assert said.endswith("h9 and 4 more).") and "h10" not in said
    assert "13812345678" not in exc.value.message("zh")
    assert "A" not in {r.label for r in shelves.shelf_map(station)}


@pytest.mark.postgres_only
def test_two_saves_of_one_layer_at_once_keep_one_and_refuse_the_other(station: Station) -> None:
    """PostgreSQL: counter-2 saves layer 1-1's sizes from the same form as this counter saves its
    capacity (both send both), after this save checked the layer and before it writes: one of the two
    is refused, never the first put back under the second unseen."""
    as_manager(station)
    there = replace(station, counter="counter-2", _cached=None)
    for counter in (station, there):  # each counter's audit chain begun: appending to it waits on nothing
        edits.edit_layer(counter, "2-1", capacity_units=30 + len(counter.counter))
    read = (cell(station, "1-1").capacity_units, cell(station, "1-1").accepts_sizes)
    assert read == (40, "SML")

    def theirs() -> None:
        edits.edit_layer(there, "1-1", capacity_units=40, accepts_sizes="SM", read=read)

    with other_save_before(station, "UPDATE layer", theirs) as outcome:
        edits.edit_layer(station, "1-1", capacity_units=30, accepts_sizes="SML", read=read)
    assert isinstance(outcome[0], Refused) and outcome[0].code == "layer_saved_meanwhile"
    assert (cell(station, "1-1").capacity_units, cell(station, "1-1").accepts_sizes) == (30, "SML")
