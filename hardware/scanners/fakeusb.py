"""A pretend USB bus at pyusb's own seam, for tests and the console's demo mode.

`FakeUsbBackend` is a `usb.backend.IBackend`: pass it as `usb.core.find(backend=...)` (or as
`HidScanner(backend=...)`) and the real pyusb code runs on top of it: descriptors, open, kernel-driver
detach, claim, interrupt reads. `FakeHidDevice` is one scanner on that bus, in boot-keyboard or HID POS
mode, with a queue of input reports; `unplug()`, `replug()` and `queue_drop()` play the faults.
"""

from __future__ import annotations

import array
import errno
import itertools
import threading
from collections import deque
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import usb.backend
import usb.core

from hardware.scanners.keymaps import ENTER, MOD_ALTGR, TAB, layout

_DROP = object()  # queue marker: the cable is pulled when the reader reaches it

# A minimal HID POS barcode-scanner report descriptor: Usage Page (0x8C), Usage (Barcode Scanner), ...
POS_REPORT_DESCRIPTOR = bytes([0x06, 0x8C, 0x00, 0x09, 0x02, 0xA1, 0x01, 0x85, 0x02, 0x09, 0x12, 0xC0])
KEYBOARD_REPORT_DESCRIPTOR = bytes([0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x07, 0xC0])


@dataclass(eq=False)
class FakeHidDevice:
    vendor: int = 0x0C2E
    product: int = 0x0B61
    bus: int = 1
    address: int = 7
    serial: str = ""
    pos: bool = False  # HID POS (usage page 0x8C) instead of a boot keyboard
    device_class: int = 0
    interface_class: int = 3
    permission: bool = True
    kernel_driver_active: bool = True
    plugged: bool = True
    detach_calls: list[int] = field(default_factory=list)
    attach_calls: list[int] = field(default_factory=list)
    claimed: set[int] = field(default_factory=set)
    generation: int = 0  # bumped on every unplug: handles from before fail
    _reports: deque[Any] = field(default_factory=deque)
    _cond: threading.Condition = field(default_factory=threading.Condition)

    @property
    def packet_size(self) -> int:
        return 64 if self.pos else 8

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
                raise usb.core.USBError("No such device (it may have been disconnected)", -4, errno.ENODEV)
            if not self._reports:
                raise usb.core.USBTimeoutError("Operation timed out", -7, errno.ETIMEDOUT)
            report = self._reports.popleft()
            if report is _DROP:
                self.plugged = False
                self.generation += 1
                self._reports.clear()
                raise usb.core.USBError("No such device (it may have been disconnected)", -4, errno.ENODEV)
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


class _Handle:
    def __init__(self, device: FakeHidDevice) -> None:
        self.device = device
        self.generation = device.generation


