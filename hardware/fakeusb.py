"""A pretend USB bus at pyusb's own seam, for tests and the console's demo mode.

`FakeUsbBackend` is a `usb.backend.IBackend`: pass it as `usb.core.find(backend=...)` and the real pyusb
code runs on top of it: descriptors, open, configuration, kernel-driver detach, claim, interrupt reads and
bulk writes. `FakeUsbDevice` is what every device on that bus shares (plugged, permission, the kernel
driver, a generation that stale handles fail on); a subclass says what its interface and endpoints are:
`hardware.scanners.fakeusb.FakeHidDevice` (a scanner) and `FakeUsbPrinter` here.
"""

from __future__ import annotations

import array
import errno
import itertools
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, TypeVar

import usb.backend
import usb.core

BULK, INTERRUPT = 0x02, 0x03


def no_device() -> usb.core.USBError:
    return usb.core.USBError("No such device (it may have been disconnected)", -4, errno.ENODEV)


@dataclass(frozen=True)
class Endpoint:
    address: int  # bit 7 set: IN
    attributes: int  # BULK or INTERRUPT
    max_packet: int = 64
    interval: int = 0


@dataclass(eq=False)
class FakeUsbDevice:
    vendor: int = 0x1234
    product: int = 0x0001
    bus: int = 1
    address: int = 7
    serial: str = ""
    device_class: int = 0
    interface_class: int = 0
    permission: bool = True
    kernel_driver_active: bool = True
    plugged: bool = True
    configuration: int = 1  # 0: not configured yet, so pyusb's get_active_configuration fails
    detach_calls: list[int] = field(default_factory=list)
    attach_calls: list[int] = field(default_factory=list)
    claimed: set[int] = field(default_factory=set)
    generation: int = 0  # bumped on every unplug: handles from before fail

    def interface_subclass_protocol(self) -> tuple[int, int]:
        return (0, 0)

    def endpoints(self) -> list[Endpoint]:
        return []

    def total_length(self) -> int:
        return 9 + 9 + 7 * len(self.endpoints())

    def control_reply(self, request: int, value: int) -> bytes:
        """The data of a control IN transfer: string descriptors here, class requests in subclasses."""
        if request == 0x06 and value == 0x0300:  # string descriptor 0: language ids
            return bytes([4, 3, 0x09, 0x04])
        if request == 0x06 and value >> 8 == 0x03 and self.serial:
            text = self.serial.encode("utf-16-le")
            return bytes([2 + len(text), 3]) + text
        return b""

    def read(self, generation: int, timeout_ms: int) -> bytes:
        raise usb.core.USBError("Operation not supported", -12, errno.ENOSYS)

    def write(self, generation: int, ep: int, data: bytes) -> int:
        raise usb.core.USBError("Operation not supported", -12, errno.ENOSYS)


@dataclass(eq=False)
class FakeUsbPrinter(FakeUsbDevice):
    """A USB printer-class device (bulk IN 0x82, bulk OUT 0x01) that records what it was sent.

    `stalled` plays a printer out of paper: it NAKs until the timeout.
    """

    vendor: int = 0x0416
    product: int = 0x5011
    address: int = 3
    interface_class: int = 7
    configuration: int = 0
    stalled: bool = False
    writes: list[tuple[int, bytes]] = field(default_factory=list)

    def interface_subclass_protocol(self) -> tuple[int, int]:
        return (1, 2)  # printer, bidirectional

    def endpoints(self) -> list[Endpoint]:
        return [Endpoint(0x82, BULK), Endpoint(0x01, BULK)]

    def write(self, generation: int, ep: int, data: bytes) -> int:
        if not self.plugged or generation != self.generation:
            raise no_device()
        if self.stalled:
            raise usb.core.USBTimeoutError("Operation timed out", -7, errno.ETIMEDOUT)
        self.writes.append((ep, bytes(data)))
        return len(data)


D = TypeVar("D", bound=FakeUsbDevice)


class _Handle:
    def __init__(self, device: FakeUsbDevice) -> None:
        self.device = device
        self.generation = device.generation


class FakeUsbBackend(usb.backend.IBackend):  # type: ignore[misc]
    def __init__(self, *devices: FakeUsbDevice) -> None:
        super().__init__()
        self.devices = list(devices)
        self.opened = itertools.count()

    def add(self, device: D) -> D:
        self.devices.append(device)
        return device

    def enumerate_devices(self) -> Any:
        return [d for d in list(self.devices) if d.plugged]

    def get_device_descriptor(self, dev: FakeUsbDevice) -> Any:
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

    def get_configuration_descriptor(self, dev: FakeUsbDevice, config: int) -> Any:
        if config != 0:
            raise IndexError(config)
        return SimpleNamespace(
            bLength=9,
            bDescriptorType=2,
            wTotalLength=dev.total_length(),
            bNumInterfaces=1,
            bConfigurationValue=1,
            iConfiguration=0,
            bmAttributes=0x80,
            bMaxPower=50,
            extra_descriptors=[],
        )

    def get_interface_descriptor(self, dev: FakeUsbDevice, intf: int, alt: int, config: int) -> Any:
        if (intf, alt, config) != (0, 0, 0):
            raise IndexError(intf)
        subclass, protocol = dev.interface_subclass_protocol()
        return SimpleNamespace(
            bLength=9,
            bDescriptorType=4,
            bInterfaceNumber=0,
            bAlternateSetting=0,
            bNumEndpoints=len(dev.endpoints()),
            bInterfaceClass=dev.interface_class,
            bInterfaceSubClass=subclass,
            bInterfaceProtocol=protocol,
            iInterface=0,
            extra_descriptors=[],
        )

    def get_endpoint_descriptor(self, dev: FakeUsbDevice, ep: int, intf: int, alt: int, config: int) -> Any:
        endpoints = dev.endpoints()
        if not 0 <= ep < len(endpoints):
            raise IndexError(ep)
        endpoint = endpoints[ep]
        return SimpleNamespace(
            bLength=7,
            bDescriptorType=5,
            bEndpointAddress=endpoint.address,
            bmAttributes=endpoint.attributes,
            wMaxPacketSize=endpoint.max_packet,
            bInterval=endpoint.interval,
            bRefresh=0,
            bSynchAddress=0,
            extra_descriptors=[],
        )

    def open_device(self, dev: FakeUsbDevice) -> _Handle:
        if not dev.plugged:
            raise no_device()
        if not dev.permission:
            raise usb.core.USBError("Access denied (insufficient permissions)", -3, errno.EACCES)
        next(self.opened)
        return _Handle(dev)

    def close_device(self, dev_handle: _Handle) -> None:
        pass

    def set_configuration(self, dev_handle: _Handle, config_value: int) -> None:
        dev_handle.device.configuration = config_value

    def get_configuration(self, dev_handle: _Handle) -> int:
        return dev_handle.device.configuration

    def set_interface_altsetting(self, dev_handle: _Handle, intf: int, altsetting: int) -> None:
        pass

    def _check(self, dev_handle: _Handle) -> FakeUsbDevice:
        dev = dev_handle.device
        if not dev.plugged or dev_handle.generation != dev.generation:
            raise no_device()
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

    def bulk_write(
        self, dev_handle: _Handle, ep: int, intf: int, data: array.array[int], timeout: int
    ) -> int:
        return dev_handle.device.write(dev_handle.generation, ep, bytes(data))

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
        reply = self._check(dev_handle).control_reply(bRequest, wValue)
        n = min(len(reply), len(data))
        data[:n] = array.array("B", reply[:n])
        return n
