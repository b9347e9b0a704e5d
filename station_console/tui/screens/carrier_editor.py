"""Settings > Carriers: the carrier table in a DataTable, add and edit through a modal form.

The form saves through `services.carriers`, which validates, writes the audit event and rebuilds the
detector; a refusal is shown in the form, which stays open so nothing typed is lost.
"""

from __future__ import annotations

from functools import partial
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Input, TextArea

from db.models import Carrier
from station_console.errors import StationError
from station_console.i18n import N_, _, get_language, sentences
from station_console.services.core.money import decimal_text
from station_console.services.core.station import Station
from station_console.services.scan.carriers import (
    NUMBER_FIELDS,
    TEXT_FIELDS,
    TEXT_LIMITS,
    add_carrier,
    changes_nothing,
    list_carriers,
    update_carrier,
)
from station_console.services.scan.checksums import RULES
from station_console.tui.role_keys import role_key
from station_console.tui.screens.base import Dialog, ModeScreen, open_over, translate_bindings
from station_console.tui.screens.calls import ServiceCalls
from station_console.tui.screens.dialog_css import DIALOG_CSS
from station_console.tui.screens.typed_dialog import keys_line
from station_console.tui.screens.unsaved import SAVING, KeepsEdits
from station_console.tui.widgets.fixed_input import FixedInput
from station_console.tui.widgets.plain import Label, Static, Table
from station_console.tui.widgets.status_line import StatusLine
from station_console.tui.widgets.tick import Tick

# The field a refusal is about, by its code, when it does not name it itself (`field`).
REFUSED_FIELD = {
    "bad_code": "code",
    "carrier_exists": "code",
    "bad_pattern": "patterns",
    "bad_checksum": "patterns",
}
COLUMNS = (N_("Carrier code"), N_("Carrier name"), N_("Label name"), N_("Fee"), N_("Patterns"), N_("Active"))


def patterns_to_text(patterns: list[dict[str, Any]]) -> str:
    """One pattern a line: the regex, then its check-digit rule if it has one."""
    return "\n".join(
        f"{p.get('regex', '')} {p['checksum']}" if p.get("checksum") else str(p.get("regex", ""))
        for p in patterns
    )


