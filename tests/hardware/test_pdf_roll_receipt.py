"""A roll receipt as a PDF: one page as long as what it prints, and its code inside the paper."""

from __future__ import annotations

import io

import pypdf
from pdf_pages import ink_box, quiet_zone_problem, read_codes, render_page

from hardware.printers import pdf

WAYBILL_40 = "GM10ZYXWVUTSRQPONMLK9876543210JIHGFEDCBA"  # the longest waybill the detector allows


def _receipt(meta: list[str], barcode: str = "SF1234567890123") -> bytes:
    return pdf.render_document(
        pdf.Document(
            "receipt",
            "Send receipt",
            meta=meta,
            columns=["Charge", "Amount"],
            rows=[["First 1 kg", "26.00"]],
            footer=["Total: 44.00 CNY"],
            barcode=barcode,
        )
    )


def _pages(document: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(document)).pages)


def test_a_receipt_with_long_wrapped_lines_stays_on_one_page_with_its_code() -> None:
    # Few lines that wrap many times: the page's length once guessed from the count of lines cut the
    # receipt over many pages.
    address = "To: " + "乌鲁木齐市天山区解放北路100号 " * 150
    assert _pages(_receipt(["Parcel Station", address, "Weight: 1.2 kg"])) == 1
    img = render_page(_receipt(["Parcel Station", address, "Weight: 1.2 kg"]), 203)
    assert [r.text for r in read_codes(img)] == ["SF1234567890123"]


def test_a_40_character_waybill_on_a_roll_pdf_is_a_code_inside_the_paper_that_decodes() -> None:
    img = render_page(_receipt(["Parcel Station"], barcode=WAYBILL_40), 203)
    found = read_codes(img)
    assert [r.text for r in found] == [WAYBILL_40]
    assert quiet_zone_problem(img, found[0]) == ""
    # Ink stays 4 mm (32 dots) clear of both edges: text, code and its quiet zone.
    bbox = ink_box(img)
    assert bbox is not None and bbox[0] >= 32 and bbox[2] <= img.width - 32


def test_a_receipt_of_any_length_is_one_page_its_last_line_and_code_on_it() -> None:
    # Drawn again on the length measured, the last line or the code ended a rounding error past the
    # page's bottom margin and went to a second page of its own: the receipt cut before its code.
    cut = []
    for lines in range(40):
        for barcode in ("", "SF1234567890123", WAYBILL_40):
            meta = ["Parcel Station", *(f"Line {i} " + "x" * (i * 7 % 90) for i in range(lines))]
            pages = _pages(_receipt(meta, barcode=barcode))
            if pages != 1:
                cut.append((lines, barcode, pages))
    assert cut == []
