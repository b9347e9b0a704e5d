"""A dialog's field for a name (the recipient search, the courier's name): a scan is not typed into it.

Its keys go in at once, as typed: nothing is held to be timed, so a person typing at any speed types
(routing the field through the screen's `KeyRouter` would hold each burst of keys until it is decided).
Beside them, the keys are shown to the counter's wedge decoder, which tells a scanner's burst by its
timing as the check-in fields do: a burst of `wedge_min_length` keys or more within the scanner's key gap,
then its terminator (or such a burst right behind a person's key, with the key it may have
followed). Such a scan is taken back out of the field, its Enter sends nothing, and the field
posts `ScanTyped` for its dialog to say so; a key the field refused (a letter in a PIN, one past its
length) is said once the keys pause, and not at all when they were a scan (a paste's, at once). Only a
wedge scan ending in Enter or Tab is caught as it ends; with the terminator "none" it is caught at the
next key.

A field the console shows as it starts (the first sign-in's PIN) may be given `keeps_typed_ahead`: keys
stamped before it was mounted were typed into the terminal before anything was on screen to aim a
scanner at, a person's however fast they arrive (all at once, as the console takes the terminal): they go
in unwatched. One mounted after its dialog was drawn (a new station's second PIN) is given `drawn_at`:
only keys stamped before the dialog was drawn go in unwatched.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from dataclasses import dataclass
from typing import Any

from textual import events, on
from textual.message import Message

from hardware.scanners.wedge import Partial, Scan, WedgeDecoder
from station_console.tui.one_shot import call_after
from station_console.tui.widgets.fixed_input import FixedInput
from station_console.tui.widgets.scan_keys import TERMINATORS, decoded, decoder_for

# The field as it was before each of its last characters typed: enough to take back the longest scan.
KEPT_STATES = 128


class NameInput(FixedInput):
    @dataclass
    class ScanTyped(Message):
        """A wedge scan arrived in this field: taken back out; `code` is what it read."""

        field: NameInput
        code: str

    def __init__(
        self, *args: Any, keeps_typed_ahead: bool = False, drawn_at: float | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Given before the field is mounted by a dialog drawn while the counter's settings still load.
        self.decoder: WedgeDecoder | None = None
        self._keeps_typed_ahead = keeps_typed_ahead
        # A field mounted after its dialog was drawn (a new station's second PIN): keys typed ahead are
        # those stamped before the dialog was, not before the field.
        self._drawn_at = drawn_at
        self._watched_from = -math.inf  # keys stamped earlier are typed ahead, not watched
        self._before: deque[tuple[str, int]] = deque(maxlen=KEPT_STATES)
        # A key refused by the field (a letter in a PIN, one past its length), said once the keys pause:
        # a scan's keys are taken back, and were told as a PIN's beside the line saying it was a scan.
        self._refusal_held: str | None = None
        self._refusal_timer: asyncio.TimerHandle | None = None

    def on_mount(self) -> None:
        if self.decoder is None:
            self.decoder = decoder_for(self.app)

    @on(events.Mount)
    def _watch_from_now(self, event: events.Mount) -> None:
        if self._keeps_typed_ahead:
            # By the keys' own clock (Textual's).
            self._watched_from = event.time if self._drawn_at is None else self._drawn_at

    async def _on_key(self, event: events.Key) -> None:
        if self.decoder is None:
            return
        if self._refusal_held is not None:
            self._hold_refusal(self._refusal_held)  # the keys go on: not a pause yet
        printable = bool(event.is_printable and event.character)
        watched = event.time >= self._watched_from
        scans = [
            out
            for out in (decoded(self.decoder, event) if watched else [])
            if isinstance(out, Scan | Partial) and self._scanned(out)
        ]
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
        self._say_refusal()  # nor a key refused among them: said before the paste's own word
        self._before.clear()  # a paste's text came at once: no key of it to take back

    def _scanned(self, out: Scan | Partial) -> bool:
        """A scan, or a code's worth of a scanner's keys right behind a person's (under its split-scan
        wait: the decoder cannot tell the digit before from its head): that one's keys went in as a PIN."""
        if isinstance(out, Scan):
            return True
        return (
            isinstance(out, Partial)
            and out.reason == "split"
            and self.decoder is not None
            and len(out.text) >= self.decoder.min_length
        )

    def _take_back(self, scan: Scan | Partial) -> None:
        decoder = self.decoder
        if isinstance(scan, Scan):
            typed = len(scan.code) + (len(decoder.prefix) + len(decoder.suffix) if decoder else 0)
        else:  # with the keys typed just before that may be its head, as the scan fields take them
            typed = len(scan.text) + scan.retract
        if 0 < typed <= len(self._before):
            value, cursor = self._before[-typed]
            self.value, self.cursor_position = value, cursor
        self._before.clear()
        self._drop_refusal()
        self.post_message(self.ScanTyped(self, scan.code if isinstance(scan, Scan) else scan.text))

    def _warn(self, text: str) -> None:
        if self.decoder is None or self._pasting:  # a paste is a person's: its refusal said at once
            super()._warn(text)
        else:
            self._hold_refusal(text)

    def _hold_refusal(self, text: str) -> None:
        assert self.decoder is not None
        self._drop_refusal()
        self._refusal_held = text
        # asyncio's timer: Textual's skips one that finds itself late (one_shot.py), the refusal unsaid.
        self._refusal_timer = call_after(self, self.decoder.idle_timeout, self._say_refusal)

    def _drop_refusal(self) -> None:
        if self._refusal_timer is not None:
            self._refusal_timer.cancel()
        self._refusal_held = self._refusal_timer = None

    def _say_refusal(self) -> None:
        text = self._refusal_held
        self._refusal_held = self._refusal_timer = None
        if text is not None:
            super()._warn(text)