class FakeUsbBackend(usb.backend.IBackend):  # type: ignore[misc]
    def __init__(self, *devices: FakeHidDevice) -> None:
        super().__init__()
        self.devices = list(devices)
        self.opened = itertools.count()

    def add(self, device: FakeHidDevice) -> FakeHidDevice:
        self.devices.append(device)
        return device

    def enumerate_devices(self) -> Any:
        return [d for d in list(self.devices) if d.plugged]

    def get_device_descriptor(self, dev: FakeHidDevice) -> Any:
        return SimpleNamespace(
            bLength=18,
            bDescriptorType=1,
            bcdUSB=0x0200,
            bDeviceClass=dev.device_class,
            bDeviceSubClass=0,
            bDeviceProtocol=0,
            bMaxPacketSize0=64,
            idVendor=dev.vendor,
            idProduct=dev.product,
            bcdDevice=0x0100,
            iManufacturer=0,
            iProduct=0,
            iSerialNumber=1 if dev.serial else 0,
            bNumConfigurations=1,
            address=dev.address,
            bus=dev.bus,
            port_number=None,
            port_numbers=None,
            speed=None,
        )

    def get_configuration_descriptor(self, dev: FakeHidDevice, config: int) -> Any:
        if config != 0:
            raise IndexError(config)
        return SimpleNamespace(
            bLength=9,
            bDescriptorType=2,
            wTotalLength=34,
            bNumInterfaces=1,
            bConfigurationValue=1,
            iConfiguration=0,
            bmAttributes=0x80,
            bMaxPower=50,
            extra_descriptors=[],
        )

    def get_interface_descriptor(self, dev: FakeHidDevice, intf: int, alt: int, config: int) -> Any:
        if (intf, alt, config) != (0, 0, 0):
            raise IndexError(intf)
        boot = dev.interface_class == 3 and not dev.pos
        return SimpleNamespace(
            bLength=9,
            bDescriptorType=4,
            bInterfaceNumber=0,
            bAlternateSetting=0,
            bNumEndpoints=1,
            bInterfaceClass=dev.interface_class,
            bInterfaceSubClass=1 if boot else 0,
            bInterfaceProtocol=1 if boot else 0,
            iInterface=0,
            extra_descriptors=[],
        )

    def get_endpoint_descriptor(self, dev: FakeHidDevice, ep: int, intf: int, alt: int, config: int) -> Any:
        if ep != 0:
            raise IndexError(ep)
        return SimpleNamespace(
            bLength=7,
            bDescriptorType=5,
            bEndpointAddress=0x81,
            bmAttributes=0x03,
            wMaxPacketSize=dev.packet_size,
            bInterval=1,
            bRefresh=0,
            bSynchAddress=0,
            extra_descriptors=[],
        )

    def open_device(self, dev: FakeHidDevice) -> _Handle:
        if not dev.plugged:
            raise usb.core.USBError("No such device (it may have been disconnected)", -4, errno.ENODEV)
        if not dev.permission:
            raise usb.core.USBError("Access denied (insufficient permissions)", -3, errno.EACCES)
        next(self.opened)
        return _Handle(dev)

    def close_device(self, dev_handle: _Handle) -> None:
        pass

    def set_configuration(self, dev_handle: _Handle, config_value: int) -> None:
        pass

    def get_configuration(self, dev_handle: _Handle) -> int:
        return 1

    def set_interface_altsetting(self, dev_handle: _Handle, intf: int, altsetting: int) -> None:
        pass

    def _check(self, dev_handle: _Handle) -> FakeHidDevice:
        dev = dev_handle.device
        if not dev.plugged or dev_handle.generation != dev.generation:
            raise usb.core.USBError("No such device (it may have been disconnected)", -4, errno.ENODEV)
        return dev

    def claim_interface(self, dev_handle: _Handle, intf: int) -> None:
        dev = self._check(dev_handle)
        if dev.kernel_driver_active:
            raise usb.core.USBError("Resource busy", -6, errno.EBUSY)
        dev.claimed.add(intf)

    def release_interface(self, dev_handle: _Handle, intf: int) -> None:
        self._check(dev_handle).claimed.discard(intf)

    def is_kernel_driver_active(self, dev_handle: _Handle, intf: int) -> bool:
        return self._check(dev_handle).kernel_driver_active

    def detach_kernel_driver(self, dev_handle: _Handle, intf: int) -> None:
        dev = self._check(dev_handle)
        dev.detach_calls.append(intf)
        dev.kernel_driver_active = False

    def attach_kernel_driver(self, dev_handle: _Handle, intf: int) -> None:
        dev = self._check(dev_handle)
        dev.attach_calls.append(intf)
        dev.kernel_driver_active = True

    def intr_read(self, dev_handle: _Handle, ep: int, intf: int, buff: array.array[int], timeout: int) -> int:
        report = dev_handle.device.read(dev_handle.generation, timeout)
        n = min(len(report), len(buff))
        buff[:n] = array.array("B", report[:n])
        return n

    def ctrl_transfer(
        self,
        dev_handle: _Handle,
        bmRequestType: int,
        bRequest: int,
        wValue: int,
        wIndex: int,
        data: array.array[int],
        timeout: int,
    ) -> int:
        dev = self._check(dev_handle)
        reply = b""
        if bRequest == 0x06 and wValue == 0x2200:  # GET_DESCRIPTOR, HID report descriptor
            reply = POS_REPORT_DESCRIPTOR if dev.pos else KEYBOARD_REPORT_DESCRIPTOR
        elif bRequest == 0x06 and wValue == 0x0300:  # string descriptor 0: language ids
            reply = bytes([4, 3, 0x09, 0x04])
        elif bRequest == 0x06 and wValue >> 8 == 0x03 and dev.serial:
            text = dev.serial.encode("utf-16-le")
            reply = bytes([2 + len(text), 3]) + text
        n = min(len(reply), len(data))
        data[:n] = array.array("B", reply[:n])
        return n
