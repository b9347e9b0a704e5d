"""Transports: USB through a fake pyusb backend, TCP against a real socket, device, CUPS, file, Dummy."""

from __future__ import annotations

import errno
import multiprocessing
import os
import socket
import stat
import threading
from pathlib import Path
from typing import Any

import pytest

from hardware.fakeusb import FakeUsbBackend, FakeUsbPrinter
from hardware.printers import DummyTransport, PrinterError, make_printer
from hardware.printers.transports import CupsTransport, DeviceTransport, FileTransport, TcpTransport
from hardware.printers.usb import UsbTransport


def printer_bus(vendor: int = 0x0416, product: int = 0x5011) -> tuple[FakeUsbBackend, FakeUsbPrinter]:
    """One USB printer (class 7, bulk OUT 0x01, bulk IN 0x82) on the fake bus at pyusb's backend seam."""
    printer = FakeUsbPrinter(vendor=vendor, product=product)
    return FakeUsbBackend(printer), printer


def test_usb_writes_every_byte_to_the_bulk_out_endpoint() -> None:
    backend, printer = printer_bus()
    transport = UsbTransport.from_target("0416:5011", backend=backend)
    job = bytes(range(256)) * 40  # 10 KiB: more than one chunk
    transport.send(job)
    assert {ep for ep, _ in printer.writes} == {0x01}
    assert b"".join(chunk for _, chunk in printer.writes) == job and len(printer.writes) == 3
    assert printer.detach_calls == [0] and printer.configuration == 1  # usblp let go, configuration set
    transport.send(b"again")  # a second job re-finds the device
    assert printer.writes[-1] == (0x01, b"again")


def test_usb_finds_the_first_printer_class_device_without_ids() -> None:
    backend, printer = printer_bus(0x1234, 0x0001)
    UsbTransport.from_target("", backend=backend).send(b"SIZE 40 mm,30 mm\r\n")
    assert printer.writes == [(0x01, b"SIZE 40 mm,30 mm\r\n")]


def test_usb_faults_become_printer_states() -> None:
    backend, printer = printer_bus()
    transport = UsbTransport.from_target("0416:5011", backend=backend)
    printer.stalled = True
    with pytest.raises(PrinterError) as err:
        transport.send(b"x")
    assert err.value.code == "timeout"
    printer.stalled, printer.plugged = False, False
    with pytest.raises(PrinterError) as err:
        transport.send(b"x")
    assert err.value.code == "offline"
    with pytest.raises(PrinterError) as err:
        UsbTransport.from_target("0416:9999", backend=printer_bus()[0]).send(b"x")
    assert err.value.code == "offline" and "0416:9999" in err.value.detail
    printer.plugged = True  # plugged back in: the next job just goes
    transport.send(b"back")
    assert printer.writes == [(0x01, b"back")]
    with pytest.raises(ValueError):
        UsbTransport.from_target("zebra")


def test_tcp_delivers_the_job_to_a_real_socket() -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    received = bytearray()

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            while chunk := conn.recv(65536):
                received.extend(chunk)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    job = b"^XA^FDhello^FS^XZ" * 5000
    make_printer({"language": "zpl", "transport": "tcp", "target": f"127.0.0.1:{port}"}).send(job)
    thread.join(5)
    server.close()
    assert bytes(received) == job


def test_tcp_refused_is_offline() -> None:
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    with pytest.raises(PrinterError) as err:
        TcpTransport("127.0.0.1", port, timeout=2).send(b"x")
    assert err.value.code == "offline"
    assert TcpTransport.from_target("10.0.0.9").port == 9100


def test_device_file(tmp_path: Path) -> None:
    dev = tmp_path / "lp0"
    dev.write_bytes(b"")
    DeviceTransport(str(dev)).send(b"PRINT 1,1\r\n")
    assert dev.read_bytes() == b"PRINT 1,1\r\n"
    with pytest.raises(PrinterError) as err:
        DeviceTransport(str(tmp_path / "lp9")).send(b"x")  # unplugged: the node is gone
    assert err.value.code == "offline"
    with pytest.raises(PrinterError) as err:
        DeviceTransport(str(tmp_path)).send(b"x")  # a folder is no printer
    assert err.value.code == "error"


