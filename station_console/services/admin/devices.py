"""Devices this counter can see, and which scanner a command should open. No Textual."""

from __future__ import annotations

import re
from typing import Any

from hardware.scanners.discovery import Discovery, discover
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.settings import CounterSettings

_USB_ID = re.compile(r"^([0-9a-fA-F]{4}):([0-9a-fA-F]{4})(?::\d+:\d+)?$")


def list_devices(backend: Any = None) -> Discovery:
    """USB scanners and printers (and USB serial ports) with their permission state."""
    return discover(backend)


def scanner_config(settings: CounterSettings, device: str | None = None) -> dict[str, Any]:
    """The scanner config for `device` (an id from `station devices`, a serial port, `wedge` or `dummy`),
    or the counter's configured scanner when no device is given."""
    configured = dict(settings.scanner) or {"kind": "wedge"}
    if device is None:
        return configured
    if device in ("wedge", "dummy"):
        return configured if configured.get("kind") == device else {"kind": device}
    match = _USB_ID.match(device)
    if match:
        extra = {k: v for k, v in configured.items() if k in ("layout", "terminator", "mode")}
        kind = configured.get("kind") if configured.get("kind") in ("hid", "hidpos") else "hid"
        return {**extra, "kind": kind, "vendor": match.group(1).lower(), "product": match.group(2).lower()}
    if device.startswith("/dev/") or re.match(r"^COM\d+$", device, re.IGNORECASE):
        extra = (
            {k: v for k, v in configured.items() if k in ("baud", "terminator")}
            if configured.get("kind") == "serial"
            else {}
        )
        return {**extra, "kind": "serial", "port": device}
    raise Refused(
        N_("Unknown device {device}: give an id from `station devices`, a serial port, or wedge."),
        code="unknown_device",
        device=device,
    )
