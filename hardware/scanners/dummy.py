"""A scanner that replays codes: for tests, demos (`--demo`) and the console with no hardware."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from hardware.scanners.base import Scanner, ScannerStatus


class DummyScanner(Scanner):
    kind = "dummy"

    def __init__(
        self,
        codes: Iterable[str] = (),
        interval_s: float = 1.0,
        *,
        loop: bool = False,
        delay_s: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.codes = list(codes)
        self.interval_s = interval_s
        self.loop = loop
        self.delay_s = delay_s
        self.emitted: list[str] = []  # every code sent so far, for tests
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._set_status(ScannerStatus.CONNECTED)
        self._thread = threading.Thread(target=self._run, name=self.source, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        self._set_status(ScannerStatus.STOPPED)

    def inject(self, code: str) -> None:
        """Deliver one code now, as if scanned."""
        self.emitted.append(code)
        self._emit(code)

    def _run(self) -> None:
        if self._stop.wait(self.delay_s):
            return
        while True:
            for code in self.codes:
                self.inject(code)
                if self._stop.wait(self.interval_s):
                    return
            if not self.loop or not self.codes:
                return
