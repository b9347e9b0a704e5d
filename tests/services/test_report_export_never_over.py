"""A day report saved where a counter's reports go is never written over a file already there, even one
that arrives while the report is drawn (another counter of the station saving into the same shared
folder at the same moment), and a counter's long name still gives a file name the disk takes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from station_console.services.day import export
from station_console.settings import CounterSettings
from station_console.tui.screens.reports_calls import write_export

REPORT = {"date": "2026-11-25"}


def _shared_printer(tmp_path: Path, name: str = "counter-1") -> tuple[CounterSettings, Path]:
    papers = tmp_path / "share"
    papers.mkdir(exist_ok=True)
    printer = {"language": "pdf", "transport": "file", "target": f"{papers}/"}
    return CounterSettings(counter=name, printers={"a4": printer}), papers


def test_a_report_another_counter_saves_while_this_one_is_drawn_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter, papers = _shared_printer(tmp_path)
    theirs = papers / "report-2026-11-25.csv"

    def drawn_while_the_other_counter_saves(report: dict[str, object]) -> str:
        theirs.write_text("counter-2's report, printed and signed")
        return "counter-1's report"

    monkeypatch.setattr(export, "to_csv", drawn_while_the_other_counter_saves)
    path = write_export(REPORT, counter, "csv")
    assert theirs.read_text() == "counter-2's report, printed and signed"
    assert path == papers / "report-2026-11-25-2.csv"
    assert path.read_text() == "counter-1's report"
    assert sorted(p.name for p in papers.iterdir()) == ["report-2026-11-25-2.csv", "report-2026-11-25.csv"]


def test_a_link_where_the_report_would_go_is_neither_followed_nor_replaced(tmp_path: Path) -> None:
    counter, papers = _shared_printer(tmp_path)
    elsewhere = tmp_path / "elsewhere.json"
    (papers / "report-2026-11-25.json").symlink_to(elsewhere)  # dangling: "not there" to exists()
    path = write_export(REPORT, counter, "json")
    assert path == papers / "report-2026-11-25-2.json"
    assert not elsewhere.exists() and (papers / "report-2026-11-25.json").is_symlink()


def test_two_saves_of_the_day_keep_both(tmp_path: Path) -> None:
    counter, papers = _shared_printer(tmp_path)
    first = write_export(REPORT, counter, "json")
    second = write_export(REPORT, counter, "json")
    assert (first.name, second.name) == ("report-2026-11-25.json", "report-2026-11-25-2.json")
    assert not [p for p in papers.iterdir() if p.name.startswith(".")]  # no temporary file left


# 31 characters: the name and the one a character longer are as long as a counter's name may be (32),
# 96 bytes in UTF-8 for the Chinese one.
@pytest.mark.parametrize("name", ["a" * 31, "前台" * 15 + "前"], ids=["latin", "chinese"])
def test_a_counter_with_a_long_name_saves_its_report_under_a_name_the_disk_takes(name: str) -> None:
    counter = CounterSettings(counter=name)
    path = write_export(REPORT, counter, "json")
    assert path.read_text(encoding="utf-8").startswith("{")
    assert len(path.name.encode("utf-8")) <= 255
    assert path.name.startswith("report-2026-11-25-" + name[:20])
    other = write_export(REPORT, CounterSettings(counter=name + "b"), "json")
    assert other.name != path.name and not other.name.endswith("-2.json")  # told apart, not a -2 of it
    os.unlink(path)
    os.unlink(other)


@pytest.mark.parametrize("refusal", ["EPERM", "EACCES"])
def test_a_share_without_hard_links_still_never_writes_over_a_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refusal: str
) -> None:
    """Some network shares refuse a hard link (a CIFS/SMB share with EACCES): the name is then taken by
    an exclusive create."""
    import errno

    def no_links(*_args: object, **_kwargs: object) -> None:
        code = getattr(errno, refusal)
        raise OSError(code, os.strerror(code))

    counter, papers = _shared_printer(tmp_path)
    theirs = papers / "report-2026-11-25.json"
    theirs.write_text("counter-2's")
    monkeypatch.setattr(os, "link", no_links)
    path = write_export(REPORT, counter, "json")
    assert theirs.read_text() == "counter-2's"
    assert path == papers / "report-2026-11-25-2.json" and path.read_text().startswith("{")
    assert sorted(p.name for p in papers.iterdir()) == ["report-2026-11-25-2.json", "report-2026-11-25.json"]


def test_every_name_taken_is_said_so_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the names it tries, the refusal says the names are taken, not "a file is where its folder
    should be" (the EEXIST of a folder made over a file), and no temporary file is left."""
    from station_console import private_files
    from station_console.errors import Refused

    monkeypatch.setattr(private_files, "_NEW_NAMES_TRIED", 3)
    counter, papers = _shared_printer(tmp_path)
    for name in ("report-2026-11-25.json", "report-2026-11-25-2.json", "report-2026-11-25-3.json"):
        (papers / name).write_text("kept")
    with pytest.raises(Refused) as refused:
        write_export(REPORT, counter, "json")
    assert refused.value.message("en") == (
        f"Cannot write {papers / 'report-2026-11-25.json'}: that name and every next one up to "
        "report-2026-11-25-3.json are taken. Move some files out of that folder and try again."
    )
    assert "report-2026-11-25-3.json" in refused.value.message("zh")
    assert sorted(p.name for p in papers.iterdir()) == [
        "report-2026-11-25-2.json",
        "report-2026-11-25-3.json",
        "report-2026-11-25.json",
    ]
    assert {p.read_text() for p in papers.iterdir()} == {"kept"}


def test_the_console_saves_under_the_counter_it_was_opened_as() -> None:
    """A console started with `--counter counter-9` on a PC whose counter.toml says counter-1."""
    path = write_export(REPORT, CounterSettings(counter="counter-1"), "json", "counter-9")
    assert path.name == "report-2026-11-25-counter-9.json"


def test_a_pdf_printer_with_a_relative_folder_is_not_where_reports_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`papers/` would be read against the folder the console was started in: that printer is set up
    wrong (`RELATIVE_TARGET`), and the report goes to the data folder, not into the start folder's."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "papers").mkdir()
    printer = {"language": "pdf", "transport": "file", "target": "papers/"}
    counter = CounterSettings(counter="counter-1", printers={"a4": printer})
    assert export.pdf_printer_folder(counter) is None
    assert export.report_file(REPORT, "pdf", counter).parent == export.reports_folder()


def test_a_pdf_printer_s_folder_in_the_home_folder_is_where_reports_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`~/papers/`: the home folder of the user running the console, a whole path."""
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "papers").mkdir()
    printer = {"language": "pdf", "transport": "file", "target": "~/papers/"}
    counter = CounterSettings(counter="counter-1", printers={"a4": printer})
    assert export.pdf_printer_folder(counter) == tmp_path / "papers"


def test_a_pdf_printer_whose_folder_name_is_too_long_to_look_at_is_not_where_reports_go(
    tmp_path: Path,
) -> None:
    """A folder name longer than the disk takes: looking at it raised, and the report was not written
    at all (an unexpected error); it goes to the data folder, as for a share not mounted."""
    printer = {"language": "pdf", "transport": "file", "target": f"{tmp_path}/{'p' * 300}/"}
    counter = CounterSettings(counter="counter-1", printers={"a4": printer})
    assert export.pdf_printer_folder(counter) is None
    assert export.report_file(REPORT, "pdf", counter).parent == export.reports_folder()
