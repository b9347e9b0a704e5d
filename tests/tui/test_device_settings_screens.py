"""A printer the manager sets up on the Printers screen, or a scanner in counter.toml, that the console
cannot use is refused on screen with the setting's own reason in the console's language (Chinese
here), and nothing is saved."""

from __future__ import annotations

from typing import Any

import pytest
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable, Input, Select, Static

from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.settings import CounterSettings, load_counter_settings
from station_console.tui.app import StationApp
from station_console.tui.scanner_bridge import ScannerBridge
from tui import quiet


async def _refusal(pilot: Any, status: Static, text: str) -> str:
    await quiet.until(pilot, lambda: text in str(status.render()), what=f"{text!r} shown")
    return str(status.render())


@pytest.mark.first_mode("settings")
async def test_the_printer_list_heads_its_names_as_a_printer_s_not_a_person_s_in_chinese(
    app: StationApp,
) -> None:
    set_language("zh")
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.press(pilot, "f8")
        headers = [str(c.label) for c in app.screen.query_one("#printer-list", DataTable).columns.values()]
        assert headers[0] == "打印机名称"  # 姓名 is a person's name
        assert "姓名" not in headers


@pytest.mark.first_mode("settings")
async def test_the_printers_screen_refuses_a_bad_gap_size_or_usb_target_in_chinese(app: StationApp) -> None:
    set_language("zh")
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.press(pilot, "f8")
        screen = app.screen
        status = screen.query_one("#printer-status", Static)
        screen.query_one("#p-name", Input).value = "前台"
        screen.query_one("#p-target", Input).value = "0416:5011"
        screen.query_one("#p-gap", Input).value = "wide"
        screen.save_printer()  # type: ignore[attr-defined]
        said = await _refusal(pilot, status, "配置有误")
        assert (
            "打印机 前台 配置有误：间隙（毫米），键 printer.gap_mm = wide：标签间隙，单位毫米，0（连续纸）到 20"
            in said
        )
        assert status.has_class("-error")

        screen.query_one("#p-gap", Input).value = "2"
        screen.query_one("#p-size", Input).value = "30x20"
        screen.save_printer()  # type: ignore[attr-defined]
        said = await _refusal(pilot, status, "尺寸（printer.size） = 30x20")
        assert "尺寸（printer.size） = 30x20：太小，文字无法看清；最小约 32x24 毫米" in said

        screen.query_one("#p-size", Input).value = "40x30"
        screen.query_one("#p-transport", Select).value = "usb"
        screen.query_one("#p-target", Input).value = "zebra"
        screen.save_printer()  # type: ignore[attr-defined]
        said = await _refusal(pilot, status, "（printer.target） = zebra")
        # The field named as the screen heads its column, the key after it for counter.toml.
        headers = [str(c.label) for c in screen.query_one("#printer-list", DataTable).columns.values()]
        assert "目标" in headers and "尺寸" in headers
        assert (
            "目标（printer.target） = zebra：应为 USB 打印机的“厂商:产品”编号（十六进制），例如 0416:5011"
            in said
        )
        assert "misconfigured" not in said and "vendor:product" not in said
    assert "前台" not in load_counter_settings().printers  # nothing refused was saved


async def test_a_bad_scanner_setting_is_said_in_chinese_when_the_console_starts(station: Station) -> None:
    from tui.conftest import sign_in_manager

    sign_in_manager(station)
    set_language("zh")
    counter = CounterSettings(
        counter="test-counter", scanner={"kind": "serial", "port": "/dev/ttyACM0", "baud": "fast"}
    )
    app = StationApp(station, counter, database_label="SQLite test")
    seen: list[Message] = []
    async with app.run_test(size=(160, 50), message_hook=seen.append) as pilot:

        def refusals() -> list[ScannerBridge.StatusChanged]:
            return [m for m in seen if isinstance(m, ScannerBridge.StatusChanged) and m.state == "error"]

        await quiet.until(pilot, refusals, what="the scanner's refusal")
        assert refusals()[0].detail == "波特率（scanner.baud） = fast：应为 50 到 4000000 之间的整数"
        shown = [n.message for n in app._notifications]
        assert "波特率（scanner.baud） = fast：应为 50 到 4000000 之间的整数" in shown


@pytest.mark.first_mode("settings")
async def test_the_printer_list_writes_out_a_bell_in_a_hand_edited_name_as_its_fault_names_it(
    app: StationApp,
) -> None:
    """counter.toml edited by hand can hold a control character in a printer's name or target. Rich drops
    a BEL as the cell is made: the list showed "label" for the printer its fault calls "lab\\x07el", and
    the clerk could not tell which entry to mend. Written out, as the fault says it, and as an ESC is."""
    app.counter_settings = CounterSettings(
        counter="test-counter",
        printers={
            "lab\x07el": {"language": "tspl", "transport": "dummy", "target": "x"},
            "shared": {"language": "tspl", "transport": "dummy", "target": "\x1b]0;owned\x07"},
        },
    )
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f8")
        await quiet.settle(pilot)
        table = app.screen.query_one("#printer-list", DataTable)
        cells = [str(table.get_cell_at(Coordinate(row, column))) for row in range(2) for column in (0, 3)]
        status = str(app.screen.query_one("#printer-status", Static).render())
        drawn = "".join(strip.text for strip in app.screen._compositor.render_strips())
    assert cells == ["lab\\x07el", "x", "shared", "\\x1b]0;owned\\x07"]
    assert "lab\\x07el" in status  # the fault names it as the list shows it
    assert "\x1b" not in drawn and "\x07" not in drawn
