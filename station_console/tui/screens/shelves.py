"""The Shelves mode: the shelf map (shelves x layers, occupancy as a heat colour) and a layer's parcels.

Keys open the shelf work: move (F7), stocktake (F8), returns (F9), overdue (F10), problems (F11),
shelf edit (F12) and door delivery (Ctrl+D). The map is read once each time the screen is shown (first
opened, back from another mode or from one of those screens) and when another counter changes parcels.
"""

from __future__ import annotations

from datetime import tzinfo
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from station_console.i18n import N_, _, _n, label_of
from station_console.safe_text import visible
from station_console.services.shelves import layout
from station_console.services.shelves.search import ParcelRow
from station_console.tui.role_keys import role_key
from station_console.tui.screens.base import ModeScreen, open_over, translate_bindings
from station_console.tui.screens.calls import ServiceCalls
from station_console.tui.screens.shelf_common import cells_in, heat_style
from station_console.tui.widgets.fitted_table import Cells, FittedTable
from station_console.tui.widgets.plain import Static, Table
from station_console.tui.widgets.status_line import StatusLine

CELL_WIDTH = 15  # "6-5 40/40" over "  9 100% ⚠9 !9"
SHELF_WIDTH = 9  # "OV overf", "OV 溢出区": the label and the first five letters of its zone
SCROLLBAR_WIDTH = 2  # the map's vertical scrollbar, kept free whether or not it shows
# The layer list beside the map needs room for a waybill, carrier, code and check-in time; with less, it
# goes below the map, which then takes the whole width (scrolling sideways if even that is too narrow).
LAYER_PANE_MIN = 60
# A layer's parcels, what the clerk looks for first. Each one is on the shelf, on the layer the title
# names: a status and a location column would say the same on every row, and at 80 columns pushed the
# check-in time off the edge. Each column is as wide as what the layer holds (at fixed widths, the waybill's
# 20 pushed the problem off the list beside a 160-column map); those that do not fit whole are left out,
# the least useful first (the phone, then the size: the table's order is the order they are wanted in).
LAYER_COLUMNS = (
    N_("Waybill"),
    N_("Carrier"),
    N_("Code"),
    N_("Checked in"),
    N_("Problem"),
    N_("Size"),
    N_("Phone"),
)
PROBLEM_AT_LEAST = 8  # cells of a problem beside the map (Chinese at 160 columns has 9); a longer one wraps


def map_width(layers: int) -> int:
    """The cells a map of `layers` layer columns takes: the shelf column, each layer's (a cell of padding
    either side, the table's default) and the scrollbar."""
    return SHELF_WIDTH + 2 + layers * (CELL_WIDTH + 2) + SCROLLBAR_WIDTH


class ShelfMap(Table):
    """The shelf map, its cursor kept in view as it is laid out smaller: the screen's own resize comes
    first, and a footer that takes a second row for the screen's keys shrinks the map after it."""

    def on_resize(self) -> None:
        self.move_cursor(row=self.cursor_row, column=self.cursor_column, animate=False)


class LayerTable(FittedTable):
    """A layer's parcels in the columns that fit (`LAYER_COLUMNS`), the problem wrapped in the room the
    others leave; laid out again as the list is resized (beside the map or below it)."""

    COLUMNS = LAYER_COLUMNS
    FILLS_ROOM_LEFT = LAYER_COLUMNS.index(N_("Problem"))
    FILL_MIN = PROBLEM_AT_LEAST
    FILL_WRAPS = True
    BAR_ONLY_WHEN_SCROLLING = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.parcel_rows: list[tuple[str, Cells]] = []  # (waybill, cells in LAYER_COLUMNS' order)

    def show(self, parcels: list[ParcelRow], zone: tzinfo, *, keep: tuple[str, int] | None) -> None:
        """`parcels` listed, the cursor on `keep`'s waybill if it is one of them, else on the row nearest
        where that one was (the row that took its place); with no `keep`, on the first."""
        self.parcel_rows = [(row.waybill, cells_in(LAYER_COLUMNS, row, zone)) for row in parcels]
        keys = [key for key, _cells in self.parcel_rows]
        waybill, near = keep if keep is not None else (None, 0)
        self.lay_out(row=keys.index(waybill) if waybill in keys else near)

    def highlighted(self) -> tuple[str, int] | None:
        """The waybill under the cursor and its row, while the clerk is in the list."""
        key = self.cursor_key() if self.has_focus else None
        return None if key is None else (key, self.cursor_row)

    def forget(self) -> None:
        """No rows while another layer is read; the columns stay as they are until its parcels come."""
        self.parcel_rows = []
        self.clear()

    def table_rows(self) -> list[tuple[str | None, Cells]]:
        return list(self.parcel_rows)


