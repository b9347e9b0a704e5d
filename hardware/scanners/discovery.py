"""What `station devices` shows: USB scanners and printers this machine can see, and whether we may open them.

Read-only: a device is opened (to test permission and read its names) but never claimed, and no
kernel driver is detached, so listing devices never disturbs a keyboard or a printer in use.
"""

from __future__ import annotations

import contextlib
import errno
from dataclasses import asdict, dataclass, field
from typing import Any

import usb.core
import usb.util

from hardware.scanners.hidpos import is_pos_descriptor
from hardware.scanners.udev import udev_rule
from hardware.usb_backend import libusb_backend

HID, PRINTER = 3, 7


@dataclass
class FoundDevice:
    id: str  # "vvvv:pppp:bus:address", what `station scan-test --device` takes
    vendor: str
    product: str
    bus: int | None
    address: int | None
    kind: str  # scanner, printer, serial, other
    interfaces: list[str]
    permission: str  # ok, denied, unknown
    manufacturer: str = ""
    name: str = ""
    serial: str = ""
    udev_rule: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Discovery:
    devices: list[FoundDevice] = field(default_factory=list)
    usb_available: bool = True
    error: str = ""


def _interfaces(dev: Any) -> list[str]:
    kinds: list[str] = []
    for cfg in dev:
        for intf in cfg:
            cls, proto = intf.bInterfaceClass, intf.bInterfaceProtocol
            if cls == HID:
                kinds.append({1: "hid-keyboard", 2: "hid-mouse"}.get(proto, "hid"))
            elif cls == PRINTER:
                kinds.append("printer")
    if not kinds and dev.bDeviceClass == PRINTER:
        kinds.append("printer")
    return kinds


def _guess(kinds: list[str]) -> str:
    if "printer" in kinds:
        return "printer"
    if "hid-pos" in kinds or "hid-keyboard" in kinds:
        return "scanner"
    return "other"


def _probe(dev: Any, found: FoundDevice) -> None:
    """Open the device without claiming anything: permission state, names, HID POS report descriptor."""
    try:
        dev.get_active_configuration()  # opens the device: EACCES when udev does not allow us
    except usb.core.USBError as exc:
        if exc.errno == errno.EACCES:
            found.permission = "denied"
            found.udev_rule = udev_rule(dev.idVendor, dev.idProduct)
        return
    found.permission = "ok"
    for attr, index in (
        ("manufacturer", dev.iManufacturer),
        ("name", dev.iProduct),
        ("serial", dev.iSerialNumber),
    ):
        if index:
            with contextlib.suppress(usb.core.USBError, ValueError):
                setattr(found, attr, usb.util.get_string(dev, index) or "")
    for n, kind in enumerate(found.interfaces):
        if kind != "hid":
            continue
        with contextlib.suppress(usb.core.USBError, ValueError, NotImplementedError):
            if dev.is_kernel_driver_active(n):
                continue  # reading it would need the driver detached: leave it alone
            if is_pos_descriptor(bytes(dev.ctrl_transfer(0x81, 0x06, 0x2200, n, 1024))):
                found.interfaces[n] = "hid-pos"


def discover(backend: Any = None, *, include_serial: bool = True) -> Discovery:
    result = Discovery()
    try:
        devices = list(usb.core.find(find_all=True, backend=backend or libusb_backend()))
    except usb.core.NoBackendError:
        result.usb_available = False
        result.error = "no libusb backend"
        devices = []
    for dev in devices:
        kinds = _interfaces(dev)
        if not kinds:
            continue  # hubs, cameras, disks: not ours
        found = FoundDevice(
            id=f"{dev.idVendor:04x}:{dev.idProduct:04x}:{dev.bus}:{dev.address}",
            vendor=f"{dev.idVendor:04x}",
            product=f"{dev.idProduct:04x}",
            bus=dev.bus,
            address=dev.address,
            kind="other",
            interfaces=kinds,
            permission="unknown",
        )
        _probe(dev, found)
        with contextlib.suppress(usb.core.USBError):
            usb.util.dispose_resources(dev)
        found.kind = _guess(found.interfaces)
        if found.kind != "other":
            result.devices.append(found)
    if include_serial:
        result.devices += _serial_ports()
    return result


def _serial_ports() -> list[FoundDevice]:
    """USB-CDC and USB-serial ports: a scanner in serial mode shows up as one of these."""
    try:
        from serial.tools import list_ports
    except ImportError:  # pyserial is optional (the serial extra): no serial ports to list then
        return []
    ports = []
    for port in list_ports.comports():
        if port.vid is None:
            continue  # built-in UARTs
        ports.append(
            FoundDevice(
                id=port.device,
                vendor=f"{port.vid:04x}",
                product=f"{port.pid or 0:04x}",
                bus=None,
                address=None,
                kind="serial",
                interfaces=["serial"],
                permission="unknown",
                manufacturer=port.manufacturer or "",
                name=port.product or port.description or "",
                serial=port.serial_number or "",
            )
        )
    return ports
