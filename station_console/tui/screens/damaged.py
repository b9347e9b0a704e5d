"""The database failed SQLite's page check at start: say so, and what to do, before anyone works on."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical

from station_console.i18n import _
from station_console.tui.screens.base import Dialog
from station_console.tui.widgets.plain import Static


class DamagedScreen(Dialog[None]):
    """Cannot be dismissed: only the app's quit key works, like the sign-in dialog."""

    CLERKS_OWN = False  # the database's state, whoever is signed in

    def __init__(self, message: str) -> None:
        super().__init__(id="damaged")
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("The station database is damaged"), classes="dialog-title")
            yield Static(self.message, id="damaged-message")
            yield Static(_("Nothing more is saved to it. Ctrl+Q: quit"), classes="hint")
