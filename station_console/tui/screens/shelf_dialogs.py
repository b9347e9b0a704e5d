"""Move dialog (移库) and the shelf editor (add, change, retire shelves and layers, CSV import)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input

from station_console.errors import StationError
from station_console.i18n import N_, _, _n, example
from station_console.services.core.station import Station
from station_console.services.shelves import edits, layout, layout_csv, moves
from station_console.services.shelves.locations import normalise_location
from station_console.tui.role_keys import role_key
from station_console.tui.screens.base import ModeScreen, translate_bindings
from station_console.tui.screens.calls import STILL_WRITING, ServiceCalls
from station_console.tui.screens.dialog_css import DIALOG_CSS
from station_console.tui.screens.scans import TakesScans
from station_console.tui.screens.typed_dialog import TypedDialog, keys_line
from station_console.tui.widgets.fixed_input import FixedInput
from station_console.tui.widgets.plain import Label, Static, plain
from station_console.tui.widgets.tick import RoutedTick
from station_console.tui.widgets.wedge import KeyRouter, WedgeInput


class MoveDialog(TakesScans, ServiceCalls, TypedDialog[str | None]):
    """Scan the parcel (or tick "whole layer"), type the target; Enter (or Ctrl+S from any field)
    moves. Returns a summary.

    A scan names the parcel wherever the focus is (`KeyRouter`): it never becomes the target."""

    what = N_("a move")

    # Why the last burst was refused, until the clerk types a parcel or scans again: the parcel field is
    # empty because nothing of the burst was kept, and a move sent so says that, not "nothing scanned".
    _refused_burst = ""

    CSS_PATH = "shelves.tcss"
    WAIT_LINE = "#move-error"
    DEFAULT_CSS = DIALOG_CSS + "#move-box { max-height: 100%; }"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="move.cancel", tooltip=N_("Close without moving")),
    ]

    def __init__(self, *, parcel: str | None = None, source: str = "") -> None:
        super().__init__()
        self.parcel = parcel or ""
        self.source = source

    @property
    def station(self) -> Station:
        app: Any = self.app
        return app.station  # type: ignore[no-any-return]

    def compose(self) -> ComposeResult:
        # A form's layout: the title, and why it refused with the keys, stay in view (docked); the fields
        # between them scroll (at 80x24 the box is taller than the screen allows).
        with Vertical(id="move-box", classes="dialog"):
            yield Static(_("Move parcels"), classes="dialog-title form-head")
            with VerticalScroll(classes="form-body", can_focus=False):
                yield Label(_("Parcel: scan the waybill or type its pickup code"))
                yield WedgeInput(value=self.parcel, id="move-parcel")
                yield RoutedTick(
                    _("Move the whole layer {location}", location=self.source or "?"), id="move-layer"
                )
                yield Label(_("Target layer (SHELF-LAYER)"))
                yield WedgeInput(placeholder=example("6-5"), id="move-target")
            with Vertical(classes="form-end"):
                yield Static(id="move-error", classes="error")
                yield keys_line(N_("Enter: next field · Ctrl+S: move · Esc: cancel"))

    def on_mount(self) -> None:
        translate_bindings(self)
        app: Any = self.app
        router = KeyRouter.from_settings(self, app.counter_settings)
        for field in self.query(WedgeInput):
            field.router = router
        self.query_one(RoutedTick).router = router
        self.query_one("#move-target" if self.parcel else "#move-parcel", Input).focus()

    def refuse_scan(self, text: str) -> bool:
        self._refused_burst = text
        self.failed("scan", text)
        return True

    @on(RoutedTick.Typed)
    def _typed_into_tick(self, event: RoutedTick.Typed) -> None:
        """A hint, not a refusal: said on the dialog's line, without the bell a failed move rings."""
        event.stop()
        self.query_one("#move-error", Static).update(event.said())

    @on(Input.Changed, "#move-parcel")
    def _parcel_typed(self, event: Input.Changed) -> None:
        if event.value:
            self._refused_burst = ""

    def take_scan(self, code: str) -> None:
        """The parcel to move, whichever field has the focus (a scanned parcel, not the whole layer);
        then the target."""
        self._refused_burst = ""
        self.query_one("#move-parcel", Input).value = code
        self.query_one("#move-layer", RoutedTick).value = False
        self.query_one("#move-error", Static).update("")
        self.query_one("#move-target", Input).focus()

    @on(Input.Submitted, "#move-parcel")
    def _to_target(self) -> None:
        self.query_one("#move-target", Input).focus()

    @on(Input.Submitted, "#move-target")
    def action_send(self) -> None:
        target = self.query_one("#move-target", Input).value.strip()
        if self.query_one("#move-layer", RoutedTick).value:
            # Its answer closes the dialog: keys typed behind the Enter wait for it (`holds_keys`), as a
            # paste right behind went into the dialog's field and was lost with it. Not `leaves`: a
            # move slower than the hold lets them go here, an Esc then saying the move is on its way.
            self.write("move", partial(moves.move_layer, self.station, self.source, target), holds_keys=True)
        else:
            parcel, station = self.query_one("#move-parcel", Input).value, self.station
            if self._refused_burst and not parcel.strip():
                kept_none = N_("{refused} Nothing of it was kept: scan the parcel or type its pickup code.")
                self.failed("scan", _(kept_none, refused=self._refused_burst))
                return
            self.write("move", lambda: [moves.move_parcel(station, parcel, target)], holds_keys=True)

    def done_move(self, results: list[moves.MoveResult]) -> None:
        last = results[-1]
        note = _(" New code {code}; label queued.", code=last.pickup_code) if last.code_changed else ""
        self.dismiss(
            _n(
                "Moved {n} parcel to {target}.",
                "Moved {n} parcels to {target}.",
                len(results),
                n=len(results),
                target=last.to_location,
            )
            + note
        )

    def failed(self, tag: str, text: str) -> None:
        self.query_one("#move-error", Static).update(text)
        self.app.bell()

    def still_writing(self, tag: str) -> None:
        self.failed(tag, _(STILL_WRITING))

    def action_cancel(self) -> None:
        # Not while the move is on its way: its answer closes the dialog saying what moved; cancelled
        # meanwhile, the parcel moved (a new code, a label) and the shelf map said nothing of it.
        if not self.stays_for_answer("move"):
            self.dismiss(None)


