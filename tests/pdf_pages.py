"""PDF pages as a reader sees them: rendered by PDFium (pypdfium2, Chrome's PDF engine), text and all.

The station's PDFs are checked on these pictures, not on the drawing operators inside the file: a
barcode decodes from the page's raster with zxing-cpp, the white around it is measured there, a
Chinese heading is ink where it stands, and ink off the page or in its margins is seen.
"""

from __future__ import annotations

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image

INK = 128  # a pixel this dark or darker is ink ("L": 0 black, 255 paper)
MM_PER_INCH = 25.4


def render_pdf(data: bytes, dpi: int) -> list[Image.Image]:
    """Every page of `data` at `dpi`, greyscale ("L"), as PDFium draws it on white paper: a pixel a
    dot of the layout, the page rounded to whole dots. Left to itself PDFium stretches a page onto
    whole pixels (a 100 mm label at 203 dpi, 799.2 dots, onto 800: a bar drawn at dot 500 landed on
    501); the fraction of a dot is cropped off (or added) first, so the page is drawn at exactly `dpi`
    with its dots where the layout put them (checked on the labels' bars and field boxes)."""
    scale = dpi / 72
    nudge = 1e-6  # in points: the cropped size a hair under the whole dots, which PDFium rounds up
    document = pdfium.PdfDocument(data)
    try:
        pages = []
        for page in document:
            width, height = page.get_width() * scale, page.get_height() * scale
            right = (width - round(width)) / scale + nudge
            top = (height - round(height)) / scale + nudge
            bitmap = page.render(scale=scale, grayscale=True, crop=(0, 0, right, top))
            pages.append(bitmap.to_pil().convert("L"))
        return pages
    finally:
        document.close()


def render_page(data: bytes, dpi: int) -> Image.Image:
    """The one page of `data` (a label, a receipt): more than one is a failure of its own."""
    pages = render_pdf(data, dpi)
    assert len(pages) == 1, f"{len(pages)} pages"
    return pages[0]


def mm(value: float, dpi: int) -> int:
    return round(value * dpi / MM_PER_INCH)


def inked(img: Image.Image) -> Image.Image:
    """A mask of the ink: 255 where the page is dark, 0 where it is paper."""
    return img.point(lambda v: 255 if v <= INK else 0)


def ink_box(img: Image.Image) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom) around every inked pixel, right and bottom exclusive; None: blank."""
    return inked(img).getbbox()


def ink_count(img: Image.Image, box: tuple[int, int, int, int]) -> int:
    """How many pixels of `box` are ink."""
    histogram = inked(img.crop(box)).histogram()
    return histogram[255]


def read_codes(img: Image.Image) -> list[zxingcpp.Barcode]:
    """Code 128 and QR codes read from the picture, as a counter scanner would."""
    formats = zxingcpp.BarcodeFormats([zxingcpp.BarcodeFormat.Code128, zxingcpp.BarcodeFormat.QRCode])
    return zxingcpp.read_barcodes(img, formats=formats)


def code_box(found: zxingcpp.Barcode) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of a decoded code's position, inclusive."""
    pos = found.position
    corners = (pos.top_left, pos.top_right, pos.bottom_left, pos.bottom_right)
    xs, ys = [p.x for p in corners], [p.y for p in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _narrowest_run(row: bytes, left: int, right: int) -> int:
    runs, start = [], left
    for x in range(left + 1, right + 2):
        if x > right or (row[x] <= INK) != (row[start] <= INK):
            runs.append(x - start)
            start = x
    return min(runs)


def quiet_zone_problem(img: Image.Image, found: zxingcpp.Barcode) -> str:
    """Why the white around a decoded code is not enough (empty: it is): 10 modules of paper left and
    right of Code 128 bars over their height, 4 modules all round a QR code, inside the page."""
    left, top, right, bottom = code_box(found)
    width, height = img.size
    if found.format == zxingcpp.BarcodeFormat.Code128:
        row = img.crop((0, (top + bottom) // 2, width, (top + bottom) // 2 + 1)).tobytes()
        # zxing's corners lie on or beside the outer bars: widen to the bars' own edges.
        while left > 0 and row[left - 1] <= INK:
            left -= 1
        while row[left] > INK:
            left += 1
        while right < width - 1 and row[right + 1] <= INK:
            right += 1
        while row[right] > INK:
            right -= 1
        quiet = 10 * _narrowest_run(row, left, right)
        if left - quiet < 0 or right + quiet >= width:
            return f"Code 128 quiet zone of {quiet} px runs off the page at {(left, right)}"
        for box in ((left - quiet, top, left, bottom + 1), (right + 1, top, right + 1 + quiet, bottom + 1)):
            if ink_count(img, box):
                return f"ink in the Code 128 quiet zone {box}"
        return ""
    if found.format == zxingcpp.BarcodeFormat.QRCode:
        ring = 0
        while img.getpixel((left + ring, top + 1)) <= INK:  # type: ignore[operator]
            ring += 1
        pad = 4 * max(1, round(ring / 7))  # the finder pattern's edge is 7 modules
        if left - pad < 0 or top - pad < 0 or right + pad >= width or bottom + pad >= height:
            return "QR quiet zone runs off the page"
        around = img.crop((left - pad, top - pad, right + pad + 1, bottom + pad + 1))
        # Blank the symbol (and a pixel of corner slack): what is left must be paper.
        around.paste(255, (pad - 1, pad - 1, pad + (right - left) + 2, pad + (bottom - top) + 2))
        return f"ink in the QR quiet zone around {(left, top, right, bottom)}" if ink_box(around) else ""
    return f"unexpected symbology {found.format}"
