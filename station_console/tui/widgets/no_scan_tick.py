"""A form's tick box that a scan does not tick.

Textual's tick box takes Enter as a tick, and a wedge scan ends in Enter: a parcel scanned while a
box had the focus ticked it, saying nothing (Send-out's refusal recorded "guns found"). The keys are
shown to the counter's wedge decoder, as a name field's are (`NameInput`): a scan's own terminator
moves nothing, and the box posts `ScanTyped` for its form to say so. A person's Space still ticks it.
A person's letter posts `Typed` as on any tick box, once the decoder has found it no scan's (told at
once, the first keys of a scan said "tick box" before the scan was said).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from textual import events
from textual.message import Message

from hardware.scanners.wedge import Scan, WedgeDecoder, WedgeOutput
from hardware.scanners.wedge import Typed as PersonKeys
from station_console.tui.one_shot import call_after
from station_console.tui.widgets.scan_keys import TERMINATORS, decoded, decoder_for
from station_console.tui.widgets.tick import Tick


class NoScanTick(Tick):
    @dataclass
    class ScanTyped(Message):
        """A wedge scan arrived on this box: it ticked nothing; `code` is what it read."""

        tick: NoScanTick
        code: str

    decoder: WedgeDecoder | None = None
    # Decides held keys once their time is up (a person's letter alone): asyncio's timer, as Textual's
    # skips one that finds itself late (one_shot.py), and the letter was never said.
    _settling: asyncio.TimerHandle | None = None

    def on_mount(self) -> None:
        self.decoder = decoder_for(self.app)

    async def _on_key(self, event: events.Key) -> None:
        if self.decoder is None:
            return
        outputs = decoded(self.decoder, event)
        self._tell_letters(outputs)
        self._settle_later()
        scans = [out for out in outputs if isinstance(out, Scan)]
        if not scans:
            return
        self.post_message(self.ScanTyped(self, scans[-1].code))
        if event.key in TERMINATORS:
            event.prevent_default()  # the scan's own terminator: it ticks nothing, moves nothing
            event.stop()

    def letter_typed(self) -> None:
        if self.decoder is None:
            super().letter_typed()  # no decoder (an app with no counter): every letter is a person's

    def _settle_later(self) -> None:
        if self._settling is not None:
            self._settling.cancel()
            self._settling = None
        deadline = self.decoder.deadline() if self.decoder is not None else None
        if deadline is not None:
            self._settling = call_after(self, max(0.0, deadline - time.monotonic()) + 0.005, self._settle)

    def _settle(self) -> None:
        self._settling = None
        if self.decoder is not None:
            self._tell_letters(self.decoder.flush(time.monotonic()))
            self._settle_later()

    def _tell_letters(self, outputs: list[WedgeOutput]) -> None:
        keys = [key for out in outputs if isinstance(out, PersonKeys) for key in out.keys]
        if any(len(key) == 1 and key.isprintable() and key != " " for key in keys):
            Tick.letter_typed(self)
