"""The one label layout: what a label says and where each part goes, in printer dots.

Every language (TSPL, ZPL, ESC/POS, PNG, PDF) renders the same `LabelLayout`, so a preview looks like the
sticker. Boxes are computed from the sticker size and the dpi, never hard-coded per size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from hardware.printers import code128

SIZES = ("40x30", "50x30", "60x40")
DPIS = (203, 300)
MIN_DOTS_PER_MODULE = 2  # thinner bars do not scan reliably on thermal paper


@dataclass(frozen=True)
class Captions:
    """Fixed words on the label, already in the label's language (filled by the print service)."""

    code: str = "Pickup code"
    tail: str = "Tail"
    phone: str = "Phone"


@dataclass(frozen=True)
class LabelData:
    """What one parcel's sticker says. Only the masked phone: the full number never reaches a label."""

    pickup_code: str
    carrier: str  # the carrier's short name
    waybill: str
    masked_phone: str | None
    checked_in: date
    lang: str = "en"
    captions: Captions = field(default_factory=Captions)

    @property
    def waybill_tail(self) -> str:
        return self.waybill[-4:]

    @property
    def tail_text(self) -> str:
        return f"{self.captions.tail} {self.waybill_tail}"

    @property
    def phone_text(self) -> str:
        return self.masked_phone or ""

    @property
    def date_text(self) -> str:
        return self.checked_in.isoformat()


@dataclass(frozen=True)
class LabelSize:
    width_mm: int
    height_mm: int

    @classmethod
    def parse(cls, text: str) -> LabelSize:
        match = re.fullmatch(r"\s*(\d+)\s*[xX*\u00d7]\s*(\d+)\s*(mm)?\s*", text)
        if not match:
            raise ValueError(f"label size {text!r}: expected WIDTHxHEIGHT in mm, e.g. 40x30")
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.width_mm}x{self.height_mm}"


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int


@dataclass(frozen=True)
class LabelLayout:
    """Positions in dots. `module` is the barcode's dots per module; 0 when it cannot fit (see `fits`)."""

    size: LabelSize
    dpi: int
    width: int
    height: int
    caption: Box  # "Pickup code", top left
    carrier: Box  # carrier short name, top right
    code: Box  # the pickup code, largest
    tail: Box  # waybill tail, left
    phone: Box  # masked phone, right
    date: Box  # check-in date, left
    barcode: Box  # the bars themselves (x and w already centred)
    module: int
    modules: int

    @property
    def fits(self) -> bool:
        return self.module >= MIN_DOTS_PER_MODULE

    def dots(self, mm: float) -> int:
        return mm_to_dots(mm, self.dpi)


def mm_to_dots(mm: float, dpi: int) -> int:
    return round(mm * dpi / 25.4)


def layout_for(size: LabelSize | str, dpi: int, waybill: str) -> LabelLayout:
    """Lay out a sticker of `size` at `dpi` for a barcode of `waybill`."""
    if isinstance(size, str):
        size = LabelSize.parse(size)
    if dpi < 100 or dpi > 600:
        raise ValueError(f"dpi {dpi}: expected 203 or 300")
    width, height = mm_to_dots(size.width_mm, dpi), mm_to_dots(size.height_mm, dpi)

    def d(mm: float) -> int:
        return mm_to_dots(mm, dpi)

    margin, gap = d(1.5), d(0.5)
    inner = width - 2 * margin
    tall = size.height_mm >= 40
    small = d(3.5 if tall else 3.0)
    top = d(4.5 if tall else 4.0)
    code_h = d(10 if tall else 7.5)

    y = margin
    caption = Box(margin, y + top - small, inner * 3 // 5, small)
    carrier = Box(margin + inner * 3 // 5, y, inner - inner * 3 // 5, top)
    y += top + gap
    code = Box(margin, y, inner, code_h)
    y += code_h + gap
    tail = Box(margin, y, inner // 2, small)
    phone = Box(margin + inner // 2, y, inner - inner // 2, small)
    y += small + gap
    date_box = Box(margin, y, inner, small)
    y += small + gap

    # Bars may use the side margins down to 0.5 mm: the quiet zone is the sticker's blank edge.
    modules = code128.module_count(waybill)
    usable = width - 2 * d(0.5)
    module = min(usable // modules, d(0.5))
    bar_w = modules * module if module >= MIN_DOTS_PER_MODULE else 0
    barcode = Box((width - bar_w) // 2, y, bar_w, height - margin - y)
    return LabelLayout(
        size=size,
        dpi=dpi,
        width=width,
        height=height,
        caption=caption,
        carrier=carrier,
        code=code,
        tail=tail,
        phone=phone,
        date=date_box,
        barcode=barcode,
        module=module if module >= MIN_DOTS_PER_MODULE else 0,
        modules=modules,
    )
