"""The Settings form's table settings (fee rules, pre-alert sources, ...): where each edit started.

A table is saved whole, so its save names the rows it was edited from (`based_on`), and the service
refuses it over rows another counter saved since. These are the rows this form last showed as saved,
or, for a table being edited here when the live view showed it changed elsewhere, the rows the edit
started from: the manager may not have read the new ones, and Ctrl+S must not replace them unseen.
"""

from __future__ import annotations

from typing import Any, cast

from station_console.settings import StationSettings
from station_console.tui.screens.settings_fields import STATION, FieldWidget, is_table, parsed, widget_value
from station_console.tui.screens.unsaved import put_value


class TableBaselines:
    """SettingsScreen's part that keeps, per table, the rows its next save is based on."""

    _saved_values: dict[str, Any] | None  # KeepsEdits': each field as last shown saved
    _tables_sent: frozenset[str] = frozenset()  # the ids of the tables the last save replaced
    _tables_refused: frozenset[str] = frozenset()  # of those, refused as saved elsewhere meanwhile
    # A table being edited here that the live view showed changed elsewhere: the rows its edit started
    # from (form value, by widget id), sent as what the save is based on so that it is refused.
    _tables_started: dict[str, Any]

    def _start_tables_again(self, shown: dict[str, Any]) -> None:
        """A table whose save was refused, saved elsewhere meanwhile, starts again from the rows saved
        now, as the refusal says: kept as typed, the next Ctrl+S would replace the other rows unseen.
        `shown`: the settings read again now (those saved elsewhere since are in no other field)."""
        screen: Any = self  # a mixin of SettingsScreen
        refused, self._tables_refused = self._tables_refused, frozenset()
        saved = self._saved_values or {}
        for widget in screen.query_one("#settings-form").query(".value"):
            key = widget.id
            if key not in refused or key not in saved:
                continue
            if self._tables_started.pop(key, None) is not None or shown.get(key, saved[key]) != saved[key]:
                put_value(widget, saved[key])  # as last shown saved: `saved_elsewhere` shows newer rows

    def _remember_where_tables_started(self, shown: dict[str, Any]) -> None:
        """A table edited here and now `shown` changed elsewhere keeps what was typed, but its save is
        based on the rows the edit started from (not the new ones, which the manager may not read)."""
        screen: Any = self  # a mixin of SettingsScreen
        saved = self._saved_values or {}
        for widget in screen.query_one("#settings-form").query(".value"):
            key = widget.id
            if (
                key
                and key in saved
                and key in shown
                and shown[key] != saved[key]
                and widget_value(cast(FieldWidget, widget)) not in (saved[key], shown[key])
                and is_table(StationSettings, key.removeprefix(f"{STATION}-"))
            ):
                self._tables_started.setdefault(key, saved[key])

    def _tables_as_read(self, tables: frozenset[str]) -> StationSettings:
        """The station settings with `tables` as this form last showed them saved: their edits start
        there, and the service refuses to replace rows another counter saved since."""
        screen: Any = self  # a mixin of SettingsScreen
        saved = {**(self._saved_values or {}), **self._tables_started}
        data = screen.station.settings().model_dump()
        for name in tables:
            if f"{STATION}-{name}" in saved:
                data[name] = parsed(StationSettings, name, saved[f"{STATION}-{name}"])
        return StationSettings.model_validate(data)
