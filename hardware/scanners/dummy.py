"""A scanner that replays codes: for tests, demos (`--demo`) and the console with no hardware."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hardware.scanners.base import ScannerStatus, ThreadedScanner


class DummyScanner(ThreadedScanner):
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

    def start(self) -> None:
        self._start_thread(ScannerStatus.CONNECTED)

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
