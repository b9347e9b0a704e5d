"""The one interface every scanner kind implements.

A scanner is started and stopped by its owner; it reads in its own background thread(s) and reports
through two callbacks, called from those threads: `on_scan(ScanEvent)` for each complete code and
`on_status(ScannerStatus)` on every status change (details, such as the udev rule to add, are in
`scanner.detail`). A callback that raises is logged and never kills the reader.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from hardware.messages import N_

log = logging.getLogger("station.scanner")


class ScannerStatus(StrEnum):
    STOPPED = "stopped"
    SEARCHING = "searching"  # started, no matching device seen yet
    CONNECTED = "connected"
    UNPLUGGED = "unplugged"  # was connected, now gone; it reconnects by itself
    NO_PERMISSION = "no_permission"  # the OS refused access (udev rule missing)
    ERROR = "error"


# A scanner's state as the console's header and `station scan-test` name it (translated where shown).
STATUS_LABELS: dict[str, str] = {
    ScannerStatus.STOPPED: N_("stopped"),
    ScannerStatus.SEARCHING: N_("searching"),
    ScannerStatus.CONNECTED: N_("connected"),
    ScannerStatus.UNPLUGGED: N_("unplugged"),
    ScannerStatus.NO_PERMISSION: N_("no permission"),
    ScannerStatus.ERROR: N_("error"),
}


@dataclass(frozen=True)
class ScanEvent:
    """One complete code from one scanner. `source` names the device, e.g. `hid:0c2e:0b61:1:7`."""

    code: str
    source: str
    kind: str
    at: float = field(default_factory=time.time)
    symbology: str | None = None


ScanCallback = Callable[[ScanEvent], None]
StatusCallback = Callable[[ScannerStatus], None]


class Scanner:
    """Base class: status bookkeeping and safe callbacks. Subclasses implement `start` and `stop`."""

    kind: ClassVar[str] = "scanner"

    def __init__(
        self,
        *,
        on_scan: ScanCallback | None = None,
        on_status: StatusCallback | None = None,
        source: str = "",
    ) -> None:
        self.on_scan = on_scan
        self.on_status = on_status
        self.source = source or self.kind
        self.detail = ""
        self._status = ScannerStatus.STOPPED
        self._status_lock = threading.Lock()

    @property
    def status(self) -> ScannerStatus:
        return self._status

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Scanner:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _set_status(self, status: ScannerStatus, detail: str = "") -> None:
        with self._status_lock:
            changed = status != self._status or detail != self.detail
            self._status, self.detail = status, detail
        if changed and self.on_status is not None:
            try:
                self.on_status(status)
            except Exception:  # a broken listener must not stop the reader
                log.exception("scanner status callback failed")

    def _emit(self, code: str, source: str | None = None, symbology: str | None = None) -> None:
        if not code or self.on_scan is None:
            return
        event = ScanEvent(code=code, source=source or self.source, kind=self.kind, symbology=symbology)
        try:
            self.on_scan(event)
        except Exception:
            log.exception("scanner scan callback failed")


class ThreadedScanner(Scanner):
    """A scanner read by one background thread running `_run` until `_stop` is set."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        raise NotImplementedError

    def _start_thread(self, status: ScannerStatus) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._set_status(status)
        self._thread = threading.Thread(target=self._run, name=self.source, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        self._set_status(ScannerStatus.STOPPED)
