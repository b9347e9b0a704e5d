"""Serial and USB-CDC scanners (a virtual COM port) through pyserial, an optional extra.

The scanner sends each code followed by a terminator (CR, LF, CR LF or Tab, a common suffix setting).
The reader thread reopens the port by itself when it disappears (USB-CDC unplugged), like the HID reader.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from hardware.config_keys import config_key
from hardware.messages import N_, ConfigError, Message, typed
from hardware.scanners.base import ScannerStatus, ThreadedScanner

try:  # optional: `pip install station-console[serial]`
    import serial as pyserial
except ImportError:  # pragma: no cover - exercised only without the extra
    pyserial = None

log = logging.getLogger("station.scanner.serial")

TERMINATORS = {"cr": b"\r", "lf": b"\n", "crlf": b"\r\n", "tab": b"\t", "any": b""}
# A code's bytes come in one burst (tens of ms even at 9600 baud): bytes left this long with no
# terminator after them are noise or a broken line, and the next code must not be glued onto them (it
# was refused with them, "too long", or held back forever). A code split across two writes ~100 ms
# apart still joins.
IDLE_S = 0.5
MAX_CODE = 1024  # bytes: far past any code a parcel carries; a stream without terminators is dropped


def serial_available() -> bool:
    return pyserial is not None


class SerialScanner(ThreadedScanner):
    kind = "serial"

    def __init__(
        self,
        *,
        port: str,
        baudrate: int = 9600,
        terminator: str = "any",
        retry_s: float = 0.5,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("source", f"serial:{port}")
        super().__init__(**kwargs)
        if not isinstance(terminator, str) or terminator not in TERMINATORS:
            raise ConfigError(
                N_("{key} = {terminator}: use one of {choices}"),
                key=config_key("terminator"),
                terminator=typed(terminator),
                choices=", ".join(TERMINATORS),
            )
        self.port = port
        self.baudrate = baudrate
        self.terminator = terminator
        self.retry_s = retry_s

    def start(self) -> None:
        if pyserial is None:
            self._set_status(
                ScannerStatus.ERROR, Message(N_("pyserial is not installed: install the serial extra."))
            )
            return
        self._start_thread(ScannerStatus.SEARCHING)

    def split(self, buffer: bytearray) -> list[bytes]:
        """Complete lines taken off the front of `buffer`; the unfinished rest stays."""
        lines: list[bytes] = []
        if self.terminator == "any":
            while True:
                # A Tab ends a code too: no barcode a parcel carries holds one, and a Tab suffix would
                # otherwise hold every scan back until some later CR or LF, glued to the next code.
                ends = [i for i in (buffer.find(b"\r"), buffer.find(b"\n"), buffer.find(b"\t")) if i >= 0]
                if not ends:
                    return lines
                cut = min(ends)
                lines.append(bytes(buffer[:cut]))
                del buffer[: cut + 1]
        sep = TERMINATORS[self.terminator]
        while (cut := buffer.find(sep)) >= 0:
            lines.append(bytes(buffer[:cut]))
            del buffer[: cut + len(sep)]
        return lines

    def _run(self) -> None:
        assert pyserial is not None
        connected_once = False
        while not self._stop.is_set():
            try:
                port = pyserial.Serial(self.port, self.baudrate, timeout=0.1)
            except (pyserial.SerialException, OSError) as exc:
                permission = isinstance(
                    exc.__context__ or exc, PermissionError
                ) or "Permission denied" in str(exc)
                if permission:
                    self._set_status(
                        ScannerStatus.NO_PERMISSION,
                        Message(
                            N_("No permission to open {port}: add the clerk's account to the dialout group."),
                            port=self.port,
                        ),
                    )
                else:
                    self._set_status(ScannerStatus.UNPLUGGED if connected_once else ScannerStatus.SEARCHING)
                self._stop.wait(self.retry_s)
                continue
            connected_once = True
            self._set_status(ScannerStatus.CONNECTED)
            buffer = bytearray()
            heard = time.monotonic()
            try:
                with port:
                    while not self._stop.is_set():
                        chunk = port.read(port.in_waiting or 1)
                        now = time.monotonic()
                        if not chunk:
                            if buffer and now - heard >= IDLE_S:
                                self._drop(buffer, "no terminator came")
                            continue
                        heard = now
                        buffer += chunk
                        for line in self.split(buffer):
                            # Codes a parcel carries are ASCII: UTF-8 is its superset, and a byte past it
                            # reads as U+FFFD, which the scan's own check refuses.
                            code = line.decode("utf-8", errors="replace").strip("\r\n\t")
                            self._emit(code)
                        if len(buffer) > MAX_CODE:
                            self._drop(buffer, "too long for a code")
            except (pyserial.SerialException, OSError) as exc:
                log.info("serial scanner %s lost: %s", self.port, exc)
                self._set_status(ScannerStatus.UNPLUGGED)  # a half-received code is dropped with the buffer
                self._stop.wait(self.retry_s)

    def _drop(self, buffer: bytearray, why: str) -> None:
        """Bytes that are no code: logged by their length only (they may hold a customer's number)."""
        log.info("serial scanner %s: dropped %d bytes, %s", self.port, len(buffer), why)
        buffer.clear()
