"""Serial scanners on a pty pair, the replaying dummy, and the factory that picks a kind from settings."""

from __future__ import annotations

import fcntl
import os
import queue
import struct
import termios
import threading
import time

import pytest

from hardware.scanners.base import ScanEvent, ScannerStatus
from hardware.scanners.dummy import DummyScanner
from hardware.scanners.factory import WedgeScanner, make_scanner
from hardware.scanners.fakeusb import FakeHidDevice, FakeUsbBackend
from hardware.scanners.hid import HidScanner
from hardware.scanners.serial import SerialScanner

HANG = 30.0  # seconds: bounds a hang only; what is awaited ends the wait at once


def wait_for(predicate, timeout: float = HANG) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.fixture
def pty_pair():  # type: ignore[no-untyped-def]
    master, slave = os.openpty()
    yield master, os.ttyname(slave), slave
    os.close(master)
    os.close(slave)


def unread(fd: int) -> int:
    """Bytes written to the pty that its reader has not taken yet."""
    return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]


def test_serial_scanner_reads_codes_split_on_any_terminator(pty_pair) -> None:  # type: ignore[no-untyped-def]
    master, port, slave = pty_pair
    got: queue.Queue[ScanEvent] = queue.Queue()
    scanner = SerialScanner(port=port, baudrate=115200, on_scan=got.put)
    scanner.start()
    try:
        wait_for(lambda: scanner.status == ScannerStatus.CONNECTED)
        os.write(master, b"SF1234567890123\r\n7312345678")
        event = got.get(timeout=HANG)
        assert (event.code, event.source, event.kind) == ("SF1234567890123", f"serial:{port}", "serial")
        wait_for(lambda: unread(slave) == 0)  # the reader holds the unfinished half
        os.write(master, b"9012\r")
        # Queue order proves what came in between: no half code, and no empty code from the CR LF pair.
        assert got.get(timeout=HANG).code == "73123456789012"
        os.write(master, b"\nYT1234567890123\n")
        assert got.get(timeout=HANG).code == "YT1234567890123"
    finally:
        scanner.stop()
    assert scanner.status == ScannerStatus.STOPPED
    assert got.empty()


def test_serial_scanner_with_a_tab_suffix_sends_each_code_as_it_is_scanned() -> None:
    """A scanner set to end codes with Tab: each code is read at its Tab, not held until a later CR and
    glued to the codes after it (JT0001234567815JT0001234567816)."""
    for terminator in ("any", "tab"):
        scanner = SerialScanner(port="/dev/null", terminator=terminator)
        buffer = bytearray(b"JT0001234567815\tJT0001234567816\tYT12")
        assert scanner.split(buffer) == [b"JT0001234567815", b"JT0001234567816"], terminator
        assert buffer == bytearray(b"YT12")


def test_serial_crlf_terminator_keeps_a_lone_cr_inside() -> None:
    scanner = SerialScanner(port="/dev/null", terminator="crlf")
    buffer = bytearray(b"AB\rC\r\nDE")
    assert scanner.split(buffer) == [b"AB\rC"]
    assert buffer == bytearray(b"DE")


def test_serial_port_missing_keeps_searching(monkeypatch: pytest.MonkeyPatch) -> None:
    import serial

    attempts = threading.Semaphore(0)
    real_open = serial.Serial

    def counting_open(*args, **kwargs):  # type: ignore[no-untyped-def]
        attempts.release()
        return real_open(*args, **kwargs)

    monkeypatch.setattr(serial, "Serial", counting_open)
    statuses: list[ScannerStatus] = []
    scanner = SerialScanner(port="/dev/does-not-exist-scanner", on_status=statuses.append, retry_s=0.05)
    scanner.start()
    try:
        for _ in range(3):  # it tried, waited and tried again, twice
            assert attempts.acquire(timeout=HANG), "the scanner stopped looking for its port"
    finally:
        scanner.stop()
    assert statuses == [ScannerStatus.SEARCHING, ScannerStatus.STOPPED]


def test_dummy_scanner_replays_codes_in_order() -> None:
    got: queue.Queue[ScanEvent] = queue.Queue()
    scanner = DummyScanner(["A1", "B2", "C3"], interval_s=0.01, on_scan=got.put)
    scanner.start()
    codes = [got.get(timeout=HANG).code for _ in range(3)]
    scanner.stop()
    assert codes == ["A1", "B2", "C3"]
    assert scanner.emitted == codes


def test_factory_builds_each_kind_from_settings() -> None:
    assert isinstance(make_scanner({}), WedgeScanner)
    dummy = make_scanner({"kind": "dummy", "codes": ["X"], "interval_s": 0.5})
    assert isinstance(dummy, DummyScanner) and dummy.codes == ["X"] and dummy.interval_s == 0.5
    hid = make_scanner({"kind": "hid", "vendor": "0c2e", "product": "0b61", "layout": "de"})
    assert isinstance(hid, HidScanner) and (hid.vendor, hid.product, hid.mode) == (0x0C2E, 0x0B61, "auto")
    assert isinstance(pos := make_scanner({"kind": "hidpos"}), HidScanner) and pos.mode == "pos"
    serial = make_scanner({"kind": "serial", "port": "/dev/ttyACM0", "baud": 115200, "terminator": "cr"})
    assert isinstance(serial, SerialScanner) and (serial.baudrate, serial.terminator) == (115200, "cr")
    with pytest.raises(ValueError):
        make_scanner({"kind": "laser"})
    with pytest.raises(ValueError):
        make_scanner({"kind": "serial"})


def test_factory_passes_the_backend_and_callbacks_through() -> None:
    dev = FakeHidDevice()
    got: queue.Queue[ScanEvent] = queue.Queue()
    scanner = make_scanner({"kind": "hid"}, backend=FakeUsbBackend(dev), on_scan=got.put)
    scanner.start()
    try:
        wait_for(lambda: scanner.status == ScannerStatus.CONNECTED)
        dev.queue_text("VIAFACTORY1")
        assert got.get(timeout=HANG).code == "VIAFACTORY1"
    finally:
        scanner.stop()


def test_demo_hid_scanner_on_a_fake_bus_types_its_codes() -> None:
    got: queue.Queue[ScanEvent] = queue.Queue()
    scanner = make_scanner(
        {"kind": "hid", "backend": "fake", "codes": ["DEMO000001", "DEMO000002"], "interval_s": 0.01},
        on_scan=got.put,
    )
    scanner.start()
    try:
        assert [got.get(timeout=HANG).code for _ in range(2)] == ["DEMO000001", "DEMO000002"]
    finally:
        scanner.stop()


def test_serial_bytes_with_no_terminator_are_not_glued_onto_the_next_scan(pty_pair) -> None:  # type: ignore[no-untyped-def]
    """5,000 bytes of noise with no line end, then a pause, then a real scan: the scan comes whole. The
    noise was kept without limit and the scan glued onto it, refused as too long for a waybill."""
    master, port, slave = pty_pair
    got: queue.Queue[ScanEvent] = queue.Queue()
    scanner = SerialScanner(port=port, on_scan=got.put)
    scanner.start()
    try:
        wait_for(lambda: scanner.status == ScannerStatus.CONNECTED)
        os.write(master, b"X" * 5000)
        wait_for(lambda: unread(slave) == 0)
        time.sleep(0.8)  # longer than any pause inside one code's burst
        os.write(master, b"SF12345")
        time.sleep(0.1)  # a code split across two writes still joins
        os.write(master, b"67890123\r")
        assert got.get(timeout=HANG).code == "SF1234567890123"
    finally:
        scanner.stop()
    assert got.empty()
