"""USB HID scanners through the real pyusb code, on a fake bus at pyusb's backend seam."""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator
from typing import Any

import pytest
import usb.core

from hardware.scanners.base import ScanEvent, ScannerStatus
from hardware.scanners.fakeusb import FakeHidDevice, FakeUsbBackend, keyboard_reports
from hardware.scanners.hid import HidScanner, KeyboardReportDecoder
from hardware.scanners.hidpos import PosReportDecoder, is_pos_descriptor, parse_pos_report
from hardware.scanners.keymaps import layout

HANG = 30.0  # seconds: bounds a hang only; what is awaited ends the wait at once


class Recorder:
    def __init__(self) -> None:
        self.scans: queue.Queue[ScanEvent] = queue.Queue()
        self.statuses: list[ScannerStatus] = []

    def on_scan(self, event: ScanEvent) -> None:
        self.scans.put(event)

    def on_status(self, status: ScannerStatus) -> None:
        self.statuses.append(status)

    def next_scan(self, timeout: float = HANG) -> ScanEvent:
        return self.scans.get(timeout=timeout)

    def wait_status(self, status: ScannerStatus, timeout: float = HANG) -> float:
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.statuses and self.statuses[-1] == status:
                return time.monotonic() - start
            time.sleep(0.005)
        raise AssertionError(f"status {status} not reached; saw {self.statuses}")


@pytest.fixture
def rec() -> Recorder:
    return Recorder()


@pytest.fixture
def scanners() -> Iterator[list[HidScanner]]:
    started: list[HidScanner] = []
    yield started
    for scanner in started:
        scanner.stop()


def start(scanners: list[HidScanner], rec: Recorder, backend: FakeUsbBackend, **options: Any) -> HidScanner:
    scanner = HidScanner(
        backend=backend,
        on_scan=rec.on_scan,
        on_status=rec.on_status,
        poll_s=0.05,
        read_timeout_ms=20,
        **options,
    )
    scanner.start()
    scanners.append(scanner)
    return scanner


def test_find_by_vendor_and_product_and_by_class() -> None:
    scanner_dev = FakeHidDevice(vendor=0x0C2E, product=0x0B61)
    printer = FakeHidDevice(vendor=0x0483, product=0x5743, interface_class=7, address=9)
    mouse_like = FakeHidDevice(vendor=0x1234, product=0x0001, pos=True, address=10)  # HID, not boot keyboard
    backend = FakeUsbBackend(scanner_dev, printer, mouse_like)

    by_id = HidScanner(vendor=0x0C2E, product=0x0B61, backend=backend)
    assert [(d.idVendor, d.idProduct) for d in by_id.find()] == [(0x0C2E, 0x0B61)]
    by_class = HidScanner(backend=backend)
    assert [d.address for d in by_class.find()] == [7]
    assert [d.address for d in HidScanner(mode="pos", backend=backend).find()] == [10]
    assert HidScanner(backend=backend, exclude=["0c2e:0b61"]).find() == []
    # the same device as plain pyusb sees it on this backend
    assert usb.core.find(backend=backend, idVendor=0x0483).bDeviceClass == 0


def test_reads_a_code_detaching_the_kernel_driver(scanners: list[HidScanner], rec: Recorder) -> None:
    dev = FakeHidDevice()
    start(scanners, rec, FakeUsbBackend(dev), vendor=0x0C2E, product=0x0B61)
    rec.wait_status(ScannerStatus.CONNECTED)
    assert dev.detach_calls == [0]
    assert dev.claimed == {0}
    dev.queue_text("sf1234567890123")
    event = rec.next_scan()
    assert (event.code, event.source, event.kind) == ("sf1234567890123", "hid:0c2e:0b61:1:7", "hid")


def test_shift_gives_capitals_and_symbols(scanners: list[HidScanner], rec: Recorder) -> None:
    dev = FakeHidDevice()
    start(scanners, rec, FakeUsbBackend(dev))
    rec.wait_status(ScannerStatus.CONNECTED)
    dev.queue_text("SF1234567890123")
    dev.queue_text("JD0a-B_C!")
    assert rec.next_scan().code == "SF1234567890123"
    assert rec.next_scan().code == "JD0a-B_C!"


