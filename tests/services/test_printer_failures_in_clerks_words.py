"""A device's or a network printer's failure said in the clerk's words, as a file printer's write is:
the system's English ("No such file or directory", "Connection refused", "Permission denied") never
reaches a Chinese screen. Each fault comes from its real transport where this machine can make it."""

from __future__ import annotations

import errno
import socket
from pathlib import Path

import pytest
from notify_helpers import checkin
from sqlmodel import select

from db.models import PrintJob
from hardware.fakeusb import FakeUsbBackend, FakeUsbPrinter
from hardware.printers import PrinterError, make_printer
from hardware.printers.transports import DeviceTransport, TcpTransport, _os_error
from hardware.printers.usb import UsbTransport
from station_console.i18n import shown
from station_console.services.core.station import Station
from station_console.services.printing import sending
from station_console.services.printing.failed_sends import in_clerks_words
from station_console.stored_messages import stored_text


def said(send: object) -> tuple[str, str]:
    """The refusal `send()` raised, as the queue says it: English, Chinese."""
    with pytest.raises(PrinterError) as err:
        send()  # type: ignore[operator]
    clerks = in_clerks_words(err.value)
    assert clerks.code == err.value.code and clerks.__cause__ is err.value.__cause__
    return shown(clerks.message, "en"), shown(clerks.message, "zh")


def closed_port() -> int:
    probe = socket.create_server(("127.0.0.1", 0))
    port = int(probe.getsockname()[1])
    probe.close()  # nothing listens there now
    return port


def test_a_network_printer_that_refuses_the_connection() -> None:
    port = closed_port()
    en, zh = said(lambda: TcpTransport("127.0.0.1", port, timeout=2).send(b"x"))
    target = f"tcp://127.0.0.1:{port}"
    assert (
        en
        == f"Cannot reach {target} (the connection was refused): check the printer's power and network cable"
    )
    assert zh == f"连接不上 {target}（连接被拒绝）：检查打印机电源和网线"


def test_a_network_printer_whose_name_no_one_knows(monkeypatch: pytest.MonkeyPatch) -> None:
    def unknown(*_: object, **__: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "create_connection", unknown)  # the resolver's answer, without a network
    en, zh = said(lambda: TcpTransport("label-printer.lan").send(b"x"))
    assert en == "tcp://label-printer.lan:9100: no device of that name on the network"
    assert zh == "tcp://label-printer.lan:9100：网络上找不到这个名称的设备"


def test_a_device_node_unplugged_or_a_folder(tmp_path: Path) -> None:
    node = str(tmp_path / "lp9")
    assert (
        said(lambda: DeviceTransport(node).send(b"x"))[1]
        == f"找不到 {node}（未连接或未开机）：检查打印机电源和连接线"
    )
    assert said(lambda: DeviceTransport(str(tmp_path)).send(b"x")) == (
        f"{tmp_path}: it is a folder, not a printer",
        f"{tmp_path}：这是文件夹，不是打印机",
    )


def test_a_usb_printer_this_user_may_not_use() -> None:
    transport = UsbTransport.from_target(
        "0416:5011", backend=FakeUsbBackend(FakeUsbPrinter(permission=False))
    )
    assert said(lambda: transport.send(b"label"))[1] == (
        "没有使用 usb:0416:5011 的权限（当前系统用户无权使用）：请店长检查设备访问权限"
    )


@pytest.mark.parametrize(
    ("error", "zh"),
    [
        (
            PermissionError(errno.EACCES, "Permission denied"),
            "没有使用 /dev/usb/lp0 的权限（当前系统用户无权使用）",
        ),
        (BrokenPipeError(errno.EPIPE, "Broken pipe"), "连接不上 /dev/usb/lp0（连接中断）"),
        (OSError(errno.EHOSTUNREACH, "No route to host"), "/dev/usb/lp0：网络不通"),
        (OSError(errno.EIO, "Input/output error"), "/dev/usb/lp0：发送任务时设备出错"),
        (OSError(errno.EBUSY, "Device or resource busy"), "/dev/usb/lp0：正被其他程序占用"),
        (OSError(errno.EPROTO, "Protocol error"), "/dev/usb/lp0：EPROTO"),  # no words for it: its name
    ],
)
def test_the_system_errors_no_test_machine_makes(error: OSError, zh: str) -> None:
    """Permission (the tests run as root), a cut connection, no route, a device failing or busy."""
    refused = _os_error(error, "/dev/usb/lp0")
    refused.__cause__ = error
    clerks = shown(in_clerks_words(refused).message, "zh")
    assert clerks.startswith(zh) and str(error.strerror) not in clerks, clerks


def test_a_device_printers_failure_is_stored_in_the_clerks_words(station: Station, tmp_path: Path) -> None:
    checkin(station, 1)
    node = str(tmp_path / "lp9")
    printer = make_printer({"language": "tspl", "transport": "device", "target": node}, name="default")
    result = sending.process_queue(station, printer, lang="en")
    assert result.error is not None and result.printer_state == "offline"
    assert shown(result.error, "zh") == f"找不到 {node}（未连接或未开机）：检查打印机电源和连接线"
    with station.read() as session:
        (job,) = session.exec(select(PrintJob)).all()
    assert stored_text(job.last_error, "zh") == f"找不到 {node}（未连接或未开机）：检查打印机电源和连接线"
    assert (
        stored_text(job.last_error, "en")
        == f"{node} not found (not plugged in or switched off): check the printer's power and cable"
    )
