"""A USB HID scanner on the pretend USB bus (hardware/fakeusb.py), for tests and the console's demo mode.

Pass a `FakeUsbBackend` holding it as `usb.core.find(backend=...)` (or as `HidScanner(backend=...)`) and the
real pyusb code runs on top of it. `FakeHidDevice` is one scanner on that bus, in boot-keyboard or HID POS
mode, with a queue of input reports; `unplug()`, `replug()` and `queue_drop()` play the faults.
"""

from __future__ import annotations

import errno
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import usb.core

from hardware.fakeusb import INTERRUPT, Endpoint, FakeUsbBackend, FakeUsbDevice, no_device
from hardware.scanners.keymaps import ENTER, MOD_ALTGR, TAB, layout

_DROP = object()  # queue marker: the cable is pulled when the reader reaches it

# A minimal HID POS barcode-scanner report descriptor: Usage Page (0x8C), Usage (Barcode Scanner), ...
POS_REPORT_DESCRIPTOR = bytes([0x06, 0x8C, 0x00, 0x09, 0x02, 0xA1, 0x01, 0x85, 0x02, 0x09, 0x12, 0xC0])
KEYBOARD_REPORT_DESCRIPTOR = bytes([0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x07, 0xC0])


@dataclass(eq=False)
class FakeHidDevice(FakeUsbDevice):
    vendor: int = 0x0C2E
    product: int = 0x0B61
    interface_class: int = 3
    pos: bool = False  # HID POS (usage page 0x8C) instead of a boot keyboard
    _reports: deque[Any] = field(default_factory=deque)
    _cond: threading.Condition = field(default_factory=threading.Condition)

    @property
    def packet_size(self) -> int:
        return 64 if self.pos else 8

    # -- what the bus reports ---------------------------------------------------------------------

    def interface_subclass_protocol(self) -> tuple[int, int]:
        boot = self.interface_class == 3 and not self.pos
        return (1, 1) if boot else (0, 0)

    def endpoints(self) -> list[Endpoint]:
        return [Endpoint(0x81, INTERRUPT, self.packet_size, 1)]

    def total_length(self) -> int:
        return super().total_length() + 9  # the HID class descriptor

    def control_reply(self, request: int, value: int) -> bytes:
        if request == 0x06 and value == 0x2200:  # GET_DESCRIPTOR, HID report descriptor
            return POS_REPORT_DESCRIPTOR if self.pos else KEYBOARD_REPORT_DESCRIPTOR
        return super().control_reply(request, value)

    # -- what the scanner sends -----------------------------------------------------------------

    def queue(self, *reports: bytes) -> None:
        with self._cond:
            self._reports.extend(reports)
            self._cond.notify_all()

    def queue_text(self, text: str, layout_name: str = "us", terminator: str = ENTER) -> None:
        """Key press and release reports that type `text` (then the terminator) on this layout."""
        self.queue(*keyboard_reports(text + terminator, layout_name))

    def queue_pos(self, code: str, symbology: str = "]C0", chunk: int = 56) -> None:
        """HID POS barcode reports (ID 2, length, data, AIM id, continuation flag)."""
        data = code.encode()
        parts = [data[i : i + chunk] for i in range(0, len(data), chunk)] or [b""]
        for i, part in enumerate(parts):
            report = bytearray(64)
            report[0], report[1] = 0x02, len(part)
            report[2 : 2 + len(part)] = part
            report[58:61] = symbology.encode().ljust(3, b"\0")
            report[63] = 1 if i < len(parts) - 1 else 0
            self.queue(bytes(report))

    def queue_drop(self) -> None:
        """The cable is pulled once the reports queued so far have been read."""
        self.queue(_DROP)  # type: ignore[arg-type]

    def unplug(self) -> None:
        with self._cond:
            self.plugged = False
            self.generation += 1
            self._reports.clear()
            self._cond.notify_all()

    def replug(self, address: int | None = None) -> None:
        with self._cond:
            self.address = address if address is not None else self.address + 1
            self.kernel_driver_active = True
            self.claimed.clear()
            self.plugged = True

    # -- what the host reads --------------------------------------------------------------------

    def read(self, generation: int, timeout_ms: int) -> bytes:
        with self._cond:
            if not self._reports and self.plugged and generation == self.generation:
                self._cond.wait(min(timeout_ms, 50) / 1000)
            if not self.plugged or generation != self.generation:
                raise no_device()
            if not self._reports:
                raise usb.core.USBTimeoutError("Operation timed out", -7, errno.ETIMEDOUT)
            report = self._reports.popleft()
            if report is _DROP:
                self.plugged = False
                self.generation += 1
                self._reports.clear()
                raise no_device()
            return bytes(report)


def keyboard_reports(text: str, layout_name: str = "us") -> list[bytes]:
    """Boot-keyboard reports (press, release) that type `text` on the given layout."""
    keymap = layout(layout_name)
    reverse: dict[str, tuple[int, int]] = {}
    for usage, (plain, shifted, altgr) in sorted(keymap.items(), reverse=True):
        for char, mods in ((altgr, MOD_ALTGR), (shifted, 0x02), (plain, 0)):
            if char:
                reverse[char] = (usage, mods)
    reverse[ENTER], reverse[TAB] = (0x28, 0), (0x2B, 0)
    reports: list[bytes] = []
    for char in text:
        usage, mods = reverse[char]
        reports.append(bytes([mods, 0, usage, 0, 0, 0, 0, 0]))
        reports.append(bytes(8))
    return reports


__all__ = ["FakeHidDevice", "FakeUsbBackend", "keyboard_reports"]
