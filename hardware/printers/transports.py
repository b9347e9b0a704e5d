"""How bytes reach a printer: USB bulk OUT, TCP 9100, a device file, a CUPS queue, a file, or a Dummy.

Each transport has one method, `send(data)`, which either delivers everything or raises `PrinterError`
with a short `code` the console shows as the printer state (offline, timeout, permission, misconfigured,
error) and a
`Message` saying what happened, translated where the console shows it (the device's name and the
system's own error text are its parameters, as data). No transport keeps a device open between jobs: a
printer unplugged and plugged back in just works.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import socket
import stat
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

from hardware.config_keys import config_key
from hardware.file_names import claim_name, name_part
from hardware.messages import N_, ConfigError, Message, typed

# A device's name (a path, a host:port, a CUPS queue) is what a person typed in the printer's setting.
NAME_MAX = 120


class PrinterError(Exception):
    """The printer did not take the job. `code`: offline | timeout | permission | misconfigured |
    unsupported | error;
    `message` (also `detail`): what happened, a `Message` the console translates where it shows it.
    `str()` is `"<code>: <English>"`, for logs."""

    def __init__(self, code: str, msgid: str, /, **params: Any) -> None:
        self.code = code
        self.message = Message(msgid, **params)
        super().__init__(f"{code}: {self.message}")

    @property
    def detail(self) -> Message:
        return self.message


def device(name: object) -> str:
    """A device's name as a message parameter: data, one line, cut."""
    return typed(name, NAME_MAX)


def system_text(exc: BaseException) -> str:
    """The system's own words for an OS or library error (English from the C library): data."""
    text = getattr(exc, "strerror", None) or str(exc)  # OSError and pyusb's USBError alike
    return typed(text, 120)


class Transport(Protocol):
    def send(self, data: bytes) -> None: ...

    def describe(self) -> str: ...


# A printer that does not answer in time: at the end of a cable most likely out of paper or paused; on
# the network most likely switched off, unplugged or at another address.
NO_ANSWER = N_("{device} did not answer (out of paper or paused?): check the paper")
NO_ANSWER_ON_NETWORK = N_(
    "{device} did not answer in time: check that the printer is on, its network cable and its address"
)


def _os_error(exc: OSError, what: str, no_answer: str = NO_ANSWER) -> PrinterError:
    name, reason = device(what), system_text(exc)
    if isinstance(exc, FileNotFoundError) or exc.errno in (errno.ENODEV, errno.ENXIO, errno.ENOENT):
        return PrinterError(
            "offline",
            N_("{device} not found ({reason}): check the printer's power and cable"),
            device=name,
            reason=reason,
        )
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return PrinterError(
            "permission",
            N_("No permission to use {device} ({reason}): ask the manager to check its access rights"),
            device=name,
            reason=reason,
        )
    if isinstance(exc, TimeoutError | socket.timeout) or exc.errno in (errno.ETIMEDOUT, errno.EAGAIN):
        return PrinterError("timeout", no_answer, device=name)
    if isinstance(exc, ConnectionError):
        return PrinterError(
            "offline",
            N_("Cannot reach {device} ({reason}): check the printer's power and network cable"),
            device=name,
            reason=reason,
        )
    return PrinterError("error", N_("{device}: {reason}"), device=name, reason=reason)


# A file printer's write that failed, said as the console says any file it could not write; the
# console puts its own words in place of the system's English `reason` (the error is the `__cause__`).
CANNOT_WRITE = N_("Cannot write {file}: {reason}")


def _write_error(exc: OSError, path: str) -> PrinterError:
    """A file or folder the file printer could not write: its state as a device's would be (a folder
    gone is offline, no permission is permission; a file where a folder should be is the target
    misconfigured, not a printer off), said as a file not written."""
    code = "misconfigured" if exc.errno == errno.ENOTDIR else _os_error(exc, path).code
    return PrinterError(code, CANNOT_WRITE, file=device(path), reason=system_text(exc))


@dataclass
class TcpTransport:
    """Raw TCP, port 9100 ("JetDirect"), which network label printers all speak."""

    host: str
    port: int = 9100
    timeout: float = 5.0

    @classmethod
    def from_target(cls, target: str, timeout: float = 5.0) -> TcpTransport:
        host, _, port = target.rpartition(":") if target.count(":") == 1 else (target, "", "")
        number = int(port) if port.isascii() and port.isdigit() else 9100 if not port else -1
        if not host or not 1 <= number <= 65535:
            raise ConfigError(
                N_("{key} = {target}: a network printer's host or host:port, e.g. 192.168.1.50:9100"),
                key=config_key("target"),
                target=typed(target),
            )
        return cls(host, number, timeout)

    def send(self, data: bytes) -> None:
        try:
            with socket.create_connection((self.host, self.port), timeout=self.timeout) as sock:
                sock.sendall(data)
                sock.shutdown(socket.SHUT_WR)
        except OSError as exc:
            raise _os_error(exc, self.describe(), NO_ANSWER_ON_NETWORK) from exc

    def describe(self) -> str:
        return f"tcp://{self.host}:{self.port}"


