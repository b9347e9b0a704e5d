"""A form's tick box that a scan does not tick.

Textual's tick box takes Enter as a tick, and a wedge scan ends in Enter: a parcel scanned while a
box had the focus ticked it, saying nothing (Send-out's refusal recorded "guns found"). The keys are
shown to the counter's wedge decoder, as a name field's are (`NameInput`): a scan's own terminator
ticks nothing, and the box posts `ScanTyped` for its form to say so. A person's Enter or Space still
ticks it.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.message import Message

from hardware.scanners.wedge import Scan, WedgeDecoder
from station_console.tui.widgets.tick import Tick

TERMINATORS = ("enter", "tab", "ctrl+m", "ctrl+j", "ctrl+i")


class NoScanTick(Tick):
    @dataclass
    class ScanTyped(Message):
        """A wedge scan arrived on this box: it ticked nothing; `code` is what it read."""

        tick: NoScanTick
        code: str

    decoder: WedgeDecoder | None = None

    def on_mount(self) -> None:
        settings = getattr(self.app, "counter_settings", None)
        if settings is not None:
            self.decoder = WedgeDecoder.from_settings(settings)

    async def _on_key(self, event: events.Key) -> None:
        if self.decoder is None:
            return
        token = event.character if event.is_printable and event.character else event.key
        scans = [out for out in self.decoder.feed(token, event.time) if isinstance(out, Scan)]
        if not scans:
            return
        self.post_message(self.ScanTyped(self, scans[-1].code))
        if event.key in TERMINATORS:
            event.prevent_default()  # the scan's own terminator: it ticks nothing, moves nothing
            event.stop()
