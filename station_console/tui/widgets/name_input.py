"""A dialog's field for a name (the recipient search, the courier's name): a scan is not typed into it.

Its keys go in at once, as typed: nothing is held to be timed, so a person typing at any speed types
(routing the field through the screen's `KeyRouter` would hold each burst of keys until it is decided).
Beside them, the keys are shown to the counter's wedge decoder, which tells a scanner's burst by its
timing as the check-in fields do: a burst of `wedge_min_length` keys or more within the scanner's key gap,
then its terminator. Such a scan is taken back out of the field, its Enter sends nothing, and the field
posts `ScanTyped` for its dialog to say so. Only a wedge scan ending in Enter or Tab is caught as it ends;
with the terminator "none" it is caught at the next key.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from textual import events
from textual.message import Message

from hardware.scanners.wedge import Scan, WedgeDecoder
from station_console.tui.widgets.fixed_input import FixedInput
from station_console.tui.widgets.scan_keys import TERMINATORS, decoder_for, scans_in

# The field as it was before each of its last characters typed: enough to take back the longest scan.
KEPT_STATES = 128


class NameInput(FixedInput):
    @dataclass
    class ScanTyped(Message):
        """A wedge scan arrived in this field: taken back out; `code` is what it read."""

        field: NameInput
        code: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decoder: WedgeDecoder | None = None
        self._before: deque[tuple[str, int]] = deque(maxlen=KEPT_STATES)

    def on_mount(self) -> None:
        self.decoder = decoder_for(self.app)

    async def _on_key(self, event: events.Key) -> None:
        if self.decoder is None:
            return
        printable = bool(event.is_printable and event.character)
        scans = scans_in(self.decoder, event)
        if scans:
            self._take_back(scans[-1])
            if event.key in TERMINATORS:
                event.prevent_default()  # the scan's own terminator: it sends nothing, moves nothing
                event.stop()
                return
        if printable:
            self._before.append((self.value, self.cursor_position))

    def _on_paste(self, event: events.Paste) -> None:
        if self.decoder is not None:
            self.decoder.interrupt()  # a person's act: keys held undecided are not a scan
        self._before.clear()  # a paste's text came at once: no key of it to take back

    def _take_back(self, scan: Scan) -> None:
        decoder = self.decoder
        typed = len(scan.code) + (len(decoder.prefix) + len(decoder.suffix) if decoder else 0)
        if 0 < typed <= len(self._before):
            value, cursor = self._before[-typed]
            self.value, self.cursor_position = value, cursor
        self._before.clear()
        self.post_message(self.ScanTyped(self, scan.code))