def test_repeated_characters_each_count_once_per_press() -> None:
    decoder = KeyboardReportDecoder(layout("us"))
    codes = [c for r in keyboard_reports("1100223\r") for c in decoder.feed(r)]
    assert codes == ["1100223"]


def test_a_held_key_report_repeated_is_not_a_new_character() -> None:
    decoder = KeyboardReportDecoder(layout("us"))
    press = bytes([0, 0, 0x1E, 0, 0, 0, 0, 0])  # "1"
    reports = [press, press, press, bytes(8), bytes([0, 0, 0x28, 0, 0, 0, 0, 0])]
    assert [c for r in reports for c in decoder.feed(r)] == ["1"]


def test_german_layout_swaps_y_and_z_and_shifts_digits(scanners: list[HidScanner], rec: Recorder) -> None:
    dev = FakeHidDevice()
    # What a scanner set to German QWERTZ sends for "Zy-1/@": raw usages decoded as US would be wrong.
    reports = keyboard_reports("Zy-1/@\r", "de")
    us = KeyboardReportDecoder(layout("us"))
    assert [c for r in reports for c in us.feed(r)] == ["Yz/1&"]  # the @ (AltGr+Q) types nothing on US
    start(scanners, rec, FakeUsbBackend(dev), layout_name="de")
    rec.wait_status(ScannerStatus.CONNECTED)
    dev.queue(*reports)
    assert rec.next_scan().code == "Zy-1/@"
    assert reports[0][2] == 0x1C and reports[0][0] & 0x02  # Z is usage 0x1C on QWERTZ, with shift


def test_french_azerty_digits_need_shift() -> None:
    reports = keyboard_reports("A1Q2\r", "fr")
    assert reports[0][2] == 0x14  # A sits where US has Q
    assert reports[2] == bytes([0x02, 0, 0x1E, 0, 0, 0, 0, 0])  # 1 is Shift + the & key
    fr = KeyboardReportDecoder(layout("fr"))
    assert [c for r in reports for c in fr.feed(r)] == ["A1Q2"]


def test_a_dropped_connection_mid_code_emits_no_partial_code(
    scanners: list[HidScanner], rec: Recorder
) -> None:
    dev = FakeHidDevice()
    start(scanners, rec, FakeUsbBackend(dev))
    rec.wait_status(ScannerStatus.CONNECTED)
    dev.queue(*keyboard_reports("JT12345")[:10])  # half a code, no terminator
    dev.queue_drop()
    rec.wait_status(ScannerStatus.UNPLUGGED)
    dev.replug()
    rec.wait_status(ScannerStatus.CONNECTED)
    dev.queue_text("890123")
    assert rec.next_scan().code == "890123"  # not "JT12345890123"
    assert rec.scans.empty()


def test_unplug_and_replug_reconnects_within_two_seconds(scanners: list[HidScanner], rec: Recorder) -> None:
    dev = FakeHidDevice()
    start(scanners, rec, FakeUsbBackend(dev))
    rec.wait_status(ScannerStatus.CONNECTED)
    dev.unplug()
    rec.wait_status(ScannerStatus.UNPLUGGED)
    dev.replug(address=12)
    took = rec.wait_status(ScannerStatus.CONNECTED, timeout=2.0)
    assert took < 2.0
    assert dev.detach_calls == [0, 0]  # detached again on the new connection
    dev.queue_text("AFTER123")
    assert rec.next_scan().source == "hid:0c2e:0b61:1:12"
    assert rec.statuses[:4] == [
        ScannerStatus.SEARCHING,
        ScannerStatus.CONNECTED,
        ScannerStatus.UNPLUGGED,
        ScannerStatus.CONNECTED,
    ]


