"""A key that answered a dialog, arriving again right after the dialog closed, is dropped: it is the
same press bouncing or repeating, not a key meant for the screen below.

A one-key answer (1 cash at the storage fee, Y on a question, Enter on a form) closes its dialog at
once, and a key that bounces, a double tap or the keyboard's first auto-repeat sent the same key again
a moment later: a stray "1" in the pickup box, or the screen's own Enter action run a second time.

`BounceGuard` sees every key from the terminal before the app passes it on (`arrived`) and is told when
a dialog closes (`closed`). If the last key went to that dialog, the same key within `WINDOW` of the
close is held, and so is the rest of its run (auto-repeat, `RUN_GAP` apart). Held keys are dropped
when something else comes at a person's pace (or nothing comes), and are passed on, in order, ahead of
a different key that follows them at a scanner's speed: a scan that starts with the answer's key is
never cut short.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events

from hardware.scanners.wedge import WedgeDecoder
from station_console.tui.widgets.wedge import Clock, arrival_time

# The first auto-repeat comes 250-660 ms after a key goes down (the shortest setting of common
# keyboards and systems is 250 ms, macOS's default 375 ms); a bounce or a double tap within 200 ms.
# A person pressing the same key on purpose after the dialog closed first sees it close, then starts
# the next customer's code: well over 400 ms.
WINDOW = 0.4
# A held key repeats every 30-150 ms: a run of repeats that began inside the window is dropped whole.
RUN_GAP = 0.15
SCAN_GAP = WedgeDecoder().max_gap  # the decoder's own default, while the counter's setting is not loaded


class BounceGuard:
    """The keys that repeat a dialog's answer, from the terminal to the app (one per console)."""

    def __init__(self, scan_gap: Callable[[], float] = lambda: SCAN_GAP, clock: Clock = arrival_time) -> None:
        self.scan_gap = scan_gap  # seconds: keys closer than this are a scanner's (the counter's setting)
        self.clock = clock
        self.dropped = 0
        self._last_key: str | None = None  # the last key from the terminal...
        self._last_to: Any = None  # ...and the screen on top when it came
        self._answer: str | None = None  # the key that closed a dialog, while it may still bounce
        self._until = 0.0
        self._held: list[tuple[events.Key, float]] = []

    def closed(self, dialog: Any) -> None:
        """`dialog` is closing: on the last key, if that key went to it (not on a click or a worker's
        answer long after)."""
        if self._last_to is dialog and self._last_key is not None:
            self._answer, self._until = self._last_key, self.clock(None) + WINDOW
            self._last_to = None

    def asked(self, screen: Any) -> None:
        """`screen` asked on its own line for its last key again to go on (Pickup's "Checked? Press Enter
        again"): that key within the window is the same press doubled, not the clerk's answer."""
        self.closed(screen)

    def other_input(self) -> None:
        """A click or a paste: the next close is not on a key, and the clerk has moved on."""
        self._last_key = self._last_to = self._answer = None

    def arrived(self, event: events.Key, on_top: Any) -> list[events.Key]:
        """The keys to pass on now, in order: none while `event` may repeat an answer."""
        now = self.clock(event)
        self._last_key, self._last_to = event.key, on_top
        if self._answer is not None and event.key == self._answer:
            previous = self._held[-1][1] if self._held else None
            if now < self._until or (previous is not None and now - previous <= RUN_GAP):
                self._held.append((event, now))
                return []
        self._answer = None  # a different key, or the same after the window: the clerk's own
        return [*self._burst_head(now), event]

    def held_behind(
        self, keys: list[events.Key | events.Paste], enter: events.Key
    ) -> list[events.Key | events.Paste]:
        """`keys`, held behind `enter` (`tui/type_ahead.py`) while it was answered, as they go on now. If
        that answer closed a dialog, `enter` again within the window, ahead of any other key, is the
        same press and is dropped; the first other key (or a paste) is the clerk's own, and so is all
        after it."""
        if self._answer is None:
            return keys  # no dialog closed on a key meanwhile (one closed before would have held `enter`)
        kept = list(keys)
        while (
            kept
            and isinstance(kept[0], events.Key)
            and kept[0].key == enter.key
            and self.clock(kept[0]) < self._until
        ):
            kept.pop(0)
            self.dropped += 1
        # The answer was `enter` (the keys held came after it, though they reached the guard first).
        self._answer = enter.key if not kept else None
        return kept

    def _burst_head(self, now: float) -> list[events.Key]:
        """Held keys that `now`'s key continues at a scanner's speed (a scan's first characters); the
        others are dropped."""
        held, self._held = self._held, []
        head: list[events.Key] = []
        gap = self.scan_gap()
        for key, at in reversed(held):
            if now - at > gap:
                break
            head.insert(0, key)
            now = at
        self.dropped += len(held) - len(head)
        return head
