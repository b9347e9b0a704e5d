"""The day report names a carrier as every list does, by its short name, wherever a person reads it (the
text, the PDF); the CSV keeps the code a program reads and adds the name; a closed day's stored figures
stay keyed by code, so a carrier renamed after the close changes nothing that was frozen."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from day_helpers import act_as_manager, leave, local, put
from pypdf import PdfReader
from sendout_helpers import send, sf, staff
from sqlmodel import select

from db.models import DayClose
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.day.close import close_day
from station_console.services.day.export import send_rows, table_rows, to_csv, to_pdf, to_text
from station_console.services.day.report import build_report
from station_console.services.day.summary import summary_lines
from station_console.services.scan.carriers import update_carrier

D = date(2026, 11, 24)
# A Label name at its limit (16 characters), with markup brackets and CJK: data, never markup.
LONG = "[/]极长名字快递[b]国际物流"


def rename(station: Station, code: str, name: str) -> None:
    role = station.clerk_id, station.clerk_role
    act_as_manager(station, f"renamer{len(name)}{code}")
    update_carrier(station, code, {"short_name": name})
    station.clerk_id, station.clerk_role = role


@pytest.fixture
def closed(station: Station, clock: object) -> Station:
    """Seven ZTO and four SF parcels checked in on D, one picked up; D closed the next morning."""
    ids = [put(station, f"73{i:012d}", "ZTO", local(D, 9, i)) for i in range(7)]
    ids += [put(station, f"SF1{i:012d}", "SF", local(D, 10, i)) for i in range(4)]
    leave(station, ids[0], "picked_up", local(D, 18))
    clock.now = local(D + timedelta(days=1), 9)  # type: ignore[attr-defined]
    act_as_manager(station, "mei")
    close_day(station, D)
    return station


def pdf_text(blob: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(blob)).pages)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_report_a_person_reads_names_each_carrier_by_its_short_name(closed: Station, lang: str) -> None:
    rename(closed, "ZTO", "中通")
    rename(closed, "SF", "SF Express")
    set_language(lang)
    report = build_report(closed, D)
    assert [row[0] for row in table_rows(report)[1:-1]] == ["SF Express", "中通"]
    text = to_text(report)
    assert "中通" in text and "SF Express" in text and "ZTO" not in text
    flat = " ".join(pdf_text(to_pdf(report)).split())
    assert "中通 0 7 1 0 0 6 2.80" in flat and "SF Express 0 4 0 0 0 4 2.00" in flat
    assert "ZTO" not in flat


def test_the_csv_keeps_the_code_and_adds_the_name(closed: Station) -> None:
    rename(closed, "ZTO", "中通")
    set_language("zh")
    rows = list(csv.reader(io.StringIO(to_csv(build_report(closed, D)))))
    assert rows[0][:4] == ["date", "carrier", "carrier_name", "opening"]
    assert [r[1:3] for r in rows[1:4]] == [["SF", "SF"], ["ZTO", "中通"], ["TOTAL", ""]]


def test_a_carrier_name_that_looks_like_a_formula_is_text_in_the_csv(closed: Station) -> None:
    # The CSV is opened in a spreadsheet: a name it would run as a formula is kept as the text it is.
    rename(closed, "ZTO", "=cmd|'/C calc'!A")
    rename(closed, "SF", "@SUM(1+1)")
    rows = list(csv.reader(io.StringIO(to_csv(build_report(closed, D)))))
    assert [r[1:3] for r in rows[1:4]] == [["SF", "'@SUM(1+1)"], ["ZTO", "'=cmd|'/C calc'!A"], ["TOTAL", ""]]
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "@")]


def test_a_carrier_renamed_after_the_close_leaves_the_closed_figures_as_they_were(closed: Station) -> None:
    def stored() -> tuple[str, str]:
        with closed.read() as session:
            row = session.exec(select(DayClose).where(DayClose.business_day == D)).one()
            return row.figures, row.sha256

    before = stored()
    rename(closed, "ZTO", "中通")
    assert stored() == before
    report = build_report(closed, D)
    assert '"carrier":"ZTO"' in before[0] and "中通" not in before[0]  # frozen by code
    assert report["closed"]["matches"] and report["closed"]["sha256"] == before[1]
    assert [line["carrier"] for line in report["carriers"]] == ["SF", "ZTO"]  # the data stays by code
    assert table_rows(report)[2][0] == "中通"  # only what a person reads takes today's name


def test_a_long_name_with_brackets_and_cjk_is_printed_whole_in_the_pdf(closed: Station) -> None:
    rename(closed, "ZTO", LONG)
    set_language("zh")
    report = build_report(closed, D)
    text = pdf_text(to_pdf(report))
    assert LONG in text.replace("\n", "")  # wrapped in its cell, if at all, never cut
    assert LONG in to_text(report)


def test_a_pdf_without_a_chinese_font_names_a_chinese_named_carrier_by_its_code(
    closed: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hardware.printers import fonts

    rename(closed, "ZTO", "中通")
    rename(closed, "SF", "SF Express")
    monkeypatch.setenv("STATION_CJK_FONT", "")
    fonts.cjk_font.cache_clear()
    try:
        flat = " ".join(pdf_text(to_pdf(build_report(closed, D))).split())
    finally:
        fonts.cjk_font.cache_clear()
    assert "Chinese cannot be printed" in flat and "?" not in flat
    assert "ZTO 0 7 1 0 0 6 2.80" in flat and "SF Express 0 4 0 0 0 4 2.00" in flat


def test_a_carrier_without_a_short_name_reads_as_its_code(closed: Station) -> None:
    report = build_report(closed, D)
    report["carrier_names"] = {**report["carrier_names"], "ZTO": ""}
    assert table_rows(report)[2][0] == "ZTO"


def test_the_sends_table_and_its_differences_name_the_carrier(station: Station) -> None:
    staff(station)
    send(station, waybill=sf(1))
    rename(station, "SF", "顺丰")
    set_language("zh")
    report = build_report(station, station.business_day(), with_forecast=False)
    assert [row[0] for row in send_rows(report)[1:-1]] == ["顺丰"]
    report["sends"]["differences"] = [{"send_id": 1, "waybill": sf(1), "carrier": "SF", "issue": "equation"}]
    assert [line for line in summary_lines(report) if sf(1) in line and "顺丰" in line]
    rows = list(csv.reader(io.StringIO(to_csv(report))))
    header = next(r for r in rows if r[:3] == ["date", "carrier", "carrier_name"] and "payment" in r)
    body = rows[rows.index(header) + 1]
    assert body[1:3] == ["SF", "顺丰"]
