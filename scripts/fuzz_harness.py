"""How the console fuzzer (scripts/fuzz_console.py) reaches into a headless console and its run: a paste
and a device scanner's scan handed to the app at the seams the terminal driver and the scanner bridge use,
the errors logged on `station.tui` collected, a crash's signature, the developer's own settings kept
out of the run, and a scan's keys sent back to back as a scanner sends them (`Bursts`).
"""

from __future__ import annotations

import argparse
import logging
import os
import time
import traceback
from pathlib import Path
from typing import Any

BURST_ENDS = frozenset({"enter", "tab"})  # the wedge's terminators: a scan's last key


class Bursts:
    """Keys with nothing between them (no pause, no wait) go back to back, as a scanner types them: a
    character key, or the Enter or Tab that ends them, right behind a character key arrives at that key's
    time, and the console is not let run between them. Sent one by one with the loop let run between,
    a loaded machine stopped the fuzzer inside a scan for longer than a scanner's gap (30 ms), and the
    console rightly refused the rest as a split scan: the run's scans checked in or not by the load."""

    def __init__(self) -> None:
        self._at: float | None = None  # the arrival time of the character keys sent last, in a row

    def joined(self, token: str) -> float | None:
        """The arrival time of the burst `token` goes on, or None: it starts one, or is no key of one."""
        joins = self._at is not None and (len(token) == 1 or token in BURST_ENDS)
        at, self._at = (self._at if joins else None), None
        return at

    def sent(self, token: str, at: float | None) -> float:
        """`token` sent at `at` (None: now); the character keys right behind it go on with it."""
        at = time.monotonic() if at is None else at
        self._at = at if len(token) == 1 else None
        return at


class ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class WarningFile(logging.FileHandler):
    """The warnings and errors logged anywhere in the run (a printer's refused job, say), into the work
    folder's fuzz.log rather than the terminal (no handler: Python's last resort prints them there),
    counted so each run's summary says how many it logged."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, encoding="utf-8")
        self.setLevel(logging.WARNING)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        super().emit(record)

    def take(self) -> str:
        """Those logged since the last take, and where."""
        taken, self.count = self.count, 0
        return f"{taken} (in {self.baseFilename})"


def isolate(folder: Path) -> WarningFile:
    """The developer's own config, database, log and language kept out (as tests/conftest.py does); the
    run's warnings logged into the folder's fuzz.log, the handler returned."""
    for name, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_STATE_HOME", "state")):
        os.environ[name] = str(folder / sub)
    os.environ["STATION_CONFIG"] = str(folder / "counter.toml")
    for var in ("STATION_DB", "STATION_LANG", "STATION_COUNTER", "STATION_CLERK", "STATION_PIN"):
        os.environ.pop(var, None)
    warnings = WarningFile(folder / "fuzz.log")
    logging.getLogger().addHandler(warnings)
    return warnings


def paste(app: Any, text: str) -> None:
    """A paste into the app's input queue, as the terminal driver delivers a bracketed paste."""
    from textual import events

    event = events.Paste(text)
    event.set_sender(app)
    app._driver.send_message(event)


def device_scan(app: Any, code: str) -> None:
    """A device scanner's code, as its thread hands it to the app (the scanner bridge's seam); before
    the station is open (a new station's first sign-in) there is no scanner to read it."""
    from hardware.scanners.base import ScanEvent

    bridge = getattr(app, "scanner_bridge", None)
    if bridge is not None:
        bridge._from_thread_scan(ScanEvent(code, "fuzz", "serial"))


def signature(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "station_console" in f.filename] or frames
    where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else "?"
    return f"{type(exc).__name__} at {where}"


def terminal_size(text: str) -> tuple[int, int]:
    """`80x24` as (80, 24)."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT, e.g. 80x24") from None
    return width, height
