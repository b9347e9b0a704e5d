"""`make_scale`: the counter's scale from `CounterSettings.scale`.

Config keys by kind:
- `hidpos`: `vendor`, `product` (hex strings, optional: the usage page finds the scale);
  `backend: "fake"` with `grams` for a demo on a pretend USB bus.
- `serial`: `port` (required), `baud` (9600), `protocol` (mtsics, cas, regex), and for regex
  `pattern`, `unit`, `stable`, `settle`, `command`; `command` for a CAS scale that must be asked.
- `dummy`: `grams`, `readings`, or `file` (see hardware/scales/dummy.py).
"""

from __future__ import annotations

from typing import Any

from hardware.config_keys import config_key
from hardware.config_values import usb_id, whole
from hardware.messages import N_, ConfigError, typed
from hardware.scales.base import Scale

# The kinds of scale (`kind` in counter.toml) as a person reads them (`station scale read`); translated
# where shown. Three of a scanner's codes (hardware.scanners.factory.KIND_LABELS), but a scale's own
# settings: how a scale is connected, which a scanner's kinds (a keyboard wedge) need not follow.
KIND_LABELS = {"hidpos": N_("USB HID POS"), "serial": N_("serial port"), "dummy": N_("demo")}
KINDS = tuple(KIND_LABELS)


def make_scale(config: dict[str, Any], *, backend: Any = None) -> Scale:
    """A Scale from a settings entry; a ConfigError names the bad key."""
    kind = str(config.get("kind", "")).lower()
    if kind == "dummy":
        from hardware.scales.dummy import DummyScale

        readings = config.get("readings")
        return DummyScale(
            grams=config.get("grams"),
            readings=[(str(s), int(g)) for s, g in readings] if readings else None,
            file=config.get("file"),
        )
    if kind == "hidpos":
        from hardware.scales.hidpos import HidPosScale

        if backend is None and config.get("backend") == "fake":
            backend = _demo_backend(config)
        return HidPosScale(
            vendor=usb_id(config, "vendor"), product=usb_id(config, "product"), backend=backend
        )
    if kind == "serial":
        from hardware.scales.serial import SerialScale, make_protocol

        if not config.get("port"):
            raise ConfigError(
                N_("{key}: a serial scale needs its port, e.g. /dev/ttyUSB0"), key=config_key("port")
            )
        return SerialScale(
            port=str(config["port"]),
            protocol=make_protocol(config),
            baudrate=whole(config, "baud", 9600, low=50, high=4_000_000),
        )
    raise ConfigError(
        N_("{key} = {kind}: unknown kind of scale; use one of {choices}"),
        key=config_key("kind"),
        kind=typed(kind),
        choices=", ".join(KINDS),
    )


def _demo_backend(config: dict[str, Any]) -> Any:
    """A pretend USB bus with a Dymo-like scale holding `grams` steadily (after a moment of moving)."""
    from hardware.scales.fakeusb import FakeHidScale, FakeUsbBackend

    scale = FakeHidScale()
    grams = int(config.get("grams", 1200))
    scale.weigh("moving", grams + 7, times=2)
    scale.weigh("stable", grams, times=200)
    return FakeUsbBackend(scale)