def text_to_patterns(text: str, old: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Parse the form's lines back; extra keys (priority, note) of an unchanged regex are kept."""
    kept = {p.get("regex"): p for p in old or []}
    patterns: list[dict[str, Any]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        regex, _sep, last = line.rpartition(" ")
        regex, rule = (regex.strip(), last) if regex and last in RULES else (line, None)
        patterns.append({**kept.get(regex, {}), "regex": regex, "checksum": rule})
    return patterns


class CarrierForm(KeepsEdits, ServiceCalls, Dialog[Carrier | None]):
    """Add a carrier (no `carrier`) or edit one; dismissed with the saved row, or None."""

    what = N_("a carrier's form")

    SAVE_CALL = "save"
    _refused_field: str | None = None  # the field the red line's refusal names (its key: "code")

    # The form's layout (title and refusal on top, Cancel and Save at the bottom, the fields scrolling
    # between) is the one every form has: longer than a 40-line terminal, narrower ones cut it.
    DEFAULT_CSS = (
        DIALOG_CSS
        + """
    CarrierForm { align: center middle; }
    CarrierForm .form-dialog { width: 90; }
    CarrierForm Grid { grid-size: 2; grid-columns: 22 1fr; grid-rows: auto; height: auto; }
    CarrierForm Grid Label { padding: 1 0 0 0; }
    CarrierForm #cf-patterns-help { width: 100%; }
    CarrierForm TextArea { height: 6; }
    CarrierForm #carrier-form-error { color: $error; }
    CarrierForm #carrier-form-error.-note { color: $text; text-style: italic; }
    CarrierForm .form-buttons { height: auto; align-horizontal: right; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "cancel", N_("Cancel"), id="carrier_form.cancel", tooltip=N_("Close without saving")
        ),
        Binding("ctrl+s", "save", N_("Save"), id="carrier_form.save", tooltip=N_("Save this carrier")),
    ]

    def __init__(self, station: Station, carrier: Carrier | None = None) -> None:
        super().__init__()
        self.station = station
        self.carrier = carrier

    def compose(self) -> ComposeResult:
        row = self.carrier
        with Vertical(classes="form-dialog"):
            with Vertical(classes="form-head"):
                yield Static(
                    _("Edit carrier {code}", code=row.code) if row else _("Add a carrier"),
                    classes="dialog-title",
                )
                yield Static("", id="carrier-form-error", classes="form-refused")
            with VerticalScroll(classes="form-body", can_focus=False):
                with Grid():
                    for name, label in TEXT_FIELDS:
                        yield Label(_(label))
                        yield FixedInput(
                            value=str(getattr(row, name, "") or ""),
                            id=f"cf-{name}",
                            disabled=name == "code" and row is not None,
                            # A paste past it is refused as pasted, not at the save with all else typed.
                            max_length=TEXT_LIMITS[name],
                        )
                    for name, label in NUMBER_FIELDS:
                        yield Label(_(label))
                        value = getattr(row, name) if row else Carrier.model_fields[name].default
                        value = "" if row is None and name == "sort_order" else value  # blank: placed last
                        yield FixedInput(value=str(value), id=f"cf-{name}", type="integer")
                    yield Label(_("Active"))
                    yield Tick(value=row.active if row else True, id="cf-active", field=_("Active"))
                yield Label(
                    _(
                        "Patterns: one regex a line, then a check-digit rule ({rules})",
                        rules=", ".join(sorted(RULES)),
                    ),
                    id="cf-patterns-help",  # the rules' names wrap: one line is wider than the form
                )
                yield TextArea(patterns_to_text(row.patterns if row else []), id="cf-patterns")
            with Vertical(classes="form-foot"):  # after the fields: Tab reaches the buttons last
                with Horizontal(classes="form-buttons"):
                    yield Button(_("Cancel"), id="cf-cancel")
                    yield Button(_("Save"), id="cf-save", variant="primary")
                # Enter goes on as in every typed form, but in the patterns it starts a line: said here.
                yield keys_line(N_("Enter: next field, a new line in Patterns · Ctrl+S: save · Esc: cancel"))

    def on_mount(self) -> None:
        translate_bindings(self)
        self.call_after_refresh(self.remember_saved)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        """Enter goes on to the next field, after the last to the patterns: the Active tick is left to
        Tab (Enter there would flip it). Ctrl+S saves from any field."""
        event.stop()
        fields = [field for field in self.query(Input) if not field.disabled]
        later = fields[fields.index(event.input) + 1 :] if event.input in fields else []
        (later[0] if later else self.query_one("#cf-patterns", TextArea)).focus()

    def edits_title(self) -> str:
        return _("Edit carrier {code}", code=self.carrier.code) if self.carrier else _("Add a carrier")

    def save_now(self) -> None:
        self.action_save()

    def values(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name, _label in TEXT_FIELDS:
            if name == "code" and self.carrier is not None:
                continue
            text = self.query_one(f"#cf-{name}", Input).value
            if text.strip() or self.carrier is not None or name != "short_name":  # blank: the code
                data[name] = text
        for name, _label in NUMBER_FIELDS:
            text = self.query_one(f"#cf-{name}", Input).value.strip()
            if text:
                data[name] = text
        data["active"] = self.query_one("#cf-active", Tick).value
        old = self.carrier.patterns if self.carrier else None
        data["patterns"] = text_to_patterns(self.query_one("#cf-patterns", TextArea).text, old)
        return data

    @on(Button.Pressed, "#cf-save")
    @role_key("carrier_form.save")
    def action_save(self) -> None:
        if self.save_waits():
            return
        if self.carrier is not None and (
            not self.unsaved_edits() or changes_nothing(self.carrier, self.values())
        ):
            # "Carrier saved." would tell the clerk something was recorded (a space typed is trimmed).
            self._say(_("Nothing changed: nothing to save."), note=True)
            self.edits_saved()  # what the fields hold is what is saved (a way out waiting goes on)
            return
        values = self.values()
        # Its answer closes the form: keys typed behind Ctrl+S wait for it (`holds_keys`), as a paste right
        # behind went into the form's field and was lost with it.
        if self.carrier is None:
            self.call("save", partial(add_carrier, self.station, values), holds_keys=True)
        else:
            # The row the form shows: refused if another counter changed it since (every field is sent).
            save = partial(update_carrier, self.station, self.carrier.code, values, based_on=self.carrier)
            self.call("save", save, holds_keys=True)

    def done_save(self, saved: Carrier) -> None:
        self.edits_saved()
        self.dismiss(saved)

    def call_refused(self, tag: str, exc: StationError) -> None:
        super().call_refused(tag, exc)
        self._refused_field = REFUSED_FIELD.get(exc.code) or str(exc.params.get("key") or "") or None

    def failed(self, tag: str, text: str) -> None:
        # Shown in the form, which stays open so nothing typed is lost.
        self._say(text)
        self.app.bell()
        self.edits_not_saved()

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Tick.Changed)
    def _field_changed(self, event: Input.Changed | TextArea.Changed | Tick.Changed) -> None:
        """The field the refusal names, changed: its red line goes (it would say the code is still
        wrong as the clerk reads the one put right). A refusal naming no field stays until the save."""
        field = self._refused_field
        if field is not None and event.control.id == f"cf-{field}":
            self._refused_field = None
            line = self.query_one("#carrier-form-error", Static)
            line.update("")
            line.remove_class("-shown")

    def say_saving(self, text: str = SAVING) -> None:
        self._say(_(text), note=True)

    def _say(self, text: str, *, note: bool = False) -> None:
        self._refused_field = None  # a newer line: its own refusal (`call_refused`) names its field
        line = self.query_one("#carrier-form-error", Static)
        line.update(text)
        line.add_class("-shown")
        line.set_class(note, "-note")  # waiting for the save is no refusal: not in red

    @on(Button.Pressed, "#cf-cancel")
    def action_close(self) -> None:  # the button: a deliberate "close without saving"
        if not self.save_waits():  # it may be writing: its answer closes the form
            self.dismiss(None)

    def action_cancel(self) -> None:  # Esc: asks first if something was typed
        self.action_leave("close")


class CarrierEditorScreen(ServiceCalls, ModeScreen):
    """The carrier table: names, fees, waybill patterns; `a` adds, Enter or `e` edits."""

    MODE_TITLE = N_("Carriers")
    DEFAULT_CSS = """
    CarrierEditorScreen #carrier-table { height: 1fr; }
    CarrierEditorScreen #carrier-status { height: auto; max-height: 3; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", N_("Add"), id="carriers.add", tooltip=N_("Add a carrier")),
        Binding("e", "edit", N_("Edit"), id="carriers.edit", tooltip=N_("Edit the selected carrier")),
        Binding("escape", "back", N_("Back"), id="carriers.back", tooltip=N_("Back to Settings")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, Carrier] = {}
        self.select_after: str | None = None

    def compose_body(self) -> ComposeResult:
        yield Table(id="carrier-table", cursor_type="row", zebra_stripes=True)
        yield StatusLine(id="carrier-status")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(DataTable)
        table.add_columns(*(_(c) for c in COLUMNS))
        self.reload()
        table.focus()

    def reload(self, select: str | None = None) -> None:
        self.select_after = select
        self.call("carriers", partial(list_carriers, self.station), exclusive=True)

    def done_carriers(self, carriers: list[Carrier]) -> None:
        table: DataTable[str] = self.query_one(DataTable)
        self.rows = {row.code: row for row in carriers}
        table.clear()
        for row in self.rows.values():
            name = row.name_zh if get_language() == "zh" else row.name_en
            table.add_row(
                row.code,
                name,
                row.short_name,
                decimal_text(row.fee_cents),
                "  ".join(p.get("regex", "") for p in row.patterns),
                _("yes") if row.active else _("no"),
                key=row.code,
            )
        if self.select_after in self.rows:
            table.move_cursor(row=list(self.rows).index(self.select_after))

    def selected(self) -> Carrier | None:
        table: DataTable[str] = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.rows.get(key or "")

    def _saved(self, row: Carrier | None) -> None:
        if row is not None:
            self.reload(select=row.code)
            said = _("Carrier {code} saved.", code=row.code)
            if row.active and not row.patterns:
                # Check-in knows a carrier's parcels only by its waybill patterns, even in its batch.
                said = sentences(
                    said,
                    _("It has no waybill pattern yet: check-in refuses its parcels until one is added (e)."),
                )
            # What this clerk did: another signing in after a lock does not read it as theirs.
            self.query_one("#carrier-status", StatusLine).say(said)

    @role_key("carriers.add")
    def action_add(self) -> None:
        open_over(self, CarrierForm(self.station), self._saved)

    @role_key("carriers.edit")
    def action_edit(self) -> None:
        row = self.selected()
        if row is not None:
            open_over(self, CarrierForm(self.station, row), self._saved)

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_edit()

    def action_back(self) -> None:
        self.dismiss()
