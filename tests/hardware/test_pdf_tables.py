"""PDF tables (day report, send-out table, handover, manifest, run sheet) are sized by what they say:
measured from the cell borders and text positions drawn in the PDF."""

from __future__ import annotations

import io
import re

import pypdf

from hardware.printers import pdf
from hardware.printers.document import Document

PT_PER_MM = 72 / 25.4
CARRIERS = ["中国邮政/EMS", "WWWWWWWWWWWWWWWW", "顺丰速运"]
REPORT = Document(
    "report",
    "日报 2026-03-01",
    columns=["快递公司", "入库", "取件", "退件", "在架", "超期", "费用"],
    rows=[[c, "12345", "12000", "30", "315", "12", "¥999,999.99"] for c in CARRIERS],
    aligns=["L"] + ["R"] * 6,
)


def _cells(data: bytes) -> list[tuple[float, float, float, float]]:
    """Every bordered cell (x, y, w, h in pt) in drawing order: heading row first."""
    stream = pypdf.PdfReader(io.BytesIO(data)).pages[0].get_contents()
    assert stream is not None
    content = stream.get_data().decode("latin-1")
    found = re.findall(r"([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) re S", content)
    return [(float(x), float(y), float(w), float(h)) for x, y, w, h in found]


def _texts(data: bytes) -> list[tuple[str, float, float]]:
    """Each text drawn, with the x and y of its start, in pt."""
    out: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            out.append((text.strip(), cm[4] + tm[4] * cm[0], cm[5] + tm[5] * cm[3]))

    pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    return out


def test_report_columns_fit_their_content_and_no_row_wraps() -> None:
    data = pdf.render_document(REPORT)
    cells = _cells(data)
    assert len(cells) == 7 * 4
    heights = {round(h, 1) for *_, h in cells}
    assert len(heights) == 1, f"a row wrapped onto more lines: heights {sorted(heights)}"
    widths = [w for _, _, w, _ in cells[:7]]
    # The carrier column gets what the five-digit columns leave; each of those is near its figure.
    assert widths[0] > 2.5 * max(widths[1:6])
    assert max(widths[1:6]) < 16 * PT_PER_MM
    assert widths[6] > max(widths[1:6])  # the fee, its widest figure


def test_numbers_keep_a_padding_from_both_borders() -> None:
    data = pdf.render_document(REPORT)
    cells = _cells(data)
    face, _ = pdf._new_pdf(210, 297)
    face.set_font_size(10)
    checked = 0
    for text, x, y in _texts(data):
        if not text.replace(",", "").replace("¥", "").replace(".", "").isdigit():
            continue
        cell = next(c for c in cells if c[0] <= x < c[0] + c[2] and c[1] <= y < c[1] + c[3])
        right = x + face.get_string_width(text) * PT_PER_MM
        assert cell[0] + cell[2] - right >= 1.0 * PT_PER_MM, f"{text} touches its cell's right border"
        assert x - cell[0] >= 1.0 * PT_PER_MM, f"{text} touches its cell's left border"
        checked += 1
    assert checked == 3 * 6


def test_a_long_name_wraps_in_its_wide_column_and_a_waybill_stays_on_one_line() -> None:
    name = "欧阳" + "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗" * 3
    waybill = "SF1234567890ABCDEFGHIJKLMN1234"
    doc = Document(
        "manifest",
        "寄件",
        columns=["运单号", "快递公司", "收件人", "尺寸", "运费"],
        rows=[[waybill, "顺丰速运", name, "XL", "¥123.00"]],
        aligns=["L", "L", "L", "R", "R"],
    )
    data = pdf.render_document(doc)
    heading, row = _cells(data)[:5], _cells(data)[5:]
    widths = [w for _, _, w, _ in heading]
    # The name takes what the waybill (whole) and the short columns leave: a third of the table.
    assert widths[2] > sum(widths) / 3
    lines = {text for text, *_ in _texts(data)}
    assert waybill in lines  # whole, on one line
    assert row[0][3] > heading[0][3]  # the name did wrap, in its own column


def _bar_rects(page: pypdf.PageObject) -> list[tuple[float, float, float, float]]:
    stream = page.get_contents()
    assert stream is not None
    found = re.findall(r"([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) re f", stream.get_data().decode("latin-1"))
    return [(float(x), float(y), float(w), float(h)) for x, y, w, h in found]


def test_a_sheets_barcode_never_runs_into_the_pages_bottom_margin() -> None:
    """However far down the footer ends, the run's or batch's number is drawn whole above the margin
    the text keeps (an office printer prints nothing in the last few millimetres), on a page of its own
    when it does not fit."""
    for count in range(40, 75):  # the footer's end walks down the page, and onto the next
        doc = Document(
            "manifest", "Courier handover receipt", columns=["Waybill", "Note"],
            rows=[[f"JT{n:013d}", "missing"] for n in range(count)],
            footer=["Courier signature: ____", "Clerk signature: ____"], barcode="HB000003",
        )  # fmt: skip
        pages = pypdf.PdfReader(io.BytesIO(pdf.render_document(doc))).pages
        bars = [(n, rect) for n, page in enumerate(pages) for rect in _bar_rects(page)]
        assert bars, count
        assert {n for n, _ in bars} == {len(pages) - 1}, count  # one page has it all: the last
        lowest = min(y + min(h, 0) for _, (x, y, w, h) in bars)  # fpdf draws a rect down: h < 0
        assert lowest >= 12 * PT_PER_MM - 0.01, (count, lowest / PT_PER_MM)
