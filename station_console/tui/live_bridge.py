"""The Textual side of the live view: other counters' changes reach the active screen.

`LiveBridge(app)` runs a `ChangeFeed` in a thread worker and posts `LiveBridge.Changed(kinds, counters,
parcel_ids)` to the app's active screen whenever other counters committed something; a screen that shows
counts or lists handles it with `def on_live_bridge_changed(self, message)` and reloads. Changes made at
this console's own counter are left out: the screen that made them has already refreshed; only a screen
with `HEARS_OWN_COUNTER` (Reports, Send-out, Parcels, Problems: what the other modes' work moves) is
told of them too.

A change to what the console keeps in memory (the station settings, the carrier table) is read again
in this thread first (`admin/catch_up.py`), this counter's own included (the `station` command on
this PC names the same counter), and the settings read are handed to the app (`settings_read`), whose
screens watch them; so a screen told of the change already finds the new values. The app keeps them
only if no newer ones came first (a save here, answered while this read was on its way).

A clerk's change heard (any counter's, this one's too) reads the signed-in clerk's row again in this
thread (`catch_up.standing_refusal`): a clerk deactivated elsewhere is locked out of an idle console
within the feed's poll, through the app's `clerk_deactivated` as a refused service call locks it, not
left signed in over customers' data until their next key or the auto-lock.

A day closed or reopened at another counter (or by another process under this one's name, `station
close-day` on this PC) moves every counter's work to another business day: the
thread reads the close's event (`day/turned.py`) and the console says so in a toast that stays until
the clerk has acted after reading it, whatever screen is in front (a clerk scanning check-ins saw only
"checked in" while their work landed on the next day); up as the console locks, it waits for the
clerk who signs in. The turns read in one pass are one toast, in the order they were made, where work
belongs now said once at the end.

Usage (App): `self.live_bridge = LiveBridge(self); self.live_bridge.start()` in `on_mount`,
`self.live_bridge.stop()` in `on_unmount`.

The listener is a plain daemon thread, not a Textual worker: it runs for the app's whole life, and a
worker that never completes would make `app.workers.wait_for_complete()` (how screens settle) hang.
Like a worker, it only posts messages; the UI thread does the rest.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App
from textual.message import Message

from station_console.services.admin import catch_up
from station_console.services.admin.live import Change, ChangeFeed
from station_console.services.day.turned import TURNS, days_turned, turns_said
from station_console.tui import error_toasts

if TYPE_CHECKING:
    from station_console.services.core.station import SettingsRead

log = logging.getLogger(__name__)
RETRY_S = 1.0  # after the feed failed to read the database


class LiveBridge:
    @dataclass
    class Changed(Message):
        """Other counters committed changes of these kinds (`resync`: reload everything)."""

        kinds: frozenset[str]
        counters: frozenset[str]
        parcel_ids: frozenset[int] = field(default_factory=frozenset)

    def __init__(self, app: App[Any], *, wait: float = 0.25) -> None:
        self.app = app
        self.wait = wait
        self.thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._feed: ChangeFeed | None = None
        # Changes handed to whichever screen was in front, so far: a screen that comes back to front
        # knows whether it missed some (only the one in front is told).
        self.delivered = 0
        # Changes made at this counter, heard so far: told only to a screen that shows what any screen
        # changes (`HEARS_OWN_COUNTER`: Reports' figures, Send-out's, Parcels' and Problems' lists, which
        # the other modes' work moves); one adds them to `delivered` to know what it missed while behind.
        self.own_heard = 0

    def start(self) -> None:
        self._stop.clear()
        self.thread = threading.Thread(target=self._run, name="live-view", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._feed is not None:
            self._feed.close()

    # -- worker thread --------------------------------------------------------------------------

    def _run(self) -> None:
        station = self.app.station  # type: ignore[attr-defined]
        try:
            self._feed = ChangeFeed(station.engine)
        except Exception as exc:  # noqa: BLE001  no live view is better than no console
            log.warning("live view unavailable: %s", exc)
            return
        stale: frozenset[str] = frozenset()  # kinds heard whose caches were not read again yet
        recheck = False  # a clerk's change heard, the signed-in clerk's standing not read again yet
        turns: list[int] = []  # closes and reopens heard, not read yet (event ids)
        try:
            while not self._stop.is_set():
                try:
                    found = self._feed.wait(self.wait)
                except Exception as exc:  # noqa: BLE001  the file gone for a moment (a restore), a full disk
                    # The thread ended there, and other counters' work stopped reaching the screens.
                    log.warning("live view: %s; trying again", exc)
                    self._stop.wait(RETRY_S)
                    continue
                stale |= catch_up.stale(c.kind for c in found)
                settings = None
                if stale:
                    try:
                        settings = catch_up.catch_up(station, stale)
                        stale = frozenset()
                    except Exception as exc:  # noqa: BLE001  as above: kept, and read again next time round
                        log.warning("live view: could not read the settings again (%s); trying again", exc)
                        self._stop.wait(RETRY_S)
                recheck = recheck or catch_up.standing_stale(c.kind for c in found)
                deactivated = None
                if recheck:
                    # The turn first: a lock or a sign-in after it makes the answer another clerk's,
                    # which `clerk_deactivated` then leaves alone.
                    turn = self.app.clerk_turns  # type: ignore[attr-defined]
                    try:
                        refusal = catch_up.standing_refusal(station)
                        recheck = False
                    except Exception as exc:  # noqa: BLE001  the database busy: read again next time round
                        log.warning("live view: could not read the clerk's standing (%s); trying again", exc)
                        self._stop.wait(RETRY_S)
                    else:
                        deactivated = None if refusal is None else (refusal.message(), turn)
                # Told apart from this console's own by the process that made them (`days_turned`), not
                # by counter: `station close-day` on this PC names this counter too.
                turns += [c.event_id for c in found if c.kind in TURNS and c.event_id is not None]
                notices: tuple[str, ...] = ()
                if turns:
                    try:
                        turned = days_turned(station, turns)
                        turns = []
                        notices = (turns_said(turned),) if turned else ()  # one toast for the pass
                    except Exception as exc:  # noqa: BLE001  as above: kept, and read again next time round
                        log.warning("live view: could not read a day's close (%s); trying again", exc)
                        self._stop.wait(RETRY_S)
                message = _changed([c for c in found if c.counter != station.counter])
                own = _changed([c for c in found if c.counter == station.counter])
                if (
                    notices or any(x is not None for x in (message, settings, own, deactivated))
                ) and not self._stop.is_set():
                    deliver = partial(self._deliver, message, settings, own, deactivated, notices)
                    self.app.post_message(events.Callback(callback=deliver))
        finally:
            self._feed.close()

    # -- UI thread ------------------------------------------------------------------------------

    def _deliver(
        self,
        message: LiveBridge.Changed | None,
        settings: SettingsRead | None,
        own: LiveBridge.Changed | None = None,
        deactivated: tuple[str, int] | None = None,
        notices: tuple[str, ...] = (),
    ) -> None:
        if deactivated is not None:  # first: no screen reloads for a clerk no longer standing
            self.app.clerk_deactivated(*deactivated)  # type: ignore[attr-defined]
        for notice in notices:  # whatever screen is in front; under a lock, held for the clerk who signs in
            self.app.notify(  # type: ignore[call-arg]  # the console's (held_toasts.py)
                notice, severity="warning", timeout=error_toasts.UNTIL_READ, kept_over_lock=True
            )
        if settings is not None:  # a screen told of the change reads the new settings
            self.app.settings_read(settings)  # type: ignore[attr-defined]
        if message is not None:
            self.delivered += 1
            self.app.screen.post_message(message)
        if own is not None:
            self.own_heard += 1
            if getattr(self.app.screen, "HEARS_OWN_COUNTER", False):
                self.app.screen.post_message(own)


def _changed(changes: list[Change]) -> LiveBridge.Changed | None:
    if not changes:
        return None
    return LiveBridge.Changed(
        kinds=frozenset(c.kind for c in changes),
        counters=frozenset(c.counter for c in changes if c.counter),
        parcel_ids=frozenset(c.parcel_id for c in changes if c.parcel_id is not None),
    )
