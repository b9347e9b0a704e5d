"""What the console's background passes share: a timer, one thread worker at a time, a clean stop.

A subclass sets `NAME`, `GROUP` and `INTERVAL` (seconds between passes: a class attribute, so tests can
shorten it), writes `_drain` (runs in a thread, touches no Textual object) and hands results to the UI
thread with `_post(callback, *args)`, which drops them once `stop()` was called.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

from textual import events
from textual.app import App
from textual.timer import Timer
from textual.worker import Worker, WorkerState


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

    def _every_interval(self) -> None:
        self._timer = self.app.set_interval(self.interval, self.kick, name=self.NAME)

    def stop(self) -> None:
        self._stop.set()
        if self._timer is not None:
            self._timer.stop()
        if self.worker is not None:
            self.worker.cancel()

    def _can_run(self) -> bool:
        return True

    def kick(self) -> None:
        """Run a pass now, unless one is running (a pass already picks up everything waiting)."""
        if self._stop.is_set() or not self._can_run():
            return
        if self.worker is not None and self.worker.state in (WorkerState.PENDING, WorkerState.RUNNING):
            return
        self.worker = self.app.run_worker(
            self._drain, name=self.NAME, group=self.GROUP, thread=True, exclusive=True, exit_on_error=False
        )

    def _drain(self) -> None:
        raise NotImplementedError

    def _post(self, callback: Callable[..., None], *args: Any) -> None:
        """From the worker thread: run `callback(*args)` on the UI thread, unless stopped meanwhile."""
        if not self._stop.is_set():
            self.app.post_message(events.Callback(callback=partial(callback, *args)))
