"""The Textual side of a device scanner (HID, HID POS, serial, dummy).

`ScannerBridge(app)` opens the scanner configured in `CounterSettings.scanner` from a thread worker.
Each code becomes a `ScannerBridge.Scanned(code, source)` message posted to the app's active screen (a
screen handles it with `@on(ScannerBridge.Scanned)`); each status change is shown in the header through
`app.set_device_state("scanner", state)` and posted as `ScannerBridge.StatusChanged`. A keyboard-wedge
scanner needs nothing here: its keys are decoded on the screens (`tui/widgets/wedge.py`).

The scanner's own threads never touch Textual objects: they hand callbacks to the app's message queue
(`post_message` is thread-safe), which runs them on the UI thread.

Usage (App): `self.scanner_bridge = ScannerBridge(self); self.scanner_bridge.start()` in `on_mount`,
`self.scanner_bridge.stop()` in `on_unmount`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual import events
from textual.app import App
from textual.message import Message
from textual.worker import Worker, get_current_worker

from hardware.messages import reason_of
from hardware.scanners.base import STATUS_LABELS, ScanEvent, Scanner, ScannerStatus
from hardware.scanners.factory import KIND_LABELS, make_scanner
from station_console.i18n import in_section, shown
from station_console.tui.widgets.status_line import clerk_acted


class ScannerBridge:
    @dataclass
    class Scanned(Message):
        """A complete code from a device scanner."""

        code: str
        source: str

    @dataclass
    class StatusChanged(Message):
        """The scanner's status changed; `detail` says what to do (e.g. the udev rule to add)."""

        state: str
        detail: str

    def __init__(self, app: App[Any], config: dict[str, Any] | None = None, *, backend: Any = None) -> None:
        self.app = app
        counter = getattr(app, "counter_settings", None)
        self.config = dict(config if config is not None else getattr(counter, "scanner", {}) or {})
        self.backend = backend
        self.scanner: Scanner | None = None
        self.worker: Worker[None] | None = None
        self._stop = threading.Event()

    @property
    def kind(self) -> str:
        return str(self.config.get("kind", "wedge"))

    def start(self) -> None:
        if self.kind == "wedge":
            self.app.set_device_state("scanner", KIND_LABELS["wedge"])  # type: ignore[attr-defined]
            return
        self._stop.clear()
        self.worker = self.app.run_worker(
            self._run, name="scanner", group="scanner", thread=True, exclusive=True, exit_on_error=False
        )

    def stop(self) -> None:
        self._stop.set()
        if self.worker is not None:
            self.worker.cancel()
        if self.scanner is not None:
            self.scanner.stop()

    # -- worker thread --------------------------------------------------------------------------

    def _run(self) -> None:
        worker = get_current_worker()
        try:
            self.scanner = make_scanner(
                self.config,
                on_scan=self._from_thread_scan,
                on_status=self._from_thread_status,
                backend=self.backend,
            )
        except (ValueError, ImportError) as exc:
            reason = in_section(reason_of(exc), "scanner")  # "Port (scanner.port)", not the scale's
            self._call(partial(self._show_status, ScannerStatus.ERROR, shown(reason)))
            return
        self.scanner.start()
        while not self._stop.wait(0.2) and not worker.is_cancelled:
            pass
        self.scanner.stop()

    def _from_thread_scan(self, event: ScanEvent) -> None:
        self._call(partial(self.deliver, event))

    def _from_thread_status(self, status: ScannerStatus) -> None:
        detail = shown(self.scanner.detail) if self.scanner is not None else ""
        self._call(partial(self._show_status, status, detail))

    def _call(self, callback: Any) -> None:
        if not self._stop.is_set():
            self.app.post_message(events.Callback(callback=callback))

    # -- UI thread ------------------------------------------------------------------------------

    def deliver(self, event: ScanEvent) -> None:
        """One device scan to the screen on top (on the UI thread)."""
        # A device scan is the clerk's act as a key is (it presses none): a refusal that stood on the
        # screen's status lines until now may give way to what the scan brings.
        clerk_acted(self.app.screen)
        self.app.screen.post_message(ScannerBridge.Scanned(event.code, event.source))

    def _show_status(self, status: ScannerStatus, detail: str) -> None:
        if status == ScannerStatus.STOPPED and self._stop.is_set():
            return
        self.app.set_device_state("scanner", STATUS_LABELS[status])  # type: ignore[attr-defined]
        self.app.screen.post_message(ScannerBridge.StatusChanged(status.value, detail))
        if status in (ScannerStatus.NO_PERMISSION, ScannerStatus.ERROR) and detail:
            self.app.notify(detail, severity="error", timeout=15)
