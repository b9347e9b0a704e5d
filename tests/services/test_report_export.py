"""Report outputs: the PDF parsed back, Chinese with a CJK font or a stated fallback, CSV figures."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from day_helpers import act_as_manager, leave, local, put
from pypdf import PdfReader

from hardware.printers.fonts import BUNDLED_CJK
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.day.close import close_day
from station_console.services.day.export import to_csv, to_pdf, to_text
from station_console.services.day.report import build_report

D = date(2026, 11, 24)


@pytest.fixture
def report(station: Station, clock: object) -> dict:  # type: ignore[type-arg]
    ids = [put(station, f"73{i:012d}", "ZTO", local(D, 9, i)) for i in range(7)]
    ids += [put(station, f"SF1{i:012d}", "SF", local(D, 10, i)) for i in range(4)]
    leave(station, ids[0], "picked_up", local(D, 18))
    leave(station, ids[1], "returned", local(D, 19))
    leave(station, ids[8], "written_off", local(D, 20))
    clock.now = local(D + timedelta(days=1), 9)  # type: ignore[attr-defined]
    act_as_manager(station, "mei")
    close_day(station, D)
    return build_report(station, D)


def pdf_text(blob: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(blob)).pages)


def pdf_keywords(blob: bytes) -> str:
    info = PdfReader(io.BytesIO(blob)).metadata
    return str(info.get("/Keywords", "")) if info else ""


def test_pdf_carries_the_figures_and_the_close_signature(report: dict) -> None:  # type: ignore[type-arg]
    text = pdf_text(to_pdf(report))
    assert "Parcel Station: day report 2026-11-24" in text
    assert "ZTO 0 7 1 1 0 5 2.80" in text  # opening in picked returned written-off closing fees
    assert "SF 0 4 0 0 1 3 2.00" in text
    assert "Total 0 11 1 1 1 8 4.80" in text
    flat = " ".join(text.split())  # the PDF justifies the close line: spaces vary
    assert "Closed by mei" in flat and report["closed"]["sha256"][:20] in text.replace("\n", "")


def test_the_font_is_named_in_the_pdf_keywords_not_on_the_page_the_clerk_signs(
    report: dict,  # type: ignore[type-arg]
) -> None:
    for lang in ("en", "zh"):
        set_language(lang)
        blob = to_pdf(report)
        text = pdf_text(blob)
        # the tests pin the bundled font (tests/conftest.py)
        assert pdf_keywords(blob) == f"font: {BUNDLED_CJK.name}"
        assert BUNDLED_CJK.name not in text and "Font" not in text and "字体" not in text
        assert "Chinese" not in text and "中文" not in text  # nothing is wrong: no note at all


def test_pdf_in_chinese_uses_the_cjk_font(report: dict) -> None:  # type: ignore[type-arg]
    set_language("zh")
    text = pdf_text(to_pdf(report))
    assert "期初在架" in text and "合计 0 11 1 1 1 8 4.80" in text


def test_pdf_without_a_cjk_font_falls_back_to_english_and_says_so(
    report: dict,  # type: ignore[type-arg]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hardware.printers import fonts

    monkeypatch.setenv("STATION_CJK_FONT", "")
    fonts.cjk_font.cache_clear()
    set_language("zh")
    try:
        blob = to_pdf(report)
    finally:
        fonts.cjk_font.cache_clear()
    text = " ".join(pdf_text(blob).split())
    assert (
        "Chinese cannot be printed: this computer has no Chinese font, so this report is in English." in text
    )
    assert pdf_keywords(blob) == "font: Helvetica (no CJK font found)"
    assert "Total 0 11 1 1 1 8 4.80" in text and "期初" not in text


def test_csv_has_one_row_per_carrier_and_the_totals(report: dict) -> None:  # type: ignore[type-arg]
    rows = list(csv.reader(io.StringIO(to_csv(report))))
    header, body = rows[0], rows[1 : rows.index([])]
    assert header == [
        "date",
        "carrier",
        "carrier_name",
        "opening",
        "checked_in",
        "picked_up",
        "returned",
        "written_off",
        "closing",
        "fees_cents",
    ]
    assert body == [
        ["2026-11-24", "SF", "SF", "0", "4", "0", "0", "1", "3", "200"],
        ["2026-11-24", "ZTO", "ZTO", "0", "7", "1", "1", "0", "5", "280"],
        ["2026-11-24", "TOTAL", "", "0", "11", "1", "1", "1", "8", "480"],
    ]
    figures = dict(r for r in rows if len(r) == 2)
    assert figures["balanced"] == "True" and figures["closed_sha256"] == report["closed"]["sha256"]


def test_text_report_lines_up_in_chinese(report: dict) -> None:  # type: ignore[type-arg]
    set_language("zh")
    lines = to_text(report).splitlines()
    table = [line for line in lines[2:7] if not line.startswith("-")]
    widths = {sum(2 if ord(ch) > 0x2E80 else 1 for ch in line) for line in table}
    assert len(widths) == 1  # every row as wide as the header


def test_overdue_at_close_reads_by_band(report: dict) -> None:  # type: ignore[type-arg]
    # Each parcel is in one band, and the bands' hours are each carrier's own: "over 48 h" then
    # "over 72 h" read as if the second count were part of the first, with hours that may not hold.
    bands = report["overdue"]["totals"]
    line = next(line for line in to_text(report).splitlines() if line.startswith("Overdue at close"))
    assert line == (
        f"Overdue at close: {bands['amber']} amber, {bands['red']} red, {bands['return']} due for return"
    )
    set_language("zh")
    line = next(line for line in to_text(report).splitlines() if line.startswith("日终滞留"))
    assert (
        line
        == f"日终滞留：黄色预警 {bands['amber']} 件，红色预警 {bands['red']} 件，待退回 {bands['return']} 件"
    )


def test_a_day_still_open_says_overdue_so_far_not_at_close(station: Station, clock: object) -> None:
    """Before the close nothing is 'at close': the bands are counted back from the day's end, but a
    parcel may still be picked up. Once closed, it says 'at close'."""
    put(station, "73" + "1" * 12, "ZTO", local(D - timedelta(days=3), 9))  # red by the day's end
    clock.now = local(D, 15)  # type: ignore[attr-defined]
    act_as_manager(station, "mei")
    lines = to_text(build_report(station, D)).splitlines()
    assert "Overdue so far, by the day's end: 0 amber, 1 red, 0 due for return" in lines
    assert not [line for line in lines if "at close" in line]
    set_language("zh")
    lines = to_text(build_report(station, D)).splitlines()
    assert "目前滞留（按日终计）：黄色预警 0 件，红色预警 1 件，待退回 0 件" in lines
    assert not [line for line in lines if line.startswith("日终滞留")]
    set_language("en")
    clock.now = local(D + timedelta(days=1), 9)  # type: ignore[attr-defined]
    close_day(station, D)
    assert (
        "Overdue at close: 0 amber, 1 red, 0 due for return" in to_text(build_report(station, D)).splitlines()
    )