@dataclass
class DeviceTransport:
    """A character device such as /dev/usb/lp0 (the kernel's usblp driver)."""

    path: str

    def send(self, data: bytes) -> None:
        try:
            # O_WRONLY without O_CREAT: a missing node means unplugged, never a new regular file.
            with os.fdopen(os.open(self.path, os.O_WRONLY | os.O_APPEND), "wb", buffering=0) as dev:
                view = memoryview(data)
                while view:
                    written = dev.write(view)
                    if not written:
                        raise PrinterError(
                            "timeout",
                            N_("{device} took no data (out of paper?): check the paper"),
                            device=device(self.path),
                        )
                    view = view[written:]
        except OSError as exc:
            raise _os_error(exc, self.path) from exc

    def describe(self) -> str:
        return self.path


@dataclass
class CupsTransport:
    """A CUPS queue via `lp`; label languages go raw, PNG/PDF through the queue's driver."""

    queue: str
    raw: bool = True
    lp: str = "lp"
    timeout: float = 30.0

    def send(self, data: bytes) -> None:
        cmd = [self.lp, "-d", self.queue, *(["-o", "raw"] if self.raw else [])]
        try:
            done = subprocess.run(cmd, input=data, capture_output=True, timeout=self.timeout, check=False)
        except FileNotFoundError as exc:
            raise PrinterError(
                "offline", N_("CUPS is not installed on this machine (no `lp` command)")
            ) from exc
        except subprocess.TimeoutExpired as exc:
            raise PrinterError(
                "timeout",
                N_("The CUPS queue {queue} did not take the job in time: check the queue and the printer"),
                queue=device(self.queue),
            ) from exc
        if done.returncode != 0:
            # lp's own words (its language, not ours), its lines as one, or its exit status: data.
            said = " ".join(re.split(r"\s*[\r\n]+\s*", done.stderr.decode(errors="replace").strip()))
            reason = typed(said, 200) or f"exit status {done.returncode}"
            raise PrinterError(
                "error",
                N_("The CUPS queue {queue} refused the job: {reason}"),
                queue=device(self.queue),
                reason=reason,
            )

    def describe(self) -> str:
        return f"cups:{self.queue}"


@dataclass
class FileTransport:
    """Write one file per job into a folder, or append to a spool file.

    The target is a folder when it is one, or when its name ends with a path separator. A folder that
    is gone is an offline printer (the job stays queued), never a reason to create a file of its name;
    a spool file is created only inside an existing folder and only when its name ends with this
    language's suffix (`labels.tspl`), so a missing folder is never mistaken for a new spool.
    """

    path: str
    suffix: str = ".bin"
    folder: bool = field(default=False)

    def __post_init__(self) -> None:
        self.folder = self.folder or self.path.endswith(("/", os.sep)) or is_folder(self.path)

    def send(self, data: bytes, about: tuple[str, ...] = ()) -> None:
        """Write `data`: a job file of its own in a folder, named with `about` (what the job is for: the
        counter, the parcel), or at the end of the spool file."""
        target = Path(self.path)
        try:
            _refuse_a_file_as_folder(target, self.folder)
            if self.folder or target.is_dir():
                if not target.is_dir():
                    raise PrinterError(
                        "offline",
                        N_("Folder {folder} not found: check that its drive or network share is connected"),
                        folder=device(self.path),
                    )
                self._write_job_file(target, data, about)
                return
            if not target.exists() and target.suffix != self.suffix:
                raise PrinterError(
                    "offline",
                    N_(
                        "{path} not found (a folder, or a spool file ending in {suffix}): check the printer's target"
                    ),
                    path=device(self.path),
                    suffix=self.suffix,
                )
            fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "ab") as out:
                out.write(data)
                _on_disk(out)
        except OSError as exc:
            raise _write_error(exc, self.path) from exc

    def _write_job_file(self, folder: Path, data: bytes, about: tuple[str, ...]) -> None:
        """Write one job into `folder` as a file of its own, whole: its bytes go to a hidden file first,
        which then takes the job's name, so a program printing from the folder (or a clerk opening it)
        never reads half a job, and a write cut off (a full disk) leaves no job file to be printed."""
        # Labels carry a masked phone and a pickup code: this user's files only (mkstemp's 0600).
        fd, part = tempfile.mkstemp(prefix=".job-", suffix=".part", dir=folder)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                _on_disk(out)  # before its name: a named job is a whole one, after a power cut too
            self._name_job_file(folder, part, about)
            _name_on_disk(folder)
        finally:
            # Never an error once the job is named: it would be sent again and printed twice. A hidden
            # leftover is never counted or printed.
            with contextlib.suppress(OSError):
                os.unlink(part)

    def _name_job_file(self, folder: Path, part: str, about: tuple[str, ...]) -> None:
        """Give the written job `part` the folder's next job name, `job-00012-<counter>-<parcel>`: the
        number orders the jobs, the words tell a clerk at the folder which is which. The name is
        claimed by the link (or exclusive create) itself: a job of the same words printed into the same
        shared folder may take the name found free an instant ago, and this job then takes the next
        number, never writing over the other's (a look, then a create, failed the second job as a
        printer error). Another counter's job (other words) may take the same number an instant apart:
        a name of its own still, the two in either order."""
        words = "".join(f"-{word}" for word in map(name_part, about) if word)
        # After the highest number there, not the count: a number taken by another job's name (other
        # words) is not given again, whichever jobs a program printing from the folder took away.
        numbers = (_JOB_NUMBER.match(found.name) for found in folder.glob(f"job-*{self.suffix}"))
        n = max((int(m[1]) for m in numbers if m), default=0) + 1
        while True:
            try:
                claim_name(part, folder / f"job-{n:05d}{words}{self.suffix}")
                return
            except FileExistsError:
                n += 1

    def describe(self) -> str:
        return f"file:{self.path}"


