"""Reading a recipients file before any import: headers recognised in Chinese and English, and XLSX cells
as Excel and WPS show them; no database needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from station_console.errors import Refused
from station_console.services.recipients.parsing import recognise


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["工号", "姓名", "备用电话", "电话"], {"external_id": 0, "name": 1, "phone2": 2, "phone": 3}),
        (
            ["学号*", "姓 名", "手机号码（必填）", "楼层"],
            {"external_id": 0, "name": 1, "phone": 2, "floor": 3},
        ),
        (["Student ID", "Name", "E-mail", "Room No"], {"external_id": 0, "name": 1, "email": 2, "room": 3}),
        (
            ["Staff ID No.", "Full name", "Mobile (required)", "E-mail address", "StaffIDNumber"],
            {"external_id": 0, "name": 1, "phone": 2, "email": 3},
        ),
        # Letters inside a word are not an alias ("no" of note, "tel" of hotel); No. alone is the id.
        (["Name", "Note", "Hotel", "No."], {"name": 0, "external_id": 3}),
        (["Name", "Notes", "Room number", "Phone No."], {"name": 0, "room": 2, "phone": 3}),
        # An id's Chinese heading is the whole heading, trimmed, in either width, as "No." is: inside
        # another it is that column's (an ID document's number, a note), never the directory's id.
        (["人员ID", "姓名", "证件编号"], {"external_id": 0, "name": 1}),
        (["姓名", "手机", "学号备注"], {"name": 0, "phone": 1}),
        ([" 工号 ", "姓名"], {"external_id": 0, "name": 1}),
    ],
)
def test_headers_are_recognised_in_chinese_and_english(headers: list[str], expected: dict[str, int]) -> None:
    assert recognise(headers) == expected


def test_xlsx_cells_as_excel_shows_them(tmp_path: Path) -> None:
    """Dates, booleans, gaps and a second sheet, from a workbook openpyxl writes."""
    from datetime import date

    from openpyxl import Workbook

    from station_console.services.recipients import xlsx

    book = Workbook()
    first = book.active
    assert first is not None
    first.append(["id", "name", "since", "member"])
    first.append(["7", "甲", date(2026, 9, 1), True])
    first.append([None, None, None, None])  # an empty row
    first.append(["8", None, None, False])  # a gap in the middle of a row
    second = book.create_sheet("staff")
    second.append(["工号", "姓名"])
    second.append([42, "乙"])
    second["A2"].number_format = "00000"
    path = tmp_path / "two.xlsx"
    book.save(path)
    rows = list(xlsx.rows(path))
    assert rows[1] == ["7", "甲", "2026-09-01", "yes"]
    assert rows[2] == [] and rows[3] == ["8", "", "", "no"]
    assert list(xlsx.rows(path, "staff")) == [["工号", "姓名"], ["00042", "乙"]]
    with pytest.raises(Refused) as missing:
        list(xlsx.rows(path, "nope"))
    assert missing.value.code == "no_sheet" and "staff" in missing.value.message()


def test_xlsx_as_excel_and_wps_write_it(tmp_path: Path) -> None:
    """Rich text runs joined, phonetic guides left out, inline strings, cells placed by reference, the
    Strict namespace: a workbook written by hand the way other programs write them."""
    import zipfile

    from station_console.services.recipients import xlsx

    strict = "http://purl.oclc.org/ooxml/spreadsheetml/main"
    rel = "http://purl.oclc.org/ooxml/officeDocument/relationships"
    path = tmp_path / "hand.xlsx"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{strict}" xmlns:r="{rel}"><sheets>'
            f'<sheet name="名单" sheetId="1" r:id="rId7"/></sheets></workbook>',
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId7" Target="/xl/worksheets/s.xml"/></Relationships>',
        )
        book.writestr(
            "xl/sharedStrings.xml",
            f'<sst xmlns="{strict}"><si><t>学号</t></si>'
            "<si><r><t>张</t></r><r><t>三</t></r><rPh><t>ちょう</t></rPh></si></sst>",
        )
        book.writestr(
            "xl/styles.xml",
            f'<styleSheet xmlns="{strict}"><numFmts><numFmt numFmtId="170" formatCode="000000"/></numFmts>'
            '<cellXfs><xf numFmtId="0"/><xf numFmtId="170"/></cellXfs></styleSheet>',
        )
        book.writestr(
            "xl/worksheets/s.xml",
            f'<worksheet xmlns="{strict}"><sheetData>'
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>备注</t></is></c></row>'
            '<row r="3"><c r="A3" s="1"><v>123</v></c><c r="B3" t="s"><v>1</v></c>'
            '<c r="C3" t="str"><f>A3&amp;""</f><v>123</v></c></row>'
            "</sheetData></worksheet>",
        )
    assert list(xlsx.rows(path)) == [["学号", "", "备注"], [], ["000123", "张三", "123"]]


def test_a_broken_workbook_is_refused(tmp_path: Path) -> None:
    from station_console.services.recipients import xlsx

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(Refused) as caught:
        list(xlsx.rows(bad))
    assert caught.value.code == "bad_xlsx"
