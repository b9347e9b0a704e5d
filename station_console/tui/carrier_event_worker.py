"""The console's carrier event sender: one `carrier_events.sender.run_once` pass every `interval` seconds.

Like the notification worker: the pass runs in a thread worker (webhooks block), touches no Textual
object, and hands its outcome to the UI thread, where a `CarrierEventWorker.Drained` message goes to the
active screen and a new delivery problem is shown once. Several consoles may run it at once: the claim
makes each event go out from one of them only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from textual.app import App
from textual.message import Message

from station_console.errors import StationError
from station_console.i18n import _, clauses
from station_console.services.carrier_events import sender
from station_console.tui.periodic import PeriodicWorker

log = logging.getLogger(__name__)


def delivery_problems(errors: dict[str, str]) -> str | None:
    """Why each carrier's events did not go out, carrier by carrier, as the reader's language joins a
    label and its value ("SF: cannot write...", "SF：无法写入……"); None when all went out."""
    return clauses(_("{label}: {value}", label=c, value=why) for c, why in sorted(errors.items())) or None


class CarrierEventWorker(PeriodicWorker):
    @dataclass
    class Drained(Message):
        """One pass: events sent, events that failed (to retry or dead), and why, per carrier."""

        sent: int
        failed: int
        error: str | None

    NAME, GROUP = "carrier-events", "carrier-events"
    INTERVAL = 20.0

    def __init__(self, app: App[Any], *, interval: float | None = None) -> None:
        super().__init__(app, interval=interval)
        self.error: str | None = None
        self._timeout: float | None = None  # the longest webhook wait for an answer, this pass

    def start(self) -> None:
        self._stop.clear()
        self._every_interval()  # first pass after one interval: start-up stays quick

    def _drain(self) -> None:
        station = self.app.station  # type: ignore[attr-defined]
        sent = failed = 0
        error: str | None = None
        try:
            station.reload_settings()  # a manager may have changed a target on another counter
            targets = station.settings().carrier_event_targets.values()
            self._timeout = max((t.timeout_s for t in targets if t.channel == "webhook"), default=None)
            result = sender.run_once(station, should_continue=self.should_continue)
            sent, failed = len(result.sent), len(result.failed) + len(result.dead)
            error = delivery_problems(result.errors)
        except StationError as exc:  # the database is busy or gone: next tick
            error = exc.message()
        except Exception as exc:  # a bug must not kill the console; the outbox keeps its rows
            log.exception("carrier event pass failed")
            error = str(exc)
        self._post(self._show, sent, failed, error)

    def _in_hand(self) -> str:
        if self._timeout:
            return _(
                "an event being sent to a carrier (given up after {seconds} s without an answer)",
                seconds=f"{self._timeout:g}",
            )
        return _("an event being sent to a carrier")

    def _show(self, sent: int, failed: int, error: str | None) -> None:
        changed = error != self.error
        self.error = error
        self.app.screen.post_message(CarrierEventWorker.Drained(sent, failed, error))
        if changed and error:
            self.app.notify(
                # A cause that is a sentence (a database fault) brings its own full stop.
                _(
                    "Events to carriers are not going out: {error}. They wait in the outbox.",
                    error=error.rstrip(".。"),
                ),
                severity="warning",
                timeout=10,
            )
