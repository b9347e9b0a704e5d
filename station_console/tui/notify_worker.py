"""The console's notification sender: one `services.notify.run_once` pass every `interval` seconds.

The pass runs in a thread worker (SMTP and HTTP calls block); the thread never touches Textual objects:
it hands its outcome to the app's message queue, where a `NotifyWorker.Drained` message goes to the
active screen and a new channel error is shown once. Several consoles may run it at once: the outbox
claim makes each message go out from one of them only.

Usage (App): `self.notify_worker = NotifyWorker(self); self.notify_worker.start()` in `on_mount`,
`self.notify_worker.stop()` in `on_unmount`.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual import events
from textual.app import App
from textual.message import Message
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from station_console.errors import StationError
from station_console.i18n import _

log = logging.getLogger(__name__)


class NotifyWorker:
    @dataclass
    class Drained(Message):
        """One pass: messages sent, rows failed (to retry or for good), and the channel's error."""

        messages: int
        failed: int
        error: str | None

    def __init__(self, app: App[Any], *, interval: float = 15.0, channel: Any = None) -> None:
        self.app = app
        self.interval = interval
        self.channel = channel  # None: the channel chosen in Settings, read each pass
        self.worker: Worker[None] | None = None
        self.error: str | None = None
        self._timer: Timer | None = None
        self._stop = threading.Event()

    def start(self) -> None:
        self._stop.clear()
        # First pass after one interval: starting the console stays quick, and nothing waits on it.
        self._timer = self.app.set_interval(self.interval, self.kick, name="notify-outbox")

    def stop(self) -> None:
        self._stop.set()
        if self._timer is not None:
            self._timer.stop()
        if self.worker is not None:
            self.worker.cancel()

    def kick(self) -> None:
        """Run a pass now, unless one is running."""
        if self._stop.is_set():
            return
        if self.worker is not None and self.worker.state in (WorkerState.PENDING, WorkerState.RUNNING):
            return
        self.worker = self.app.run_worker(
            self._drain,
            name="notify-outbox",
            group="notify",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    # -- worker thread --------------------------------------------------------------------------

    def _drain(self) -> None:
        from station_console.services import notify

        station = self.app.station  # type: ignore[attr-defined]
        messages = failed = 0
        error: str | None = None
        try:
            station.forget_settings()  # a manager may have changed the channel on another counter
            result = notify.run_once(station, self.channel)
            messages, failed, error = result.messages, len(result.failed) + len(result.gave_up), result.error
        except StationError as exc:  # the database is busy or gone: try again next tick
            error = exc.message()
        except Exception as exc:  # a bug must not kill the console; the outbox keeps its rows
            log.exception("notification pass failed")
            error = str(exc)
        if not self._stop.is_set():
            self.app.post_message(events.Callback(callback=partial(self._show, messages, failed, error)))

    # -- UI thread ------------------------------------------------------------------------------

    def _show(self, messages: int, failed: int, error: str | None) -> None:
        changed = error != self.error
        self.error = error
        self.app.screen.post_message(NotifyWorker.Drained(messages, failed, error))
        if changed and error:
            self.app.notify(
                _("Customer messages are not going out: {error}. They wait in the outbox.", error=error),
                severity="warning",
                timeout=10,
            )
