"""USB HID scanners read directly through pyusb, in keyboard (boot protocol) or HID POS mode.

A watcher thread polls the bus every `poll_s` for matching devices (by vendor/product, or by class: a
HID boot-keyboard interface; HID POS interfaces are found by the 0x8C usage page in their report
descriptor). Each device gets its own reader thread: open, detach the kernel driver (so the scanner
stops typing into the console as a keyboard), claim, read interrupt reports, decode, emit one
`ScanEvent` per code tagged with the device identity. A device that vanishes is picked up again when it
reappears (within `poll_s` + a read timeout, well under 2 s); a code cut off by the unplug is dropped.

Matching by class also matches an ordinary keyboard: give vendor/product on a real counter (see
`station devices`), or list keyboards to leave alone in `exclude` ("vvvv:pppp").
"""

from __future__ import annotations

import contextlib
import errno
import logging
import re
import threading
import time
from typing import Any

import usb.core
import usb.util

from hardware.config_keys import config_key
from hardware.messages import N_, ConfigError, Message, typed
from hardware.scanners.base import Scanner, ScannerStatus
from hardware.scanners.hidpos import PosReportDecoder, is_pos_descriptor
from hardware.scanners.keymaps import ENTER, TAB, Layout, layout, usage_to_char
from hardware.scanners.udev import no_permission_message
from hardware.usb_backend import libusb_backend

log = logging.getLogger("station.scanner.hid")

HID_CLASS = 3
BOOT_KEYBOARD = 1
_GONE = {errno.ENODEV, errno.ENOENT, errno.EIO, errno.EPIPE, errno.ESHUTDOWN}
_TERMINATORS = {"enter": {ENTER, "\n"}, "tab": {TAB}}
MODES = ("auto", "keyboard", "pos")
_USB_PAIR = re.compile(r"[0-9a-fA-F]{4}:[0-9a-fA-F]{4}")


class KeyboardReportDecoder:
    """Boot-keyboard reports to codes: newly pressed keys become characters; the terminator ends a code."""

    def __init__(self, keymap: Layout, terminator: str = "enter") -> None:
        self.keymap = keymap
        self.terminators = _TERMINATORS.get(terminator, _TERMINATORS["enter"])
        self._pressed: set[int] = set()
        self._chars: list[str] = []

    def feed(self, report: bytes) -> list[str]:
        if len(report) < 3:
            return []
        usages = [u for u in report[2:8] if u]
        if 0x01 in usages:  # phantom state (rollover error): the report says nothing
            return []
        codes: list[str] = []
        for usage in usages:
            if usage in self._pressed or usage < 4:
                continue
            char = usage_to_char(usage, report[0], self.keymap)
            if char in self.terminators:
                if self._chars:
                    codes.append("".join(self._chars))
                self._chars.clear()
            elif char:
                self._chars.append(char)
        self._pressed = set(usages)
        return codes

    def reset(self) -> None:
        self._pressed.clear()
        self._chars.clear()


def parse_id(text: str) -> int:
    return int(text, 16)