def fake_lp(tmp_path: Path, exit_code: int = 0) -> Path:
    script = tmp_path / "lp"
    script.write_text(
        f'#!/bin/sh\necho "$@" > "{tmp_path}/args"\ncat > "{tmp_path}/data"\n'
        f'[ {exit_code} -eq 0 ] || echo "lp: The printer or class does not exist." >&2\n'
        f"exit {exit_code}\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_cups_pipes_the_job_to_lp(tmp_path: Path) -> None:
    CupsTransport("Xprinter", raw=True, lp=str(fake_lp(tmp_path))).send(b"CLS\r\n")
    assert (tmp_path / "args").read_text().split() == ["-d", "Xprinter", "-o", "raw"]
    assert (tmp_path / "data").read_bytes() == b"CLS\r\n"
    CupsTransport("Office", raw=False, lp=str(fake_lp(tmp_path))).send(b"%PDF")
    assert (tmp_path / "args").read_text().split() == ["-d", "Office"]
    with pytest.raises(PrinterError) as err:
        CupsTransport("Nope", lp=str(fake_lp(tmp_path, 1))).send(b"x")
    assert err.value.code == "error" and "does not exist" in err.value.detail
    with pytest.raises(PrinterError) as err:
        CupsTransport("X", lp=str(tmp_path / "no-lp")).send(b"x")
    assert err.value.code == "offline"


def test_file_appends_or_writes_one_file_per_job(tmp_path: Path) -> None:
    spool = tmp_path / "spool.tspl"
    FileTransport(str(spool), suffix=".tspl").send(b"a")
    FileTransport(str(spool)).send(b"b")  # an existing spool is appended to, whatever its name
    assert spool.read_bytes() == b"ab"
    folder = tmp_path / "labels"
    folder.mkdir()
    printer = make_printer({"language": "png", "transport": "file", "target": str(folder)})
    printer.send(b"1")
    printer.send(b"2")
    assert sorted(p.name for p in folder.iterdir()) == ["job-00001.png", "job-00002.png"]


def test_a_file_printer_s_target_in_the_home_folder_is_a_whole_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`~/labels/`: the home folder of the user running the console, not a path relative to the folder
    it was started in; refused as one before."""
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "labels").mkdir()
    printer = make_printer({"language": "tspl", "transport": "file", "target": "~/labels/"})
    printer.send(b"1")
    assert [p.name for p in (tmp_path / "labels").iterdir()] == ["job-00001.tspl"]
    assert str(tmp_path / "labels") in printer.describe()


@pytest.mark.parametrize("links", [True, False], ids=["links", "no-links"])
def test_two_counters_printing_into_one_folder_at_once_both_print(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, links: bool
) -> None:
    """Another counter takes the job number this one found free, between the look and the naming (at
    the file system's own seam, `os.link`, or `os.open` where the folder takes no links, a FAT drive):
    this job takes the next number, neither file is written over, and nothing is said as a printer
    error."""
    from hardware.printers import transports

    real_link, real_open = transports.os.link, transports.os.open
    folder = tmp_path / "share"
    folder.mkdir()
    taken: list[str] = []

    def the_other_counter_first(name: Path) -> None:
        if name.name.startswith("job-") and not taken:
            taken.append(name.name)
            name.write_bytes(b"counter-2's label")

    def link(part, name, **kwargs):  # type: ignore[no-untyped-def]
        the_other_counter_first(Path(name))
        if not links:
            raise PermissionError(errno.EPERM, os.strerror(errno.EPERM))
        return real_link(part, name, **kwargs)

    def open_(path, flags, mode=0o777):  # type: ignore[no-untyped-def]
        the_other_counter_first(Path(path))
        return real_open(path, flags, mode)

    monkeypatch.setattr(transports.os, "link", link)
    monkeypatch.setattr(transports.os, "open", open_)
    FileTransport(f"{folder}/", suffix=".tspl").send(b"counter-1's label")
    assert taken == ["job-00001.tspl"]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {
        "job-00001.tspl": b"counter-2's label",
        "job-00002.tspl": b"counter-1's label",
    }
    assert stat.S_IMODE((folder / "job-00002.tspl").stat().st_mode) == 0o600


def test_a_job_file_appears_whole_and_a_failed_write_leaves_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder another program prints from (or a clerk opens) sees a job's file only once it is
    whole: while its bytes are written no `job-*` file is there, and a write the disk cuts off (full)
    leaves no half a job behind to be printed, only the printer error, the job kept to retry."""
    from hardware.printers import transports

    folder = tmp_path / "share"
    folder.mkdir()
    real_fdopen = transports.os.fdopen
    seen_while_writing: list[list[str]] = []

    class DiskFullHalfway:
        def __init__(self, fd: int) -> None:
            self.out = real_fdopen(fd, "wb")

        def __enter__(self) -> DiskFullHalfway:
            return self

        def __exit__(self, *exc: object) -> None:
            self.out.close()

        def write(self, data: bytes) -> int:
            self.out.write(data[: len(data) // 2])
            self.out.flush()
            seen_while_writing.append(sorted(p.name for p in folder.glob("job-*")))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(transports.os, "fdopen", lambda fd, mode: DiskFullHalfway(fd))
    with pytest.raises(PrinterError):
        FileTransport(f"{folder}/", suffix=".pdf").send(b"%PDF-1.4 a whole label %%EOF")
    assert seen_while_writing == [[]]
    assert sorted(p.name for p in folder.iterdir()) == []
    monkeypatch.setattr(transports.os, "fdopen", real_fdopen)
    FileTransport(f"{folder}/", suffix=".pdf").send(b"%PDF-1.4 the retry %%EOF")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {
        "job-00001.pdf": b"%PDF-1.4 the retry %%EOF"
    }


def test_a_job_whose_naming_fails_where_links_cannot_be_made_leaves_no_empty_job_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder without hard links (a FAT drive, a network share) has the job's name claimed empty, then
    the written job moved over it: a move that fails (the share dropped) takes the empty claim away too,
    so no empty `job-*` file is left for a program printing from the folder, and the retry is job 1."""
    from hardware.printers import transports

    folder = tmp_path / "share"
    folder.mkdir()
    real_replace = transports.os.replace

    def no_link(part, name, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError(errno.EPERM, os.strerror(errno.EPERM))

    def share_dropped(src, dst):  # type: ignore[no-untyped-def]
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(transports.os, "link", no_link)
    monkeypatch.setattr(transports.os, "replace", share_dropped)
    with pytest.raises(PrinterError):
        FileTransport(f"{folder}/", suffix=".tspl").send(b"a label")
    assert sorted(p.name for p in folder.iterdir()) == []
    monkeypatch.setattr(transports.os, "replace", real_replace)
    FileTransport(f"{folder}/", suffix=".tspl").send(b"the retry")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {"job-00001.tspl": b"the retry"}


def _spool_job(counter: int, n: int) -> bytes:
    size = (n * 7919) % 70_000  # past the 8 KiB a buffered file writes at a time: a PDF, a bitmap label
    return f"<{counter}-{n}>".encode() + bytes([65 + counter]) * size + f"</{counter}-{n}>".encode()


def _print_jobs_into(spool: str, counter: int, start: Any) -> None:
    transport = FileTransport(spool, suffix=".tspl")
    start.wait(30)
    for n in range(200):
        transport.send(_spool_job(counter, n))


def test_two_counters_appending_to_one_spool_file_at_once_leave_every_job_whole(tmp_path: Path) -> None:
    """Each job is one append (O_APPEND, one write), so two processes printing 200 jobs each into one
    spool file at once never interleave: the file is the 400 jobs, each whole, each counter's in order."""
    spool = str(tmp_path / "labels.tspl")
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(2)  # both started (imports done) before either prints
    counters = [context.Process(target=_print_jobs_into, args=(spool, c, start)) for c in (0, 1)]
    for process in counters:
        process.start()
    for process in counters:
        process.join(60)
    assert [p.exitcode for p in counters] == [0, 0]
    data, at, order = Path(spool).read_bytes(), 0, []
    while at < len(data):
        counter, n = (int(x) for x in data[at + 1 : data.index(b">", at)].split(b"-"))
        job = _spool_job(counter, n)
        assert data[at : at + len(job)] == job, f"job {counter}-{n} cut at byte {at}"
        order.append((counter, n))
        at += len(job)
    assert [n for c, n in order if c == 0] == list(range(200))
    assert [n for c, n in order if c == 1] == list(range(200))


def test_a_target_too_long_for_the_file_system_is_a_printer_error_not_a_crash(tmp_path: Path) -> None:
    """A hand-edited target longer than a name on disk may be: building the printer only looked at it
    (`is_dir`, which raises for such a name) and the print pass crashed as an unexpected error; now the
    job fails as the printer's, said as a file not written."""
    for target in (f"{tmp_path}/{'a' * 300}.tspl", f"{tmp_path}/{'b' * 300}"):
        printer = make_printer({"language": "tspl", "transport": "file", "target": target})
        with pytest.raises(PrinterError) as err:
            printer.send(b"label")
        assert "too long" in err.value.detail, err.value.detail
    assert list(tmp_path.iterdir()) == []


def test_a_file_printer_whose_folder_is_gone_is_offline_and_creates_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "labels"
    folder.mkdir()
    printer = make_printer({"language": "tspl", "transport": "file", "target": str(folder)})
    printer.send(b"1")
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()
    with pytest.raises(PrinterError) as err:
        printer.send(b"2")
    assert err.value.code == "offline" and "not found" in err.value.detail
    assert not folder.exists()  # no file named like the folder
    # A printer set up after the folder vanished: the name has no spool suffix, so it is a folder.
    later = make_printer({"language": "tspl", "transport": "file", "target": str(folder)})
    with pytest.raises(PrinterError):
        later.send(b"3")
    with pytest.raises(PrinterError):
        FileTransport(str(tmp_path / "gone") + "/", suffix=".tspl").send(b"4")
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    # A spool file in a missing folder is offline too.
    with pytest.raises(PrinterError) as err:
        FileTransport(str(tmp_path / "nowhere" / "spool.tspl"), suffix=".tspl").send(b"5")
    assert err.value.code == "offline"


def test_dummy_records_and_fails_on_demand() -> None:
    DummyTransport.forget_all()
    printer = make_printer({"transport": "dummy", "target": "bench"})
    assert printer.transport is DummyTransport.named("bench")
    DummyTransport.named("bench").fail_next(1, "timeout")
    with pytest.raises(PrinterError):
        printer.send(b"lost?")
    printer.send(b"kept")
    assert DummyTransport.named("bench").sent == [b"kept"]


def test_a_job_named_whose_hidden_copy_cannot_be_removed_is_printed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The job is whole under its number; its hidden `.part` then refused removal (a share's own
    permission rule). Said as the printer's error, it was sent again and printed twice."""
    from hardware.printers import transports

    folder = tmp_path / "share"
    folder.mkdir()
    real_unlink = transports.os.unlink

    def unlink(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path).name.endswith(".part"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(transports.os, "unlink", unlink)
    FileTransport(f"{folder}/", suffix=".tspl").send(b"one label")
    assert (folder / "job-00001.tspl").read_bytes() == b"one label"
    assert sorted(p.name for p in folder.glob("job-*")) == ["job-00001.tspl"]
