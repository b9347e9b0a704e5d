"""A file printer's job is on the disk before it is named (and so before the queue marks it printed):
a power cut after the job was acknowledged must not leave an empty job file, or none, for a label the
queue says went out. The disk is faked at its seam, `os.fsync`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hardware.file_names import claim_name
from hardware.printers import transports
from hardware.printers.transports import FileTransport


def _watch(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """What was fsynced (by its path and bytes then) and what named, in order."""
    seen: list[tuple[str, str]] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        path = os.readlink(f"/proc/self/fd/{fd}")
        held = Path(path).read_bytes().decode() if Path(path).is_file() else "<folder>"
        seen.append((path, held))
        real_fsync(fd)

    def named(written: str | Path, name: str | Path, mode: int = 0o600) -> None:
        seen.append(("named", Path(name).name))
        claim_name(written, name, mode)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(transports, "claim_name", named)
    return seen


def test_a_job_file_is_on_the_disk_before_it_takes_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _watch(monkeypatch)
    FileTransport(f"{tmp_path}/", suffix=".tspl").send(b"a label", ("counter-1", "SF1"))
    named = seen.index(("named", "job-00001-counter-1-SF1.tspl"))
    assert any(held == "a label" for _path, held in seen[:named]), seen  # its bytes, then its name
    assert (str(tmp_path), "<folder>") in seen[named:], seen  # and the name itself
    assert (tmp_path / "job-00001-counter-1-SF1.tspl").read_bytes() == b"a label"


def test_a_job_added_to_a_spool_file_is_on_the_disk_when_the_send_returns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _watch(monkeypatch)
    spool = tmp_path / "labels.tspl"
    FileTransport(str(spool), suffix=".tspl").send(b"one")
    FileTransport(str(spool), suffix=".tspl").send(b"two")
    assert seen == [(str(spool), "one"), (str(spool), "onetwo")]


def test_a_spool_that_is_a_pipe_takes_the_job_without_an_error(tmp_path: Path) -> None:
    """A pipe (a program printing what it reads) has no disk to sync: the job went out, and an error
    after it would send it again, printed twice."""
    pipe = tmp_path / "labels.tspl"
    os.mkfifo(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)  # the program reading it, there first
    try:
        FileTransport(str(pipe), suffix=".tspl").send(b"a label")
        assert os.read(reader, 100) == b"a label"
    finally:
        os.close(reader)
