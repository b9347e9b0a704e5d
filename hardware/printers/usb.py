"""USB bulk OUT through pyusb: the printer-class interface's OUT endpoint, in chunks, with a timeout.

The device is found fresh for every job (vendor:product from the config, else the first USB printer
class device), so a printer that was unplugged comes back without a restart. `backend` is pyusb's own
seam: tests pass a fake `usb.backend.IBackend`.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import Any

import usb.core
import usb.util

from hardware.config_keys import config_key
from hardware.messages import N_, ConfigError, typed
from hardware.printers.transports import PrinterError, device, system_text
from hardware.usb_backend import libusb_backend

PRINTER_CLASS = 7
CHUNK = 4096


@dataclass
class UsbTransport:
    vendor_id: int | None = None
    product_id: int | None = None
    timeout_ms: int = 5000
    backend: Any = None

    @classmethod
    def from_target(cls, target: str, backend: Any = None) -> UsbTransport:
        """`"0416:5011"` (hex vendor:product), or empty for the first USB printer."""
        if not target:
            return cls(backend=backend)
        vendor, _, product = target.partition(":")
        try:
            return cls(int(vendor, 16), int(product, 16) if product else None, backend=backend)
        except ValueError:
            raise ConfigError(
                N_("{key} = {target}: a USB printer's vendor:product in hex, e.g. 0416:5011"),
                key=config_key("target"),
                target=typed(target),
            ) from None

    def describe(self) -> str:
        if self.vendor_id is None:
            return "usb:first printer"
        return f"usb:{self.vendor_id:04x}:{self.product_id or 0:04x}"

    def _find(self) -> Any:
        def is_printer(dev: Any) -> bool:
            if dev.bDeviceClass == PRINTER_CLASS:
                return True
            return any(intf.bInterfaceClass == PRINTER_CLASS for cfg in dev for intf in cfg)

        criteria: dict[str, Any] = {}
        if self.vendor_id is not None:
            criteria["idVendor"] = self.vendor_id
        if self.product_id is not None:
            criteria["idProduct"] = self.product_id
        backend = self.backend or libusb_backend()
        try:
            if criteria:
                return usb.core.find(backend=backend, **criteria)
            return usb.core.find(backend=backend, custom_match=is_printer)
        except usb.core.NoBackendError as exc:
            raise PrinterError(
                "offline", N_("No USB library (libusb) on this machine: ask the manager to install libusb")
            ) from exc

    def send(self, data: bytes) -> None:
        dev = self._find()
        if dev is None:
            raise PrinterError(
                "offline",
                N_("{device} not connected: check the printer's power and USB cable"),
                device=device(self.describe()),
            )
        try:
            try:
                if dev.is_kernel_driver_active(0):
                    dev.detach_kernel_driver(0)  # the usblp driver holds the interface on Linux
            except (NotImplementedError, usb.core.USBError):
                pass
            try:
                cfg = dev.get_active_configuration()
            except usb.core.USBError:
                dev.set_configuration()
                cfg = dev.get_active_configuration()
            intf = cfg[(0, 0)]
            out = usb.util.find_descriptor(
                intf,
                custom_match=lambda e: (
                    usb.util.endpoint_direction(e.bEndpointAddress) == usb.util.ENDPOINT_OUT
                    and usb.util.endpoint_type(e.bmAttributes) == usb.util.ENDPOINT_TYPE_BULK
                ),
            )
            if out is None:
                raise PrinterError(
                    "error",
                    N_("{device} has no bulk OUT endpoint: is it a printer?"),
                    device=device(self.describe()),
                )
            for start in range(0, len(data), CHUNK):
                chunk = data[start : start + CHUNK]
                if out.write(chunk, self.timeout_ms) != len(chunk):
                    raise PrinterError(
                        "timeout",
                        N_(
                            "{device} took only part of the job (out of paper?): check the paper, then reprint"
                        ),
                        device=device(self.describe()),
                    )
        except usb.core.USBTimeoutError as exc:
            raise PrinterError(
                "timeout",
                N_("{device} did not take the data (out of paper?): check the paper"),
                device=device(self.describe()),
            ) from exc
        except usb.core.USBError as exc:
            name = device(self.describe())
            if exc.errno == errno.ENODEV:  # unplugged between the find and the write
                raise PrinterError(
                    "offline",
                    N_("{device} not connected: check the printer's power and USB cable"),
                    device=name,
                ) from exc
            if exc.errno in (errno.EACCES, errno.EPERM):
                raise PrinterError(
                    "permission",
                    N_(
                        "No permission to use {device} ({reason}): ask the manager to check its access rights"
                    ),
                    device=name,
                    reason=system_text(exc),
                ) from exc
            raise PrinterError(
                "error", N_("{device}: {reason}"), device=name, reason=system_text(exc)
            ) from exc
        finally:
            usb.util.dispose_resources(dev)
