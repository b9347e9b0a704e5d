"""A scan reaches the screen's `take_scan(code)` wherever the focus is, from the keyboard-wedge router
(`KeyRouter.Scanned`) or a device scanner (`ScannerBridge.Scanned`) alike.

Named handlers, not `@on`: a plain mixin has no decorated-handler table of its own. Scanner output that
is not a whole code (`KeyRouter.Refused`) is each screen's to say, in its own place.
"""

from __future__ import annotations

from station_console.tui.scanner_bridge import ScannerBridge
from station_console.tui.widgets.wedge import KeyRouter


class TakesScans:
    def take_scan(self, code: str) -> None:
        raise NotImplementedError

    def on_key_router_scanned(self, event: KeyRouter.Scanned) -> None:
        event.stop()
        self.take_scan(event.code)

    def on_scanner_bridge_scanned(self, event: ScannerBridge.Scanned) -> None:
        event.stop()
        self.take_scan(event.code)
