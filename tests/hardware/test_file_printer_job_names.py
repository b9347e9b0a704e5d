"""A file printer's job files: named with the job's counter and parcel, so a clerk looking at the
folder tells them apart; every name unique, each file written whole under a hidden name first; and a
share refusing hard links with EACCES (CIFS/SMB) falls back as a FAT drive does, while a folder truly
closed to this user is still said as a permission problem."""

from __future__ import annotations

import errno
import os
import unicodedata
from pathlib import Path

import pytest

from hardware.file_names import name_part
from hardware.printers import make_printer, transports
from hardware.printers.transports import FileTransport, PrinterError


def test_a_job_file_is_named_with_its_counter_and_parcel(tmp_path: Path) -> None:
    printer = make_printer({"language": "tspl", "transport": "file", "target": f"{tmp_path}/"})
    printer.send(b"1", ("counter-1", "SF1234567890123"))
    printer.send(b"2", ("counter-2", "test"))
    printer.send(b"3")  # a job said nothing of: numbered only, as before
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {
        "job-00001-counter-1-SF1234567890123.tspl": b"1",
        "job-00002-counter-2-test.tspl": b"2",
        "job-00003.tspl": b"3",
    }


def test_a_number_another_job_holds_is_not_given_again(tmp_path: Path) -> None:
    """Counting the files gave job 2 to this one, beside the other counter's job 2 left after a program
    took job 1 away: two jobs of one number, in no order a clerk can follow."""
    (tmp_path / "job-00002-counter-2-SF1.tspl").write_bytes(b"other")
    FileTransport(f"{tmp_path}/", suffix=".tspl").send(b"mine", ("counter-1", "SF2"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "job-00002-counter-2-SF1.tspl",
        "job-00003-counter-1-SF2.tspl",
    ]


@pytest.mark.parametrize(
    "word",
    [
        "../../etc/passwd",
        "a/b\\c",
        "\x1b[31mred\x1b[0m",
        "A\u200bB",
        "\u202eevil",
        "..",
        "x" * 200,
        "柜台 一",
    ],
)
def test_what_names_a_job_is_made_safe_for_a_file_name(tmp_path: Path, word: str) -> None:
    FileTransport(f"{tmp_path}/", suffix=".tspl").send(b"x", (word, "SF1"))
    (job,) = tmp_path.iterdir()  # in the folder itself: no separator, no `..` took it elsewhere
    name = job.name
    assert name.startswith("job-00001-") and name.endswith("-SF1.tspl"), name
    assert all(c.isprintable() and unicodedata.category(c) != "Cf" for c in name), ascii(name)
    assert "/" not in name and "\\" not in name and ".." not in name and "\x1b" not in name
    assert len(name) < 80


def test_name_part_keeps_letters_digits_dots_and_dashes() -> None:
    assert name_part("SF-12.3_x") == "SF-12.3_x"
    assert name_part("柜台一") == "柜台一"
    assert name_part(".hidden") == "hidden"
    assert name_part("\x00\x1b") == ""


def _link_refused(code: int):  # type: ignore[no-untyped-def]
    def link(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError(code, os.strerror(code))

    return link


def test_a_share_refusing_hard_links_with_eacces_still_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CIFS/SMB share answers a link it does not make with EACCES: the job takes its name by an
    exclusive create instead, as on a FAT drive, and no hidden part is left."""
    monkeypatch.setattr(transports.os, "link", _link_refused(errno.EACCES))
    FileTransport(f"{tmp_path}/", suffix=".tspl").send(b"a label")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {"job-00001.tspl": b"a label"}


def test_a_folder_closed_to_this_user_is_still_said_as_no_permission(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The link refused with EACCES and the name's exclusive create too: the folder is closed to this
    user, said as a permission problem (not a printer off), and nothing of the job is left there."""
    real_open = transports.os.open

    def open_(path, flags, mode=0o777, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path).name.startswith("job-") and flags & os.O_EXCL:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real_open(path, flags, mode, **kwargs)

    monkeypatch.setattr(transports.os, "link", _link_refused(errno.EACCES))
    monkeypatch.setattr(transports.os, "open", open_)
    with pytest.raises(PrinterError) as refused:
        FileTransport(f"{tmp_path}/", suffix=".tspl").send(b"a label")
    assert refused.value.code == "permission"
    assert list(tmp_path.iterdir()) == []