class HidScanner(Scanner):
    kind = "hid"

    def __init__(
        self,
        *,
        vendor: int | None = None,
        product: int | None = None,
        serial: str | None = None,
        mode: str = "auto",
        layout_name: str = "us",
        terminator: str = "enter",
        exclude: list[str] | None = None,
        backend: Any = None,
        poll_s: float = 0.25,
        read_timeout_ms: int = 100,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not isinstance(mode, str) or mode not in MODES:
            raise ConfigError(
                N_("{key} = {mode}: use one of {choices}"),
                key=config_key("mode"),
                mode=typed(mode),
                choices=", ".join(MODES),
            )
        if not isinstance(terminator, str) or terminator not in _TERMINATORS:
            raise ConfigError(
                N_("{key} = {terminator}: use one of {choices}"),
                key=config_key("terminator"),
                terminator=typed(terminator),
                choices=", ".join(_TERMINATORS),
            )
        self.vendor, self.product, self.serial = vendor, product, serial
        self.mode = mode
        self.keymap = layout(layout_name)
        self.terminator = terminator
        self.exclude = _excluded(exclude)
        self.backend = backend
        self.poll_s = poll_s
        self.read_timeout_ms = read_timeout_ms
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self._readers: dict[tuple[int, int], threading.Thread] = {}
        self._states: dict[tuple[int, int], tuple[ScannerStatus, str]] = {}
        self._retry_at: dict[tuple[int, int], float] = {}
        self._ignored: set[tuple[int, int]] = set()
        self._ever_connected = False
        self._lock = threading.Lock()

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> None:
        if self._watcher is not None:
            return
        self._stop.clear()
        self._set_status(ScannerStatus.SEARCHING)
        self._watcher = threading.Thread(target=self._watch, name="hid-scanner-watch", daemon=True)
        self._watcher.start()

    def stop(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=2)
        for thread in list(self._readers.values()):
            thread.join(timeout=2)
        self._watcher = None
        self._readers.clear()
        self._states.clear()
        self._set_status(ScannerStatus.STOPPED)

    @property
    def sources(self) -> list[str]:
        """Identities of the devices read right now."""
        with self._lock:
            return [
                t.name
                for k, t in self._readers.items()
                if self._states.get(k, (None,))[0] == ScannerStatus.CONNECTED
            ]

    # -- finding devices ------------------------------------------------------------------------

    def matches(self, dev: Any) -> bool:
        ident = f"{dev.idVendor:04x}:{dev.idProduct:04x}"
        if ident in self.exclude:
            return False
        if self.vendor is not None:
            return bool(
                dev.idVendor == self.vendor and (self.product is None or dev.idProduct == self.product)
            )
        return any(self._candidate(intf) for cfg in dev for intf in cfg)

    def _candidate(self, intf: Any) -> bool:
        if intf.bInterfaceClass != HID_CLASS:
            return False
        if intf.bInterfaceProtocol == BOOT_KEYBOARD:
            return self.mode != "pos"
        return self.mode == "pos"  # a POS interface is only known once its report descriptor is read

    def find(self) -> list[Any]:
        backend = self.backend or libusb_backend()
        return list(usb.core.find(find_all=True, backend=backend, custom_match=self.matches))

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                found = self.find()
            except usb.core.NoBackendError:
                self._set_status(
                    ScannerStatus.ERROR, Message(N_("libusb is not installed: no USB scanner can be read."))
                )
                self._stop.wait(2.0)
                continue
            except Exception as exc:  # enumeration can fail while a hub is being unplugged
                log.warning("USB enumeration failed: %s", exc)
                found = []
            now = time.monotonic()
            self._forget_missing({(dev.bus, dev.address) for dev in found})
            for dev in found:
                key = (dev.bus, dev.address)
                thread = self._readers.get(key)
                if key in self._ignored or (thread is not None and thread.is_alive()):
                    continue
                if now < self._retry_at.get(key, 0.0):
                    continue
                name = f"hid:{dev.idVendor:04x}:{dev.idProduct:04x}:{dev.bus}:{dev.address}"
                thread = threading.Thread(target=self._read_device, args=(dev, key), name=name, daemon=True)
                with self._lock:
                    self._readers[key] = thread
                thread.start()
            self._stop.wait(self.poll_s)

    # -- reading one device ---------------------------------------------------------------------

    def _read_device(self, dev: Any, key: tuple[int, int]) -> None:
        detached: list[int] = []
        decoder: KeyboardReportDecoder | PosReportDecoder | None = None
        try:
            if self.serial is not None and _serial(dev) != self.serial:
                self._ignored.add(key)
                return
            chosen = self._open(dev, detached)
            if chosen is None:
                self._ignored.add(key)
                return
            endpoint, mode = chosen
            source = self._identity(dev)
            threading.current_thread().name = source
            decoder = (
                PosReportDecoder() if mode == "pos" else KeyboardReportDecoder(self.keymap, self.terminator)
            )
            self._ever_connected = True
            self._device_state(key, ScannerStatus.CONNECTED, "")
            log.info("scanner %s connected (%s mode)", source, mode)
            while not self._stop.is_set():
                try:
                    data = dev.read(
                        endpoint.bEndpointAddress, endpoint.wMaxPacketSize, timeout=self.read_timeout_ms
                    )
                except usb.core.USBTimeoutError:
                    continue
                for item in decoder.feed(bytes(data)):
                    code, symbology = item if isinstance(item, tuple) else (item, None)
                    self._emit(code, source=source, symbology=symbology)
        except usb.core.USBError as exc:
            if decoder is not None:
                decoder.reset()  # a code cut off by the unplug is never emitted
            self._retry_at[key] = time.monotonic() + 0.5
            if exc.errno == errno.EACCES:
                self._device_state(
                    key, ScannerStatus.NO_PERMISSION, no_permission_message(dev.idVendor, dev.idProduct)
                )
            elif exc.errno in _GONE or exc.backend_error_code == -4:
                self._device_state(key, ScannerStatus.UNPLUGGED, "")
            else:
                self._device_state(
                    key, ScannerStatus.ERROR, Message(N_("USB scanner error: {error}"), error=str(exc))
                )
        except Exception as exc:
            log.exception("HID scanner reader failed")
            self._retry_at[key] = time.monotonic() + 1.0
            self._device_state(
                key, ScannerStatus.ERROR, Message(N_("USB scanner error: {error}"), error=str(exc))
            )
        finally:
            self._close(dev, detached)

    def _open(self, dev: Any, detached: list[int]) -> tuple[Any, str] | None:
        try:
            cfg = dev.get_active_configuration()
        except usb.core.USBError as exc:
            if exc.errno in (errno.EACCES, errno.ENODEV):
                raise
            dev.set_configuration()
            cfg = dev.get_active_configuration()
        keyboard: tuple[Any, Any] | None = None
        for intf in cfg:
            if intf.bInterfaceClass != HID_CLASS and self.vendor is None:
                continue
            endpoint = usb.util.find_descriptor(intf, custom_match=_interrupt_in)
            if endpoint is None:
                continue
            number = intf.bInterfaceNumber
            if intf.bInterfaceProtocol != BOOT_KEYBOARD and self.mode != "keyboard":
                self._claim(dev, number, detached)
                if is_pos_descriptor(bytes(dev.ctrl_transfer(0x81, 0x06, 0x2200, number, 1024))):
                    return endpoint, "pos"
                self._release(dev, number, detached)
            elif self.mode != "pos" and keyboard is None:
                keyboard = (intf, endpoint)
        if keyboard is None:
            return None
        self._claim(dev, keyboard[0].bInterfaceNumber, detached)
        return keyboard[1], "keyboard"

    def _claim(self, dev: Any, number: int, detached: list[int]) -> None:
        if dev.is_kernel_driver_active(number):
            dev.detach_kernel_driver(number)
            detached.append(number)
        usb.util.claim_interface(dev, number)

    def _release(self, dev: Any, number: int, detached: list[int]) -> None:
        try:
            usb.util.release_interface(dev, number)
            if number in detached:
                dev.attach_kernel_driver(number)
                detached.remove(number)
        except usb.core.USBError:
            pass

    def _close(self, dev: Any, detached: list[int]) -> None:
        # Give the scanner back to the kernel, so it types as a keyboard again once we stop.
        for number in list(detached):
            self._release(dev, number, detached)
        with contextlib.suppress(usb.core.USBError):
            usb.util.dispose_resources(dev)

    def _identity(self, dev: Any) -> str:
        serial = _serial(dev)
        where = serial if serial else f"{dev.bus}:{dev.address}"
        return f"hid:{dev.idVendor:04x}:{dev.idProduct:04x}:{where}"

    # -- status ---------------------------------------------------------------------------------

    def _device_state(self, key: tuple[int, int], status: ScannerStatus, detail: str) -> None:
        with self._lock:
            self._states[key] = (status, detail)
        self._recompute()

    def _forget_missing(self, present: set[tuple[int, int]]) -> None:
        with self._lock:
            gone = [k for k, t in self._readers.items() if k not in present and not t.is_alive()]
            for key in gone:
                self._readers.pop(key, None)
                self._states.pop(key, None)
        if gone:
            self._recompute()

    def _recompute(self) -> None:
        with self._lock:
            states = list(self._states.values())
        for wanted in (ScannerStatus.CONNECTED, ScannerStatus.NO_PERMISSION, ScannerStatus.ERROR):
            hit = next((s for s in states if s[0] == wanted), None)
            if hit is not None:
                self._set_status(*hit)
                return
        if self._stop.is_set():
            return
        self._set_status(ScannerStatus.UNPLUGGED if self._ever_connected else ScannerStatus.SEARCHING)


def _excluded(exclude: Any) -> set[str]:
    """The `exclude` setting: a list of "vvvv:pppp" USB ids."""
    items = exclude if isinstance(exclude, list) else [] if exclude is None else [exclude]
    for item in items:
        if not isinstance(item, str) or not _USB_PAIR.fullmatch(item):
            raise ConfigError(
                N_("{key} = {value}: USB ids as vendor:product in hex, e.g. 046d:c31c"),
                key=config_key("exclude"),
                value=typed(item),
            )
    return {item.lower() for item in items}


def _interrupt_in(ep: Any) -> bool:
    return bool(
        usb.util.endpoint_direction(ep.bEndpointAddress) == usb.util.ENDPOINT_IN
        and usb.util.endpoint_type(ep.bmAttributes) == usb.util.ENDPOINT_TYPE_INTR
    )


def _serial(dev: Any) -> str:
    if not dev.iSerialNumber:
        return ""
    try:
        return str(dev.serial_number or "")
    except (usb.core.USBError, ValueError):
        return ""
