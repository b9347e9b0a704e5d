"""Every way a printer refuses a job, as the clerk reads it: the state code, the English, the Chinese.

Each fault goes through its real transport (a closed TCP port, a missing folder or device node, a fake
`lp`, the fake pyusb backend at pyusb's own seam, the Dummy); the console shows the `Message` through
`i18n.shown`, in the language of the screen.
"""

from __future__ import annotations

import errno
import socket
import stat
from dataclasses import dataclass
from pathlib import Path

import pytest
import usb.core

from hardware.fakeusb import BULK, Endpoint, FakeUsbBackend, FakeUsbPrinter
from hardware.messages import Message
from hardware.printers import Document, DummyTransport, PrinterError, make_printer
from hardware.printers.transports import (
    CupsTransport,
    DeviceTransport,
    FileTransport,
    TcpTransport,
    _os_error,
)
from hardware.printers.usb import UsbTransport
from station_console.i18n import shown


def refusal(send: object) -> PrinterError:
    with pytest.raises(PrinterError) as err:
        send()  # type: ignore[operator]
    assert isinstance(err.value.message, Message) and err.value.detail is err.value.message
    return err.value


def both(exc: PrinterError) -> tuple[str, str]:
    return shown(exc.message, "en"), shown(exc.message, "zh")


def closed_port() -> int:
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    return int(port)


def test_a_network_printer_that_is_off() -> None:
    port = closed_port()
    exc = refusal(lambda: TcpTransport("127.0.0.1", port, timeout=2).send(b"x"))
    en, zh = both(exc)
    assert exc.code == "offline" and str(exc) == f"offline: {en}"
    assert en == (
        f"Cannot reach tcp://127.0.0.1:{port} (Connection refused): check the printer's power and network cable"
    )
    assert zh == f"连接不上 tcp://127.0.0.1:{port}（Connection refused）：检查打印机电源和网线"


