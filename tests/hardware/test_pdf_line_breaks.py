"""PDF documents (receipts, manifests, run sheets, the day report) break their lines by the house rule
(hardware/line_breaks.py), measured in the PDF's own font: fpdf2's own wrapping started a Chinese line
with "。" in a paragraph and in a table's cell."""

from __future__ import annotations

import io

import pypdf
import pytest

from hardware.line_breaks import CLOSING
from hardware.printers import pdf
from hardware.printers.document import Document


def _lines(data: bytes) -> list[str]:
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    return [line.strip() for page in pages for line in page.extract_text().split("\n") if line.strip()]


@pytest.mark.parametrize("kind", ["receipt", "report"])
def test_no_pdf_line_starts_with_a_closing_mark(kind: str) -> None:
    # Paragraphs and cells of every length from short to several lines: some of them fill a line
    # right up to their "。", which fpdf2 put first on the next line.
    footer = ["取件时请出示取件码" + "包裹" * k + "。谢谢" for k in range(8, 60)]
    rows = [["首重 1 千克，续重" + "包" * k + "。备注", "12.00"] for k in range(5, 30)]
    doc = Document(kind, "寄件凭证", footer=footer, columns=["说明", "金额"], rows=rows, aligns=["L", "R"])
    lines = _lines(pdf.render_document(doc))
    assert any(line.endswith("。谢谢") for line in lines)  # the text is read back as drawn
    starts = [line for line in lines if line[0] in CLOSING]
    assert not starts, starts


def test_a_pdf_paragraph_keeps_a_number_with_its_unit_and_english_words_whole() -> None:
    footer = [f"Total weight {'of the parcels ' * k}collected: 12.5 kg" for k in range(1, 12)]
    lines = _lines(pdf.render_document(Document("receipt", "Receipt", footer=footer)))
    assert not [line for line in lines if line.startswith("kg")], lines
    assert not [line for line in lines if line.endswith("12.5")], lines
