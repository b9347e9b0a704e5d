"""Settings > Printers: this counter's label printers, a default, and a test print.

Printers are counter settings (counter.toml): each PC has its own. Saving restarts the console's print
worker so the change takes effect at once; a test print goes through the same queue as a label.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Select, Static

from hardware.printers.factory import LANGUAGES
from hardware.printers.label import SIZES
from station_console.errors import StationError
from station_console.i18n import N_, _
from station_console.services import printing
from station_console.services.print_setup import configured_printers
from station_console.services.roles import require_manager
from station_console.settings import CounterSettings, save_counter_settings
from station_console.tui.screens.base import ModeScreen, report_unexpected

TRANSPORTS = ("usb", "tcp", "device", "cups", "file", "dummy")
TARGET_HINT = N_("target: USB vendor:product, host[:9100], /dev/usb/lp0, CUPS queue, or a file path")


class PrintersScreen(ModeScreen):
    MODE_TITLE = N_("Printers")
    DEFAULT_CSS = """
    PrintersScreen #printer-form { height: auto; padding: 0 1; }
    PrintersScreen #printer-form Horizontal { height: auto; }
    PrintersScreen #printer-form Input, PrintersScreen #printer-form Select { width: 1fr; }
    PrintersScreen #printer-list { height: 1fr; }
    PrintersScreen #printer-status { height: 2; padding: 0 1; }
    PrintersScreen #printer-status.error { background: $error; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", N_("Back"), id="printers.back"),
        Binding("f7", "test_print", N_("Test print"), id="printers.test"),
        Binding("f8", "make_default", N_("Make default"), id="printers.default"),
        Binding("f9", "delete", N_("Delete"), id="printers.delete"),
    ]

    def compose_body(self) -> ComposeResult:
        with Vertical(id="printer-form"):
            with Horizontal():
                yield Input(placeholder=_("name"), id="p-name")
                yield Select(
                    [(lang, lang) for lang in LANGUAGES], value="tspl", allow_blank=False, id="p-language"
                )
                yield Select([(t, t) for t in TRANSPORTS], value="usb", allow_blank=False, id="p-transport")
                yield Select([(s, s) for s in SIZES], value="40x30", allow_blank=False, id="p-size")
                yield Select([("203 dpi", 203), ("300 dpi", 300)], value=203, allow_blank=False, id="p-dpi")
            with Horizontal():
                yield Input(placeholder=_(TARGET_HINT), id="p-target")
                yield Button(_("Save printer"), id="p-save", variant="primary")
        yield DataTable(id="printer-list", cursor_type="row")
        yield Static(id="printer-status")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#printer-list", DataTable)
        table.add_columns(_("Name"), _("Language"), _("Transport"), _("Target"), _("Size"), _("Default"))
        self.refresh_list()

    @property
    def counter(self) -> CounterSettings:
        return getattr(self.app, "counter_settings", CounterSettings())

    def refresh_list(self) -> None:
        table = self.query_one("#printer-list", DataTable)
        table.clear()
        default = self.counter.printer.get("name") if self.counter.printer else None
        for name, cfg in self.counter.printers.items():
            table.add_row(
                name,
                cfg.get("language", ""),
                cfg.get("transport", ""),
                cfg.get("target", ""),
                f"{cfg.get('size', '40x30')} @{cfg.get('dpi', 203)}",
                "✓" if name == default else "",
                key=name,
            )

    def _say(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#printer-status", Static)
        status.update(text)
        status.set_class(error, "error")
        if error:
            self.app.bell()

    def _selected(self) -> str | None:
        table = self.query_one("#printer-list", DataTable)
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def _store(self, new: CounterSettings) -> None:
        require_manager(self.station, "settings")
        configured_printers(new)  # refuses a misconfigured printer before anything is saved
        save_counter_settings(new)
        self.app.counter_settings = new  # type: ignore[attr-defined]
        worker: Any = getattr(self.app, "print_worker", None)
        if worker is not None:
            worker.stop()
            worker.printers = None
            worker.start()
        self.refresh_list()

    def _guarded(self, action: Any) -> bool:
        try:
            action()
        except StationError as exc:
            self._say(exc.message(), error=True)
            return False
        except Exception as exc:  # a bug: logged, one calm line on screen
            self._say(report_unexpected(self, exc), error=True)
            return False
        return True

    @on(Button.Pressed, "#p-save")
    def save_printer(self) -> None:
        name = self.query_one("#p-name", Input).value.strip()
        if not name:
            self._say(_("Give the printer a name"), error=True)
            return
        cfg: dict[str, Any] = {
            "language": self.query_one("#p-language", Select).value,
            "transport": self.query_one("#p-transport", Select).value,
            "size": self.query_one("#p-size", Select).value,
            "dpi": self.query_one("#p-dpi", Select).value,
            "target": self.query_one("#p-target", Input).value.strip(),
        }
        printers = {**self.counter.printers, name: cfg}
        default = self.counter.printer or {"name": name, **cfg}
        if default.get("name") == name:
            default = {"name": name, **cfg}
        new = self.counter.model_copy(update={"printers": printers, "printer": default})
        if self._guarded(lambda: self._store(new)):
            self._say(_("Printer {name} saved.", name=name))

    def action_make_default(self) -> None:
        name = self._selected()
        if name is None:
            return
        new = self.counter.model_copy(update={"printer": {"name": name, **self.counter.printers[name]}})
        if self._guarded(lambda: self._store(new)):
            self._say(_("{name} is now this counter's default printer.", name=name))

    def action_delete(self) -> None:
        name = self._selected()
        if name is None:
            return
        printers = {k: v for k, v in self.counter.printers.items() if k != name}
        default = self.counter.printer if self.counter.printer.get("name") != name else {}
        new = self.counter.model_copy(update={"printers": printers, "printer": default})
        if self._guarded(lambda: self._store(new)):
            self._say(_("Printer {name} removed.", name=name))

    def action_test_print(self) -> None:
        name = self._selected()

        def queue() -> None:
            job = printing.queue_test_print(self.station, self.counter, printer=name)
            worker: Any = getattr(self.app, "print_worker", None)
            if worker is not None:
                worker.kick()
            self._say(_("Test print queued (job {id}); the header shows the printer state.", id=job.id))

        self._guarded(queue)
