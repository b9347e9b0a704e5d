"""`station devices` and `station scan-test`, run through the real command line."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path
from unittest.mock import patch

import pytest
import usb.core
from click.testing import CliRunner
from station_helpers import act_as_new_clerk, new_database_file

from db.models import Role
from hardware.scanners.discovery import discover
from hardware.scanners.fakeusb import FakeHidDevice, FakeUsbBackend
from station_console.cli import cli
from station_console.commands import devices as devices_command
from station_console.counter_settings import save_counter_settings  # setting up the file, as a person would
from station_console.services.admin import devices as devices_service
from station_console.services.admin.setup import open_station
from station_console.settings import CounterSettings, load_counter_settings


def no_backend(*args: object, **kwargs: object) -> None:
    raise usb.core.NoBackendError("No backend available")


def fake_bus(monkeypatch: pytest.MonkeyPatch, *devs: FakeHidDevice) -> None:
    backend = FakeUsbBackend(*devs)
    monkeypatch.setattr(
        devices_service, "discover", lambda _backend=None: discover(backend, include_serial=False)
    )


def test_devices_without_libusb_says_so_and_exits_0(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(usb.core, "find", no_backend)
    monkeypatch.setattr("hardware.scanners.discovery._serial_ports", lambda: [])
    result = CliRunner().invoke(cli, ["devices"])
    assert result.exit_code == 0, result.output
    assert "No libusb backend" in result.output and "No scanners or printers found." in result.output
    result = CliRunner().invoke(cli, ["devices", "--json"])
    assert json.loads(result.output) == {"usb_available": False, "devices": []}


def test_devices_work_without_a_system_libusb(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bare machine: no libusb in the system. The library inside the libusb-package wheel (pyusb's
    find_library hook) still lists devices; without that hook the same machine has no backend."""
    import ctypes.util

    import usb.backend.libusb1 as libusb1

    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)  # the system has none
    monkeypatch.setattr(libusb1, "_lib_object", None)  # pyusb keeps the first library it loaded
    monkeypatch.setattr(libusb1, "_lib", None)
    monkeypatch.setattr("hardware.scanners.discovery._serial_ports", lambda: [])
    result = CliRunner().invoke(cli, ["devices", "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["usb_available"] is True, result.output
    monkeypatch.setattr(libusb1, "_lib_object", None)
    monkeypatch.setattr("hardware.scanners.discovery.libusb_backend", lambda: None)
    assert discover(include_serial=False).usb_available is False


def test_devices_with_no_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_bus(monkeypatch)
    result = CliRunner().invoke(cli, ["devices"])
    assert result.exit_code == 0
    assert result.output.strip() == "No scanners or printers found."


def test_devices_lists_scanners_printers_and_permission(monkeypatch: pytest.MonkeyPatch) -> None:
    scanner = FakeHidDevice(vendor=0x0C2E, product=0x0B61, address=3, serial="S123")
    locked = FakeHidDevice(vendor=0x05E0, product=0x1200, address=4, permission=False)
    printer = FakeHidDevice(vendor=0x0483, product=0x5743, address=5, interface_class=7)
    fake_bus(monkeypatch, scanner, locked, printer)
    result = CliRunner().invoke(cli, ["devices", "--json"])
    assert result.exit_code == 0, result.output
    found = {d["id"]: d for d in json.loads(result.output)["devices"]}
    assert set(found) == {"0c2e:0b61:1:3", "05e0:1200:1:4", "0483:5743:1:5"}
    assert found["0c2e:0b61:1:3"]["kind"] == "scanner" and found["0c2e:0b61:1:3"]["permission"] == "ok"
    assert found["0c2e:0b61:1:3"]["serial"] == "S123"
    assert found["05e0:1200:1:4"]["permission"] == "denied"
    assert 'ATTRS{idVendor}=="05e0"' in found["05e0:1200:1:4"]["udev_rule"]
    assert found["0483:5743:1:5"]["kind"] == "printer"
    assert scanner.detach_calls == [] and scanner.kernel_driver_active  # listing never steals a device
    text = CliRunner().invoke(cli, ["devices"]).output
    assert "05e0:1200:1:4" in text and 'MODE="0660", GROUP="plugdev"' in text
    # A scanner's interface reads as the scanner kind to set for it; JSON keeps the codes.
    assert found["0c2e:0b61:1:3"]["interfaces"] == ["hid-keyboard"]
    assert "USB keyboard (HID)" in text and "hid-keyboard" not in text
    chinese = CliRunner().invoke(cli, ["--lang", "zh", "devices"]).output
    assert (
        "0c2e:0b61:1:3  扫码枪  USB 键盘模式（HID）  权限：正常" in chinese
    )  # columns as wide as their cells


def test_devices_finds_a_hid_pos_interface_without_a_kernel_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    pos = FakeHidDevice(pos=True, kernel_driver_active=False)
    fake_bus(monkeypatch, pos)
    dev = json.loads(CliRunner().invoke(cli, ["devices", "--json"]).output)["devices"][0]
    assert (dev["kind"], dev["interfaces"]) == ("scanner", ["hid-pos"])


def test_scan_test_prints_codes_from_the_configured_scanner(tmp_path: Path) -> None:
    save_counter_settings(
        CounterSettings(
            scanner={
                "kind": "dummy",
                "codes": ["SF1234567890123", "JT1234567890123", "NEVER"],
                "interval_s": 0.01,
            }
        )
    )
    result = CliRunner().invoke(cli, ["scan-test", "--count", "2", "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [(x["code"], x["source"]) for x in lines] == [
        ("SF1234567890123", "dummy"),
        ("JT1234567890123", "dummy"),
    ]


def test_scan_test_names_the_scanner_by_its_kinds_label_in_either_language() -> None:
    save_counter_settings(
        CounterSettings(scanner={"kind": "dummy", "codes": ["SF1234567890123"], "interval_s": 0.01})
    )
    english = CliRunner().invoke(cli, ["--lang", "en", "scan-test", "--count", "1"])
    assert english.exit_code == 0, english.output
    assert english.stderr.startswith("Reading the scanner (demo); Ctrl-C to stop.")
    assert english.stdout.split()[1:] == ["demo", "SF1234567890123"]  # after the time
    chinese = CliRunner().invoke(cli, ["--lang", "zh", "scan-test", "--count", "1"])
    assert chinese.stderr.startswith("正在读取扫码枪（演示）；按 Ctrl-C 停止。")
    assert chinese.stdout.split()[1:] == ["演示", "SF1234567890123"]
    wedge = CliRunner().invoke(
        cli, ["--lang", "zh", "scan-test", "--device", "wedge"], input="YT1234567890123\n"
    )
    assert wedge.stdout.split()[1:] == ["键盘模式", "YT1234567890123"]


@pytest.mark.parametrize(("lang", "name"), [("en", "demo"), ("zh", "演示")])
def test_scan_test_sizes_the_source_column_to_the_names_shown(lang: str, name: str) -> None:
    """Each name was padded to 24 columns: a short one left a gap, a longer one pushed its code right."""
    save_counter_settings(
        CounterSettings(scanner={"kind": "dummy", "codes": ["SF1234567890123"] * 2, "interval_s": 0.01})
    )
    result = CliRunner().invoke(cli, ["--lang", lang, "scan-test", "--count", "2"])
    assert result.exit_code == 0, result.output
    assert [line[8:] for line in result.stdout.splitlines()] == [f"  {name}  SF1234567890123"] * 2
    show, lines = devices_command.ScanLines(as_json=False), list[str]()
    with patch.object(devices_command.click, "echo", lines.append):
        for source in ("dummy", "serial:/dev/ttyUSB0", "dummy"):
            show("JT1234567890123", source)
    codes_at = [line.index("JT") for line in lines]
    assert codes_at[0] < codes_at[1] == codes_at[2]  # a longer name widens the column from there on


def test_scan_test_wedge_reads_typed_lines() -> None:
    result = CliRunner().invoke(
        cli,
        ["scan-test", "--device", "wedge", "--count", "2"],
        input="\nYT1234567890123\r\n7312345678901\nextra\n",
    )
    assert result.exit_code == 0
    assert [line.split()[-1] for line in result.output.splitlines()] == ["YT1234567890123", "7312345678901"]


def test_scan_test_on_a_terminal_measures_the_scanners_key_gaps_and_saves_them(tmp_path: Path) -> None:
    """A wedge scanner typing into a terminal (a pty): keys timed one by one, settings proposed and saved
    (a manager's change: the manager signs in)."""
    station = open_station(new_database_file(tmp_path / "station.sqlite3"))
    act_as_new_clerk(station, "Boss", Role.MANAGER, "2580")
    station.engine.dispose()
    manager = ["--db", f"sqlite:///{tmp_path}/station.sqlite3", "--clerk", "Boss"]
    master, slave = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "station_console", *manager, "scan-test", "--device", "wedge", "--count", "2"]
        + ["--save"],
        env={**os.environ, "STATION_PIN": "2580"},  # not --pin: its warning line would come before the prompt
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    os.close(slave)
    try:
        assert proc.stderr is not None
        ready, _w, _x = select.select([proc.stderr], [], [], 30)
        assert ready, "scan-test never asked for scans"
        proc.stderr.readline()  # the prompt: cbreak mode is set right after it
        time.sleep(0.3)
        for code in ("SF1234567890123", "73123456789012"):
            for ch in code + "\r":
                os.write(master, ch.encode())
                time.sleep(0.004)  # a scanner: a few ms per key
            time.sleep(0.3)
        out, err = proc.communicate(timeout=30)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    lines = out.decode().splitlines()
    assert [line.split()[0] for line in lines] == ["SF1234567890123", "73123456789012"]
    assert "Proposed" in err.decode()
    saved = load_counter_settings()
    assert saved.wedge_terminator == "enter" and saved.wedge_min_length == 8
    assert 15 <= saved.wedge_max_key_gap_ms <= 60  # twice the measured gap, with a loaded machine's slack


def test_scan_test_unknown_device_is_refused() -> None:
    result = CliRunner().invoke(cli, ["scan-test", "--device", "laser-gun"])
    assert result.exit_code == 1
    assert "Unknown device laser-gun" in result.output


def test_device_ids_turn_into_scanner_configs() -> None:
    settings = CounterSettings(scanner={"kind": "serial", "port": "/dev/ttyACM0", "baud": 115200})
    assert devices_service.scanner_config(settings) == {
        "kind": "serial",
        "port": "/dev/ttyACM0",
        "baud": 115200,
    }
    assert devices_service.scanner_config(settings, "0C2E:0b61:1:7") == {
        "kind": "hid",
        "vendor": "0c2e",
        "product": "0b61",
    }
    assert devices_service.scanner_config(settings, "/dev/ttyUSB1") == {
        "kind": "serial",
        "port": "/dev/ttyUSB1",
        "baud": 115200,
    }
    assert devices_service.scanner_config(CounterSettings()) == {"kind": "wedge"}
