"""A list that follows the live view: other counters' work read again, at most once a second.

A screen that lists parcels (Parcels, Problems) mixes this in before its `ModeScreen` and says how to
read its list again as it stands (`live_reread`: the same search, page and filters; the clerk's cursor
kept by the screen). Changes heard in a burst (a courier's bag checked in at the next counter, a
notice every half second) are read once, `LIVE_GAP_S` after the last read at the most, as Reports
does; changes heard while another screen was in front (only the one in front is told) are read once
this one is back. This counter's own work counts too (`HEARS_OWN_COUNTER`, as Reports): a parcel handed
out here in Pickup stayed listed "on shelf" in Problems at a station with one counter, where nothing
else ever read the list again; this screen's own writes cost one read more, at most once a second.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from station_console.tui.one_shot import call_after

LIVE_GAP_S = 1.0  # another counter's work reads the list again at most this often


class LivePace:
    """When a screen following the live view reads again: once for changes heard together, `LIVE_GAP_S`
    after its last read at the most, never on a screen closing or gone. Lists (`LiveReread`) and
    Reports' figures say what a read is (`_live_read`) and set `_live_last` when they send one."""

    # asyncio's timer (one_shot.py): Textual's skips one that finds itself late, and left set, it kept
    # every later change from being read on that screen again.
    _live_timer: asyncio.TimerHandle | None = None
    _live_last = 0.0  # when the last read for the live view was sent (monotonic)

    def _live_read(self) -> None:
        """A read is due: send it, or leave what was heard for later (`_live_soon` again)."""
        raise NotImplementedError

    def _delivered(self) -> int:
        """Changes heard so far, this counter's own among them."""
        bridge = getattr(self.app, "live_bridge", None)  # type: ignore[attr-defined]
        return bridge.delivered + bridge.own_heard if bridge is not None else 0

    def _live_soon(self) -> None:
        if self._live_timer is None:
            wait = max(0.0, self._live_last + LIVE_GAP_S - time.monotonic())
            self._live_timer = call_after(self, wait, self._live_due)  # type: ignore[arg-type]

    def _live_due(self) -> None:
        self._live_timer = None
        if live_screen_gone(self):
            return  # its widgets may be torn down already; nothing of it will show again
        self._live_read()

    def on_unmount(self) -> None:
        if self._live_timer is not None:
            self._live_timer.cancel()
            self._live_timer = None


def live_screen_gone(screen: object) -> bool:
    """A screen being closed (popped, or the console exiting): a read due then found its list removed."""
    pump: Any = screen
    return bool(pump._closing or pump._closed or pump._pruning or not pump.is_attached)


class LiveReread(LivePace):
    HEARS_OWN_COUNTER = True  # the clerk's work in the other modes moves these lists too
    _live_seen = 0  # the live view's changes delivered when the list shown was asked for
    _live_heard = False  # changes heard and not read yet

    def live_reread(self) -> None:
        """Read the list again as it stands (the screen's own)."""
        raise NotImplementedError

    def live_read_asked(self) -> None:
        """The screen asked for its list (a search, a reload): the changes heard so far are in it, and
        none is left for the live view to read again (opened after other counters' work, a list was read
        on coming to the front and once more by the live view's read due behind it)."""
        self._live_seen = self._delivered()
        self._live_heard = False

    def on_live_bridge_changed(self, message: object) -> None:
        self._live_heard = True
        self._live_soon()

    def came_to_front(self) -> None:
        super().came_to_front()  # type: ignore[misc]
        if self._live_heard or self._delivered() != self._live_seen:  # heard while another was in front
            self._live_heard = True
            self._live_soon()

    def _live_read(self) -> None:
        if not self._live_heard or not self.is_active:  # type: ignore[attr-defined]
            return  # under a dialog or another mode: read once it is back (`came_to_front`)
        self._live_last = time.monotonic()
        self.live_read_asked()
        self.live_reread()
