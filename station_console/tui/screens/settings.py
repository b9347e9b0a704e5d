"""The Settings mode: every documented setting, in sections, and the device and carrier screens.

The sections come from `station_console.settings_sections` and the form from the pydantic models, so a
field added to `StationSettings` or `CounterSettings` appears here with its title (its key beneath, as
counter.toml and the CLI name it) and its description, and no screen change. A section's fields are
built when it is first shown (the whole form was some 340 widgets) and kept, hidden, while another is
shown, with what was typed in them; Ctrl+S saves every section at once, all or nothing, and of the station settings
only the fields edited here (another counter's save meanwhile stays in the rest). Leaving with edits not saved
(Ctrl+Q, another mode) asks first (`KeepsEdits`).
Settings changed elsewhere (another counter, the `station` command) while the form is open are shown
as the live view reads them again (`settings_elsewhere`): a field edited here keeps what was typed, and the status line
names the fields that changed (`saved_elsewhere`); a table (fee rules) so kept is not saved over the
other rows, which the manager may not read: its save is refused and it shows them.
Saving is a manager action (checked by the service, not only here): a clerk reads the form, its fields
not editable, with the status line saying why and no Save button; the sub-screens are opened as usual,
and each of their manager keys is refused as it is pressed (`role_keys`).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any, ClassVar, cast

from pydantic import BaseModel, ValidationError
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, OptionList
from textual.widgets.option_list import Option

from station_console.errors import StationError
from station_console.field_labels import field_label, where_label
from station_console.i18n import N_, _, _n
from station_console.services.admin.counter import change_counter_settings
from station_console.services.admin.settings import save_station_settings
from station_console.settings import CounterSettings, StationSettings
from station_console.settings_sections import Section, sections
from station_console.tui.held_toasts import notify_of_screen
from station_console.tui.restart_needed import needs_restart
from station_console.tui.role_keys import refused, role_key
from station_console.tui.screens.base import ModeScreen, open_over
from station_console.tui.screens.calls import ServiceCalls
from station_console.tui.screens.settings_elsewhere import ChangedElsewhere
from station_console.tui.screens.settings_fields import (
    COUNTER,
    STATION,
    BadField,
    FieldWidget,
    field_widget,
    form_value,
    held_value,
    is_table,
    parsed,
    widget_value,
)
from station_console.tui.screens.settings_tables import TableBaselines
from station_console.tui.screens.unsaved import SAVING, KeepsEdits, put_value
from station_console.tui.widgets.form_scroll import FormScroll
from station_console.tui.widgets.plain import Label, Static
from station_console.tui.widgets.status_line import StatusLine
from station_console.validation_reasons import validation_reason

# Sub-screens of other areas, opened by key; imported when asked so a missing one never breaks Settings.
# Narrower than this, a field's help goes under it: beside it, it was squeezed to a cell or two and
# stood each field a dozen lines tall (at 100 columns), or off the screen with half the editor.
HELP_BESIDE_MIN = 130
SUBSCREENS = {
    "carriers": ("station_console.tui.screens.carrier_editor", "CarrierEditorScreen"),
    "scan_test": ("station_console.tui.screens.scan_test", "ScanTestScreen"),
    "printers": ("station_console.tui.screens.printers", "PrintersScreen"),
    "clerks": ("station_console.tui.screens.clerk_admin", "ClerkAdminScreen"),
    "outbox": ("station_console.tui.screens.outbox", "OutboxScreen"),
    "recipients": ("station_console.tui.screens.recipients", "RecipientsScreen"),
    "carrier_events": ("station_console.tui.screens.carrier_events", "CarrierEventsScreen"),
    "sendout_rules": ("station_console.tui.screens.sendout_rules", "SendoutRulesScreen"),
    "prealerts": ("station_console.tui.screens.prealerts", "PrealertsScreen"),
}
MODELS: dict[str, type[BaseModel]] = {STATION: StationSettings, COUNTER: CounterSettings}


class SettingsScreen(ChangedElsewhere, TableBaselines, KeepsEdits, ServiceCalls, ModeScreen):
    MODE_TITLE = N_("Settings")
    _role_line = ""  # what the status line says to a clerk, while it says it
    _sent: tuple[StationSettings, dict[str, Any]]  # the last save's station settings, and what was typed
    EDITS = "#settings-form"
    SAVE_CALL = "save"
    CSS_PATH = "settings.tcss"
    AUTO_FOCUS = "#settings-sections"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), id="settings.save", tooltip=N_("Save")),
        # Function keys: letters would be typed into the focused field.
        Binding("f7", "open('carriers')", N_("Carriers"), id="settings.carriers"),
        Binding("f8", "open('printers')", N_("Printers"), id="settings.printers"),
        Binding("f9", "open('scan_test')", N_("Scan test"), id="settings.scan_test"),
        Binding("f10", "open('clerks')", N_("Clerks"), id="settings.clerks"),
        # Named as the screen it opens, two columns shorter: with Ins first, Settings' own keys fit 120.
        Binding("f11", "open('outbox')", N_("Outbox"), id="settings.outbox"),
        Binding("f12", "open('recipients')", N_("Recipients"), id="settings.recipients"),
        Binding(
            # F7-F12 are taken; not ctrl+e, which the focused field keeps (end of line).
            "ctrl+o",
            "open('carrier_events')",
            N_("Events"),  # short: Settings' own keys fit a 120-column footer
            id="settings.carrier_events",
            tooltip=N_("Events sent back to carriers; the dead-letter list"),
        ),
        Binding(
            # A key no other screen or field uses: Ctrl+R is Refresh on five screens, and the fields
            # keep Ctrl+A/E/D/W/U/K/X/C/V for editing.
            "ctrl+f",
            "open('sendout_rules')",
            N_("Rules"),
            id="settings.sendout_rules",
            tooltip=N_("Tariffs, the inspection checklist, waybill stock"),
        ),
        Binding(
            # Last: where the footer has no room left (120 columns) the key list (Ins) still says it.
            # No field edits with Ctrl+G.
            "ctrl+g",
            "open('prealerts')",
            N_("Pre-alerts"),
            id="settings.prealerts",
            tooltip=N_("Import a carrier's pre-alert file; the files imported"),
        ),
    ]

    def compose_body(self) -> ComposeResult:
        self._tables_started = {}
        self.read_only = refused(self.app, "settings.save") is not None  # a clerk's: see show_role
        self.sections = sections()
        self.shown = 0  # the section on screen
        # The sections built so far, by index: each is built when first shown and then kept (building
        # one took 50 to 265 ms of CPU a switch); a field of a section never shown keeps its saved value.
        self.built: dict[int, Widget] = {}
        yield Static(id="scanner-needs")  # which codes the labels use, so the scanner must read
        with Horizontal(id="settings-body"):
            yield OptionList(
                *(Option(Text(_(s.title)), id=s.key) for s in self.sections), id="settings-sections"
            )
            with Vertical(id="settings-pane"):
                form = FormScroll(id="settings-form", classes=self._form_class(self.app.size.width))
                form.can_focus = False  # Tab from the section list goes straight to the first field
                with form:
                    yield self._section(0)
                yield Button(_("Save"), id="save", variant="primary")
        yield StatusLine(id="settings-status")

    @staticmethod
    def _form_class(width: int) -> str:
        return "-help-below" if width < HELP_BESIDE_MIN else ""

    def on_resize(self) -> None:
        self.query_one("#settings-form").set_class(self.size.width < HELP_BESIDE_MIN, "-help-below")

    def on_mount(self) -> None:  # ModeScreen's on_mount runs too: Textual calls each class's handler
        self.query_one("#settings-sections", OptionList).highlighted = 0
        self.call_after_refresh(self.remember_saved)  # the first section, as saved
        self.watch(self.app, "station_settings", self._settings_read, init=False)

    def _saved(self, prefix: str) -> BaseModel:
        if prefix == STATION:
            return self.station.settings()
        counter: CounterSettings = getattr(self.app, "counter_settings", CounterSettings())
        return counter

    def _section(self, index: int) -> Widget:
        """Section `index`'s fields in one pane, remembered as built."""
        pane = Vertical(*self._rows(self.sections[index]), classes="form-section")
        self.built[index] = pane
        return pane

    def _rows(self, section: Section) -> Iterator[Widget]:
        yield Static(_(section.title), classes="section")
        for prefix, names, where in (
            (STATION, section.station, _("Shared by every counter; kept in the database.")),
            (COUNTER, section.counter, _("This counter only; kept in its counter.toml.")),
        ):
            if not names:
                continue
            yield Static(where, classes="where")
            model = MODELS[prefix]
            saved = self._saved(prefix).model_dump(mode="json")  # nested models (fee rules) as JSON
            for name in names:
                widget_id = f"{prefix}-{name}"
                if name in section.elsewhere:
                    editor: Widget = Label(_(section.elsewhere[name]), classes="elsewhere")
                else:
                    editor = field_widget(model, name, form_value(model, name, saved[name]), widget_id)
                    editor.disabled = self.read_only
                description = model.model_fields[name].description or ""
                yield Horizontal(
                    # The key beneath the title: what counter.toml and the CLI call it.
                    Label(Text.assemble(field_label(model, name), "\n", (name, "dim")), classes="name"),
                    editor,
                    Label(_(description), classes="help"),  # Chinese wrapped as typeset: line_breaks.py
                    classes="field",
                )

    def _typed(self) -> dict[str, Any]:
        """What the editors of every section built so far hold (widget id -> form value)."""
        return {
            widget.id: widget_value(cast(FieldWidget, widget))
            for widget in self.query_one("#settings-form").query(".value")
            if widget.id
        }

    @on(OptionList.OptionHighlighted, "#settings-sections")
    async def _section_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # Only the list's highlight now: show_section moves it too, and an older one must not undo that.
        if event.option_index == event.option_list.highlighted:
            await self.show_section(event.option_index)

    @on(OptionList.OptionSelected, "#settings-sections")
    def _section_chosen(self) -> None:
        self.focus_next(".value")  # Enter goes into the form, as Tab does

    async def show_section(self, index: int) -> None:
        """Show section `index` in place of the one shown, which is hidden with what was typed in it."""
        if index == self.shown:
            return
        form = self.query_one("#settings-form", FormScroll)
        self.built[self.shown].display = False
        if index in self.built:
            self.built[index].display = True
        else:
            pane = self._section(index)
            await form.mount(pane)
            self.remember_saved(pane)
        self.shown = index
        form.scroll_home(animate=False)
        sections_list = self.query_one("#settings-sections", OptionList)
        if sections_list.highlighted != index:
            sections_list.highlighted = index

    def came_to_front(self) -> None:
        super().came_to_front()
        self.show_role()  # again after a sign-in: another clerk may be at the counter
        self._show_scanner_needs()  # again after Printers, where they may have changed

    def show_role(self) -> None:
        """Only a manager changes settings: for anyone else the form is read-only, with one line saying
        so (the refusal a save would get) and no Save button; Tab then reaches the form itself, whose
        keys scroll it. The service refuses a clerk's save anyway."""
        why = refused(self.app, "settings.save")
        self.read_only = why is not None
        form = self.query_one("#settings-form", FormScroll)
        for editor in form.query(".value"):
            editor.disabled = self.read_only
        form.can_focus = self.read_only
        self.query_one("#save", Button).display = not self.read_only
        status = self.status
        if why is not None:
            status.show_read(why)
            self._role_line = why
        elif self._role_line:  # a manager now: the clerk's line goes
            if str(status.render()) == self._role_line:
                status.show_read("")
            self._role_line = ""

    @property
    def status(self) -> StatusLine:
        """Where a refusal stands until the manager's next key, over the settings read meanwhile."""
        return self.query_one("#settings-status", StatusLine)

    def _show_scanner_needs(self) -> None:
        """Which codes the labels use (a read: its answer comes as every call's does, so a screen
        closed meanwhile drops it)."""
        from station_console.services.printing.printers import scanner_needs

        station = self.station
        counter: CounterSettings = getattr(self.app, "counter_settings", CounterSettings())
        self.call("scanner_needs", lambda: scanner_needs(station, counter), exclusive=True)

    def done_scanner_needs(self, text: str) -> None:
        self.query_one("#scanner-needs", Static).update(text)

    @on(Button.Pressed, "#save")
    async def _save_pressed(self) -> None:
        await self.action_save()

    def _validated(self, prefix: str, typed: dict[str, Any]) -> BaseModel:
        """The settings as `typed`, over the saved ones; `BadField` names a field they refuse."""
        model = MODELS[prefix]
        data = self._saved(prefix).model_dump()
        for name in model.model_fields:
            widget_id = f"{prefix}-{name}"
            if widget_id in typed:
                data[name] = parsed(model, name, typed[widget_id])
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            error = exc.errors()[0]
            raise BadField(tuple(error.get("loc", ())), validation_reason(error, model=model)) from None

    @role_key("settings.save")
    async def action_save(self) -> None:
        if self.save_waits():
            return
        if not self.unsaved_edits():  # "saved" would tell the clerk something was recorded
            self.status.say(_("Nothing changed: nothing to save."))
            return
        bad = self._send_save()
        if bad is not None:
            await self._refuse(*bad)

    @role_key("settings.save")
    def save_now(self) -> None:
        # Sent now, not on a later turn: a way-out key pressed right after the question's Save finds
        # the save on its way, and waits for it.
        bad = self._send_save()
        if bad is not None:
            self.call_later(self._refuse, *bad)

    def _send_save(self) -> tuple[str, BadField] | None:
        """Every section's values checked and sent to be saved; else the field that refused its value."""
        typed = self._typed()
        values: dict[str, BaseModel] = {}
        for prefix in (STATION, COUNTER):
            try:
                values[prefix] = self._validated(prefix, typed)
            except BadField as bad:
                return prefix, bad
        new_station = cast(StationSettings, values[STATION])
        new_counter = cast(CounterSettings, values[COUNTER])
        station = self.station
        edited = self._edited_here()
        tables = frozenset(name for name in edited if is_table(StationSettings, name))
        read = self._tables_as_read(tables)

        def save() -> None:
            # One save: the station's part commits with the counter's event, once the counter file is
            # on disk and both parts' checks passed, so a refusal of either leaves both as they were.
            change_counter_settings(
                station,
                new_counter,
                along=lambda session: save_station_settings(
                    session, station, new_station, only=edited, based_on=read, checked=tables
                ),
            )

        self._tables_sent = frozenset(f"{STATION}-{name}" for name in tables)

        self._saving = new_counter
        self._sent = (new_station, typed)
        # Its answer takes what the fields hold then as saved: keys typed behind Ctrl+S wait for it
        # (`holds_keys`), else a letter typed right behind counted as saved and was lost unasked.
        self.call("save", save, holds_keys=True)
        return None

    def _show_as_stored(self) -> None:
        """The station fields just saved here show their values as stored (a name's runs of spaces made
        one), so the form remembers that as saved: what was typed would read as changed elsewhere
        when the settings come back. A field typed over while the save was on its way keeps it."""
        new, typed = self._sent
        values = new.model_dump(mode="json")
        for widget in self.query_one("#settings-form").query(".value"):
            name = widget.id.removeprefix(f"{STATION}-") if widget.id else ""
            if not widget.id or name == widget.id or name not in values:
                continue  # a counter setting: no other counter saves it
            editor = cast(FieldWidget, widget)
            shown = held_value(editor, form_value(StationSettings, name, values[name]))
            if widget_value(editor) == typed.get(widget.id) and widget_value(editor) != shown:
                put_value(editor, shown)

    def _edited_here(self) -> frozenset[str]:
        """The station fields edited in this form (their editors no longer hold what they last showed
        as saved): the save writes only these, and keeps what another counter saved in the others
        since (the form may not show it yet). A field never remembered as saved counts as edited."""
        saved = self._saved_values or {}
        return frozenset(
            name
            for editor in self.query_one("#settings-form").query(".value")
            if editor.id
            and (name := editor.id.removeprefix(f"{STATION}-")) != editor.id
            and (editor.id not in saved or getattr(editor, "value", None) != saved[editor.id])
        )

    async def _refuse(self, prefix: str, bad: BadField) -> None:
        """Say which field refused its value, in which section, and put the cursor in it."""
        name, where = bad.name, where_label(bad.loc, MODELS[prefix])
        names = [s.station if prefix == STATION else s.counter for s in self.sections]
        index = next((i for i, fields in enumerate(names) if name in fields), None)
        if index is None:
            said = _("Invalid value for {field}: {reason}", field=where, reason=bad.reason)
        else:
            await self.show_section(index)
            self.query_one(f"#{prefix}-{name}").focus()
            said = _(
                "Invalid value for {field} in {section}: {reason}",
                field=where,
                section=_(self.sections[index].title),
                reason=bad.reason,
            )
        self.status.say(said, error=True)
        self.app.bell()
        self.edits_not_saved()

    def say_saving(self, text: str = SAVING) -> None:
        self.status.say(_(text))

    def done_save(self, _result: None) -> None:
        app: Any = self.app
        # Against what the console started with: a change saved before and not yet restarted for still
        # waits, and one put back as it was no longer does.
        later = needs_restart(app.counter_settings_at_start or app.counter_settings, self._saving)
        app.counter_settings = self._saving  # the rest take effect now (`restart_needed`)
        if later:
            fields = _(", ").join(field_label(CounterSettings, name) for name in later)
            self.status.say(
                _n(
                    "Saved. {fields} takes effect after a restart (Ctrl+Q, then start the console again).",
                    "Saved. {fields} take effect after a restart (Ctrl+Q, then start the console again).",
                    len(later),
                    fields=fields,
                )
            )
        else:
            self.status.say(_("Settings were saved."))
        self._show_as_stored()
        self._tables_started = {}  # what a later edit starts from is what was just saved
        self.edits_saved()
        self._after_saving()

    def discard_edits(self) -> None:
        super().discard_edits()
        self._tables_started = {}  # the tables show what is saved: an edit starts there again

    def call_refused(self, tag: str, exc: StationError) -> None:
        if tag == self.SAVE_CALL and exc.code == "settings_saved_meanwhile":
            self._tables_refused = self._tables_sent
        if tag == self.SAVE_CALL and exc.code == "counter_not_saved":
            self._station_part_saved()
        super().call_refused(tag, exc)

    def _station_part_saved(self) -> None:
        """The save's station part committed and only the counter's file failed: its station fields are
        remembered as saved, so Ctrl+S again writes only the counter's file. Sent again, a table's rows
        were refused as saved meanwhile by another counter: by this save. A field typed over while the
        save was on its way stays an edit."""
        self._show_as_stored()
        self._tables_started = {}
        new, typed = self._sent
        values = new.model_dump(mode="json")
        saved = self._saved_values if self._saved_values is not None else {}
        for widget in self.query_one("#settings-form").query(".value"):
            name = widget.id.removeprefix(f"{STATION}-") if widget.id else ""
            if widget.id and name != widget.id and name in values and widget.id in typed:
                saved[widget.id] = held_value(
                    cast(FieldWidget, widget), form_value(StationSettings, name, values[name])
                )
        self._saved_values = saved

    def failed(self, tag: str, text: str) -> None:
        if tag == "scanner_needs":  # said where its answer goes, not as a save refused
            self.done_scanner_needs(text)
            return
        if tag == self.SAVE_CALL:
            self._after_saving()  # first: what it shows of the settings read again, the refusal replaces
            if self._tables_refused:  # nothing newer to show: the live view showed it already
                self._start_tables_again({})
        self.status.say(text, error=True)
        self.app.bell()
        self.edits_not_saved()

    def action_open(self, which: str) -> None:
        if self.save_waits():  # Printers would start from the counter settings this save replaces
            return
        module_name, class_name = SUBSCREENS[which]
        try:
            screen_class = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError):
            notify_of_screen(self, _("Not available yet on this console."))  # of Settings' own list
            return
        open_over(self, screen_class())
