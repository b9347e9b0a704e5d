"""`make_scanner`: the configured scanner from `CounterSettings.scanner`.

Config keys by kind (all optional unless noted):
- `wedge`: nothing here; keys are decoded in the console by `WedgeDecoder` (the `wedge_*` settings).
- `hid` / `hidpos`: `vendor`, `product` ("0c2e" hex strings or ints), `serial`, `layout` (us, de, fr),
  `terminator` (enter, tab), `exclude` (["vvvv:pppp"]), `mode` (auto, keyboard, pos; hidpos = pos),
  `backend: "fake"` with `codes` for a demo on a pretend USB bus.
- `serial`: `port` (required), `baud`, `terminator` (cr, lf, crlf, tab, any: the first of CR, LF, Tab).
- `dummy`: `codes`, `interval_s`, `loop`.
"""

from __future__ import annotations

import threading
from typing import Any

from hardware.config_keys import config_key
from hardware.config_values import decimal, usb_id, whole
from hardware.messages import N_, ConfigError, typed
from hardware.scanners.base import ScanCallback, Scanner, ScannerStatus, StatusCallback
from hardware.scanners.dummy import DummyScanner

# The kinds of scanner (`kind` in counter.toml) as a person reads them: `station scan-test`, the
# console's header; translated where shown.
KIND_LABELS = {
    "wedge": N_("wedge"),
    "hid": N_("USB keyboard (HID)"),
    "hidpos": N_("USB HID POS"),
    "serial": N_("serial port"),
    "dummy": N_("demo"),
}
KINDS = tuple(KIND_LABELS)


class WedgeScanner(Scanner):
    """A keyboard-wedge scanner types into the console; there is nothing to open or read here."""

    kind = "wedge"

    def start(self) -> None:
        self._set_status(ScannerStatus.CONNECTED)

    def stop(self) -> None:
        self._set_status(ScannerStatus.STOPPED)


def make_scanner(
    config: dict[str, Any],
    *,
    on_scan: ScanCallback | None = None,
    on_status: StatusCallback | None = None,
    backend: Any = None,
) -> Scanner:
    kind = config.get("kind", "wedge")
    callbacks: dict[str, Any] = {"on_scan": on_scan, "on_status": on_status}
    if kind == "wedge":
        return WedgeScanner(**callbacks, source="wedge")
    if kind == "dummy":
        return DummyScanner(
            config.get("codes", []),
            decimal(config, "interval_s", 1.0, low=0, high=3600),
            loop=bool(config.get("loop", False)),
            **callbacks,
            source="dummy",
        )
    if kind in ("hid", "hidpos"):
        # Each kind loads its driver (pyusb, pyserial: ~40 ms) only when configured, so the usual
        # wedge console starts without them.
        from hardware.scanners.hid import HidScanner

        if backend is None and config.get("backend") == "fake":
            backend = _demo_backend(config)
        return HidScanner(
            vendor=usb_id(config, "vendor"),
            product=usb_id(config, "product"),
            serial=config.get("serial"),
            mode="pos" if kind == "hidpos" else config.get("mode", "auto"),
            layout_name=config.get("layout", "us"),
            terminator=config.get("terminator", "enter"),
            exclude=config.get("exclude"),
            backend=backend,
            **callbacks,
        )
    if kind == "serial":
        from hardware.scanners.serial import SerialScanner  # (see hid above)

        if not config.get("port"):
            raise ConfigError(
                N_("{key}: a serial scanner needs its port, e.g. /dev/ttyACM0"), key=config_key("port")
            )
        return SerialScanner(
            port=str(config["port"]),
            baudrate=whole(config, "baud", 9600, low=50, high=4_000_000),
            terminator=config.get("terminator", "any"),
            **callbacks,
        )
    raise ConfigError(
        N_("{key} = {kind}: unknown kind of scanner; use one of {choices}"),
        key=config_key("kind"),
        kind=typed(kind),
        choices=", ".join(KINDS),
    )


def _demo_backend(config: dict[str, Any]) -> Any:
    """A pretend USB bus with one scanner that types the configured codes, one every `interval_s`."""
    # The pretend bus serves demo and test mode only: a real console never loads it.
    from hardware.scanners.fakeusb import FakeHidDevice, FakeUsbBackend

    device = FakeHidDevice(
        vendor=usb_id(config, "vendor") or 0x0C2E,
        product=usb_id(config, "product") or 0x0B61,
        pos=config.get("kind") == "hidpos",
    )
    codes = list(config.get("codes", []))
    interval = float(config.get("interval_s", 2.0))

    def play() -> None:
        stop = threading.Event()
        for code in codes:
            if stop.wait(interval):
                return
            if device.pos:
                device.queue_pos(code)
            else:
                device.queue_text(code, config.get("layout", "us"))

    threading.Thread(target=play, name="fake-usb-demo", daemon=True).start()
    return FakeUsbBackend(device)
