"""What the console's background passes share: a timer, one thread worker at a time, a clean stop.

A subclass sets `NAME`, `GROUP` and `INTERVAL` (seconds between passes: a class attribute, so tests can
shorten it), writes `_drain` (runs in a thread, touches no Textual object) and hands results to the UI
thread with `_post(callback, *args)`, which drops them once `stop()` was called.

A pass is never cancelled: a worker cancelled before its thread began would leave the worker marked
busy, and every later kick would only ask that pass for one more. `stop()` lets a running pass finish
the item in hand and end there instead: `_drain` hands `should_continue` to its service, which asks it
before each item (a message, a label, an event), and the pass looks at the stop before each drain.

Textual does not wait for its thread workers as it exits, but asyncio's executor does, for as long as
they take: `finishing()` says what the pass in hand still sends (`tui/quitting.py` prints it once the
screen is gone, rather than the terminal hanging without a word).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import partial
from typing import Any, Literal

from textual import events
from textual.app import App
from textual.timer import Timer
from textual.worker import Worker

log = logging.getLogger(__name__)

# The app's attributes holding the passes a screen may kick (`StationApp.kick_worker`) and the quit
# waits for (`tui/quitting.py`).
PassWorker = Literal["print_worker", "notify_worker", "carrier_event_worker"]


class PeriodicWorker:
    NAME = "periodic"
    GROUP = "periodic"
    INTERVAL: float

    def __init__(self, app: App[Any], *, interval: float | None = None) -> None:
        self.app = app
        self.interval = self.INTERVAL if interval is None else interval
        self.worker: Worker[None] | None = None
        self._timer: Timer | None = None
        self._stop = threading.Event()
        # A kick while a pass runs asks for one more: the running pass may have read its queue before
        # the kick's work was committed. Both flags change under the lock, so no kick falls between a
        # pass deciding it is done and the next kick seeing it gone.
        self._lock = threading.Lock()
        self._busy = self._again = False
        self._idle = threading.Event()  # no pass's thread is running
        self._idle.set()

    def _every_interval(self) -> None:
        if self._timer is not None:  # started again: one timer still, not one more each start
            self._timer.stop()
        self._timer = self.app.set_interval(self.interval, self.kick, name=self.NAME)

    def stop(self) -> None:
        self._stop.set()
        if self._timer is not None:
            self._timer.stop()

    def should_continue(self) -> bool:
        """Asked by the service before each item it sends: False once stopped (the console quits)."""
        return not self._stop.is_set()

    def finishing(self, wait: float = 0.0) -> str | None:
        """What the pass still running sends before it ends, in the clerk's words (`_in_hand`), after
        waiting up to `wait` s for it to end; None when no pass runs."""
        if self._idle.wait(wait):
            return None
        return self._in_hand()

    def _in_hand(self) -> str:
        raise NotImplementedError

    def _can_run(self) -> bool:
        return True

    def kick(self) -> None:
        """Run a pass now; if one is running, one more after it."""
        if self._stop.is_set() or not self._can_run():
            return
        with self._lock:
            if self._busy:
                self._again = True
                return
            self._busy = True
        # Not exclusive: the flags already keep it to one pass at a time, and cancelling a pass in
        # its group is what could leave them stuck.
        self.worker = self.app.run_worker(
            self._passes, name=self.NAME, group=self.GROUP, thread=True, exit_on_error=False
        )

    def _passes(self) -> None:
        self._idle.clear()
        try:
            while True:
                if not self._stop.is_set():
                    self._drain()
                with self._lock:
                    if not self._again or self._stop.is_set():
                        self._busy = self._again = False
                        return
                    self._again = False
        except BaseException:
            # Logged here: the worker runs with exit_on_error=False, and Textual keeps its error silent.
            log.exception("%s pass failed", self.NAME)
            with self._lock:
                self._busy = self._again = False
            raise
        finally:
            self._idle.set()

    def _drain(self) -> None:
        raise NotImplementedError

    def _post(self, callback: Callable[..., None], *args: Any) -> None:
        """From the worker thread: run `callback(*args)` on the UI thread, unless stopped meanwhile."""
        if not self._stop.is_set():
            self.app.post_message(events.Callback(callback=partial(callback, *args)))
