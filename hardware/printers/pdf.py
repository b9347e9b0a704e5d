"""PDF labels (a page the size of the sticker, for CUPS) and A4/roll PDFs of every document: receipts,
manifests, run sheets and the day report (the one fpdf2 builder and CJK font choice of the project).

Text is real text (searchable, sharp at any printer resolution) in the machine's CJK font when there is
one, else Helvetica with Chinese replaced (see fonts.CJK_MISSING). Bars and QR modules are vector
rectangles at the layout's whole-dot module width, so the PDF prints exactly like the PNG preview.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fpdf import FPDF
from fpdf.fonts import FontFace

from hardware.line_breaks import break_lines
from hardware.printers import code128, qr
from hardware.printers.document import Document
from hardware.printers.fonts import FontFile, cjk_font, has_cjk, printable
from hardware.printers.label import QUIET_1D, Box, LabelData, Media
from hardware.printers.pdf_columns import CELL_PADDING_MM, column_widths, least_width
from hardware.printers.pdf_fonts import SharedFontPDF
from hardware.printers.textfit import ASCII_ELLIPSIS, ELLIPSIS, READABLE_MM, ellipsized

PT_PER_MM = 72 / 25.4
CAP_HEIGHT = 0.72  # digit height as a fraction of the font size, for DejaVu/WenQuanYi-like faces
DESCENT = 0.21  # how far p, g, y reach below the baseline, as a fraction of the font size
# How far round digits (0, 3, 6) reach past the cap height and below the baseline: a label's pickup
# code set to its box inked 1 or 2 dots past it, where the tail line or the date begins.
OVERSHOOT = 0.02
CJK_HEIGHT, CJK_DESCENT = 0.88, 0.12  # Chinese glyphs fill the em square, this much below the baseline
_FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)  # reproducible files: no wall-clock timestamp inside
_SMALLEST_PT = 5.0  # a table's type is made no smaller than this to fit its page
_WRAP_SLACK_MM = 0.05  # a line measured to fit is not wrapped again by fpdf2's own rounding
_ROLL_MAX_MM = 5000.0  # a roll PDF's page when measured: about as long as a PDF page may be
_ROLL_END_MM = 12.0  # white below a roll's last line, as its bottom margin
# The measured length again: the last line or code ends there, a rounding error past the bottom
# margin, and a page exactly that long put it on a second page of its own.
_ROLL_FIT_SLACK_MM = 0.1
_QR_CELL_MM = 0.5  # a document's QR module: 4 dots at 203 dpi
_ROLL_DOT_MM = 25.4 / 203  # a roll printer's dot: a roll's code is drawn on whole dots of it
# PDF renderers paint every pixel a fill touches (PDFium and Ghostscript in CUPS both): a bar whose
# edges lay on dot boundaries, rounded to 0.01 pt in the file, touched the next dot and printed a dot
# wider, its spaces narrower (a 2-dot space as 1 dot). Drawn a quarter dot inside its own dots, a bar or
# QR cell prints on exactly those dots by that rule and by a pixel-centre one alike.
_DOT_INSET = 0.25


def _new_pdf(width_mm: float, height_mm: float) -> tuple[FPDF, bool]:
    pdf = SharedFontPDF(unit="mm", format=(width_mm, height_mm))
    pdf.set_creation_date(_FIXED_DATE)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    found = cjk_font()
    # Which font drew the text is for whoever looks into a print: in the file's keywords, not on the page.
    pdf.set_keywords(font_keyword(found))
    if found is not None:
        pdf.add_shared_font("label", found.path, found.index)
        pdf.set_font("label")
    else:
        pdf.set_font("helvetica", style="B")
    return pdf, found is not None


def font_keyword(found: FontFile | None) -> str:
    """The PDF keyword naming its font: the file (and face of a collection), or the core fallback."""
    if found is None:
        return "font: Helvetica (no CJK font found)"
    return f"font: {found.path.name}" + (f"#{found.index}" if found.index else "")


def _fit_text(
    pdf: FPDF,
    text: str,
    box_mm: tuple[float, float, float, float],
    *,
    cjk: bool,
    align: str = "left",
    min_mm: float = 0.0,
    size_by: str = "",
    stretch: float = 1.0,
) -> None:
    """`text` as large as `box_mm` holds; not smaller than `min_mm` of ink high (shortened with an
    ellipsis instead, measured in the PDF's own font). `size_by`: the whole text this is a wrapped
    line of, whose glyphs set the size, so its lines print alike. `stretch` > 1: text held to the
    box's width is drawn up to that much taller (narrowed to its width), centred in the box's height,
    as the PNG draws it."""
    x, y, w, h = box_mm
    text = printable(text, cjk=cjk)
    if not cjk:
        text = text.encode("latin-1", "replace").decode("latin-1")
    whole = size_by or text
    # The text's ink (descenders and Chinese too) fills the box: above the baseline, and below it.
    if cjk and has_cjk(whole):
        above, below = CJK_HEIGHT, CJK_DESCENT
    else:
        above, below = (
            CAP_HEIGHT + OVERSHOOT,
            DESCENT if any(ch in "gjpqy,;()" for ch in whole) else OVERSHOOT,
        )
    size = h * PT_PER_MM / (above + below)
    pdf.set_font_size(size)
    width = pdf.get_string_width(text)
    if stretch > 1 and width > w:
        natural = size * w / width
        size = min(size, natural * stretch)
        pdf.set_font_size(size)
        pdf.set_stretching(100 * natural / size)
        ink = (above + below) * size / PT_PER_MM
        width = pdf.get_string_width(text)
        left = x if align == "left" else x + w - width if align == "right" else x + (w - width) / 2
        pdf.text(left, y + (h + ink) / 2 - below * size / PT_PER_MM, text)
        pdf.set_stretching(100)
        return
    if width > w:
        readable = min(size, min_mm * PT_PER_MM / (above + below))
        size = max(size * w / width, readable)
        pdf.set_font_size(size)
        mark = ELLIPSIS if cjk else ASCII_ELLIPSIS
        text = ellipsized(text, lambda part: pdf.get_string_width(part) <= w + 0.01, mark=mark)
        width = pdf.get_string_width(text)
    left = x if align == "left" else x + w - width if align == "right" else x + (w - width) / 2
    pdf.text(left, y + h - below * size / PT_PER_MM, text)


def broken(pdf: FPDF, text: str, width_mm: float) -> str:
    """`text` in lines of at most `width_mm` in the PDF's current font, broken by the house rule
    (hardware/line_breaks.py): fpdf2's own wrapping breaks Chinese anywhere, a line starting with
    "。" or "）", and a number apart from its unit. Its line breaks stay; fpdf2 draws the lines as given."""
    room = width_mm - _WRAP_SLACK_MM
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += break_lines(paragraph, lambda part: pdf.get_string_width(part) <= room) or [""]
    return "\n".join(lines)


def _mm(box: Box, dpi: int) -> tuple[float, float, float, float]:
    k = 25.4 / dpi
    return box.x * k, box.y * k, box.w * k, box.h * k


def dot_rect(pdf: FPDF, x_mm: float, y_mm: float, w_mm: float, h_mm: float, dot_mm: float) -> None:
    """A filled rectangle on whole dots of `dot_mm` that prints on those dots only (see _DOT_INSET)."""
    inset = _DOT_INSET * dot_mm
    pdf.rect(x_mm + inset, y_mm + inset, w_mm - 2 * inset, h_mm - 2 * inset, style="F")


def _bars(
    pdf: FPDF, data: str, x_mm: float, y_mm: float, h_mm: float, module_mm: float, dot_mm: float = 0.0
) -> None:
    """Code 128 bars; `dot_mm`: the printer's dot the bars stand on whole dots of (0: no dot grid)."""
    pdf.set_fill_color(0, 0, 0)
    bits = code128.modules(data)
    i = 0
    while i < len(bits):
        if bits[i] == "1":
            j = i
            while j < len(bits) and bits[j] == "1":
                j += 1
            dot_rect(pdf, x_mm + i * module_mm, y_mm, (j - i) * module_mm, h_mm, dot_mm)
            i = j
        else:
            i += 1


def _qr_mm(pdf: FPDF, data: str, x_mm: float, y_mm: float, cell_mm: float, dot_mm: float = 0.0) -> None:
    """A QR code's dark modules at (x, y), `cell_mm` each; `dot_mm` as for `_bars`."""
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(qr.matrix(data)):
        for c, dark in enumerate(row):
            if dark:
                dot_rect(pdf, x_mm + c * cell_mm, y_mm + r * cell_mm, cell_mm, cell_mm, dot_mm)


def _qr(pdf: FPDF, data: str, box: Box, cell: int, dpi: int) -> None:
    """Dark modules as rectangles, a row's run at a time; centred in `box` like the PNG."""
    cells = qr.matrix(data)
    k = 25.4 / dpi
    offset = (box.w - len(cells) * cell) // 2
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(cells):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            end = c
            while end < len(row) and row[end]:
                end += 1
            x, y = box.x + offset + c * cell, box.y + offset + r * cell
            dot_rect(pdf, x * k, y * k, (end - c) * cell * k, cell * k, k)
            c = end


def render_label(data: LabelData, media: Media) -> bytes:
    caption = media.caption(data.captions)
    layout = media.layout(data.waybill, caption)
    pdf, cjk = _new_pdf(layout.size.width_mm, layout.size.height_mm)
    pdf.add_page()
    dpi = layout.dpi
    _fit_text(pdf, caption, _mm(layout.caption, dpi), cjk=cjk, min_mm=READABLE_MM)
    _fit_text(
        pdf, data.carrier, _mm(layout.carrier, dpi), cjk=cjk, align=layout.carrier_align, min_mm=READABLE_MM
    )
    _fit_text(
        pdf, data.pickup_code, _mm(layout.code, dpi), cjk=cjk, align="center", stretch=layout.code_stretch
    )
    _fit_text(pdf, data.tail_text, _mm(layout.tail, dpi), cjk=cjk)
    _fit_text(pdf, data.phone_text, _mm(layout.phone, dpi), cjk=cjk)
    _fit_text(pdf, data.date_text, _mm(layout.date, dpi), cjk=cjk, align=layout.date_align)
    if layout.hri is not None:
        _fit_text(pdf, data.waybill, _mm(layout.hri, dpi), cjk=cjk, align="center")
    sym = layout.symbol
    if sym.is_qr:
        _qr(pdf, data.waybill, sym.box, sym.module, dpi)
    else:
        x, y, _, h = _mm(sym.box, dpi)
        _bars(pdf, data.waybill, x, y, h, sym.module * 25.4 / dpi, 25.4 / dpi)
    return bytes(pdf.output())


def render_document(doc: Document, media: Media | None = None) -> bytes:
    """A receipt on an 80 mm roll page, or a manifest or report on A4 (more pages as the rows need).

    `media` is not used: a PDF page has its own size."""
    if doc.kind != "receipt":
        return bytes(_drawn(doc, 210.0, 297.0).output())
    # A roll's page is as long as what it prints: drawn once on a page longer than any receipt to
    # measure it, then on its own length (a guess from the count of lines lost wrapped lines to
    # further pages: a receipt cut in pieces).
    measured = _drawn(doc, 80.0, _ROLL_MAX_MM)
    if measured.page > 1:  # longer than a PDF page may be: it goes on in pages of that length
        return bytes(measured.output())
    return bytes(_drawn(doc, 80.0, measured.get_y() + _ROLL_END_MM + _ROLL_FIT_SLACK_MM).output())


def _drawn(doc: Document, width: float, height: float) -> FPDF:
    roll = doc.kind == "receipt"
    tables = doc.tables()
    pdf, cjk = _new_pdf(width, height)
    pdf.set_auto_page_break(True, margin=12)
    margin = 5.0 if roll else 15.0
    pdf.set_margins(margin, margin, margin)
    pdf.add_page()
    usable = width - 2 * margin

    def line(text: str, size: float, *, align: str = "L") -> None:
        pdf.set_font_size(size)
        # multi_cell sets its text a cell margin in from each side.
        text = broken(pdf, printable(text, cjk=cjk), usable - 2 * pdf.c_margin)
        pdf.multi_cell(usable, size * 0.5, text, align=align, new_x="LMARGIN", new_y="NEXT")

    line(doc.title, 14 if roll else 18, align="C")
    pdf.ln(2)
    for meta in doc.meta:
        line(meta, 9 if roll else 11)
    if doc.note:
        line(doc.note, 7 if roll else 8)
    pdf.ln(2)
    # A roll's tables stand in from the margin as far as its text lines do (their cell margin): drawn
    # from margin to margin they stood out of the text on both sides, almost at the paper's right edge.
    table_width = usable - 2 * pdf.c_margin if roll else usable
    for table in tables:
        if table.heading:
            line(table.heading, 9 if roll else 11)
        base = size = float((8 if roll else 10) - (2 if table.small else 0))
        pdf.set_font_size(size)
        count = len(table.columns or table.rows[0])
        aligns = table.aligns if len(table.aligns) == count else ["L"] * count
        heads = [printable(c, cjk=cjk) for c in table.columns]
        rows = [[printable(c, cjk=cjk) for c in row] for row in table.rows]
        # A table too wide for its headings and figures whole is set in a smaller type, not broken
        # mid-word ("Accepte/d", "106.0/0").
        while size > _SMALLEST_PT and least_width(pdf.get_string_width, heads, rows, aligns) > table_width:
            size -= 0.5
            pdf.set_font_size(size)
        # Sized by what the cells say (the relative `widths` are for roll paper's fixed columns).
        widths = column_widths(pdf.get_string_width, heads, rows, aligns, table_width)
        rooms = [w - 2 * CELL_PADDING_MM for w in widths]
        heads = [broken(pdf, c, room) for c, room in zip(heads, rooms, strict=False)]
        rows = [[broken(pdf, c, room) for c, room in zip(row, rooms, strict=False)] for row in rows]
        # Plain headings: the CJK font has no bold face.
        with pdf.table(
            width=table_width,
            col_widths=widths,
            text_align=tuple("RIGHT" if a == "R" else "LEFT" for a in aligns),
            line_height=(4 if table.small else 5) * size / base,
            headings_style=FontFace(emphasis=""),
            first_row_as_headings=bool(table.columns),
            padding=(0.3, CELL_PADDING_MM),
        ) as drawn:
            if heads:
                drawn.row(heads)
            for row in rows:
                drawn.row(row)
        pdf.ln(2)
    for foot in doc.footer:
        line(foot, 9 if roll else 11)
    if doc.barcode:
        pdf.ln(3)
        # A roll's code on whole dots of a 203 dpi roll printer, 2 a module: at 0.25 mm (1.97 dots) its
        # bars printed 1, 2 or 3 dots wide by where they fell, and the code did not scan.
        dot = _ROLL_DOT_MM if roll else 0.0
        module = 2 * _ROLL_DOT_MM if roll else 0.33
        bar_w = code128.module_count(doc.barcode) * module
        # Bars too wide for the page with their quiet zones (a 40-character waybill on a roll ran past
        # both edges) give way to a QR code, as on a label.
        as_qr = bar_w + 2 * QUIET_1D * module > width
        cell = 4 * _ROLL_DOT_MM if roll else _QR_CELL_MM
        high = len(qr.matrix(doc.barcode)) * cell if as_qr else 10.0
        # Bars are no cell: the page does not break for them by itself, and below its margin they ran
        # off the paper, or where an office printer prints nothing.
        if pdf.get_y() + high > pdf.h - pdf.b_margin:
            pdf.add_page()
        left = (width - high) / 2 if as_qr else margin + (usable - bar_w) / 2
        if roll:
            left = round(left / dot) * dot
        if as_qr:
            _qr_mm(pdf, doc.barcode, left, pdf.get_y(), cell, dot)
        else:
            _bars(pdf, doc.barcode, left, pdf.get_y(), 10, module, dot)
        pdf.set_y(pdf.get_y() + high)
    return pdf
