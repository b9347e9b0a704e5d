"""USB HID POS scales (HID usage page 0x8D) read through pyusb.

A scale is recognised by the Scale usage page in its HID report descriptor, not by its id: Dymo's
vendor id also makes label printers, and many unbranded scales reuse ids. Input report 3 is
`[3, status, unit, exponent (signed), weight LSB, weight MSB]`; status 2 zero, 3 moving, 4 stable,
5 under zero, 6 over capacity (1, 7, 8: fault, calibrate, re-zero); units 2 g, 3 kg, 11 oz, 12 lb
(and the rarer ones of the HID POS tables). The weight is `value x 10^exponent` in that unit.
"""

from __future__ import annotations

import contextlib
import errno
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import usb.core
import usb.util

from hardware.messages import N_, Message
from hardware.scales.base import Reading, Scale, ScaleError, ScaleStatus, to_grams
from hardware.scanners.hidpos import usage_pages
from hardware.scanners.udev import no_permission_message

SCALE_USAGE_PAGE = 0x8D
WEIGHT_REPORT_ID = 0x03
HID_CLASS = 3
# Scales seen at counters, for a friendly name; matching still needs the usage page.
KNOWN = {
    (0x0922, 0x8003): "Dymo M10",
    (0x0922, 0x8004): "Dymo M25",
    (0x0EB8, 0xF000): "Mettler Toledo PS60",
    (0x1446, 0x6A73): "Stamps.com Stainless Steel 5 lb",
}
STATUS = {
    1: ScaleStatus.FAULT,
    2: ScaleStatus.ZERO,
    3: ScaleStatus.MOVING,
    4: ScaleStatus.STABLE,
    5: ScaleStatus.UNDER_ZERO,
    6: ScaleStatus.OVER,
    7: ScaleStatus.FAULT,
    8: ScaleStatus.FAULT,
}
UNITS = {1: "mg", 2: "g", 3: "kg", 4: "ct", 6: "gr", 7: "dwt", 10: "ozt", 11: "oz", 12: "lb"}
_GONE = {errno.ENODEV, errno.ENOENT, errno.EIO, errno.EPIPE, errno.ESHUTDOWN}


def is_scale_descriptor(report_descriptor: bytes) -> bool:
    return SCALE_USAGE_PAGE in usage_pages(report_descriptor)


def parse_report(report: bytes, source: str = "") -> Reading | None:
    """A weight report as a `Reading` (gross); None for another report."""
    if len(report) < 6 or report[0] != WEIGHT_REPORT_ID:
        return None
    status = STATUS.get(report[1], ScaleStatus.FAULT)
    unit = UNITS.get(report[2])
    exponent = report[3] - 256 if report[3] > 127 else report[3]
    raw = report[:6].hex(" ")
    if unit is None:
        return Reading(0, ScaleStatus.FAULT, source, raw)
    value = Decimal(report[4] | report[5] << 8).scaleb(exponent)
    grams = to_grams(value, unit)
    if status == ScaleStatus.UNDER_ZERO:
        grams = -grams
    return Reading(grams, status, source, raw)


class HidPosScale(Scale):
    kind = "hidpos"

    def __init__(
        self,
        *,
        vendor: int | None = None,
        product: int | None = None,
        backend: Any = None,
        read_timeout_ms: int = 200,
    ) -> None:
        super().__init__("hidpos")
        self.vendor, self.product = vendor, product
        self.backend = backend
        self.read_timeout_ms = read_timeout_ms
        self.name = ""
        self._dev: Any = None
        self._endpoint: Any = None
        self._detached: list[int] = []

    # -- finding the scale ------------------------------------------------------------------------

    def _candidate(self, dev: Any) -> bool:
        if self.vendor is not None and dev.idVendor != self.vendor:
            return False
        if self.product is not None and dev.idProduct != self.product:
            return False
        return any(intf.bInterfaceClass == HID_CLASS for cfg in dev for intf in cfg)

    def find(self) -> list[Any]:
        try:
            return list(usb.core.find(find_all=True, backend=self.backend, custom_match=self._candidate))
        except usb.core.NoBackendError as exc:
            raise ScaleError(
                Message(N_("libusb is not installed: no USB scale can be read.")), code="no_libusb"
            ) from exc

    def open(self) -> None:
        """Claim the first HID device whose report descriptor has the Scale usage page."""
        if self._dev is not None:
            return
        for dev in self.find():
            try:
                opened = self._open(dev)
            except usb.core.USBError as exc:
                if exc.errno == errno.EACCES:
                    raise ScaleError(
                        Message(
                            N_("No permission to open the USB scale: {detail}."),
                            detail=no_permission_message(dev.idVendor, dev.idProduct),
                        ),
                        code="no_permission",
                    ) from exc
                continue  # gone while we looked: try the next one
            if opened:
                self._dev = dev
                ident = f"{dev.idVendor:04x}:{dev.idProduct:04x}"
                self.name = KNOWN.get((dev.idVendor, dev.idProduct), "")
                self.source = f"hidpos:{ident}:{dev.bus}:{dev.address}"
                return
        raise ScaleError(Message(N_("No USB scale found (HID usage page 0x8D).")), code="no_scale")

    def _open(self, dev: Any) -> bool:
        try:
            cfg = dev.get_active_configuration()
        except usb.core.USBError as exc:
            if exc.errno in (errno.EACCES, errno.ENODEV):
                raise
            dev.set_configuration()
            cfg = dev.get_active_configuration()
        for intf in cfg:
            if intf.bInterfaceClass != HID_CLASS:
                continue
            endpoint = usb.util.find_descriptor(
                intf,
                custom_match=lambda ep: (
                    usb.util.endpoint_direction(ep.bEndpointAddress) == usb.util.ENDPOINT_IN
                ),
            )
            if endpoint is None:
                continue
            number = intf.bInterfaceNumber
            if dev.is_kernel_driver_active(number):
                dev.detach_kernel_driver(number)
                self._detached.append(number)
            usb.util.claim_interface(dev, number)
            if is_scale_descriptor(bytes(dev.ctrl_transfer(0x81, 0x06, 0x2200, number, 1024))):
                self._endpoint = endpoint
                return True
            self._release(dev, number)
        return False

    def _release(self, dev: Any, number: int) -> None:
        with contextlib.suppress(usb.core.USBError):
            usb.util.release_interface(dev, number)
            if number in self._detached:
                dev.attach_kernel_driver(number)
                self._detached.remove(number)

    def close(self) -> None:
        dev, self._dev = self._dev, None
        if dev is None:
            return
        for number in list(self._detached):
            self._release(dev, number)  # the kernel gets the scale back
        with contextlib.suppress(usb.core.USBError):
            usb.util.dispose_resources(dev)

    # -- reading ----------------------------------------------------------------------------------

    def readings(self, deadline: float) -> Iterator[Reading]:
        self.open()
        while time.monotonic() < deadline:
            try:
                data = self._dev.read(
                    self._endpoint.bEndpointAddress,
                    self._endpoint.wMaxPacketSize,
                    timeout=self.read_timeout_ms,
                )
            except usb.core.USBTimeoutError:
                continue
            except usb.core.USBError as exc:
                self.close()
                if exc.errno in _GONE or exc.backend_error_code == -4:
                    raise ScaleError(
                        Message(N_("The scale was unplugged: plug it in and weigh again.")),
                        code="scale_unplugged",
                    ) from exc
                raise ScaleError(Message(N_("USB scale error: {error}."), error=str(exc)[:120])) from exc
            reading = parse_report(bytes(data), self.source)
            if reading is not None:
                yield reading
