"""A serial scanner's scan over a screen that takes no scans (here the clerk's own PIN form): the scanner
beeped as it read, so the console rings and says the code was not taken. It went nowhere unseen: the
form does not handle a device scan and the app dropped it, and the clerk walked on with the parcel."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from textual.message import Message
from textual.widgets import Input

from station_console.services.core.station import Station
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from station_console.tui.scanner_bridge import ScannerBridge
from station_console.tui.screens.form_dialog import FormDialog
from tui import quiet
from tui.conftest import sign_in_manager


@pytest.fixture
def scanner_pty() -> Iterator[tuple[int, str]]:
    """A serial scanner: the console reads the slave end, the test writes its codes into the master."""
    master, slave = os.openpty()
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


async def test_a_serial_scan_over_a_form_that_takes_none_rings_and_is_said_not_taken(
    station: Station, scanner_pty: tuple[int, str]
) -> None:
    master, port = scanner_pty
    sign_in_manager(station)
    counter = CounterSettings(counter="test-counter", scanner={"kind": "serial", "port": port})
    app = StationApp(station, counter, database_label="SQLite test")
    seen: list[Message] = []
    async with app.run_test(size=(120, 36), message_hook=seen.append) as pilot:
        await quiet.until(pilot, lambda: app.device_states.get("scanner") == "connected", what="connected")
        rung: list[int] = []
        app.bell = lambda: rung.append(1)  # type: ignore[method-assign]
        await pilot.press("ctrl+p")  # not quiet.press: the scanner's worker runs all along
        await quiet.until(pilot, lambda: isinstance(app.screen, FormDialog), what="the PIN form")
        form = app.screen
        os.write(master, b"SF1234567890123\r")
        await quiet.until(
            pilot, lambda: any(isinstance(m, ScannerBridge.Scanned) for m in seen), what="the scan"
        )
        await quiet.settle(pilot, leave_running=("scanner",))
        assert app.screen is form and rung == [1]
        said = [str(n.message) for n in app._notifications]
        assert said == [
            "Nothing here takes a scan: SF1234567890123 was not taken. Scan it again on the screen that "
            "needs it."
        ]
        assert [field.value for field in form.query(Input)] == ["", "", ""]


async def test_a_long_scan_not_taken_is_quoted_cut_with_a_sign(
    station: Station, scanner_pty: tuple[int, str]
) -> None:
    """The toast quotes a long scan by its start and says it is cut ("…"): 40 characters with no sign
    read as the whole code."""
    master, port = scanner_pty
    sign_in_manager(station)
    counter = CounterSettings(counter="test-counter", scanner={"kind": "serial", "port": port})
    app = StationApp(station, counter, database_label="SQLite test")
    seen: list[Message] = []
    code = "SF" + "1234567890" * 6  # 62 characters
    async with app.run_test(size=(120, 36), message_hook=seen.append) as pilot:
        await quiet.until(pilot, lambda: app.device_states.get("scanner") == "connected", what="connected")
        app.bell = lambda: None  # type: ignore[method-assign]
        await pilot.press("ctrl+p")
        await quiet.until(pilot, lambda: isinstance(app.screen, FormDialog), what="the PIN form")
        os.write(master, code.encode() + b"\r")
        await quiet.until(
            pilot, lambda: any(isinstance(m, ScannerBridge.Scanned) for m in seen), what="the scan"
        )
        await quiet.settle(pilot, leave_running=("scanner",))
        said = [str(n.message) for n in app._notifications]
        assert said == [
            f"Nothing here takes a scan: {code[:39]}… was not taken. Scan it again on the screen that "
            "needs it."
        ]
