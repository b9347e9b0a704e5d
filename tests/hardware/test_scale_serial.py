"""Serial scales on a pty pair: MT-SICS asked with `S`, a CAS stream, a `ww000.000kg` regex stream;
moving, negative and overload readings; the port vanishing mid-read; the dummy and the factory."""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from hardware.scales.base import ScaleError, ScaleStatus
from hardware.scales.dummy import DummyScale
from hardware.scales.factory import make_scale
from hardware.scales.hidpos import HidPosScale
from hardware.scales.serial import Cas, MtSics, RegexProtocol, SerialScale, make_protocol
from station_console.i18n import translate


@pytest.fixture
def pty_pair() -> Iterator[tuple[int, str]]:
    master, slave = os.openpty()
    yield master, os.ttyname(slave)
    for fd in (master, slave):
        with contextlib.suppress(OSError):  # a test may have closed the master already
            os.close(fd)


class Device(threading.Thread):
    """The scale's side of the pty: answers commands (or streams) from a script of lines."""

    def __init__(
        self, master: int, reply: Callable[[bytes], list[str]] | None, stream: list[str] | None = None
    ) -> None:
        super().__init__(daemon=True)
        self.master, self.reply, self.stream = master, reply, list(stream or [])
        self.heard: list[bytes] = []
        self.stop = threading.Event()

    def close(self) -> None:
        """Stop and wait: the pty's descriptors are closed after the test, and the next test's pty may
        get the same numbers; a thread still running would write this test's lines into that one."""
        self.stop.set()
        self.join(timeout=30)  # bounds a hang only
        assert not self.is_alive()

    def run(self) -> None:
        import select

        while not self.stop.is_set():
            if self.stream:
                os.write(self.master, (self.stream.pop(0) + "\r\n").encode())
                time.sleep(0.01)
                continue
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready and self.reply is not None:
                try:
                    data = os.read(self.master, 64)
                except OSError:
                    return
                self.heard.append(data)
                for line in self.reply(data):
                    os.write(self.master, (line + "\r\n").encode())


def serve(
    master: int, reply: Callable[[bytes], list[str]] | None = None, stream: list[str] | None = None
) -> Device:
    device = Device(master, reply, stream)
    device.start()
    return device


@pytest.mark.parametrize(
    ("line", "parsed"),
    [
        ("S S     100.00 g", (ScaleStatus.STABLE, 100)),
        ("S S       1.250 kg", (ScaleStatus.STABLE, 1250)),
        ("S D     100.01 g", (ScaleStatus.MOVING, 100)),
        ("S S      -5.00 g", (ScaleStatus.UNDER_ZERO, -5)),
        ("S S       0.00 g", (ScaleStatus.ZERO, 0)),
        ("S +", (ScaleStatus.OVER, 0)),
        ("S -", (ScaleStatus.UNDER_ZERO, 0)),
        ("S I", None),
        ("ES", None),
    ],
)
def test_mt_sics_answers(line: str, parsed: tuple[ScaleStatus, int] | None) -> None:
    assert MtSics().parse(line) == parsed


@pytest.mark.parametrize(
    ("line", "parsed"),
    [
        ("ST,GS,+  1.500kg", (ScaleStatus.STABLE, 1500)),
        ("US,GS,+  1.502kg", (ScaleStatus.MOVING, 1502)),
        ("ST,NT,-  0.020kg", (ScaleStatus.UNDER_ZERO, -20)),
        ("OL,GS,+  0.000kg", (ScaleStatus.OVER, 0)),
        ("ST,GS,+  3.2lb", (ScaleStatus.STABLE, 1451)),
        ("garbage", None),
    ],
)
def test_cas_lines(line: str, parsed: tuple[ScaleStatus, int] | None) -> None:
    assert Cas().parse(line) == parsed


def test_a_regex_stream_settles_on_repeats() -> None:
    proto = RegexProtocol(re.compile(r"ww(?P<sign>-?)(?P<weight>\d+\.\d+)(?P<unit>kg|g)"), settle=3)
    seen = [
        proto.parse(x) for x in ["ww001.200kg", "ww001.200kg", "ww001.200kg", "ww001.205kg", "ww-000.010kg"]
    ]
    assert seen == [
        (ScaleStatus.MOVING, 1200),
        (ScaleStatus.MOVING, 1200),
        (ScaleStatus.STABLE, 1200),
        (ScaleStatus.MOVING, 1205),
        (ScaleStatus.MOVING, -10),
    ]
    assert proto.parse("no weight here") is None


