"""A USB HID POS scale on the pretend USB bus (hardware/fakeusb.py), for tests and the demo mode.

It reuses the pretend HID device of the scanners (reports queue, unplug, a drop mid-read) and
answers with a Scale report descriptor (usage page 0x8D) and 6-byte weight reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from hardware.fakeusb import INTERRUPT, Endpoint, FakeUsbBackend
from hardware.scanners.fakeusb import FakeHidDevice

# Usage Page (Scale 0x8D), Usage (Scale Device), Collection, Report ID 3, ..., End Collection.
SCALE_REPORT_DESCRIPTOR = bytes([0x05, 0x8D, 0x09, 0x01, 0xA1, 0x01, 0x85, 0x03, 0x09, 0x30, 0xC0])
STATUS = {"zero": 2, "moving": 3, "stable": 4, "under": 5, "over": 6, "fault": 1}
UNIT = {"g": 2, "kg": 3, "oz": 11, "lb": 12}


def weight_report(status: str, value: int, unit: str = "g", exponent: int = 0) -> bytes:
    """Report 3: status, unit, signed exponent, value LSB, MSB."""
    return bytes([0x03, STATUS[status], UNIT[unit], exponent & 0xFF, value & 0xFF, value >> 8 & 0xFF])


@dataclass(eq=False)
class FakeHidScale(FakeHidDevice):
    vendor: int = 0x0922
    product: int = 0x8003
    address: int = 5

    @property
    def packet_size(self) -> int:
        return 6

    def interface_subclass_protocol(self) -> tuple[int, int]:
        return (0, 0)  # a plain HID interface, not a boot keyboard

    def endpoints(self) -> list[Endpoint]:
        return [Endpoint(0x82, INTERRUPT, self.packet_size, 10)]

    def control_reply(self, request: int, value: int) -> bytes:
        if request == 0x06 and value == 0x2200:
            return SCALE_REPORT_DESCRIPTOR
        return super().control_reply(request, value)

    def weigh(self, status: str, value: int, unit: str = "g", exponent: int = 0, times: int = 1) -> None:
        self.queue(*[weight_report(status, value, unit, exponent)] * times)


__all__ = ["FakeHidScale", "FakeUsbBackend", "weight_report"]
