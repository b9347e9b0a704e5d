"""The Settings mode: every documented setting as a form field, and the device and carrier screens.

The form is built from the pydantic models, so a field added to `StationSettings` or `CounterSettings`
appears here with its description and no screen change. Saving is a manager action (checked by the
service, not only here).
"""

from __future__ import annotations

import importlib
import json
import typing
from collections.abc import Collection
from typing import Any, ClassVar

from pydantic import BaseModel, ValidationError
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Input, Select, Switch

from station_console.errors import StationError
from station_console.i18n import N_, _
from station_console.services.admin.settings import save_station_settings
from station_console.settings import CounterSettings, StationSettings, save_counter_settings
from station_console.tui.screens.base import ModeScreen
from station_console.tui.screens.calls import ServiceCalls
from station_console.tui.widgets.form_scroll import FormScroll
from station_console.tui.widgets.plain import Label, Static

# Sub-screens of other areas, opened by key; imported when asked so a missing one never breaks Settings.
SUBSCREENS = {
    "carriers": ("station_console.tui.screens.carrier_editor", "CarrierEditorScreen"),
    "scan_test": ("station_console.tui.screens.scan_test", "ScanTestScreen"),
    "printers": ("station_console.tui.screens.printers", "PrintersScreen"),
    "clerks": ("station_console.tui.screens.clerk_admin", "ClerkAdminScreen"),
    "outbox": ("station_console.tui.screens.outbox", "OutboxScreen"),
    "recipients": ("station_console.tui.screens.recipients", "RecipientsScreen"),
    "carrier_events": ("station_console.tui.screens.carrier_events", "CarrierEventsScreen"),
}
SKIP_COUNTER_FIELDS = {"printer", "printers", "scanner"}  # edited on their own screens


def field_widget(model: type[BaseModel], name: str, value: Any, prefix: str) -> Input | Select[Any] | Switch:
    annotation = model.model_fields[name].annotation
    widget_id = f"{prefix}-{name}"
    if annotation is bool:
        return Switch(value=bool(value), id=widget_id)
    choices = [a for a in typing.get_args(annotation) if a is not type(None)]
    literal = next((c for c in choices if typing.get_origin(c) is typing.Literal), None)
    if typing.get_origin(annotation) is typing.Literal or literal is not None:
        options = typing.get_args(literal if literal is not None else annotation)
        return Select(
            [(str(o), o) for o in options],
            value=value if value in options else Select.NULL,
            allow_blank=value is None,
            id=widget_id,
        )
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)
    return Input(value=text, id=widget_id)


def read_fields(
    screen: ModeScreen,
    model: type[BaseModel],
    current: BaseModel,
    prefix: str,
    skip: Collection[str] = frozenset(),
) -> dict[str, Any]:
    data = current.model_dump()
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        widget = screen.query_one(f"#{prefix}-{name}")
        if isinstance(widget, Switch):
            data[name] = widget.value
        elif isinstance(widget, Select):
            data[name] = None if widget.value is Select.NULL else widget.value
        elif isinstance(widget, Input):
            text = widget.value.strip()
            data[name] = json.loads(text) if typing.get_origin(info.annotation) in (dict, list) else text
    return data