def test_mt_sics_over_a_pty(pty_pair: tuple[int, str]) -> None:
    master, port = pty_pair
    answers = iter(["S D     987.00 g", "S I", "S S     990.50 g"])
    device = serve(master, lambda data: [next(answers, "S S     990.50 g")] if data.startswith(b"S") else [])
    scale = SerialScale(port=port, protocol=MtSics(), poll_s=0.05)
    try:
        reading = scale.read_stable(3.0)
    finally:
        device.close()
    assert (reading.grams, reading.status, reading.source) == (990, ScaleStatus.STABLE, f"serial:{port}")
    assert reading.raw == "S S     990.50 g"
    assert device.heard and all(chunk.startswith(b"S\r\n") for chunk in device.heard)


def sent_commands(master: int, device: Device) -> bytes:
    """Everything the host wrote to the scale: what the device heard, and what it had not read yet."""
    import select

    device.close()
    rest = b""
    while select.select([master], [], [], 0.05)[0]:
        rest += os.read(master, 1024)
    return b"".join(device.heard) + rest


def test_a_slow_balance_is_asked_again_only_once_it_answered(pty_pair: tuple[int, str]) -> None:
    """A balance that takes 0.3 s to answer each S: the host asked every poll (0.05 s here) regardless,
    a queue of requests building up in the balance; now one request is outstanding at a time."""
    master, port = pty_pair
    answers = iter(["S D     987.00 g", "S D     989.00 g", "S S     990.50 g"])

    def slowly(data: bytes) -> list[str]:
        lines = []
        for _ in range(data.count(b"S\r\n")):  # one at a time, as a balance works through its queue
            time.sleep(0.3)
            lines.append(next(answers, "S S     990.50 g"))
        return lines

    device = serve(master, slowly)
    scale = SerialScale(port=port, protocol=MtSics(), poll_s=0.05)
    try:
        reading = scale.read_stable(5.0)
    finally:
        sent = sent_commands(master, device)
    assert reading.grams == 990
    assert sent == b"S\r\n" * 3


def test_a_request_the_balance_never_answered_is_asked_again(pty_pair: tuple[int, str]) -> None:
    """A request lost on the line (noise, the balance busy taring) does not stall the read: asked again
    after `answer_s`."""
    master, port = pty_pair
    heard = 0

    def deaf_once(data: bytes) -> list[str]:
        nonlocal heard
        heard += data.count(b"S\r\n")
        return [] if heard == 1 else ["S S     500.00 g"]

    device = serve(master, deaf_once)
    scale = SerialScale(port=port, protocol=MtSics(), poll_s=0.05, answer_s=1.0)
    try:
        started = time.monotonic()
        reading = scale.read_stable(5.0)
        took = time.monotonic() - started
    finally:
        sent = sent_commands(master, device)
    assert reading.grams == 500 and sent == b"S\r\n" * 2
    assert took >= 1.0


def test_one_line_in_an_unknown_unit_is_skipped_as_noise(pty_pair: tuple[int, str]) -> None:
    """A unit word garbled on the line once is noise, skipped as a garbled line is: it refused the whole
    weighing at once."""
    master, port = pty_pair
    answers = iter(["S S     990.50 xyz"])
    device = serve(master, lambda data: [next(answers, "S S     990.50 g")] if data.startswith(b"S") else [])
    try:
        reading = SerialScale(port=port, protocol=MtSics(), poll_s=0.05).read_stable(3.0)
    finally:
        device.close()
    assert (reading.grams, reading.status) == (990, ScaleStatus.STABLE)


def test_a_scale_set_to_an_unknown_unit_is_refused_at_its_second_line(pty_pair: tuple[int, str]) -> None:
    """A balance set to a unit the console cannot read (tael, newton, a custom unit) sends every line in
    it: refused as soon as a second line says so, naming the unit and what to set, not after the read's
    5 s as a silent scale would be."""
    master, port = pty_pair
    device = serve(master, lambda data: ["S S     100.00 xyz"] if data.startswith(b"S") else [])
    try:
        started = time.monotonic()
        with pytest.raises(ScaleError) as exc:
            SerialScale(port=port, protocol=MtSics(), poll_s=0.05).read_stable(5.0)
        took = time.monotonic() - started
    finally:
        device.close()
    assert exc.value.code == "scale_unit"
    assert (
        str(exc.value)
        == "The scale is set to the unit xyz, which the console cannot read: set it to g or kg."
    )
    assert took < 4.0


def test_mt_sics_overload_is_refused(pty_pair: tuple[int, str]) -> None:
    master, port = pty_pair
    device = serve(master, lambda data: ["S +"])
    try:
        with pytest.raises(ScaleError) as exc:
            SerialScale(port=port, protocol=MtSics(), poll_s=0.05).read_stable(0.5)
    finally:
        device.close()
    assert "capacity" in str(exc.value)


