"""PDFs in a row share one parsed font (hardware/printers/pdf_fonts.py), and each is still whole.

Each PDF's embedded font program is read back and, for every character its text uses (from the PDF's
ToUnicode map), the glyph its code points to (CIDToGIDMap) must have the outline that character has in
the font file itself: a PDF whose font lost or swapped a glyph fails, whatever the text layer says.
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pypdf
import pytest
from fontTools import ttLib
from fpdf.fonts import PDFFontDescriptor as FontDescriptor
from pdf_pages import read_codes, render_page

from hardware.printers import Captions, Document, LabelData, fonts, pdf, pdf_fonts
from hardware.printers.label import LabelSize, Media


def label(waybill: str, lang: str) -> LabelData:
    caps = Captions("取件码", "运单尾号 {tail}", "手机") if lang == "zh" else Captions()
    return LabelData(
        "6-5-3002", "顺丰" if lang == "zh" else "SF", waybill, "****5678", date(2026, 11, 25), lang, caps
    )


@pytest.fixture(scope="session")
def whole() -> ttLib.TTFont:
    """The bundled font file, parsed once: every PDF's glyphs are compared with its outlines (read only)."""
    return ttLib.TTFont(fonts.BUNDLED_CJK)


def font_problems(data: bytes, whole: ttLib.TTFont) -> tuple[str, list[str]]:
    """The text of the PDF's first page, and every character whose embedded glyph is not the font's."""
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    resources: Any = page["/Resources"]  # pypdf types every PDF object as PdfObject: walked untyped
    (font,) = [f.get_object() for f in resources["/Font"].values()]
    cid_font = font["/DescendantFonts"][0].get_object()
    program = cid_font["/FontDescriptor"]["/FontFile2"].get_object().get_data()
    embedded = ttLib.TTFont(io.BytesIO(program))
    cid_to_gid = cid_font["/CIDToGIDMap"].get_object().get_data()
    to_unicode = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    whole_cmap = whole.getBestCmap()
    problems = []
    chars = to_unicode.split("beginbfchar", 1)[1].split("endbfchar", 1)[0]
    pairs = re.findall(r"<([0-9A-F]{4})> <([0-9A-F]{4,})>", chars)
    assert pairs, "no characters mapped"
    for code, text in pairs:
        char = chr(int(text, 16))
        gid = int.from_bytes(cid_to_gid[2 * int(code, 16) : 2 * int(code, 16) + 2], "big")
        got = embedded["glyf"][embedded.getGlyphOrder()[gid]]
        want = whole["glyf"][whole_cmap.get(ord(char), ".notdef")]
        got_points = list(got.getCoordinates(embedded["glyf"])[0]) if got.numberOfContours else []
        want_points = list(want.getCoordinates(whole["glyf"])[0]) if want.numberOfContours else []
        if got_points != want_points:
            problems.append(char)
    return page.extract_text(), problems


@pytest.mark.parametrize("cached", [True, False], ids=["cuts kept", "cuts made"])
def test_pdfs_in_a_row_each_embed_the_glyphs_they_draw(cached: bool, whole: ttLib.TTFont) -> None:
    found = fonts.cjk_font()
    assert found is not None and found.path == fonts.BUNDLED_CJK
    media = Media(LabelSize(50, 30), 203)
    samples = [("SF1234567890123", "en"), ("JT0012345678901", "zh"), ("SF1234567890123", "en")]
    for waybill, lang in samples * 2:
        if not cached:
            pdf_fonts._cut.cache_clear()
        data = pdf.render_label(label(waybill, lang), media)
        text, problems = font_problems(data, whole)
        assert problems == []
        assert (
            waybill[-4:] in text
            and "6-5-3002" in text
            and ("取件码" if lang == "zh" else "Pickup code") in text
        )
        assert [r.text for r in read_codes(render_page(data, 203))] == [waybill]
    # A document with characters no label had: its own cut, still whole.
    doc = Document(kind="receipt", title="寄件回执", meta=["寄件人：欧阳娜娜"], rows=[["重量", "1.2 kg"]])
    text, problems = font_problems(pdf.render_document(doc), whole)
    assert problems == [] and "寄件回执" in text and "欧阳娜娜" in text
    # The shared parse is never cut itself: every glyph of the file is still in it.
    template = pdf_fonts._parsed(str(found.path), found.index)
    assert template is not None and len(template.ttfont.getGlyphOrder()) == whole["maxp"].numGlyphs


def test_the_same_label_twice_is_the_same_file() -> None:
    """Labels are reproducible (a fixed date inside, no timestamp from the font either)."""
    media = Media(LabelSize(60, 40), 300)
    first = pdf.render_label(label("SF1234567890123", "zh"), media)
    pdf_fonts._cut.cache_clear()
    assert pdf.render_label(label("SF1234567890123", "zh"), media) == first


def test_a_pdf_written_while_another_is_written_is_still_whole(
    monkeypatch: pytest.MonkeyPatch, whole: ttLib.TTFont
) -> None:
    """The print worker renders a label while a report PDF renders in another thread: here the second
    document is written at the moment the first one writes out its font descriptor, the widest
    window two threads give. Each document's descriptor must stay its own (fpdf2 numbers it and hangs
    the embedded font program on it while writing), so the first file is the one it is alone."""
    media = Media(LabelSize(50, 30), 203)
    first = label("SF1234567890123", "en")
    # A report of another shape: its objects are numbered otherwise than the label's.
    report = Document(kind="report", title="日报", meta=["2026-11-25"], rows=[["顺丰", "12"]] * 80)
    alone = pdf.render_label(first, media)
    serialize = FontDescriptor.serialize
    others: list[bytes] = []
    started: list[bool] = []

    def while_writing(self: FontDescriptor, *args: object, **kwargs: object) -> str:
        if not started:  # the first document's descriptor only, not the second's
            started.append(True)
            others.append(pdf.render_document(report))
        return serialize(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(FontDescriptor, "serialize", while_writing)
    interleaved = pdf.render_label(first, media)
    assert others and font_problems(others[0], whole)[1] == []
    assert font_problems(interleaved, whole)[1] == []
    assert interleaved == alone