class SettingsScreen(ServiceCalls, ModeScreen):
    MODE_TITLE = N_("Settings")
    CSS_PATH = "settings.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), id="settings.save", tooltip=N_("Save")),
        # Function keys: letters would be typed into the focused field.
        Binding("f7", "open('carriers')", N_("Carriers"), id="settings.carriers"),
        Binding("f8", "open('printers')", N_("Printers"), id="settings.printers"),
        Binding("f9", "open('scan_test')", N_("Scan test"), id="settings.scan_test"),
        Binding("f10", "open('clerks')", N_("Clerks"), id="settings.clerks"),
        Binding("f11", "open('outbox')", N_("Messages"), id="settings.outbox"),
        Binding("f12", "open('recipients')", N_("Recipients"), id="settings.recipients"),
        Binding(
            # F7-F12 are taken; not ctrl+e, which the focused field keeps (end of line).
            "ctrl+o",
            "open('carrier_events')",
            N_("Carrier events"),
            id="settings.carrier_events",
            tooltip=N_("Events sent back to carriers; the dead-letter list"),
        ),
    ]

    def compose_body(self) -> ComposeResult:
        station = self.station.settings()
        counter: CounterSettings = getattr(self.app, "counter_settings", CounterSettings())
        yield Static(id="scanner-needs")  # which codes the labels use, so the scanner must read
        with FormScroll(id="settings-form"):
            yield Static(_("Station settings (shared by every counter)"), classes="section")
            values = station.model_dump(mode="json")  # nested models (fee rules, event targets) as JSON
            for name, info in StationSettings.model_fields.items():
                with Horizontal(classes="field"):
                    yield Label(name, classes="name")
                    yield field_widget(StationSettings, name, values[name], "st")
                    yield Label(_(info.description or ""), classes="help")
            yield Static(_("This counter"), classes="section")
            for name, info in CounterSettings.model_fields.items():
                if name in SKIP_COUNTER_FIELDS:
                    continue
                with Horizontal(classes="field"):
                    yield Label(name, classes="name")
                    yield field_widget(CounterSettings, name, getattr(counter, name), "ct")
                    yield Label(_(info.description or ""), classes="help")
            yield Button(_("Save"), id="save", variant="primary")
        yield Static(id="settings-status")

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self._show_scanner_needs()  # again after Printers, where they may have changed

    @work(thread=True, exclusive=True, exit_on_error=False, group="scanner-needs")
    def _show_scanner_needs(self) -> None:
        from station_console.services.printing.printers import scanner_needs

        counter: CounterSettings = getattr(self.app, "counter_settings", CounterSettings())
        try:
            text = scanner_needs(self.station, counter)
        except StationError as exc:
            text = exc.message()
        self.app.call_from_thread(self.query_one("#scanner-needs", Static).update, text)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        status = self.query_one("#settings-status", Static)
        try:
            station_data = read_fields(self, StationSettings, self.station.settings(), "st")
            counter: CounterSettings = getattr(self.app, "counter_settings", CounterSettings())
            counter_data = read_fields(self, CounterSettings, counter, "ct", SKIP_COUNTER_FIELDS)
            new_station = StationSettings.model_validate(station_data)
            new_counter = CounterSettings.model_validate(counter_data)
        except (ValidationError, json.JSONDecodeError) as exc:
            reason = exc.errors()[0] if isinstance(exc, ValidationError) else {"loc": ("?",), "msg": str(exc)}
            status.update(
                _(
                    "Invalid value for {field}: {reason}",
                    field=".".join(map(str, reason["loc"])),
                    reason=reason["msg"],
                )
            )
            status.set_class(True, "error")
            self.app.bell()
            return
        station = self.station

        def save() -> None:
            station.run(lambda session: save_station_settings(session, station, new_station))
            save_counter_settings(new_counter)
            station.settings()  # read again here, so the screens that follow find them cached

        self._saving = new_counter
        self.call("save", save, exclusive=True)

    def done_save(self, _result: None) -> None:
        self.app.counter_settings = self._saving  # type: ignore[attr-defined]
        status = self.query_one("#settings-status", Static)
        status.update(_("Settings were saved; some take effect after a restart."))
        status.set_class(False, "error")

    def failed(self, tag: str, text: str) -> None:
        status = self.query_one("#settings-status", Static)
        status.update(text)
        status.set_class(True, "error")
        self.app.bell()

    def action_open(self, which: str) -> None:
        module_name, class_name = SUBSCREENS[which]
        try:
            screen_class = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError):
            self.notify(_("Not available yet on this console."), severity="warning")
            return
        self.app.push_screen(screen_class())
