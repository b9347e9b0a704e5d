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
from dataclasses import dataclass
from typing import Any

from textual.app import App
from textual.message import Message

from station_console.errors import StationError
from station_console.i18n import _
from station_console.services import notify
from station_console.tui.periodic import PeriodicWorker

log = logging.getLogger(__name__)


class NotifyWorker(PeriodicWorker):
    @dataclass
    class Drained(Message):
        """One pass: messages sent, rows failed (to retry or for good), and the channel's error."""

        messages: int
        failed: int
        error: str | None

    NAME, GROUP = "notify-outbox", "notify"
    INTERVAL = 15.0

    def __init__(self, app: App[Any], *, interval: float | None = None, channel: Any = None) -> None:
        super().__init__(app, interval=interval)
        self.channel = channel  # None: the channel chosen in Settings, read each pass
        self.error: str | None = None
        self._timeout: float | None = None  # the channel's wait for an answer, this pass

    def start(self) -> None:
        self._stop.clear()
        # First pass after one interval: starting the console stays quick, and nothing waits on it.
        self._every_interval()

    # -- worker thread --------------------------------------------------------------------------

    def _drain(self) -> None:
        station = self.app.station  # type: ignore[attr-defined]
        messages = failed = 0
        error: str | None = None
        try:
            station.reload_settings()  # a manager may have changed the channel on another counter
            channel = self.channel or notify.make_channel(station.settings())
            self._timeout = getattr(channel, "timeout", None)  # SMTP and the webhook have one
            result = notify.run_once(station, channel, should_continue=self.should_continue)
            # Messages off (channel "Not told") is a manager's choice, not a fault: the pass says nothing,
            # and the Outbox screen tells how many are held. A toast per check-in would teach the clerk to
            # ignore the toast that matters, a configured channel failing.
            messages, failed, error = result.messages, len(result.failed) + len(result.gave_up), result.error
        except StationError as exc:  # the database is busy or gone: try again next tick
            error = exc.message()
        except Exception as exc:  # a bug must not kill the console; the outbox keeps its rows
            log.exception("notification pass failed")
            error = str(exc)
        self._post(self._show, messages, failed, error)

    def _in_hand(self) -> str:
        if self._timeout:
            return _(
                "a customer message being sent (given up after {seconds} s without an answer)",
                seconds=f"{self._timeout:g}",
            )
        return _("a customer message being sent")

    # -- UI thread ------------------------------------------------------------------------------

    def _show(self, messages: int, failed: int, error: str | None) -> None:
        changed = error != self.error
        self.error = error
        self.app.screen.post_message(NotifyWorker.Drained(messages, failed, error))
        if changed and error:
            self.app.notify(
                # A cause that is a sentence (a database fault) brings its own full stop.
                _(
                    "Customer messages are not going out: {error}. They wait in the outbox.",
                    error=error.rstrip(".。"),
                ),
                severity="warning",
                timeout=10,
            )