_JOB_NUMBER = re.compile(r"job-(\d+)")


def _on_disk(out: Any) -> None:
    """A job's bytes on the disk before the send returns: the queue then marks it printed, and a
    power cut must not leave that label an empty file or none. A spool that is a pipe or a device (a
    program reading it, a printer's node) has no disk: its fsync fails with EINVAL, after the job went
    out, and that error would send the job again (printed twice)."""
    out.flush()
    if stat.S_ISREG(os.fstat(out.fileno()).st_mode):
        os.fsync(out.fileno())


def _name_on_disk(folder: Path) -> None:
    """The job's new name on the disk too. Never an error: the job is named, and an error would send
    it again (printed twice); not every file system lets a folder be synced."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def is_folder(path: str) -> bool:
    """Whether `path` is a folder now; False for one the system cannot look at (a name longer than the
    file system takes, which `Path.is_dir` raises as an error): said as the printer's error when a job
    is written to it, never as a crash of whatever only looked."""
    try:
        return Path(path).is_dir()
    except OSError:
        return False


def _refuse_a_file_as_folder(target: Path, folder: bool) -> None:
    """A file standing where the target's folder should be: said as such before the checks below take
    it for a folder gone (an unplugged drive), since `exists()` is false under a file."""
    for place in [target, *target.parents] if folder else target.parents:
        if place.exists():
            if not place.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(place))
            return


# What a dummy printer made to fail says, by failure code (a test's stand-in for a real printer's fault).
DUMMY_FAILURES = {
    "offline": N_("Dummy printer {name} is offline: check the printer's power and cable"),
    "timeout": N_("Dummy printer {name} did not answer (out of paper?)"),
    "permission": N_("No permission to use dummy printer {name}"),
}


@dataclass
class DummyTransport:
    """Records what it was sent. `fail_next(n, code)` makes the next n sends fail, as an unplugged printer.

    `DummyTransport.named("x")` returns one shared instance per name, so a printer made from config
    (`{"transport": "dummy", "target": "x"}`) can be inspected by a test.
    """

    name: str = "dummy"
    sent: list[bytes] = field(default_factory=list)
    failures: int = 0
    failure_code: str = "offline"
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _registry: ClassVar[dict[str, DummyTransport]] = {}

    @classmethod
    def named(cls, name: str) -> DummyTransport:
        return cls._registry.setdefault(name, cls(name))

    @classmethod
    def forget_all(cls) -> None:
        cls._registry.clear()

    def fail_next(self, count: int = 1, code: str = "offline") -> None:
        self.failures, self.failure_code = count, code

    def send(self, data: bytes) -> None:
        with self._lock:
            if self.failures:
                self.failures -= 1
                msgid = DUMMY_FAILURES.get(self.failure_code, N_("Dummy printer {name} failed ({code})"))
                raise PrinterError(self.failure_code, msgid, name=device(self.name), code=self.failure_code)
            self.sent.append(bytes(data))

    def describe(self) -> str:
        return f"dummy:{self.name}"


__all__ = [
    "CupsTransport",
    "DeviceTransport",
    "DummyTransport",
    "FileTransport",
    "PrinterError",
    "TcpTransport",
    "Transport",
]