def test_default_timings_reconnect_within_two_seconds(scanners: list[HidScanner], rec: Recorder) -> None:
    dev = FakeHidDevice()
    scanner = HidScanner(backend=FakeUsbBackend(dev), on_scan=rec.on_scan, on_status=rec.on_status)
    scanner.start()
    scanners.append(scanner)
    rec.wait_status(ScannerStatus.CONNECTED)
    dev.unplug()
    rec.wait_status(ScannerStatus.UNPLUGGED)
    dev.replug()
    assert rec.wait_status(ScannerStatus.CONNECTED, timeout=2.0) < 2.0


def test_no_permission_gives_the_exact_udev_rule(scanners: list[HidScanner], rec: Recorder) -> None:
    dev = FakeHidDevice(vendor=0x05E0, product=0x1200, permission=False)
    scanner = start(scanners, rec, FakeUsbBackend(dev))
    rec.wait_status(ScannerStatus.NO_PERMISSION)
    assert (
        'SUBSYSTEM=="usb", ATTRS{idVendor}=="05e0", ATTRS{idProduct}=="1200", MODE="0660", GROUP="plugdev"'
    ) in scanner.detail
    assert "05e0:1200" in scanner.detail
    dev.permission = True  # the clerk added the rule and re-plugged
    rec.wait_status(ScannerStatus.CONNECTED)


def test_several_scanners_at_once_are_told_apart(scanners: list[HidScanner], rec: Recorder) -> None:
    one = FakeHidDevice(address=3, serial="CNT1-A")
    two = FakeHidDevice(address=4)
    start(scanners, rec, FakeUsbBackend(one, two))
    deadline = time.monotonic() + HANG
    while not (one.claimed and two.claimed) and time.monotonic() < deadline:
        time.sleep(0.01)
    one.queue_text("FIRST1234")
    assert rec.next_scan().source == "hid:0c2e:0b61:CNT1-A"
    two.queue_text("SECOND123")
    assert rec.next_scan().source == "hid:0c2e:0b61:1:4"


def test_stop_gives_the_scanner_back_to_the_kernel(rec: Recorder) -> None:
    dev = FakeHidDevice()
    scanner = HidScanner(
        backend=FakeUsbBackend(dev), on_status=rec.on_status, poll_s=0.05, read_timeout_ms=20
    )
    scanner.start()
    rec.wait_status(ScannerStatus.CONNECTED)
    scanner.stop()
    assert dev.attach_calls == [0] and dev.kernel_driver_active
    assert scanner.status == ScannerStatus.STOPPED


def test_hid_pos_scanner_sends_the_code_whole(scanners: list[HidScanner], rec: Recorder) -> None:
    dev = FakeHidDevice(pos=True)
    start(scanners, rec, FakeUsbBackend(dev), vendor=0x0C2E)
    rec.wait_status(ScannerStatus.CONNECTED)
    dev.queue_pos("78123456789012", symbology="]C0")
    event = rec.next_scan()
    assert (event.code, event.symbology) == ("78123456789012", "]C0")
    long_code = "01" + "9" * 80  # longer than one report: continued
    dev.queue_pos(long_code)
    assert rec.next_scan().code == long_code


def test_pos_report_parsing() -> None:
    assert is_pos_descriptor(bytes([0x06, 0x8C, 0x00, 0x09, 0x02]))
    assert not is_pos_descriptor(bytes([0x05, 0x01, 0x09, 0x06]))
    assert parse_pos_report(bytes([0x02, 5]) + b"ABCDE" + bytes(10)).data == b"ABCDE"  # type: ignore[union-attr]
    assert parse_pos_report(bytes([0x05, 1, 2])) is None  # another report id
    assert parse_pos_report(bytes([3]) + b"XYZ", report_id=None).data == b"XYZ"  # type: ignore[union-attr]
    decoder = PosReportDecoder()
    first = bytearray(64)
    first[0:4] = bytes([2, 2]) + b"AB"
    first[63] = 1
    assert decoder.feed(bytes(first)) == []
    decoder.reset()  # dropped mid-code: the first part is gone
    last = bytearray(64)
    last[0:4] = bytes([2, 2]) + b"CD"
    assert decoder.feed(bytes(last)) == [("CD", None)]
