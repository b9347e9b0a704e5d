"""A scan reaches the screen's `take_scan(code)` wherever the focus is, from the keyboard-wedge router
(`KeyRouter.Scanned`) or a device scanner (`ScannerBridge.Scanned`) alike.

Named handlers, not `@on`: a plain mixin has no decorated-handler table of its own. Scanner output that
is not a whole code (`KeyRouter.Refused`) is said by the screen in its own place (`refuse_scan`); a screen
with no such place leaves it to the app's toast.
"""

from __future__ import annotations

from station_console.tui.scanner_bridge import ScannerBridge
from station_console.tui.widgets.wedge import KeyRouter


class TakesScans:
    def take_scan(self, code: str) -> None:
        raise NotImplementedError

    def refuse_scan(self, text: str) -> bool:
        """Scanner output that is not a whole code, said loudly where the screen's scans are answered;
        nothing of it is taken. False: the screen has no such place, and the app's toast says it."""
        return False

    def on_key_router_refused(self, event: KeyRouter.Refused) -> None:
        if self.refuse_scan(event.shown()):
            event.stop()

    def on_key_router_scanned(self, event: KeyRouter.Scanned) -> None:
        event.stop()
        self.take_scan(event.code)

    def on_scanner_bridge_scanned(self, event: ScannerBridge.Scanned) -> None:
        event.stop()
        self.take_scan(event.code)
