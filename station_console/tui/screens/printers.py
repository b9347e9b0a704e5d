"""Settings > Printers: this counter's label printers, a default, a test print, and the print queue (F10:
jobs not printed yet, a set-aside one to retry or cancel; `print_queue.py`).

Enter on a printer in the list puts its settings in the form, to change and save without retyping them
(edits in the form not saved are asked for first: save, discard or stay).

Printers are counter settings (counter.toml): each PC has its own. Saving restarts the console's print
worker so the change takes effect at once, and says once whether the chosen sticker makes some
carriers' waybills QR codes (the scanner must read them); a test print goes through the same queue as
a label.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Button, DataTable, Input, Select

from hardware.config_keys import KEY_LABELS
from hardware.printers.factory import file_target
from hardware.printers.label import SIZES
from station_console.errors import StationError
from station_console.i18n import N_, _, listed, sentences
from station_console.safe_text import visible
from station_console.services.admin.counter import change_counter_settings
from station_console.services.core.roles import require_manager
from station_console.services.printing.printer_faults import FIX_IN_SETTINGS, FIX_THEM_IN_SETTINGS
from station_console.services.printing.printer_names import NAME_ASKED, NAME_MAX, meant_printer, name_allowed
from station_console.services.printing.printers import (
    check_saved_printers,
    counter_printers,
    printer_for,
    qr_carriers,
)
from station_console.services.printing.queue_view import queue_test_print
from station_console.settings import CounterSettings
from station_console.tui.role_keys import role_key
from station_console.tui.screens.base import ModeScreen, open_over
from station_console.tui.screens.calls import STILL_WRITING, ServiceCalls
from station_console.tui.screens.print_queue import PrintQueueScreen
from station_console.tui.screens.printer_form import CHOSEN, FORM_DEFAULTS, choices, with_saved
from station_console.tui.screens.unsaved import SAVING, KeepsEdits, leave, put_value
from station_console.tui.widgets.fixed_input import FixedInput
from station_console.tui.widgets.paged_select import PagedSelect
from station_console.tui.widgets.plain import Table
from station_console.tui.widgets.status_line import StatusLine

TARGET_HINT = N_(
    "target: USB vendor:product, host[:9100], /dev/usb/lp0, CUPS queue, or a folder's or file's whole path"
)

NOT_OFFERED_SAID = N_(
    "Not among the choices here: {values}. Shown as saved, and a save keeps them: choose another to change them."
)
NAME_WRITTEN_OUT = N_(
    "Its saved name holds hidden characters, written out in the name field: type the name it should have "
    "before saving (F9 then deletes the old entry)."
)

# Narrower than this, the target takes a row of its own: beside the gap, roll, Chinese font and the
# button it was left 11 cells at 80 columns and the roll 4, drawn under its neighbour.
DEVICE_ONE_ROW_MIN = 130


def set_up_wrong(counter: CounterSettings) -> list[str]:
    """Each printer of `counter` whose settings are wrong, by name with what is wrong, then what to do:
    the others print, these do not until saved right here (called in a worker: the printers load)."""
    faults = [fault.reason() for fault in counter_printers(counter).faults]
    return (
        [*faults, _("A printer set up wrong prints nothing until it is saved again here.")] if faults else []
    )


class PrintersScreen(KeepsEdits, ServiceCalls, ModeScreen):
    MODE_TITLE = N_("Printers")
    WAIT_LINE = "#printer-status"
    EDITS = "#printer-form"
    SAVE_CALL = "store"  # a printer saved, made the default or deleted: counter.toml written
    # The name field's text when it shows a saved name no printer may have, written out (`_fill_form`).
    _name_written_out: str | None = None
    DEFAULT_CSS = """
    PrintersScreen #printer-form { height: auto; padding: 0 1; }
    PrintersScreen #printer-form Horizontal { height: auto; }
    PrintersScreen #printer-form Input, PrintersScreen #printer-form Select { width: 1fr; }
    PrintersScreen #printer-form #p-target { width: 3fr; }
    /* Each choice reads on one line: "Chinese: drawn as bitmaps" in the font's box, and at 80 columns
       "58 毫米卷纸" in what the gap leaves the roll (a wider choice wraps onto its box's edge). */
    PrintersScreen #printer-form #p-gap { width: 10; }
    PrintersScreen #printer-form #p-cjk { width: 33; }
    /* A narrow console: the target on a row of its own, the sticker's and roll's options below it. */
    PrintersScreen #printer-form #p-device.-two-rows {
        layout: grid; grid-size: 4; grid-columns: 10 1fr 33 auto; grid-rows: 3;
    }
    PrintersScreen #printer-form #p-device.-two-rows #p-target { column-span: 4; }
    PrintersScreen #printer-list { height: 1fr; }
    PrintersScreen #printer-status { height: auto; min-height: 2; max-height: 4; padding: 0 1; }  /* wraps, read whole */
    PrintersScreen #printer-status.-error { background: $error; color: $text; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", N_("Back"), id="printers.back"),
        # Settings teaches Ctrl+S as its save: here it saves the printer in the form, as its button does
        # (the app's Ctrl+S, Settings itself, went nowhere on a screen already in Settings).
        Binding("ctrl+s", "save", N_("Save"), id="printers.save", tooltip=N_("Save printer")),
        Binding("f7", "test_print", N_("Test print"), id="printers.test"),
        Binding("f8", "make_default", N_("Make default"), id="printers.default"),
        Binding("f9", "delete", N_("Delete"), id="printers.delete"),
        Binding(
            "f10",
            "print_queue",
            N_("Print queue"),
            id="printers.queue",
            tooltip=N_("Jobs not printed yet: retry or cancel one the printer refused"),
        ),
    ]

    def compose_body(self) -> ComposeResult:
        offered = choices()
        with Vertical(id="printer-form"):
            with Horizontal():
                yield FixedInput(placeholder=_("name"), id="p-name", max_length=NAME_MAX)
                yield PagedSelect(
                    offered["p-language"],
                    value=FORM_DEFAULTS["language"],
                    allow_blank=False,
                    id="p-language",
                )
                yield PagedSelect(
                    offered["p-transport"],
                    value=FORM_DEFAULTS["transport"],
                    allow_blank=False,
                    id="p-transport",
                )
                yield FixedInput(
                    value=FORM_DEFAULTS["size"],
                    placeholder=_("size WxH mm"),
                    suggester=SuggestFromList(SIZES),
                    id="p-size",
                    tooltip=_("Sticker size in mm: {sizes}, or another (scaled)", sizes=listed(SIZES)),
                )
                yield PagedSelect(
                    offered["p-dpi"],
                    value=FORM_DEFAULTS["dpi"],
                    allow_blank=False,
                    id="p-dpi",
                )
            with Horizontal(id="p-device", classes=self._device_class(self.app.size.width)):
                yield FixedInput(placeholder=_(TARGET_HINT), id="p-target")
                yield FixedInput(
                    value=str(FORM_DEFAULTS["gap_mm"]),
                    placeholder=_(KEY_LABELS["gap_mm"]),
                    id="p-gap",
                    tooltip=_("Gap between stickers, mm"),
                )
                yield PagedSelect(
                    offered["p-paper"],
                    value=FORM_DEFAULTS["paper_mm"],
                    allow_blank=False,
                    id="p-paper",
                )
                yield PagedSelect(
                    offered["p-cjk"],
                    value=FORM_DEFAULTS["cjk"],
                    allow_blank=False,
                    id="p-cjk",
                )
                yield Button(_("Save printer"), id="p-save", variant="primary")
        yield Table(id="printer-list", cursor_type="row")
        yield StatusLine(id="printer-status")

    def action_print_queue(self) -> None:
        open_over(self, PrintQueueScreen())

    @staticmethod
    def _device_class(width: int) -> str:
        return "-two-rows" if width < DEVICE_ONE_ROW_MIN else ""

    def on_resize(self) -> None:
        self.query_one("#p-device").set_class(self.size.width < DEVICE_ONE_ROW_MIN, "-two-rows")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#printer-list", DataTable)
        # Headed as a refusal names the same keys (hardware.config_keys).
        table.add_columns(
            *(_(KEY_LABELS[k]) for k in ("name", "language", "transport", "target", "size")), _("Default")
        )
        self.refresh_list()
        self.call_after_refresh(self.remember_saved)
        self._tell_set_up_wrong()

    @property
    def counter(self) -> CounterSettings:
        return getattr(self.app, "counter_settings", CounterSettings())

    def refresh_list(self) -> None:
        table = self.query_one("#printer-list", DataTable)
        # The cursor stays on the printer it was on: back on the first row after F8, the next F7 test
        # printed on another printer than the one just made the default.
        selected = self._selected()
        table.clear()
        default = self.counter.printer.get("name") if self.counter.printer else None
        for name, cfg in self.counter.printers.items():
            paper = (
                _("{mm} mm roll", mm=cfg.get("paper_mm", FORM_DEFAULTS["paper_mm"]))
                if cfg.get("language") == "escpos"
                else f"{cfg.get('size', FORM_DEFAULTS['size'])}"
            )
            cells = [name, cfg.get("language", ""), cfg.get("transport", ""), cfg.get("target", "")]
            table.add_row(
                # Settings text is data, never markup; a hand-edited counter.toml's hidden characters
                # (an ESC in a name pasted from a terminal) written out, never sent to the terminal.
                *(Text(visible(cell)) for cell in cells),
                Text(visible(f"{paper} @{cfg.get('dpi', FORM_DEFAULTS['dpi'])}")),
                "✓" if name == default else "",
                key=name,
            )
        if selected in self.counter.printers:
            table.move_cursor(row=table.get_row_index(selected), animate=False)

    @on(DataTable.RowSelected, "#printer-list")
    def _edit_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        name = event.row_key.value
        if name is not None:
            leave(self.app, [self], lambda: self._fill_form(name))

    def _fill_form(self, name: str) -> None:
        """`name`'s settings in the form, as saved (so the form holds no edits yet). A choice counter.toml
        holds that the form does not offer (edited by hand) is shown, marked, and kept by a save; a
        name that is no printer's (hidden characters) is shown written out, and a save asks for one."""
        cfg = self.counter.printers.get(name)
        if cfg is None:  # removed meanwhile
            return
        setting = {**FORM_DEFAULTS, **cfg}
        gap = setting["gap_mm"]
        # Only a name `visible` writes out differs from the field's text: one too long or of spaces only
        # is shown as it is, and a save refuses it for what it is (`NAME_ASKED`).
        written = visible(name)
        self._name_written_out = written if not name_allowed(name) and written != name else None
        typed = {
            "p-name": self._name_written_out or name,
            "p-size": str(setting["size"]),
            "p-target": str(cfg.get("target", "")),
            "p-gap": f"{gap:g}" if isinstance(gap, int | float) else str(gap),
        }
        for field, value in typed.items():
            put_value(self.query_one(f"#{field}"), value)
        not_offered: list[str] = []
        for field, options in choices().items():
            options, value, added = with_saved(options, setting[CHOSEN[field]])
            select = self.query_one(f"#{field}", Select)
            select.set_options(options)
            select.value = value
            if added:
                not_offered.append(visible(str(value)))
        self.remember_saved()
        self.query_one("#p-name", Input).focus()
        said = [_("Printer {name} is in the form: change it, then Ctrl+S saves it.", name=visible(name))]
        if not_offered:
            said.append(_(NOT_OFFERED_SAID, values=listed(not_offered)))
        if self._name_written_out is not None:
            said.append(_(NAME_WRITTEN_OUT))
        self._say(sentences(*said))

    def _say(self, text: str, *, error: bool = False) -> None:
        # Names and targets are data, never markup.
        self.query_one("#printer-status", StatusLine).say(Text(text), error=error)
        if error:
            self.app.bell()

    def _selected(self) -> str | None:
        return self.query_one("#printer-list", Table).cursor_key()

    def _store(self, new: CounterSettings, said: str, *, then_tell: str | None = None) -> None:
        """Check and save in a worker (a manager's change; a misconfigured printer is refused first)."""
        if self.save_waits():
            return
        self._after_store = (new, said, then_tell)
        station, before = self.station, self.counter

        def store() -> None:
            require_manager(station, "settings")  # said before the printer check; the service checks too
            check_saved_printers(before, new)
            change_counter_settings(station, new)

        self.call("store", store)

    def done_store(self, _result: None) -> None:
        new, said, then_tell = self._after_store
        self.app.counter_settings = new  # type: ignore[attr-defined]
        worker: Any = getattr(self.app, "print_worker", None)
        if worker is not None:  # the change takes effect at once
            worker.stop()
            worker.printers = None
            worker.start()
        self.refresh_list()
        self._say(said)
        # One read after the save says what is still set up wrong: two, the last to answer took the
        # line, and the save or the fault went unsaid.
        if then_tell is not None:  # the form's printer was saved
            self._tell_scanner_needs(then_tell)
            self.edits_saved()
        else:
            self._tell_set_up_wrong(said)

    def say_saving(self, text: str = SAVING) -> None:
        self._say(_(text))

    def done_test(self, answer: tuple[int | None, str]) -> None:
        job_id, printer = answer
        app: Any = self.app
        app.kick_worker("print_worker")
        self._say(
            _(
                "Test print queued for {printer} (job {id}); the header shows the printer state.",
                printer=printer,
                id=job_id,
            )
        )

    def failed(self, tag: str, text: str) -> None:
        self._say(text, error=True)
        self.edits_not_saved()

    def still_writing(self, tag: str) -> None:
        self.app.bell()
        self._say(_(STILL_WRITING))

    def action_leave(self, how: str = "app.pop_screen") -> None:
        # Not while a test print is being queued: its job is said here (a save on its way is the
        # question's, `KeepsEdits`).
        if not self.stays_for_answer("test"):
            super().action_leave(how)

    @on(Button.Pressed, "#p-save")
    def save_printer(self) -> None:
        typed = self.query_one("#p-name", Input).value
        if typed and typed == self._name_written_out:
            # Saved under the written-out text it would be a printer beside the one it shows, and saved
            # under its own name it would be refused again: the name it should have is asked for.
            self._say(_(NAME_WRITTEN_OUT), error=True)
            self.edits_not_saved()
            return
        name = meant_printer(typed, self.counter.printers)
        if not name_allowed(name):  # the service's rule (`printer_names`), said before any other check
            self._say(_(NAME_ASKED, max=NAME_MAX), error=True)
            self.edits_not_saved()
            return
        gap = self.query_one("#p-gap", Input).value.strip() or "2"
        try:
            gap_mm: float | str = float(gap)
        except ValueError:
            gap_mm = gap  # refused by the printer check below, with the reason
        cfg: dict[str, Any] = {
            "language": self.query_one("#p-language", Select).value,
            "transport": self.query_one("#p-transport", Select).value,
            "size": self.query_one("#p-size", Input).value.strip() or FORM_DEFAULTS["size"],
            "dpi": self.query_one("#p-dpi", Select).value,
            "target": self.query_one("#p-target", Input).value.strip(),
            "gap_mm": gap_mm,
            "paper_mm": self.query_one("#p-paper", Select).value,
            "cjk": self.query_one("#p-cjk", Select).value,
        }
        if cfg["transport"] == "file":
            # Saved written out: the list and every message then name the folder the labels go to, and a
            # `station` command run as another user (sudo, a service) writes into the same one.
            cfg["target"] = file_target(cfg["target"])
        printers = {**self.counter.printers, name: cfg}
        default = self.counter.printer or {"name": name, **cfg}
        if default.get("name") == name:
            default = {"name": name, **cfg}
        new = self.counter.model_copy(update={"printers": printers, "printer": default})
        if new == self.counter:  # "saved" would tell the clerk something was recorded
            self._say(_("Nothing changed: nothing to save."))
            self.edits_saved()  # what the fields hold is what is saved (a way out waiting goes on)
            return
        self._store(new, _("Printer {name} saved.", name=name), then_tell=name)

    def save_now(self) -> None:
        self.save_printer()

    @role_key("printers.save")
    def action_save(self) -> None:
        self.save_printer()

    def _tell_set_up_wrong(self, said: str = "") -> None:
        """The printers of the list whose settings are wrong (counter.toml edited by hand, say), after
        `said` (what a save just said): a read."""
        counter = self.counter
        self.call("set_up_wrong", lambda: (said, set_up_wrong(counter)), exclusive=True)

    def done_set_up_wrong(self, answer: tuple[str, list[str]]) -> None:
        said, faults = answer
        if faults:
            self.query_one("#printer-status", StatusLine).show_read(Text(sentences(said, *faults)))

    def _tell_scanner_needs(self, name: str) -> None:
        """Once, at setup: which carriers' waybills this sticker turns into QR codes (a read: its
        answer comes as every call's does, so a screen closed meanwhile drops it)."""
        station, counter = self.station, self.counter

        def read() -> tuple[str, Any, list[str], list[str]]:
            printer = printer_for(counter, name)
            return name, printer, qr_carriers(station, printer), set_up_wrong(counter)

        self.call("scanner_needs", read, exclusive=True)

    def done_scanner_needs(self, answer: tuple[str, Any, list[str], list[str]]) -> None:
        name, printer, carriers, faults = answer
        if printer.language.roll:
            paper = _("{mm} mm roll", mm=printer.media.paper_mm)
        else:
            paper = _("{size} mm stickers", size=str(printer.size))
        if not carriers:
            text = _("Printer {name} saved. Its labels carry Code 128 barcodes only.", name=name)
        else:
            text = _(
                "Printer {name} saved. On {paper} at {dpi} dpi its labels carry QR codes for some "
                "{carriers} waybills: the station's scanner must read QR codes as well as Code 128.",
                name=name,
                paper=paper,
                dpi=printer.dpi,
                carriers=listed(carriers),
            )
        # A read after the save: a refusal said meanwhile (the next save, a delete) stays.
        self.query_one("#printer-status", StatusLine).show_read(Text(sentences(text, *faults)))

    def call_refused(self, tag: str, exc: StationError) -> None:
        if tag in ("scanner_needs", "set_up_wrong"):
            return  # a busy database only costs this hint
        if exc.advice in (FIX_IN_SETTINGS, FIX_THEM_IN_SETTINGS):
            # A printer set up wrong: the advice sends the manager to this very screen (F8), where the
            # reason alone says what to mend.
            self.failed(tag, exc.reason())
            return
        super().call_refused(tag, exc)

    @role_key("printers.default")
    def action_make_default(self) -> None:
        name = self._selected()
        if name is None:
            return
        new = self.counter.model_copy(update={"printer": {"name": name, **self.counter.printers[name]}})
        self._store(new, _("{name} is now this counter's default printer.", name=name))

    @role_key("printers.delete")
    def action_delete(self) -> None:
        name = self._selected()
        if name is None:
            return
        printers = {k: v for k, v in self.counter.printers.items() if k != name}
        default = self.counter.printer if self.counter.printer.get("name") != name else {}
        new = self.counter.model_copy(update={"printers": printers, "printer": default})
        self._store(new, _("Printer {name} removed.", name=name))

    def action_test_print(self) -> None:
        name, station, counter = self._selected(), self.station, self.counter
        shown = name or str(counter.printer.get("name") or "")  # none listed: the default, if any

        def test() -> tuple[int | None, str]:
            return queue_test_print(station, counter, printer=name).id, shown

        self.write("test", test)
