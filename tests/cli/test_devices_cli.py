"""`station devices`: each column as wide as what it holds, in English and Chinese."""

from __future__ import annotations

from typing import Any

import pytest

from hardware.scanners.discovery import Discovery, FoundDevice
from station_console.services.admin import devices
from station_console.text_columns import display_width

SCANNER = FoundDevice(
    id="05e0:1200:1:4", vendor="05e0", product="1200", bus=1, address=4, kind="scanner",
    interfaces=["hid-keyboard", "hid-pos"], permission="ok", manufacturer="Zebra", name="DS2208",
)  # fmt: skip
PRINTER = FoundDevice(
    id="0483:5743:3:12", vendor="0483", product="5743", bus=3, address=12, kind="printer",
    interfaces=["printer"], permission="denied", name="XP-420B",
    udev_rule='SUBSYSTEM=="usb", ATTRS{idVendor}=="0483", ATTRS{idProduct}=="5743", MODE="0660"',
)  # fmt: skip


def test_devices_are_listed_in_columns_as_wide_as_their_cells(
    run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No column padded to a fixed width: the ids' column two spaces wider than the longest id (it was
    22), the interfaces' as wide as the scanner's two (they overran its 20 and pushed the rest right)."""
    monkeypatch.setattr(devices, "list_devices", lambda: Discovery([SCANNER, PRINTER]))
    result = run("devices")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "05e0:1200:1:4   scanner  USB keyboard (HID), USB HID POS  permission: ok      Zebra DS2208",
        "0483:5743:3:12  printer  printer                          permission: denied  XP-420B",
        "    add to /etc/udev/rules.d/70-station-console.rules:",
        f"    {PRINTER.udev_rule}",
    ]


def test_a_chinese_listing_lines_its_columns_up_by_terminal_columns(
    run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Chinese label takes two columns a character: the columns still start together."""
    monkeypatch.setattr(devices, "list_devices", lambda: Discovery([SCANNER, PRINTER]))
    result = run("devices", lang="zh")
    scanner, printer = result.output.splitlines()[:2]
    assert scanner.startswith("05e0:1200:1:4   扫码枪  USB 键盘模式（HID）, USB HID POS  权限")
    assert printer.startswith("0483:5743:3:12  打印机  打印机")
    at = [display_width(line[: line.index("权限")]) for line in (scanner, printer)]
    assert at[0] == at[1] == display_width("0483:5743:3:12  打印机  USB 键盘模式（HID）, USB HID POS  ")


def test_a_chinese_listing_says_permission_with_the_chinese_colon(
    run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(devices, "list_devices", lambda: Discovery([SCANNER, PRINTER]))
    result = run("devices", lang="zh")
    scanner, printer = result.output.splitlines()[:2]
    assert "权限：正常" in scanner and "权限：被拒绝" in printer
    assert "权限:" not in result.output
