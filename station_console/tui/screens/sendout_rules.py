"""Settings > Send-out rules (Ctrl+F): what a manager keeps for send-out, which was only `station
sendout tariff|checklist|stock`: each carrier's tariff (its rates, terms and versions), the inspection
checklist, the waybill numbers left in stock.

F7, F8 and F9 show each; F10, F11 and F12 import a new tariff version, a new checklist, more stock
from a file whose path the manager types. A tariff or checklist is previewed first (read and checked
by the services, nothing written) and stored only on Yes, a question put only to the manager who asked
for the preview (one read as the console locked asks the next clerk nothing); stock is imported whole or
not at all. Anyone signed in reads; the imports are a manager's (refused as the key is pressed, and by
the services).
What another counter stores, imports or uses is read again as it happens (the live view).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.coordinate import Coordinate
from textual.widgets import DataTable, OptionList, TabbedContent, TabPane
from textual.widgets.option_list import Option

from station_console.errors import Refused
from station_console.i18n import N_, _, _n, example
from station_console.services.admin.live import RESYNC
from station_console.services.scan.detect import shown_name
from station_console.services.sendout import inspection, rule_files, rule_view, rules, tariff, waybills
from station_console.tui.live_bridge import LiveBridge
from station_console.tui.role_keys import role_key
from station_console.tui.screens.base import ModeScreen, open_over
from station_console.tui.screens.calls import STILL_WRITING, ServiceCalls
from station_console.tui.screens.confirm_dialog import ConfirmDialog, ask
from station_console.tui.screens.form_dialog import FormDialog, FormField
from station_console.tui.screens.sendout_rule_rows import (
    ITEM_COLUMNS,
    RATE_COLUMNS,
    RATE_NUMBERS,
    STOCK_COLUMNS,
    VERSION_COLUMNS,
    destination_lines,
    item_rows,
    preview_lines,
    rate_rows,
    terms_line,
    version_line,
    version_row,
)
from station_console.tui.widgets.plain import Static, Table
from station_console.tui.widgets.status_line import StatusLine
from station_console.tui.widgets.wrapped_table import WrappedTable

VIEWS = ("tariffs", "checklist", "stock")
PATH_LENGTH = 500
# The import forms' field each refusal is about: the file's, unless it names the carrier.
FILE_CODES = (
    *("no_path", "no_file", "is_folder", "file_too_large", "bad_file", "not_this_kind", "station_file"),
    *("bad_tariff", "bad_checklist"),
)
STOCK_CODES = ("bad_lines", "empty", "duplicate_lines", "too_many", "unchanged")
AT_FAULT = {code: "path" for code in (*FILE_CODES, *STOCK_CODES)} | {
    "carrier_not_found": "carrier",
    "unknown_carrier": "carrier",
}
NOTHING_STORED = N_("Nothing was stored.")


def typed_path(values: dict[str, Any]) -> Path:
    """The form's path as typed (the service reads `~` as the user's folder); an empty one is refused
    in the form."""
    text = str(values["path"]).strip()
    if not text:
        raise Refused(N_("Type the path of the file."), code="no_path")
    return Path(text)


class SendoutRulesScreen(ServiceCalls, ModeScreen):
    MODE_TITLE = N_("Send-out rules")
    WAIT_LINE = "#sr-status"
    CSS_PATH = "sendout_rules.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="rules.back", tooltip=N_("Back to Settings")),
        Binding("f7", "show('tariffs')", N_("Tariffs"), id="rules.tariffs", tooltip=N_("Prices per carrier")),
        Binding("f8", "show('checklist')", N_("Checklist"), id="rules.checklist", tooltip=N_("Inspection")),
        Binding("f9", "show('stock')", N_("Stock"), id="rules.stock", tooltip=N_("Waybill numbers left")),
        Binding(
            "f10",
            "import_tariff",
            N_("New tariff"),
            id="rules.import_tariff",
            tooltip=N_("Manager: a .toml table or .csv rates"),
        ),
        Binding(
            "f11",
            "import_checklist",
            N_("New checklist"),
            id="rules.import_checklist",
            tooltip=N_("Manager: a .toml or .json file"),
        ),
        Binding(
            "f12",
            "import_stock",
            N_("Add numbers"),
            id="rules.import_stock",
            tooltip=N_("Manager: one waybill number a line"),
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: rule_view.RulesView | None = None
        self.carrier = ""  # the carrier whose tariff is shown

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="sr-tabs", initial="tariffs"):
            with TabPane(_("Tariffs"), id="tariffs"), Horizontal(id="sr-tariff-body"):
                yield OptionList(id="sr-carriers")
                with VerticalScroll(id="sr-tariff", can_focus=False):
                    yield Static(id="sr-tariff-head")
                    yield Table(id="sr-rates", cursor_type="none", show_cursor=False)
                    yield Static(id="sr-destinations")
                    yield Static(id="sr-terms")
                    yield Static(_("Versions, newest first"), classes="sr-title")
                    yield Table(id="sr-versions", cursor_type="none", show_cursor=False)
            with TabPane(_("Checklist"), id="checklist"):
                yield Static(id="sr-checklist-head")
                # Wrapped in its row: a DataTable cut an item at the screen's edge.
                yield WrappedTable([_(c) for c in ITEM_COLUMNS], id="sr-items")
            with TabPane(_("Waybill stock"), id="stock"):
                yield Static(_("Unused waybill numbers per carrier."), id="sr-stock-head")
                yield Table(id="sr-stock", cursor_type="row", zebra_stripes=True)
        # What the last import said: the reads after it (the dialog closing, the live view) leave it.
        yield StatusLine(id="sr-status")

    def on_mount(self) -> None:
        super().on_mount()
        for table_id, columns in (
            ("#sr-rates", RATE_COLUMNS),
            ("#sr-versions", VERSION_COLUMNS),
            ("#sr-stock", STOCK_COLUMNS),
        ):
            self.query_one(table_id, DataTable).add_columns(*(_(c) for c in columns))
        self.query_one("#sr-carriers", OptionList).focus()

    def came_to_front(self) -> None:
        super().came_to_front()
        self.reload()  # another counter or the CLI may have stored a version meanwhile

    def on_live_bridge_changed(self, message: LiveBridge.Changed) -> None:
        """Another counter stored a version, imported or used stock: shown as it happens (a change
        while a dialog is on top is read as the screen comes back to the front)."""
        if message.kinds & rule_view.CHANGED_BY or RESYNC in message.kinds:
            self.reload()

    # -- reading -------------------------------------------------------------------------------------

    def reload(self) -> None:
        self.call("read", lambda: rule_view.read(self.station), exclusive=True)

    def done_read(self, view: rule_view.RulesView) -> None:
        self.view = view
        carriers = self.query_one("#sr-carriers", OptionList)
        carriers.clear_options()
        carriers.add_options(
            # A name is data, never markup; one line each, cut with "…" (sendout_rules.tcss).
            Option(Text(f"{c.code:<8}{shown_name(c.name_en, c.name_zh)}"), id=c.code)
            for c in view.carriers
        )
        codes = [c.code for c in view.carriers]
        if codes:
            self.carrier = self.carrier if self.carrier in codes else codes[0]
            carriers.highlighted = codes.index(self.carrier)
            self.show_tariff(self.carrier)
        self.show_checklist(view)
        self.show_stock(view)

    @on(OptionList.OptionHighlighted, "#sr-carriers")
    def _carrier_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self.carrier:
            self.show_tariff(event.option.id)

    def show_tariff(self, code: str) -> None:
        self.carrier = code
        found = next((c for c in self.view.carriers if c.code == code), None) if self.view else None
        head = self.query_one("#sr-tariff-head", Static)
        rates = self.query_one("#sr-rates", DataTable)
        versions = self.query_one("#sr-versions", DataTable)
        rates.clear()
        versions.clear()
        self.query_one("#sr-terms", Static).update("")
        self._show_destinations([])
        if found is None:
            return
        zone = self.station.zone()
        for version in found.versions:
            versions.add_row(*version_row(version, zone))
        what = _("{carrier} tariff", carrier=code)
        if not found.versions:
            head.update(_("No tariff for {carrier} yet: a manager imports one with F10.", carrier=code))
            head.set_class(False, "-error")
            return
        line = version_line(what, found.versions[0], zone)
        head.update(f"{line}\n{found.problem}" if found.problem else line)
        head.set_class(bool(found.problem), "-error")
        if found.table is not None:
            for row in rate_rows(found.table):
                rates.add_row(*_rate_cells(row))
            self._show_destinations(destination_lines(found.table))
            self.query_one("#sr-terms", Static).update(terms_line(found.table))

    def _show_destinations(self, lines: list[str]) -> None:
        destinations = self.query_one("#sr-destinations", Static)
        destinations.update("\n".join(lines))
        destinations.display = bool(lines)

    def show_checklist(self, view: rule_view.RulesView) -> None:
        current = view.checklist_versions[0]
        line = version_line(_("Inspection checklist"), current, self.station.zone())
        count = _n("{n} item", "{n} items", len(view.checklist.items), n=len(view.checklist.items))
        self.query_one("#sr-checklist-head", Static).update(f"{line} · {count}")
        self.query_one("#sr-items", WrappedTable).show(item_rows(view.checklist.items))

    def show_stock(self, view: rule_view.RulesView) -> None:
        stock = self.query_one("#sr-stock", DataTable)
        row = stock.cursor_row  # the manager's row stays theirs over a read another counter's send made
        stock.clear()
        for c in view.carriers:
            stock.add_row(
                f"{c.code} {shown_name(c.name_en, c.name_zh)}",
                Text(str(c.stock), justify="right"),
                key=c.code,
            )
        stock.move_cursor(row=row)

    def action_show(self, which: str) -> None:
        self.query_one("#sr-tabs", TabbedContent).active = which
        first = {"tariffs": "#sr-carriers", "checklist": "#sr-items", "stock": "#sr-stock"}[which]
        self.call_after_refresh(self.query_one(first).focus)

    # -- importing -----------------------------------------------------------------------------------

    def _carrier_choices(self) -> tuple[tuple[str, str], ...]:
        carriers = self.view.carriers if self.view else []
        return tuple((f"{c.code} {shown_name(c.name_en, c.name_zh)}", c.code) for c in carriers)

    def _path_field(self, label: str, placeholder: str) -> FormField:
        return FormField("path", label, "", placeholder=example(placeholder), max_length=PATH_LENGTH)

    @role_key("rules.import_tariff")
    def action_import_tariff(self) -> None:
        if not self._carrier_choices():
            self.say(_("One moment: the carriers are still being read."))
            return
        self.action_show("tariffs")
        # The file first, where the focus opens: the carrier is the one on screen, and a path typed
        # into the carrier's drop-down went to its type-to-search.
        fields = [
            self._path_field(_("File (.toml or .csv)"), "/media/usb/SF.toml"),
            FormField("carrier", _("Carrier"), self.carrier, options=self._carrier_choices()),
        ]
        station = self.station

        def check(values: dict[str, Any]) -> tuple[str, Path]:
            return str(values["carrier"]), typed_path(values)

        def preview(wanted: tuple[str, Path]) -> rule_files.TariffPreview:
            return rule_files.preview_tariff(station, *wanted)  # on the form's worker: nothing written

        form = FormDialog(
            _("Import a tariff version"),
            fields,
            _(
                "A .toml table (one carrier's keys, as data/tariffs.toml), or .csv rates (zone, first_g, "
                "first_cents, step_g, step_cents[, destinations]) over the current table. You see what "
                "would be stored before it is."
            ),
            check=check,
            submit=preview,
            at_fault=AT_FAULT,
            keeps_edits=False,  # a file's path: typed again in a moment, nothing to ask
            what=N_("a tariff import"),
        )
        open_over(self, form, self.askers_own(self._confirm_tariff))

    def _confirm_tariff(self, preview: rule_files.TariffPreview | None) -> None:
        if preview is None:
            return
        table = preview.table
        replaces = (
            _("It replaces version {version}.", version=preview.replaces)
            if preview.replaces is not None
            else _("{carrier} has no tariff yet.", carrier=table.carrier)
        )
        destinations = destination_lines(table)
        body = "\n".join(
            [
                *preview_lines(RATE_COLUMNS, rate_rows(table), RATE_NUMBERS),
                "",
                *destinations,
                *([""] if destinations else []),
                terms_line(table),
                replaces,
            ]
        )

        def store() -> None:
            self.write(
                "tariff",
                lambda: tariff.set_tariff(
                    self.station, preview.carrier, preview.body, based_on=preview.replaces or 0
                ),
            )

        question = _("Store this as the new {carrier} tariff?", carrier=table.carrier)
        # Weighty: its Yes changes what customers are charged from the next send on, so the preview is
        # read before it is answered; a Y typed right behind the form's Enter is dropped and said.
        ask(
            self,
            ConfirmDialog(question, body, what=N_("a tariff import"), weighty=True),
            store,
            no=NOTHING_STORED,
            say=self.say,
        )

    def done_tariff(self, stored: rules.RuleVersion) -> None:
        self.carrier = stored.scope
        self.say(
            _(
                "{carrier} tariff version {version} stored ({sha})",
                carrier=stored.scope,
                version=stored.version,
                sha=stored.sha256[:12],
            )
        )
        self.reload()

    @role_key("rules.import_checklist")
    def action_import_checklist(self) -> None:
        self.action_show("checklist")
        station = self.station
        form = FormDialog(
            _("Import an inspection checklist"),
            [self._path_field(_("File (.toml or .json)"), "/media/usb/checklist.toml")],
            _("[[items]] with id, zh and en, as data/checklist.toml. You see it before it is stored."),
            check=typed_path,
            submit=lambda path: rule_files.preview_checklist(station, path),
            at_fault=AT_FAULT,
            keeps_edits=False,  # a file's path: typed again in a moment, nothing to ask
            what=N_("a checklist import"),
        )
        open_over(self, form, self.askers_own(self._confirm_checklist))

    def _confirm_checklist(self, preview: rule_files.ChecklistPreview | None) -> None:
        if preview is None:
            return
        items = ([_(c) for c in ITEM_COLUMNS], item_rows(preview.items))
        body = _("It replaces version {version}.", version=preview.replaces)

        def store() -> None:
            self.write(
                "checklist",
                lambda: inspection.set_checklist(self.station, preview.body, based_on=preview.replaces),
            )

        question = _n(
            "Store this checklist of {n} item?",
            "Store this checklist of {n} items?",
            len(preview.items),
            n=len(preview.items),
        )
        confirm = ConfirmDialog(question, body, what=N_("a checklist import"), table=items)
        ask(self, confirm, store, no=NOTHING_STORED, say=self.say)

    def done_checklist(self, stored: rules.RuleVersion) -> None:
        self.say(_("Checklist version {version} stored", version=stored.version))
        self.reload()

    @role_key("rules.import_stock")
    def action_import_stock(self) -> None:
        if not self._carrier_choices():
            self.say(_("One moment: the carriers are still being read."))
            return
        self.action_show("stock")
        table = self.query_one("#sr-stock", DataTable)
        chosen = self.carrier
        if table.row_count and table.cursor_row >= 0:
            # the row's key is its carrier's code; its first cell also names the carrier
            chosen = str(table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value)
        station = self.station

        def check(values: dict[str, Any]) -> tuple[str, Path]:
            return str(values["carrier"]), typed_path(values)

        form = FormDialog(
            _("Import waybill numbers"),
            [  # the file first, as in the tariff's form
                self._path_field(_("File (one number a line)"), "/media/usb/SF-stock.csv"),
                FormField("carrier", _("Carrier"), chosen, options=self._carrier_choices()),
            ],
            _(
                "One number a line (a CSV: its first column). Every line must be a valid number of the "
                "carrier, or nothing is imported."
            ),
            check=check,
            submit=lambda wanted: rule_files.import_stock(station, *wanted),
            at_fault=AT_FAULT,
            keeps_edits=False,  # a file's path: typed again in a moment, nothing to ask
            what=N_("a waybill stock import"),
        )
        open_over(self, form, self._stock_imported)

    def _stock_imported(self, done: waybills.ImportResult | None) -> None:
        if done is None:
            return
        self.say(done.said())
        self.reload()

    def action_back(self) -> None:
        if not self.stays_for_answer("tariff", "checklist"):  # its answer is said on this screen's line
            self.dismiss()

    # -- saying things -------------------------------------------------------------------------------

    def failed(self, tag: str, text: str) -> None:
        self.say(text, error=True)

    def still_writing(self, tag: str) -> None:
        self.failed(tag, _(STILL_WRITING))

    def say(self, text: str, *, error: bool = False) -> None:
        # A refusal may quote a path or a file's line: data, never markup.
        self.query_one("#sr-status", StatusLine).say(Text(text), error=error)
        if error:
            self.app.bell()


def _rate_cells(row: list[str]) -> list[Text]:
    return [Text(cell, justify="right" if i in RATE_NUMBERS else "left") for i, cell in enumerate(row)]
