"""`station report --format pdf`: saved in the station's data folder unless `--out` says where (or the
counter has a PDF printer writing into a folder: tests/tui/test_report_files.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from station_helpers import act_as_new_clerk

from db.models import Role
from hardware.printers import fonts
from hardware.printers.fonts import BUNDLED_CJK
from station_console.services.admin.setup import open_station
from station_console.services.checkin.transaction import check_in


def test_a_pdf_report_goes_to_the_data_folder_or_where_out_says(  # type: ignore[no-untyped-def]
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started_in = tmp_path / "started-here"
    started_in.mkdir()
    monkeypatch.chdir(started_in)
    saved = run("report", "--format", "pdf", "--date", "2026-11-25")
    assert saved.exit_code == 0, saved.output
    folder = Path(os.environ["XDG_DATA_HOME"]) / "station-console" / "reports"
    path = folder / "report-2026-11-25-counter-1.pdf"  # the folder every counter of this PC shares
    assert (
        path.read_bytes().startswith(b"%PDF") and f"Wrote {path} (font: {BUNDLED_CJK.name})" in saved.stderr
    )
    again = run("report", "--format", "pdf", "--date", "2026-11-25")  # the first one kept
    assert f"Wrote {folder / 'report-2026-11-25-counter-1-2.pdf'}" in again.stderr
    assert list(started_in.iterdir()) == []
    chosen = tmp_path / "elsewhere" / "day.pdf"
    out = run("report", "--format", "pdf", "--date", "2026-11-25", "--out", str(chosen))
    assert out.exit_code == 0, out.output
    assert chosen.read_bytes().startswith(b"%PDF") and f"Wrote {chosen}" in out.stderr


def test_a_pdf_report_without_a_chinese_font_says_so_where_it_says_it_wrote_it(  # type: ignore[no-untyped-def]
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STATION_CJK_FONT", "")
    fonts.cjk_font.cache_clear()
    chosen = tmp_path / "day.pdf"
    try:
        out = run("--lang", "zh", "report", "--format", "pdf", "--date", "2026-11-25", "--out", str(chosen))
    finally:
        fonts.cjk_font.cache_clear()
    assert out.exit_code == 0, out.output
    assert out.stderr.splitlines() == [
        f"已写入 {chosen}",
        "无法打印中文：这台电脑没有中文字体，所以本报表为英文。店长可在“设置”的“标签字体”中选择字体。",
    ]


@pytest.mark.parametrize("fmt", ["pdf", "text"])
def test_a_report_of_a_day_not_begun_is_refused_and_writes_nothing(  # type: ignore[no-untyped-def]
    run, tmp_path: Path, fmt: str
) -> None:
    """Tomorrow's figures would read as a balanced day with nothing in it: the business day is 2026-11-25."""
    chosen = tmp_path / "day.out"
    out = run("report", "--format", fmt, "--date", "2026-11-26", "--out", str(chosen))
    assert out.exit_code == 1
    assert "2026-11-26 has not begun: today is 2026-11-25." in out.stderr
    assert not chosen.exists()
    zh = run("report", "--date", "2026-12-07", lang="zh")
    assert zh.exit_code == 1 and "2026-12-07 尚未开始：今天是 2026-11-25。" in zh.stderr
    assert run("report", "--date", "2026-11-25").exit_code == 0  # today has its report


def test_a_day_nothing_could_happen_on_says_no_activity_not_balanced(  # type: ignore[no-untyped-def]
    run, db_url: str, clock
) -> None:
    """Its figures are the honest zeros, but "Balanced" read as a day checked and found right."""
    empty = run("report", "--date", "2026-11-25")
    assert empty.exit_code == 0, empty.output
    assert "No activity: nothing is recorded on this station yet." in empty.output
    assert "Balanced" not in empty.output
    station = open_station(db_url, counter="test-counter")
    act_as_new_clerk(station, "Li", Role.CLERK)
    station.clock = clock
    check_in(station, "73" + "1" * 12, batch="ZTO", phone="13812345678")
    station.engine.dispose()
    before = run("report", "--date", "2026-11-20")
    assert before.exit_code == 0, before.output
    assert "No activity: the station's first day is 2026-11-25." in before.output
    assert "Balanced" not in before.output
    zh = run("report", "--date", "2026-11-20", lang="zh")
    assert "无业务：本站第一天是 2026-11-25。" in zh.output
    assert "Balanced" in run("report", "--date", "2026-11-25").output  # the first day is a day as any


def test_a_pdf_report_made_as_another_counter_is_named_after_that_counter(  # type: ignore[no-untyped-def]
    run,
) -> None:
    """`--counter` names the counter a command acts as: its report was saved under counter.toml's
    counter, beside (or over the name of) that counter's own reports."""
    saved = run("--counter", "counter-9", "report", "--format", "pdf", "--date", "2026-11-25")
    assert saved.exit_code == 0, saved.output
    folder = Path(os.environ["XDG_DATA_HOME"]) / "station-console" / "reports"
    assert [p.name for p in folder.iterdir()] == ["report-2026-11-25-counter-9.pdf"]
