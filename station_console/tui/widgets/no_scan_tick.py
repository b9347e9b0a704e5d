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

from hardware.scanners.wedge import WedgeDecoder
from station_console.tui.widgets.scan_keys import TERMINATORS, decoder_for, scans_in
from station_console.tui.widgets.tick import Tick


class NoScanTick(Tick):
    @dataclass
    class ScanTyped(Message):
        """A wedge scan arrived on this box: it ticked nothing; `code` is what it read."""

        tick: NoScanTick
        code: str

    decoder: WedgeDecoder | None = None

    def on_mount(self) -> None:
        self.decoder = decoder_for(self.app)

    async def _on_key(self, event: events.Key) -> None:
        if self.decoder is None:
            return
        scans = scans_in(self.decoder, event)
        if not scans:
            return
        self.post_message(self.ScanTyped(self, scans[-1].code))
        if event.key in TERMINATORS:
            event.prevent_default()  # the scan's own terminator: it ticks nothing, moves nothing
            event.stop()