def test_a_network_printer_that_does_not_answer_in_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Power, cable or address, as a network printer's likely causes: never a USB printer's paper."""

    def no_answer(*_args: object, **_kwargs: object) -> socket.socket:
        raise TimeoutError("timed out")  # what a connect to a host that never answers raises

    monkeypatch.setattr(socket, "create_connection", no_answer)
    exc = refusal(lambda: TcpTransport("192.0.2.50", 9100, timeout=0.1).send(b"x"))
    assert exc.code == "timeout" and both(exc) == (
        "tcp://192.0.2.50:9100 did not answer in time: check that the printer is on, its network cable "
        "and its address",
        "tcp://192.0.2.50:9100 没有及时响应：检查打印机是否开机、网线是否插好、地址是否正确",
    )


def test_a_file_printer_whose_folder_is_gone(tmp_path: Path) -> None:
    gone = f"{tmp_path}/labels/"
    exc = refusal(lambda: make_printer({"language": "tspl", "transport": "file", "target": gone}).send(b"1"))
    assert exc.code == "offline"
    assert both(exc) == (
        f"Folder {gone} not found: check that its drive or network share is connected",
        f"找不到文件夹 {gone}：检查其所在磁盘或网络共享是否已连接",
    )
    spool = str(tmp_path / "spool")
    exc = refusal(lambda: FileTransport(spool, suffix=".tspl").send(b"2"))
    assert exc.code == "offline" and both(exc)[1] == (
        f"找不到 {spool}（应为文件夹，或以 .tspl 结尾的打印文件）：检查打印机的目标设置"
    )
    nowhere = str(tmp_path / "nowhere" / "spool.tspl")
    exc = refusal(lambda: FileTransport(nowhere, suffix=".tspl").send(b"3"))
    assert exc.code == "offline"
    # A file not written, as the console says any (the services put the clerk's reason in its place).
    assert both(exc)[0] == f"Cannot write {nowhere}: No such file or directory"
    assert isinstance(exc.__cause__, FileNotFoundError)


def test_a_device_node_that_is_gone_or_is_no_printer(tmp_path: Path) -> None:
    node = str(tmp_path / "lp9")
    exc = refusal(lambda: DeviceTransport(node).send(b"x"))
    assert exc.code == "offline" and both(exc) == (
        f"{node} not found (No such file or directory): check the printer's power and cable",
        f"找不到 {node}（No such file or directory）：检查打印机电源和连接线",
    )
    exc = refusal(lambda: DeviceTransport(str(tmp_path)).send(b"x"))
    assert exc.code == "error" and both(exc) == (f"{tmp_path}: Is a directory", f"{tmp_path}：Is a directory")


@pytest.mark.parametrize(
    ("error", "code", "zh"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), "permission", "没有使用 /dev/usb/lp0 的权限"),
        (TimeoutError(errno.ETIMEDOUT, "timed out"), "timeout", "/dev/usb/lp0 没有响应（缺纸或已暂停？）"),
        (BrokenPipeError(errno.EPIPE, "Broken pipe"), "offline", "连接不上 /dev/usb/lp0（Broken pipe）"),
    ],
)
def test_the_system_errors_no_test_machine_makes(error: OSError, code: str, zh: str) -> None:
    """Permission (the tests run as root) and a timeout, as the transports map them."""
    exc = _os_error(error, "/dev/usb/lp0")
    assert exc.code == code and both(exc)[1].startswith(zh)


def fake_lp(tmp_path: Path, body: str) -> str:
    script = tmp_path / "lp"
    script.write_text(f"#!/bin/sh\ncat > /dev/null\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_cups_faults(tmp_path: Path) -> None:
    exc = refusal(lambda: CupsTransport("X", lp=str(tmp_path / "no-lp")).send(b"x"))
    assert exc.code == "offline" and both(exc) == (
        "CUPS is not installed on this machine (no `lp` command)",
        "本机未安装 CUPS（没有 `lp` 命令）：请店长安装 CUPS 或改用其他连接方式",
    )
    lp = fake_lp(tmp_path, 'echo "lp: The printer or class does not exist." >&2; exit 1')
    exc = refusal(lambda: CupsTransport("Nope", lp=lp).send(b"x"))
    assert exc.code == "error" and both(exc) == (
        "The CUPS queue Nope refused the job: lp: The printer or class does not exist.",
        "CUPS 队列 Nope 拒绝了任务：lp: The printer or class does not exist.",
    )
    exc = refusal(lambda: CupsTransport("Slow", lp=fake_lp(tmp_path, "sleep 5"), timeout=0.3).send(b"x"))
    assert exc.code == "timeout"
    assert both(exc)[1] == "CUPS 队列 Slow 未能及时接收任务：检查打印队列和打印机"


@dataclass(eq=False)
class HalfPrinter(FakeUsbPrinter):
    """Takes one byte less than it is sent."""

    def write(self, generation: int, ep: int, data: bytes) -> int:
        return len(super().write(generation, ep, data[:-1]) * b"x")


@dataclass(eq=False)
class NoOutPrinter(FakeUsbPrinter):
    """A printer-class device without a bulk OUT endpoint."""

    def endpoints(self) -> list[Endpoint]:
        return [Endpoint(0x82, BULK)]


def usb_refusal(printer: FakeUsbPrinter, target: str = "0416:5011") -> PrinterError:
    transport = UsbTransport.from_target(target, backend=FakeUsbBackend(printer))
    return refusal(lambda: transport.send(b"label"))


def test_usb_faults_through_the_fake_backend() -> None:
    exc = usb_refusal(FakeUsbPrinter(stalled=True))
    assert exc.code == "timeout" and both(exc) == (
        "usb:0416:5011 did not take the data (out of paper?): check the paper",
        "usb:0416:5011 没有接收数据（缺纸？）：检查纸张",
    )
    exc = usb_refusal(FakeUsbPrinter(), "0416:9999")
    assert exc.code == "offline" and both(exc)[1] == "usb:0416:9999 未连接：检查打印机电源和 USB 线"
    exc = usb_refusal(FakeUsbPrinter(permission=False))
    assert exc.code == "permission"
    assert both(exc)[1] == (
        "没有使用 usb:0416:5011 的权限（Access denied (insufficient permissions)）：请店长检查设备访问权限"
    )
    exc = usb_refusal(HalfPrinter())
    assert (
        exc.code == "timeout" and both(exc)[1] == "usb:0416:5011 只接收了部分任务（缺纸？）：检查纸张后重打"
    )
    exc = usb_refusal(NoOutPrinter())
    assert exc.code == "error" and both(exc)[1] == "usb:0416:5011 没有批量输出端点：它是打印机吗？"


def test_usb_without_libusb(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_backend(**_: object) -> None:
        raise usb.core.NoBackendError("No backend available")

    monkeypatch.setattr(usb.core, "find", no_backend)
    exc = refusal(lambda: UsbTransport().send(b"x"))
    assert exc.code == "offline" and both(exc)[1] == "本机没有 USB 库（libusb）：请店长安装 libusb"


@pytest.mark.parametrize(
    ("code", "en", "zh"),
    [
        (
            "offline",
            "Dummy printer bench is offline: check the printer's power and cable",
            "模拟打印机 bench 离线：检查打印机电源和连接线",
        ),
        (
            "timeout",
            "Dummy printer bench did not answer (out of paper?)",
            "模拟打印机 bench 没有响应（缺纸？）",
        ),
        ("permission", "No permission to use dummy printer bench", "没有使用模拟打印机 bench 的权限"),
        ("error", "Dummy printer bench failed (error)", "模拟打印机 bench 出错（error）"),
    ],
)
def test_the_dummy_printer_fails_in_words(code: str, en: str, zh: str) -> None:
    DummyTransport.forget_all()
    printer = make_printer({"transport": "dummy", "target": "bench"})
    DummyTransport.named("bench").fail_next(1, code)
    exc = refusal(lambda: printer.send(b"x"))
    assert exc.code == code and both(exc) == (en, zh)


def test_a_label_printer_asked_for_a_document() -> None:
    printer = make_printer({"language": "zpl", "transport": "dummy", "target": "zebra"})
    exc = refusal(lambda: printer.render_document(Document(kind="receipt", title="x")))
    assert exc.code == "unsupported" and both(exc) == (
        "zpl printers print labels only",
        "zpl 打印机只能打印标签",
    )
