"""The Shelves mode. Filled in by its issue; the shell is real and navigable."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from station_console.i18n import N_, _
from station_console.tui.screens.base import ModeScreen


class ShelvesScreen(ModeScreen):
    MODE_TITLE = N_("Shelves")

    def compose_body(self) -> ComposeResult:
        yield Static(_("Shelves"), classes="placeholder")
