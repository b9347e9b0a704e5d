"""A file that could not be written says why in the reader's language: the system's `strerror` is
English whatever the console's language, so it goes to the log, not into the refusal."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from station_console.errors import Refused
from station_console.private_files import write_atomic, write_new


def refusal(target: Path, code: int, strerror: str) -> Refused:
    def fails(out: object) -> None:
        raise OSError(code, strerror)

    with pytest.raises(Refused) as refused:
        write_atomic(target, fails)
    return refused.value


@pytest.mark.parametrize(
    ("code", "strerror", "en", "zh"),
    [
        (
            errno.EACCES,
            "Permission denied",
            "this user may not write there (permission denied)",
            "没有写入权限",
        ),
        (
            errno.EPERM,
            "Operation not permitted",
            "this user may not write there (permission denied)",
            "没有写入权限",
        ),
        (errno.EROFS, "Read-only file system", "the disk it is on is read-only", "磁盘是只读的"),
        (errno.ENOENT, "No such file or directory", "its folder does not exist", "文件夹不存在"),
        (errno.EISDIR, "Is a directory", "it is a folder, not a file", "这是文件夹"),
        (
            errno.ENOTDIR,
            "Not a directory",
            "a file is where its folder should be",
            "所在文件夹的位置上是一个同名文件，而不是文件夹",
        ),
        (errno.EIO, "Input/output error", "EIO", "EIO"),  # no words of ours: its errno's name
    ],
)
def test_the_reason_is_in_the_readers_language(
    tmp_path: Path, code: int, strerror: str, en: str, zh: str, caplog: pytest.LogCaptureFixture
) -> None:
    target = tmp_path / "report.csv"
    refused = refusal(target, code, strerror)
    assert refused.code == "write_failed"
    assert refused.message("en") == f"Cannot write {target}: {en}"
    assert refused.message("zh").startswith(f"无法写入 {target}：") and zh in refused.message("zh")
    assert strerror not in refused.message("zh") and strerror not in refused.message("en")
    assert strerror in caplog.text  # the system's words, for whoever reads the log


def test_a_folder_where_the_file_goes_is_said_so(tmp_path: Path) -> None:
    """A real rename over a folder: the system's IsADirectoryError, said in Chinese."""
    target = tmp_path / "report.csv"
    target.mkdir()
    with pytest.raises(Refused) as refused:
        write_atomic(target, b"rows")
    assert refused.value.message("zh") == f"无法写入 {target}：这是文件夹，不是文件"


@pytest.mark.parametrize("under", [(), ("sub",)], ids=["in_the_file", "below_the_file"])
def test_a_file_where_the_folder_goes_is_said_so(tmp_path: Path, under: tuple[str, ...]) -> None:
    """`--out notes.txt/report.csv`: a real file where a folder of the path should be is refused in
    words, whether it is the file's own folder or one above it; it was 'An unexpected error'."""
    blocker = tmp_path / "notes.txt"
    blocker.write_text("kept")
    target = blocker.joinpath(*under, "report.csv")
    with pytest.raises(Refused) as refused:
        write_atomic(target, b"rows")
    assert refused.value.code == "write_failed"
    assert refused.value.message("en") == f"Cannot write {target}: a file is where its folder should be"
    assert blocker.read_text() == "kept"


def test_a_name_the_disk_takes_is_written_however_long(tmp_path: Path) -> None:
    """`--out` with a 250-byte name: the temporary file beside it (its name plus 14 bytes) was too long
    for the disk, and removing it raised again, so the command ended in 'An unexpected error'."""
    target = tmp_path / ("r" * 246 + ".csv")
    write_atomic(target, b"rows")
    assert target.read_bytes() == b"rows"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_a_name_too_long_for_the_disk_is_said_so(tmp_path: Path) -> None:
    target = tmp_path / ("报" * 90 + ".csv")  # 274 bytes
    with pytest.raises(Refused) as refused:
        write_atomic(target, b"rows")
    assert refused.value.message("en") == f"Cannot write {target}: its name is too long for the disk"
    assert refused.value.message("zh") == f"无法写入 {target}：文件名太长，磁盘不接受"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("write", [write_atomic, write_new], ids=["atomic", "new"])
def test_a_folder_fsync_failing_after_the_file_is_in_place_is_no_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write: Any
) -> None:
    """The file is whole and in place (its own fsync done, renamed or linked) when its folder's fsync
    fails (EIO, or a file system that takes none): it exists, so the caller is not told 'not written'
    (nor the name of a file that is gone); it is told the path it was written to."""
    real_fsync = os.fsync

    def folders_fail(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EIO, "Input/output error")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", folders_fail)
    target = tmp_path / "report.csv"
    written = write(target, "a,b\n")
    assert written == (target if write is write_new else None)  # write_new says the path it wrote
    assert target.read_text() == "a,b\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]  # no temporary file left