class ShelvesScreen(ServiceCalls, ModeScreen):
    MODE_TITLE = N_("Shelves")
    CSS_PATH = "shelves.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f7", "move", N_("Move"), id="shelves.move", tooltip=N_("Move a parcel or a whole layer")),
        Binding(
            "f8",
            "stocktake",
            N_("Stocktake"),
            id="shelves.stocktake",
            tooltip=N_("Scan everything on a shelf or layer"),
        ),
        Binding(
            "f9", "returns", N_("Returns"), id="shelves.returns", tooltip=N_("Return parcels to a courier")
        ),
        Binding(
            "f10", "overdue", N_("Overdue"), id="shelves.overdue", tooltip=N_("Parcels waiting too long")
        ),
        Binding(
            "f11", "problems", N_("Problems"), id="shelves.problems", tooltip=N_("Flag and resolve problems")
        ),
        Binding(
            "f12", "edit", N_("Edit shelves"), id="shelves.edit", tooltip=N_("Add, change or retire shelves")
        ),
        Binding("ctrl+r", "reload", N_("Refresh"), id="shelves.reload", tooltip=N_("Read the map again")),
        Binding(
            "ctrl+d",
            "delivery",
            N_("Door delivery"),
            id="shelves.delivery",
            tooltip=N_("Runs to recipients' doors: plan, print, scan out and back"),
        ),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[layout.ShelfRow] = []
        self.cells: dict[tuple[int, int], layout.LayerCell] = {}  # (row, column) -> layer
        self.shelf_labels: dict[int, str] = {}
        self._layer_asked: tuple[str, int] | None = None  # (shelf, layer id) whose parcels were asked for
        # The clerk's parcel in the layer's list (waybill, row), by (shelf, layer id), as it was when the
        # list was emptied for a read of the layer: put back once the layer's parcels come (a live re-read
        # of the map reads the layer again, and the highlight jumped to the first row).
        self._kept: tuple[tuple[str, int], tuple[str, int]] | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="sh-main", classes="-stacked" if self.stacked(self.app.size.width) else ""):
            with Vertical(id="sh-map-pane"):
                yield Static(id="sh-legend")
                yield ShelfMap(id="sh-map", cursor_type="cell", zebra_stripes=False)
                # The map's count, a read: the station's, kept for the next clerk as every line's read is.
                yield StatusLine(id="sh-status")
            with Vertical(id="sh-layer-pane"):
                yield Static(id="sh-layer-title")
                yield LayerTable(id="sh-layer")

    def layer_columns(self) -> int:
        """The map's layer columns: the most layers a shelf has (five, as most have, before it is read)."""
        return max((len(r.layers) for r in self.rows), default=5)

    def stacked(self, width: int) -> bool:
        """Whether the layer list goes below the map at a screen `width`."""
        return width < map_width(self.layer_columns()) + LAYER_PANE_MIN

    def lay_out(self) -> None:
        """Side by side, the map pane as wide as the map; stacked, each pane the whole width."""
        stacked = self.stacked(self.size.width)
        self.query_one("#sh-main").set_class(stacked, "-stacked")
        self.query_one("#sh-map-pane").styles.width = "1fr" if stacked else map_width(self.layer_columns())
        # A map laid out smaller keeps its scroll offset, which can leave the cursor's layer out of view.
        table = self.query_one("#sh-map", DataTable)
        table.move_cursor(row=table.cursor_row, column=table.cursor_column, animate=False)

    def on_resize(self) -> None:
        self.lay_out()
        self.query_one("#sh-legend", Static).update(self.legend())

    def on_mount(self) -> None:
        translate_bindings(self)
        self.query_one("#sh-map", DataTable).fixed_columns = 1  # the shelf stays in view as layers scroll
        self.query_one("#sh-legend", Static).update(self.legend())
        self.query_one("#sh-map", DataTable).focus()

    def came_to_front(self) -> None:
        super().came_to_front()
        self.reload()

    def on_live_bridge_changed(self, message: object) -> None:
        self.reload()  # another counter checked in, picked up or moved parcels

    def legend(self) -> Text:
        """What a cell says, then the fill colours: on a line of their own when both do not fit in one
        (at 80 columns a word wrap broke the colours in two)."""
        text = Text(_("Cell: used/capacity units, parcels; ⚠ overdue, ! problems. Fill: "))
        swatches = Text()
        for fill, label in ((0.1, "<30%"), (0.4, "30%"), (0.7, "60%"), (0.85, "80%"), (1.0, "95%+")):
            swatches.append(f" {label} ", style=heat_style(fill))
        room = self.app.size.width - 2  # the legend's padding
        if text.cell_len + swatches.cell_len > room:
            text.rstrip()
            text.append("\n")
        return text.append_text(swatches)

    def reload(self) -> None:
        self.call("map", partial(layout.shelf_map, self.station), exclusive=True)

    def done_map(self, rows: list[layout.ShelfRow]) -> None:
        if rows == self.rows:
            return  # nothing changed (e.g. another counter's work elsewhere): keep the map as laid out
        self.rows = rows
        table = self.query_one("#sh-map", DataTable)
        keep = table.cursor_coordinate
        table.clear(columns=True)
        width = max((len(r.layers) for r in self.rows), default=0)
        table.add_column(_("Shelf"), key="shelf", width=SHELF_WIDTH)  # fixed: a reload never reflows
        for n in range(width):
            table.add_column(_("Layer {n}", n=n + 1), key=f"L{n + 1}", width=CELL_WIDTH)
        self.cells.clear()
        for row_index, row in enumerate(self.rows):
            shelf = Text(
                visible(f"{row.label} {label_of(layout.ZONE_LABELS, row.zone)[:5].rstrip()}"),
                style="bold",
                overflow="ellipsis",
                no_wrap=True,
            )
            cells: list[Any] = [shelf]
            for col_index, cell in enumerate(row.layers, start=1):
                self.cells[(row_index, col_index)] = cell
                cells.append(self.cell_text(row.label, cell))
            cells += [""] * (width + 1 - len(cells))
            table.add_row(*cells, key=row.label, height=2)
        self.lay_out()
        if self.rows:
            table.cursor_coordinate = keep if (keep.row, keep.column) in self.cells else Coordinate(0, 1)
        self.show_layer()
        total = sum(c.parcel_count for c in self.cells.values())
        overdue = sum(c.overdue_count for c in self.cells.values())
        problems = sum(c.problem_count for c in self.cells.values())
        self.query_one("#sh-status", StatusLine).show_read(
            _(
                "{parcels} on {layers}; {overdue} overdue, {problems}",
                parcels=_n("{n} parcel", "{n} parcels", total, n=total),
                layers=_n("{n} layer", "{n} layers", len(self.cells), n=len(self.cells)),
                overdue=overdue,
                problems=_n("{n} problem", "{n} problems", problems, n=problems),
            )
        )

    @staticmethod
    def cell_text(shelf: str, cell: layout.LayerCell) -> Text:
        text = Text(
            visible(f"{shelf}-{cell.label}") + f" {cell.used_units}/{cell.capacity_units}\n",
            style=heat_style(cell.fill),
        )
        text.append(f"{cell.parcel_count:>3} {cell.fill_pct:>3}%", style=heat_style(cell.fill))
        if cell.overdue_count:
            text.append(f" ⚠{cell.overdue_count}", style="bold yellow on black")
        if cell.problem_count:
            text.append(f" !{cell.problem_count}", style="bold white on dark_red")
        return text

    def selected(self) -> tuple[str, layout.LayerCell] | None:
        """(shelf label, layer) under the map cursor."""
        table = self.query_one("#sh-map", DataTable)
        coord = table.cursor_coordinate
        cell = self.cells.get((coord.row, coord.column))
        if cell is None or coord.row >= len(self.rows):
            return None
        return self.rows[coord.row].label, cell

    def selected_location(self) -> str:
        sel = self.selected()
        return f"{sel[0]}-{sel[1].label}" if sel else ""

    def selected_parcel(self) -> str | None:
        highlighted = self.query_one("#sh-layer", LayerTable).highlighted()
        return highlighted[0] if highlighted is not None else None

    @on(DataTable.CellHighlighted, "#sh-map")
    def _cell_moved(self) -> None:
        # A map rebuilt (cleared, filled, its cursor put back) highlights the cell it already read.
        sel = self.selected()
        if sel is None or (sel[0], sel[1].layer_id) != self._layer_asked:
            self.show_layer()

    def show_layer(self) -> None:
        table = self.query_one("#sh-layer", LayerTable)
        highlighted = table.highlighted()
        if highlighted is not None and self._layer_asked is not None:
            self._kept = (self._layer_asked, highlighted)
        table.forget()
        sel = self.selected()
        title = self.query_one("#sh-layer-title", Static)
        if sel is None:
            self._layer_asked = None
            title.update(_("Select a layer to see its parcels"))
            return
        shelf, cell = sel
        self._layer_asked = (shelf, cell.layer_id)
        station = self.station

        def read() -> tuple[str, layout.LayerCell, list[Any]]:
            return shelf, cell, layout.layer_parcels(station, cell.layer_id)

        self.call("layer", read, exclusive=True)

    def done_layer(self, answer: tuple[str, layout.LayerCell, list[Any]]) -> None:
        shelf, cell, parcels = answer
        if self.selected() != (shelf, cell):
            return  # the cursor moved on; its own read answers
        table = self.query_one("#sh-layer", LayerTable)
        # The same layer read again: the clerk's parcel, from the list if it still shows it (an older read
        # answering too), else as it was when the list was emptied for this read.
        kept = table.highlighted()
        if (
            kept is None
            and table.has_focus
            and self._kept is not None
            and self._kept[0] == (shelf, cell.layer_id)
        ):
            kept = self._kept[1]
        # Its job done once the layer is shown again: kept on, a later read into an emptied list would jump
        # back to a parcel the clerk left reads ago.
        self._kept = None
        title = self.query_one("#sh-layer-title", Static)
        title.update(
            _(
                "Layer {location}: {parcels}, {used}/{capacity} units, takes {sizes}",
                location=f"{shelf}-{cell.label}",
                parcels=_n("{n} parcel", "{n} parcels", len(parcels), n=len(parcels)),
                used=cell.used_units,
                capacity=cell.capacity_units,
                sizes=cell.accepts_sizes,
            )
        )
        # An older read of the same layer may answer too (it ended as a newer one began): laid out anew.
        table.show(parcels, self.station.zone(), keep=kept)

    @on(DataTable.CellSelected, "#sh-map")
    def _open_layer(self) -> None:
        layer = self.query_one("#sh-layer", DataTable)
        if layer.row_count:
            layer.focus()

    def action_reload(self) -> None:
        self.reload()

    def action_move(self) -> None:
        # On demand: sub-screens are kept off the console's start-up.
        from station_console.tui.screens.shelf_dialogs import MoveDialog

        open_over(
            self, MoveDialog(parcel=self.selected_parcel(), source=self.selected_location()), self._after_move
        )

    def _after_move(self, message: str | None) -> None:
        if message:
            self.notify(message)  # the map is read again as the screen comes back

    def action_stocktake(self) -> None:
        # On demand: sub-screens are kept off the console's start-up.
        from station_console.tui.screens.stocktake import StocktakeScreen

        open_over(self, StocktakeScreen(self.selected_location()))

    def action_returns(self) -> None:
        # On demand: sub-screens are kept off the console's start-up.
        from station_console.tui.screens.returns import ReturnsScreen

        open_over(self, ReturnsScreen())

    def action_overdue(self) -> None:
        # On demand: sub-screens are kept off the console's start-up.
        from station_console.tui.screens.overdue import OverdueScreen

        open_over(self, OverdueScreen())

    def action_problems(self) -> None:
        # On demand: sub-screens are kept off the console's start-up.
        from station_console.tui.screens.problems import ProblemsScreen

        open_over(self, ProblemsScreen(self.selected_parcel()))

    def action_delivery(self) -> None:
        # On demand: sub-screens are kept off the console's start-up.
        from station_console.tui.screens.delivery import DeliveryScreen

        open_over(self, DeliveryScreen())

    @role_key("shelves.edit")
    def action_edit(self) -> None:
        # On demand: sub-screens are kept off the console's start-up.
        from station_console.tui.screens.shelf_dialogs import ShelfEditScreen

        open_over(self, ShelfEditScreen(self.selected_location()))
