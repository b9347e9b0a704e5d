"""The scan-test screen lists what the scanner types; the scanner bridge brings device scans to the screen."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Input, Select, Static

from hardware.scanners.fakeusb import FakeHidDevice, FakeUsbBackend
from station_console.counter_config import config_path
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.settings import CounterSettings, load_counter_settings
from station_console.tui.app import StationApp
from station_console.tui.scanner_bridge import ScannerBridge
from station_console.tui.screens.scan_test import ScanTestScreen
from tui import quiet
from tui.conftest import sign_in_manager


class HostApp(App[None]):
    """The part of the console's App contract these screens use: station, counter settings, device states.

    (Kept small on purpose so these tests do not depend on sign-in and the other modes.)"""

    def __init__(self, station: Station) -> None:
        super().__init__()
        self.station = station
        self.counter_settings = CounterSettings(counter="test-counter")
        self.database_label = "SQLite test"
        self.device_states: dict[str, str] = {"scanner": "wedge", "printer": "none"}

    def set_device_state(self, device: str, state: str) -> None:
        self.device_states[device] = state


@pytest.fixture
def app(station: Station) -> HostApp:
    return HostApp(station)


def rows(screen: ScanTestScreen) -> list[list[str]]:
    table = screen.query_one("#keys", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def text(screen: Screen[object], selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_typed_keys_are_listed_with_their_gaps(app: HostApp) -> None:
    async with app.run_test() as pilot:
        screen = ScanTestScreen()
        await app.push_screen(screen)
        await quiet.settle(pilot)
        await quiet.press(pilot, "S", "F", "1", "space", "tab", "enter")  # a person: each key decided
        listed = rows(screen)
        assert [r[1] for r in listed] == ["S", "F", "1", "␠ space", "<tab>", "<enter>"]
        assert listed[0][2] == "" and all(r[2].isdigit() for r in listed[1:])
        assert [r[0] for r in listed] == ["1", "2", "3", "4", "5", "6"]
        assert app.screen is screen  # Tab and Enter were captured, not acted on
        assert "ended with <enter>" in text(screen, "#summary")
        await quiet.press(pilot, "f7")
        assert rows(screen) == [] and screen.keys == []
        await quiet.press(pilot, "escape")
        assert app.screen is not screen


async def test_a_mode_key_leaves_the_scan_test_while_the_box_has_the_focus(station: Station) -> None:
    """A scanner types no F-key: F2 goes to Pickup from the capture box, as from any screen, unlisted."""
    sign_in_manager(station)
    app = StationApp(station, CounterSettings(counter="test-counter"), first_mode="settings")
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f9")
        await quiet.until(pilot, lambda: isinstance(app.screen, ScanTestScreen))
        screen = app.screen
        assert isinstance(screen, ScanTestScreen) and screen.query_one("#capture").has_focus
        await quiet.press(pilot, "a", "f2")
        assert app.current_mode == "pickup"
        assert [key for key, _t in screen.keys] == ["a"]


async def test_the_screen_names_this_counters_scanner_by_its_kinds_label(app: HostApp) -> None:
    async with app.run_test() as pilot:
        await app.push_screen(ScanTestScreen())
        await quiet.settle(pilot)
        assert text(app.screen, "#st-scanner") == "This counter's scanner: wedge."
        app.counter_settings = CounterSettings(counter="test-counter", scanner={"kind": "hidpos"})
        set_language("zh")
        await app.push_screen(ScanTestScreen())
        await quiet.settle(pilot)
        assert text(app.screen, "#st-scanner").startswith(
            "本柜台的扫码枪：USB HID POS。此测试读取键盘模式扫码枪"
        )


async def test_a_scanner_burst_is_decoded_and_a_person_is_not(app: HostApp) -> None:
    async with app.run_test() as pilot:
        screen = ScanTestScreen()
        await app.push_screen(screen)
        await quiet.settle(pilot)
        for i, key in enumerate("JT1234567890123"):
            screen.record_key(key, 100.0 + i * 0.004)
        screen.record_key("enter", 100.0 + 15 * 0.004)
        for i, key in enumerate("ab"):
            screen.record_key(key, 200.0 + i * 0.15)
        screen.flush(201.0)
        await quiet.settle(pilot)
        decoded = text(screen, "#decoded")
        assert "scan: JT1234567890123" in decoded
        assert "typed: a" in decoded and "typed: b" in decoded
        assert "largest gap 150 ms" in text(screen, "#summary")


async def test_suggest_and_save_write_the_wedge_settings(app: HostApp) -> None:
    sign_in_manager(app.station)  # a manager's change
    async with app.run_test() as pilot:
        screen = ScanTestScreen()
        await app.push_screen(screen)
        await quiet.settle(pilot)
        for i, key in enumerate("]C1ABCDEF12"):
            screen.record_key(key, 10.0 + i * 0.012)  # a slow scanner: 12 ms per key
        screen.record_key("tab", 10.0 + 11 * 0.012)
        await quiet.press(pilot, "ctrl+g")
        assert screen.query_one("#terminator", Select).value == "tab"
        assert screen.query_one("#max_gap", Input).value == "25"  # twice the scanner's own gap, rounded up
        assert screen.query_one("#min_length", Input).value == "8"
        screen.query_one("#prefix", Input).value = "]C1"
        await quiet.press(pilot, "ctrl+s")
        saved = load_counter_settings()
        assert (saved.wedge_terminator, saved.wedge_max_key_gap_ms, saved.wedge_prefix) == ("tab", 25, "]C1")
        assert app.counter_settings.wedge_prefix == "]C1"
        # the screen decodes with the new settings from now on
        for i, key in enumerate("]C1XYZ123456"):
            screen.record_key(key, 50.0 + i * 0.005)
        screen.record_key("tab", 50.0 + 12 * 0.005)
        await quiet.settle(pilot)
        assert "scan: XYZ123456" in text(screen, "#decoded")


async def test_a_clerks_save_is_refused_by_the_service_and_writes_nothing(app: HostApp) -> None:
    """This host is no console and does not refuse the key early (the console's `@role_key` does): what
    stops the clerk here is the service the screen saves through."""
    assert app.station.clerk_role == "clerk"
    async with app.run_test() as pilot:
        screen = ScanTestScreen()
        await app.push_screen(screen)
        await quiet.settle(pilot)
        screen.query_one("#prefix", Input).value = "~"
        await quiet.press(pilot, "ctrl+s")
        assert text(screen, "#st-status") == "Only a manager can change settings. Ask a manager to sign in."
        assert app.counter_settings.wedge_prefix == ""
    assert not config_path().exists()


async def test_a_refused_save_says_which_field_and_why_and_saves_nothing(app: HostApp) -> None:
    async with app.run_test() as pilot:
        screen = ScanTestScreen()
        await app.push_screen(screen)
        await quiet.settle(pilot)
        screen.query_one("#min_length", Input).value = "0"
        await quiet.press(pilot, "ctrl+s")
        assert text(screen, "#st-status") == "Not saved: Shortest code: Must be at least 1"
        assert app.focused is screen.query_one("#min_length", Input)  # there to mend
        screen.query_one("#min_length", Input).value = "8"
        screen.query_one("#max_gap", Input).value = "9" * 5000  # more digits than int() reads
        screen.record_key("a", 1.0)  # the decoder keeps its saved gap; no traceback
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+s")
        assert (
            text(screen, "#st-status")
            == "Not saved: Largest gap inside a scan (ms): Must have at most 500 characters"
        )
        screen.query_one("#max_gap", Input).value = ""  # an empty field is no longer the saved value
        await quiet.press(pilot, "ctrl+s")
        assert (
            text(screen, "#st-status") == "Not saved: Largest gap inside a scan (ms): Must be a whole number"
        )
        screen.query_one("#max_gap", Input).value = "30"
        screen.query_one("#prefix", Input).value = "[/][b]" + "~" * 40  # markup is text, and too long
        await quiet.press(pilot, "ctrl+s")
        assert text(screen, "#st-status") == "Not saved: Prefix: Must have at most 16 characters"
        assert app.screen is screen
    assert load_counter_settings() == CounterSettings()  # nothing was written


async def test_a_settings_folder_that_cannot_be_written_is_said_in_words_with_what_to_do(
    app: HostApp, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The system's English ("[Errno 13] Permission denied: ...") goes to the log, not the screen."""
    from station_console.tui.screens import scan_test

    def refuse(*_args: object) -> None:
        raise PermissionError(13, "Permission denied", "/etc/station")

    monkeypatch.setattr(scan_test, "change_counter_settings", refuse)
    sign_in_manager(app.station)
    async with app.run_test() as pilot:
        screen = ScanTestScreen()
        await app.push_screen(screen)
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+s")
        await quiet.settle(pilot)
        assert text(screen, "#st-status") == (
            "Not saved: this console may not write its settings folder. Let it be written, then save again."
        )
    assert "Permission denied" in caplog.text


def scanned(seen: list[Message]) -> list[ScannerBridge.Scanned]:
    """Each Scanned message once (the hook sees it again as it bubbles from the screen to the app)."""
    unique = {id(m): m for m in seen if isinstance(m, ScannerBridge.Scanned)}
    return list(unique.values())


async def wait_until(pilot: Any, predicate: Any) -> None:
    await quiet.until(pilot, predicate)


async def test_scans_from_a_fake_hid_scanner_reach_the_active_screen(app: HostApp) -> None:
    seen: list[Message] = []
    device = FakeHidDevice()
    bridge = ScannerBridge(app, {"kind": "hid"}, backend=FakeUsbBackend(device))
    async with app.run_test(message_hook=seen.append) as pilot:
        bridge.start()
        await wait_until(pilot, lambda: app.device_states["scanner"] == "connected")
        device.queue_text("SF1234567890123")
        device.queue_text("7312345678901")
        await wait_until(pilot, lambda: len(scanned(seen)) == 2)
        assert [(m.code, m.source) for m in scanned(seen)] == [
            ("SF1234567890123", "hid:0c2e:0b61:1:7"),
            ("7312345678901", "hid:0c2e:0b61:1:7"),
        ]
        device.unplug()
        await wait_until(pilot, lambda: app.device_states["scanner"] == "unplugged")
        device.replug()
        await wait_until(pilot, lambda: app.device_states["scanner"] == "connected")
        bridge.stop()


async def test_no_permission_shows_in_the_header_with_the_udev_rule(app: HostApp) -> None:
    seen: list[Message] = []
    device = FakeHidDevice(vendor=0x05E0, product=0x1200, permission=False)
    bridge = ScannerBridge(app, {"kind": "hid"}, backend=FakeUsbBackend(device))
    async with app.run_test(message_hook=seen.append) as pilot:
        bridge.start()

        def changes() -> list[ScannerBridge.StatusChanged]:
            return [
                m for m in seen if isinstance(m, ScannerBridge.StatusChanged) and m.state == "no_permission"
            ]

        # The header's state is set first, the message to the screen handled after: wait for both.
        await wait_until(pilot, lambda: app.device_states["scanner"] == "no permission" and changes())
        assert 'ATTRS{idVendor}=="05e0"' in changes()[0].detail
        bridge.stop()


async def test_a_wedge_scanner_needs_no_worker(app: HostApp) -> None:
    async with app.run_test():
        bridge = ScannerBridge(app, {"kind": "wedge"})
        bridge.start()
        assert bridge.worker is None and app.device_states["scanner"] == "wedge"


async def test_the_console_starts_the_configured_scanner_and_its_scans_reach_the_screen(
    station: Station,
) -> None:
    from station_console.tui.app import StationApp

    seen: list[Message] = []
    settings = CounterSettings(
        counter="test-counter",
        scanner={"kind": "dummy", "interval_s": 0.05, "codes": ["SF1234567890123", "JT1234567890123"]},
    )
    console = StationApp(station, settings, database_label="SQLite test")
    async with console.run_test(message_hook=seen.append) as pilot:
        await wait_until(pilot, lambda: len(scanned(seen)) == 2)
        assert [(m.code, m.source) for m in scanned(seen)] == [
            ("SF1234567890123", "dummy"),
            ("JT1234567890123", "dummy"),
        ]
        assert console.device_states["scanner"] == "connected"
    assert console.scanner_bridge.scanner is not None
    assert console.scanner_bridge.scanner.status.value == "stopped"  # stopped with the console


async def test_scans_from_a_fake_hid_scanner_land_as_check_ins(station: Station) -> None:
    from sqlmodel import select

    from db.models import Parcel
    from station_console.tui.app import StationApp

    waybills = ["SF1234567890123", "JT1234567890123", "YT1234567890123"]
    settings = CounterSettings(
        counter="test-counter",
        scanner={"kind": "hid", "backend": "fake", "codes": waybills, "interval_s": 0.02},
    )
    console = StationApp(station, settings, database_label="SQLite test")

    def checked_in() -> list[str]:
        with station.read() as session:
            return sorted(p.waybill for p in session.exec(select(Parcel)).all())

    async with console.run_test() as pilot:
        await wait_until(pilot, lambda: len(checked_in()) == 3)
        assert console.device_states["scanner"] == "connected"
    assert checked_in() == sorted(waybills)
