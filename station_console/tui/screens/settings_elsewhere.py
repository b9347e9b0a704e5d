"""The Settings form's live view: station settings read again while it is open, shown in its fields.

Changed elsewhere (another counter, the `station` command), a field edited here keeps what was typed and
the status line names the fields that changed (`saved_elsewhere`); read while a save is on its way, they
are shown once the save has answered.
"""

from __future__ import annotations

from typing import Any, cast

from station_console.field_labels import field_label
from station_console.i18n import _
from station_console.settings import StationSettings
from station_console.tui.screens.settings_fields import STATION, FieldWidget, form_value, held_value


class ChangedElsewhere:
    """SettingsScreen's part that shows the station settings as read again."""

    _read_while_saving = False  # the settings were read again while a save was on its way

    def _settings_read(self, settings: StationSettings | None) -> None:
        """The station settings were read again: changed elsewhere, or saved here."""
        screen: Any = self  # a mixin of SettingsScreen
        if settings is None:
            return
        if screen.saving():  # its answer says what it wrote; what was read meanwhile is shown after it
            self._read_while_saving = True
            return
        self._show_saved(settings)

    def _show_saved(self, settings: StationSettings) -> None:
        """The fields built so far show `settings`, except those edited here (see `saved_elsewhere`); the
        status line names what changed. Nothing changes for a save made here: its fields are saved."""
        screen: Any = self  # a mixin of SettingsScreen
        values = settings.model_dump(mode="json")
        shown = {
            widget.id: held_value(cast(FieldWidget, widget), form_value(StationSettings, name, values[name]))
            for widget in screen.query_one("#settings-form").query(".value")
            if widget.id and (name := widget.id.removeprefix(f"{STATION}-")) != widget.id
        }
        screen._start_tables_again(shown)
        screen._remember_where_tables_started(shown)
        changed, kept = screen.saved_elsewhere(shown)
        screen._show_scanner_needs()  # the labels' codes may be among them
        if not changed or screen.read_only:  # a clerk's status line keeps saying why the form is read-only
            return

        def titles(ids: list[str]) -> str:
            return _(", ").join(field_label(StationSettings, i.removeprefix(f"{STATION}-")) for i in ids)

        # Short (the status line wraps to four lines at most): the fields by title, the kept ones again.
        tables = [key for key in kept if key in screen._tables_started]
        if tables:  # a save is refused: their rows would replace the other counter's unseen
            text = _(
                "Changed elsewhere: {fields}; your edit of {tables} cannot be saved over it: Ctrl+S "
                "shows the rows saved now",
                fields=titles(changed),
                tables=titles(tables),
            )
        elif kept:
            text = _(
                "Changed elsewhere: {fields}; kept what you typed in {kept} (Ctrl+S saves it)",
                fields=titles(changed),
                kept=titles(kept),
            )
        else:
            text = _("Changed elsewhere, now shown: {fields}", fields=titles(changed))
        # Another counter's change to the form being edited: said even under a refusal, below it.
        screen.status.show_read(text, under_refusal=True)

    def _after_saving(self) -> None:
        """The save answered: the console is told the settings held now (the save's own, or newer),
        and this screen's watcher shows them; read while the save was on its way and held already, the
        watcher hears nothing new, and they are shown here instead. Shown once either way (each show
        reads what the scanner must read)."""
        screen: Any = self  # a mixin of SettingsScreen
        read_meanwhile, self._read_while_saving = self._read_while_saving, False
        app: Any = screen.app
        if not app.settings_read(screen.station.current_settings()) and read_meanwhile:
            self._show_saved(app.station_settings)
