"""Scans the screen on top did not take: a wedge scanner's partial burst no screen showed, a device scan
over a screen that takes none, a paste where no field has the focus (the shelf map). The scanner beeped
as it read, and the clerk pasted it, so each is said, never dropped without a word; over the sign-in only
the bell, as a toast would quote a customer's code to the next clerk.

Mixed into `StationApp` so the app module stays small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.widgets import TextArea

from station_console.i18n import N_, _
from station_console.safe_text import cut, pasted_line

if TYPE_CHECKING:
    from station_console.tui.scanner_bridge import ScannerBridge
    from station_console.tui.widgets.wedge import KeyRouter

# The scan is the code as the scanner read it: `notify` shows it as text, never markup.
DEVICE_SCAN_NOT_TAKEN = N_(
    "Nothing here takes a scan: {code} was not taken. Scan it again on the screen that needs it."
)

# The paste is the clerk's text (a waybill, a code): shown as text, never markup.
PASTE_NOT_TAKEN = N_(
    "Nothing here takes a paste: {text} was not taken. Paste it into a field on the screen that needs it."
)


class ScansNotTakenApp(App[None]):
    """Expects `signing_in` from the clerk session (the sign-in is on top)."""

    @property
    def signing_in(self) -> bool:
        raise NotImplementedError  # the clerk session's

    def on_key_router_refused(self, event: KeyRouter.Refused) -> None:
        """A partial scan no screen showed in its own panel: a scanner's burst is never dropped
        without a word, wherever the focus was. Not on a locked console: keys typed as the clerk
        locked it are decided under the sign-in, and the toast would quote them (a customer's code)."""
        if self.signing_in:
            return
        self.bell()
        self.notify(event.shown(), severity="error")

    def on_scanner_bridge_scanned(self, event: ScannerBridge.Scanned) -> None:
        """A device scan that the screen on top did not take (a form, a list, a screen that takes no
        scans): the scanner beeped as it read, so without a word the clerk thinks it was taken. Over
        the sign-in only the bell: the toast would wait there and quote the code to the next clerk."""
        self.bell()
        if not self.signing_in:
            self.notify(_(DEVICE_SCAN_NOT_TAKEN, code=cut(event.code, 40)), severity="error")

    def on_paste(self, event: events.Paste) -> None:
        """A paste given to what has the focus that no field took: it bubbled up here (a map, a list, a
        tick box focused; a waybill pasted on Shelves, or right behind a dialog's close, was lost unsaid)."""
        text = pasted_line(event.text).strip()
        focused = self.focused
        if not event.is_forwarded or not text or (isinstance(focused, TextArea) and not focused.read_only):
            return  # a text area takes a paste and lets it bubble on (Carriers' patterns)
        self.bell()
        if not self.signing_in:
            self.notify(_(PASTE_NOT_TAKEN, text=cut(text, 40)), severity="error")