def test_a_cas_stream_over_a_pty(pty_pair: tuple[int, str]) -> None:
    master, port = pty_pair
    lines = ["US,GS,+  1.480kg", "US,GS,+  1.502kg", "ST,GS,+  1.500kg"]
    device = serve(master, None, stream=lines)
    try:
        reading = SerialScale(port=port, protocol=Cas()).read_stable(3.0)
    finally:
        device.close()
    assert (reading.grams, reading.status) == (1500, ScaleStatus.STABLE)


def test_a_negative_cas_stream_is_refused(pty_pair: tuple[int, str]) -> None:
    master, port = pty_pair
    device = serve(master, None, stream=["ST,NT,-  0.050kg"] * 40)
    try:
        with pytest.raises(ScaleError) as exc:
            SerialScale(port=port, protocol=Cas()).read_stable(0.4)
    finally:
        device.close()
    assert "below zero" in str(exc.value)


def test_a_chinese_counter_scale_over_a_pty(pty_pair: tuple[int, str]) -> None:
    master, port = pty_pair
    proto = make_protocol(
        {"protocol": "regex", "pattern": r"ww(?P<weight>\d+\.\d+)(?P<unit>kg)", "settle": 3}
    )
    device = serve(
        master, None, stream=["ww000.900kg", "ww001.310kg", "ww001.300kg", "ww001.300kg", "ww001.300kg"]
    )
    try:
        reading = SerialScale(port=port, protocol=proto).read_stable(3.0)
    finally:
        device.close()
    assert (reading.grams, reading.status, reading.raw) == (1300, ScaleStatus.STABLE, "ww001.300kg")


def test_the_port_vanishing_mid_read_is_a_clean_refusal(pty_pair: tuple[int, str]) -> None:
    master, port = pty_pair
    scale = SerialScale(port=port, protocol=Cas())
    got: list[BaseException] = []

    def read() -> None:
        try:
            scale.read_stable(3.0)
        except BaseException as exc:  # noqa: BLE001 - kept for the assertion below
            got.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    os.write(master, b"US,GS,+  0.700kg\r\n")
    time.sleep(0.2)
    os.close(master)  # the USB-serial adapter is pulled out
    reader.join(5)
    assert len(got) == 1 and isinstance(got[0], ScaleError), got
    assert got[0].code == "scale_unplugged"
    # A sentence as the console's others are, in both languages (it said "...weigh again", no stop).
    said = got[0].message
    assert str(said).endswith("weigh again.") and translate(said.msgid, "zh").endswith("称重。")


def test_a_missing_port_says_so() -> None:
    with pytest.raises(ScaleError) as exc:
        SerialScale(port="/dev/does-not-exist-scale", protocol=MtSics()).read_stable(0.2)
    assert exc.value.code == "no_scale" and "/dev/does-not-exist-scale" in str(exc.value)


def test_the_dummy_plays_its_script_and_reads_a_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    scripted = DummyScale(readings=[("moving", 900), ("stable", 1000)], interval_s=0.001)
    assert scripted.read_stable(1.0).grams == 1000
    plate = tmp_path / "plate.txt"
    plate.write_text("moving 1200")
    live = DummyScale(file=str(plate), interval_s=0.001)
    with pytest.raises(ScaleError):
        live.read_stable(0.1)
    plate.write_text("1200")
    assert live.read_stable(0.5).grams == 1200
    plate.write_text("over")
    with pytest.raises(ScaleError, match="capacity"):
        live.read_stable(0.1)


def test_the_factory_builds_each_kind() -> None:
    assert isinstance(make_scale({"kind": "dummy", "grams": 500}), DummyScale)
    hid = make_scale({"kind": "hidpos", "vendor": "0922", "product": "8003"})
    assert isinstance(hid, HidPosScale) and (hid.vendor, hid.product) == (0x0922, 0x8003)
    serial = make_scale({"kind": "serial", "port": "/dev/ttyUSB0", "protocol": "cas", "baud": 2400})
    assert isinstance(serial, SerialScale) and isinstance(serial.protocol, Cas) and serial.baudrate == 2400
    demo = make_scale({"kind": "hidpos", "backend": "fake", "grams": 830})
    assert demo.read_stable(2.0).grams == 830
    demo.close()
    for bad in ({"kind": "laser"}, {"kind": "serial"}, {"kind": "serial", "port": "x", "protocol": "morse"}):
        with pytest.raises(ValueError):
            make_scale(bad)
    with pytest.raises(ValueError, match="weight"):
        make_scale({"kind": "serial", "port": "x", "protocol": "regex", "pattern": r"(\d+)"})