class ShelfEditScreen(ServiceCalls, ModeScreen):
    """Manager work: a layer's capacity and sizes, add a shelf or layer, retire or restore, import CSV."""

    MODE_TITLE = N_("Edit shelves")
    OPENED_BY = "shelves.edit"
    CSS_PATH = "shelves.tcss"
    WAIT_LINE = "#edit-result"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="edit.back", tooltip=N_("Back to the shelf map")),
        Binding("f7", "save", N_("Save layer"), id="edit.save", tooltip=N_("Save capacity and sizes")),
        Binding("f8", "add_shelf", N_("Add shelf"), id="edit.add_shelf", tooltip=N_("Add a shelf")),
        Binding("f9", "add_layer", N_("Add layer"), id="edit.add_layer", tooltip=N_("Add a layer")),
        Binding(
            "f10", "retire", N_("Retire"), id="edit.retire", tooltip=N_("Retire an empty shelf or layer")
        ),
        Binding("f11", "restore", N_("Restore"), id="edit.restore", tooltip=N_("Bring it back into use")),
        Binding(
            "f12", "import_csv", N_("Import CSV"), id="edit.import", tooltip=N_("Add shelves from a CSV file")
        ),
    ]

    # The layer whose capacity and sizes the form was filled with, and them: a save of both is refused
    # if another counter changed them since.
    _filled: tuple[str, int, str] | None = None

    def __init__(self, location: str = "") -> None:
        super().__init__()
        self.location = location

    def compose_body(self) -> ComposeResult:
        with Vertical(id="edit-form", classes="form"):
            with Horizontal(classes="form-row"):
                yield Label(_("Shelf or layer"), classes="field-label")
                yield FixedInput(value=self.location, placeholder=example("6 / 6-5"), id="edit-location")
            with Horizontal(classes="form-row"):
                yield Label(_("Capacity (units)"), classes="field-label")
                # Nine digits read as a number whatever is typed or pasted; the service says the limit.
                yield FixedInput(
                    id="edit-capacity",
                    restrict=r"\d*",
                    takes=_("digits"),
                    max_length=9,
                    placeholder=example("40"),
                )
            with Horizontal(classes="form-row"):
                yield Label(_("Sizes (S M L X)"), classes="field-label")
                yield FixedInput(id="edit-sizes", placeholder=example("SML"))
            with Horizontal(classes="form-row"):
                yield Label(_("Zone, layers (new shelf)"), classes="field-label")
                yield FixedInput(id="edit-zone", placeholder=example("main"))
                yield FixedInput(
                    id="edit-layers",
                    restrict=r"\d*",
                    takes=_("digits"),
                    max_length=9,
                    placeholder=example("5"),
                )
            with Horizontal(classes="form-row"):
                yield Label(_("CSV file to import"), classes="field-label")
                yield FixedInput(id="edit-csv", placeholder=example("layout.csv"))
            yield Static(
                _("Only a manager can change shelves. A layer with parcels is emptied before it is retired."),
                classes="hint",
            )
            yield Static(id="edit-result")

    def on_mount(self) -> None:
        translate_bindings(self)
        self.fill_from_location()
        self.query_one("#edit-location", Input).focus()

    def value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def location_typed(self) -> str:
        """The shelf or layer as the service reads it (`６－５`, `ov 1` -> `6-5`, `OV-1`): what each
        answer names, and the shelf a layer is added to."""
        return normalise_location(self.value("edit-location"))

    def fill_from_location(self) -> None:
        self.call("map", partial(layout.shelf_map, self.station), exclusive=True)

    def done_map(self, rows: list[layout.ShelfRow]) -> None:
        text = self.location_typed()
        for row in rows:
            for cell in row.layers:
                if f"{row.label}-{cell.label}" == text:
                    self.query_one("#edit-capacity", Input).value = str(cell.capacity_units)
                    self.query_one("#edit-sizes", Input).value = cell.accepts_sizes
                    self._filled = (text, cell.capacity_units, cell.accepts_sizes)

    @on(Input.Submitted, "#edit-location")
    def _location_given(self) -> None:
        self.fill_from_location()

    def run(self, work: Callable[[], object], done: str) -> None:
        """`work` (its values read from the form already) in a worker; `done` said when it went through.
        One at a time: a second asked while the first is on its way is refused (`still_writing`)."""
        if self.write("edit", work):  # its answer comes on a later message: `done` is there by then
            self._done_text = done

    def done_edit(self, result: object) -> None:
        if result is False:  # a layer's save found it as stored: "updated" would say it was written
            self.query_one("#edit-result", Static).update(plain(_("Nothing changed: nothing to save.")))
        else:
            self.query_one("#edit-result", Static).update(plain(self._done_text, "green"))
        self.fill_from_location()  # what the next save of the layer starts from

    def call_refused(self, tag: str, exc: StationError) -> None:
        super().call_refused(tag, exc)
        if exc.code == "layer_saved_meanwhile":
            self.fill_from_location()  # as the refusal says: the layer as saved now

    def failed(self, tag: str, text: str) -> None:
        self.query_one("#edit-result", Static).update(plain(text, "red"))
        self.app.bell()

    def still_writing(self, tag: str) -> None:
        self.query_one("#edit-result", Static).update(plain(_(STILL_WRITING), "italic"))
        self.app.bell()

    @role_key("edit.save")
    def action_save(self) -> None:
        cap = self.value("edit-capacity")
        location = self.location_typed()
        filled = self._filled
        self.run(
            partial(
                edits.edit_layer,
                self.station,
                location,
                capacity_units=int(cap) if cap else None,
                accepts_sizes=self.value("edit-sizes") or None,
                read=filled[1:] if filled is not None and filled[0] == location else None,
            ),
            _("{location} updated", location=location),
        )

    @role_key("edit.add_shelf")
    def action_add_shelf(self) -> None:
        layers = self.value("edit-layers")
        cap = self.value("edit-capacity")
        location = self.location_typed()
        self.run(
            partial(
                layout.add_shelf,
                self.station,
                location,
                zone=self.value("edit-zone") or "main",
                layers=int(layers or 5),
                capacity_units=int(cap or 40),
                accepts_sizes=self.value("edit-sizes") or "SML",
            ),
            _("Shelf {shelf} added", shelf=location),
        )

    @role_key("edit.add_layer")
    def action_add_layer(self) -> None:
        cap = self.value("edit-capacity")
        # The service reads the location (`6-5` adds to shelf 6) and refuses one it cannot: read here,
        # a refusal would be raised on the UI thread.
        location = self.location_typed()
        shelf = location.partition("-")[0]
        self.run(
            partial(
                layout.add_layer,
                self.station,
                location,
                capacity_units=int(cap or 40),
                accepts_sizes=self.value("edit-sizes") or "SML",
            ),
            _("Layer added to shelf {shelf}", shelf=shelf),
        )

    @role_key("edit.retire")
    def action_retire(self) -> None:
        location = self.location_typed()
        self.run(partial(layout.retire, self.station, location), _("{location} retired", location=location))

    @role_key("edit.restore")
    def action_restore(self) -> None:
        location = self.location_typed()
        self.run(
            partial(layout.restore, self.station, location), _("{location} is back in use", location=location)
        )

    @role_key("edit.import")
    def action_import_csv(self) -> None:
        path = Path(self.value("edit-csv"))  # `~` read as the user's folder where the file is read
        self.run(
            partial(layout_csv.import_layout_file, self.station, path),
            _("Layout imported from {path}", path=path),
        )

    def action_back(self) -> None:
        if not self.stays_for_answer("edit"):  # its answer is said on this screen
            self.dismiss()
