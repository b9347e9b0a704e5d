"""What a label says and where each part goes, in printer dots: one layout per sticker size.

Every language (TSPL, ZPL, PNG, PDF; ESC/POS on roll paper uses `roll_symbol`) renders the same
`LabelLayout`, so a preview looks like the sticker. Sizes are a table of presets, each with its own
proportions (`PRESETS`); another size is laid out from the largest preset it holds, scaled, or refused
when it is too small to read or too large for a label printer.

The waybill's machine-readable code is Code 128 when its bars fit with modules of at least 2 dots and
10 modules of white on each side (the scanner needs that quiet zone; the sticker's blank edge counts).
When they do not, it is a QR code, which fits any waybill on any preset (see `qr.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from hardware.config_keys import config_key
from hardware.messages import N_, ConfigError, typed
from hardware.printers import code128, qr
from hardware.printers.textfit import READABLE_MM, columns

DPIS = (203, 300)
MIN_DOTS_PER_MODULE = 2  # thinner bars do not scan reliably on thermal paper
QUIET_1D = 10  # modules of white each side of Code 128 (ISO/IEC 15417)
MIN_BAR_MM = 5.0  # shorter bars are hard to hit with a hand scanner's line
MIN_SCALE = 0.8  # a custom size smaller than 80% of 40x30 has text under 2.4 mm: unreadable
COLUMN_EM = 0.7  # room for a half-width column of bold text, as a part of its line's height
# On a tall sticker the pickup code, held to the width by its length, is drawn up to this much taller
# than its font's own shape (narrow, like a condensed face) to fill its box.
CODE_STRETCH = 1.8


class LabelSizeError(ConfigError):
    """A sticker size we cannot lay out (the message says why and what to use)."""


@dataclass(frozen=True)
class Captions:
    """Fixed words on the label, already in the label's language (filled by the print service)."""

    code: str = "Pickup code"
    # The waybill's last four, `{tail}` where they go: captioned as the waybill's, as "Tail" (尾号) is
    # what a clerk calls a phone's last four and would read as the customer's.
    tail: str = "Waybill {tail}"
    phone: str = "Phone"
    code_short: str = "Code"  # on a sticker too small for `code` at a readable size


def caption_for(captions: Captions, size: LabelSize, dpi: int) -> str:
    """The pickup code's caption, or its short form where the long one would be cut: at a readable
    height it needs more than the 3/5 of the header row a caption may take."""
    p = preset_for(size)
    room = (mm_to_dots(size.width_mm, dpi) - 2 * mm_to_dots(p.margin, dpi)) * 3 // 5
    need = columns(captions.code) * COLUMN_EM * mm_to_dots(READABLE_MM, dpi)
    return captions.code if need + mm_to_dots(p.gap, dpi) <= room else captions.code_short


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
        return self.captions.tail.replace("{tail}", self.waybill_tail)

    @property
    def phone_text(self) -> str:
        """Captioned, so the phone never reads as part of the waybill tail beside it."""
        return f"{self.captions.phone} {self.masked_phone}" if self.masked_phone else ""

    @property
    def phone_texts(self) -> list[str]:
        """`phone_text`, then shorter forms for a box a font that does not shrink cannot fit it in: the
        mask's leading digits go first (`138****5678` -> `****5678`), never the last four the clerk matches."""
        if not self.masked_phone:
            return []
        head, mask, tail = self.masked_phone.rpartition("****")
        short = f"{self.captions.phone} {mask}{tail}"
        return [self.phone_text, short] if head else [self.phone_text]

    @property
    def date_text(self) -> str:
        return self.checked_in.isoformat()


@dataclass(frozen=True)
class LabelSize:
    width_mm: int
    height_mm: int

    @classmethod
    def parse(cls, text: str) -> LabelSize:
        match = re.fullmatch(r"\s*(\d{1,4})\s*[xX*\u00d7]\s*(\d{1,4})\s*(mm)?\s*", text)
        if not match:
            raise LabelSizeError(
                N_("{key} = {size}: the sticker's width x height in mm, e.g. 40x30"),
                key=config_key("size"),
                size=typed(text),
            )
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.width_mm}x{self.height_mm}"


@dataclass(frozen=True)
class Preset:
    """One sticker size's proportions, in mm. `hri` > 0: the full waybill is printed under its code."""

    size: LabelSize
    margin: float  # blank edge all round
    header: float  # the "Pickup code" caption and the carrier name
    code: float  # the pickup code itself, the largest text
    row: float  # waybill tail, phone, date
    gap: float  # between rows
    bar_max: float  # the tallest the bars get
    hri: float = 0.0
    # > 0: a tall sticker's carrier has its own full-width line this high at the top, read from across
    # the shelf; the caption shares the header row with the date, and the tail and phone rows are full width.
    carrier_line: float = 0.0

    def scaled(self, size: LabelSize, factor: float) -> Preset:
        def k(mm: float) -> float:
            return round(mm * factor, 2)

        return Preset(
            size,
            k(self.margin),
            k(self.header),
            k(self.code),
            k(self.row),
            k(self.gap),
            k(self.bar_max),
            k(self.hri),
            k(self.carrier_line),
        )


PRESETS: dict[str, Preset] = {
    str(p.size): p
    for p in (
        Preset(LabelSize(40, 30), margin=1.2, header=3.0, code=7.0, row=3.0, gap=0.5, bar_max=10),
        Preset(LabelSize(50, 30), margin=1.2, header=3.0, code=7.0, row=3.0, gap=0.5, bar_max=10),
        Preset(LabelSize(60, 40), margin=1.5, header=4.0, code=10.0, row=3.5, gap=0.8, bar_max=12, hri=2.5),
        Preset(LabelSize(70, 50), margin=2.0, header=4.5, code=12.0, row=4.0, gap=0.8, bar_max=15, hri=3.0),
        Preset(LabelSize(100, 100), margin=3.0, header=7.0, code=20.0, row=6.0, gap=1.0, bar_max=25, hri=4.0),
        Preset(
            LabelSize(100, 150),
            margin=4.0,
            header=8.0,
            code=26.0,
            row=10.0,
            gap=1.5,
            bar_max=30,
            hri=5.0,
            carrier_line=13.0,
        ),
    )
}
SIZES = tuple(PRESETS)
DEFAULT_SIZE = "40x30"
MAX_SIZE = LabelSize(120, 200)  # wider than a 4-inch head or longer than a shipping label: not a sticker


def preset_for(size: LabelSize) -> Preset:
    """The preset of this size, or the largest preset it holds scaled up (40x30 scaled down a little)."""
    found = PRESETS.get(str(size))
    if found is not None:
        return found
    if size.width_mm > MAX_SIZE.width_mm or size.height_mm > MAX_SIZE.height_mm:
        raise LabelSizeError(
            N_("{key} = {size}: larger than {largest} mm is not a sticker; use one of {sizes}"),
            key=config_key("size"),
            size=str(size),
            largest=str(MAX_SIZE),
            sizes=", ".join(SIZES),
        )
    inside = [
        p for p in PRESETS.values() if p.size.width_mm <= size.width_mm and p.size.height_mm <= size.height_mm
    ]
    base = max(inside, key=lambda p: p.size.width_mm * p.size.height_mm, default=PRESETS[DEFAULT_SIZE])
    factor = min(size.width_mm / base.size.width_mm, size.height_mm / base.size.height_mm)
    if factor < MIN_SCALE:
        raise LabelSizeError(
            N_(
                "{key} = {size}: too small for readable text; the smallest is about 32x24 mm (sizes: {sizes})"
            ),
            key=config_key("size"),
            size=str(size),
            sizes=", ".join(SIZES),
        )
    return base.scaled(size, factor)


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h


@dataclass(frozen=True)
class Symbol:
    """The waybill for the scanner: Code 128 bars, or a QR code when the bars cannot fit.

    `box` is the bars, or the largest QR symbol a printer may make, without the quiet zone; `module` is
    dots per bar module or QR cell; `quiet` is the white, in modules, the layout keeps on each side.
    """

    kind: str  # "code128" | "qr"
    box: Box
    module: int
    modules: int  # modules across (bars: with start, checksum and stop; QR: the largest version)
    quiet: int

    @property
    def is_qr(self) -> bool:
        return self.kind == "qr"


@dataclass(frozen=True)
class LabelLayout:
    """Positions in dots on a sticker of `size` at `dpi`."""

    size: LabelSize
    dpi: int
    width: int
    height: int
    caption: Box  # "Pickup code", top left
    carrier: Box  # carrier short name, top right
    code: Box  # the pickup code, largest
    tail: Box  # "Waybill 1234"
    phone: Box  # "Phone ****5678"
    date: Box  # check-in date
    hri: Box | None  # the full waybill as text, on larger stickers
    symbol: Symbol
    carrier_line: bool = False  # the carrier has a full-width line of its own (a tall sticker)

    def dots(self, mm: float) -> int:
        return mm_to_dots(mm, self.dpi)

    @property
    def date_align(self) -> str:
        """Right, at the end of the tail's (or the caption's) row; left in the column beside a QR code."""
        return "left" if self.symbol.is_qr and not self.carrier_line else "right"

    @property
    def code_stretch(self) -> float:
        """How much taller than its font the pickup code may be drawn to fill its box (1: not at all)."""
        return CODE_STRETCH if self.carrier_line else 1.0

    @property
    def carrier_align(self) -> str:
        """Centred on a line of its own; right, at the end of the caption's row."""
        return "center" if self.carrier_line else "right"

    def boxes(self) -> dict[str, Box]:
        """Every element's box (the symbol with its quiet zone), for checking nothing leaves the sticker."""
        sym = self.symbol
        pad = sym.quiet * sym.module
        out = {
            "caption": self.caption,
            "carrier": self.carrier,
            "code": self.code,
            "tail": self.tail,
            "phone": self.phone,
            "date": self.date,
            "symbol": sym.box,
            "quiet zone": Box(
                sym.box.x - pad,
                sym.box.y - (pad if sym.is_qr else 0),
                sym.box.w + 2 * pad,
                sym.box.h + (2 * pad if sym.is_qr else 0),
            ),
        }
        if self.hri is not None:
            out["waybill"] = self.hri
        return out


ROLL_PRINTABLE_MM = {58: 48, 80: 72}  # what the head of a 58 or 80 mm receipt printer reaches
CJK_MODES = ("resident", "bitmap")


@dataclass(frozen=True)
class Media:
    """What a printer holds and how it prints, from its settings; each language uses what it needs."""

    size: LabelSize = field(default_factory=lambda: LabelSize(40, 30))
    dpi: int = 203
    gap_mm: float = 2.0  # TSPL: the gap between stickers on the roll
    paper_mm: int = 58  # ESC/POS: roll width
    cjk: str = "resident"  # TSPL Chinese: the printer's TSS24.BF2 font, or bitmaps drawn with our font

    def layout(self, waybill: str, caption: str = "") -> LabelLayout:
        return layout_for(self.size, self.dpi, waybill, caption)

    def caption(self, captions: Captions) -> str:
        return caption_for(captions, self.size, self.dpi)

    @property
    def roll_dots(self) -> int:
        """Printable width of the roll in dots, a whole number of bytes as the raster commands want."""
        return round(ROLL_PRINTABLE_MM[self.paper_mm] * self.dpi / 25.4 / 8) * 8


def mm_to_dots(mm: float, dpi: int) -> int:
    return round(mm * dpi / 25.4)


def bar_module(waybill: str, width: int, dpi: int) -> int:
    """The widest Code 128 module (2 dots to 0.5 mm) whose bars and quiet zones fit `width`; 0 if none."""
    modules = code128.module_count(waybill) + 2 * QUIET_1D
    widest = max(MIN_DOTS_PER_MODULE, mm_to_dots(0.5, dpi))
    module = min(width // modules, widest)
    return module if module >= MIN_DOTS_PER_MODULE else 0


def qr_cells(dpi: int) -> tuple[int, int]:
    """Smallest and largest QR cell in dots: 0.33 mm (reads on thermal paper) to 0.75 mm (or 10 dots)."""
    return max(2, mm_to_dots(0.33, dpi)), min(10, mm_to_dots(0.75, dpi))


def qr_symbol(waybill: str, area: Box, dpi: int, *, flush_right: bool = False) -> Symbol | None:
    """A QR code with its quiet zone inside `area`, centred (or against its right edge); None when even
    the smallest cell is too big."""
    side = qr.side(waybill)
    smallest, largest = qr_cells(dpi)
    span = side + 2 * qr.QUIET
    cell = min(largest, area.w // span, area.h // span)
    if cell < smallest:
        return None
    dots = side * cell
    x = area.right - (qr.QUIET * cell + dots) if flush_right else area.x + (area.w - dots) // 2
    return Symbol("qr", Box(x, area.y + (area.h - dots) // 2, dots, dots), cell, side, qr.QUIET)


def roll_symbol(waybill: str, width: int, dpi: int, *, bar_height: int) -> Symbol:
    """The symbol on roll paper `width` dots wide (ESC/POS), centred; the y of its box is 0."""
    module = bar_module(waybill, width, dpi)
    if module:
        modules = code128.module_count(waybill)
        bars = modules * module
        return Symbol("code128", Box((width - bars) // 2, 0, bars, bar_height), module, modules, QUIET_1D)
    found = qr_symbol(waybill, Box(0, 0, width, width), dpi)
    if found is None:
        raise LabelSizeError(
            N_("Waybill {waybill} is too long for a QR code on this roll"), waybill=typed(waybill)
        )
    return replace(found, box=replace(found.box, y=0))


def layout_for(size: LabelSize | str, dpi: int, waybill: str, caption: str = "") -> LabelLayout:
    """Lay out a sticker of `size` at `dpi` for `waybill`; LabelSizeError when it cannot be done.

    The header row is the caption's (`caption`, when given: as wide as it needs at the row's height,
    at most 3/5 of the row) and the carrier's, which takes the rest: a long carrier name gets what
    a short caption leaves (three Chinese characters leave it two thirds of the row). A tall sticker
    (`Preset.carrier_line`) gives the carrier a full-width line above it and the date the rest of
    the header row instead, so the tail and phone rows below the code each have the full width."""
    if isinstance(size, str):
        size = LabelSize.parse(size)
    if dpi < 100 or dpi > 600:
        raise ConfigError(N_("{key} = {dpi}: use 203 or 300"), key=config_key("dpi"), dpi=str(dpi))
    p = preset_for(size)

    def d(mm: float) -> int:
        return mm_to_dots(mm, dpi)

    width, height = d(size.width_mm), d(size.height_mm)
    margin, gap, row = d(p.margin), d(p.gap), d(p.row)
    inner = width - 2 * margin
    y = margin
    tall = p.carrier_line > 0
    if tall:
        carrier = Box(margin, y, inner, d(p.carrier_line))
        y += carrier.h + gap
    left = inner * 3 // 5
    if caption:
        # Six columns at least: a short word's capitals ("Code") are wider than COLUMN_EM each.
        left = min(left, round(max(6, columns(caption)) * COLUMN_EM * d(p.header)) + gap)
    caption_box = Box(margin, y, left - gap, d(p.header))
    beside = Box(margin + left, y, inner - left, d(p.header))
    if not tall:
        carrier = beside
    y += d(p.header) + gap
    code = Box(margin, y, inner, d(p.code))
    y += d(p.code) + gap
    bottom = height - margin
    hri_h = d(p.hri) + gap if p.hri else 0  # the full waybill as text, under its code

    def finish(tail: Box, phone: Box, date_box: Box, symbol: Symbol, hri: Box | None) -> LabelLayout:
        return LabelLayout(
            size, dpi, width, height, caption_box, carrier, code, tail, phone, date_box, hri, symbol, tall
        )

    # Code 128 under two rows of text: [tail   date] and [phone] (a tall sticker: [tail] and [phone]).
    module = bar_module(waybill, width, dpi)
    bars_top = y + 2 * row + 2 * gap
    bar_h = min(d(p.bar_max), bottom - hri_h - bars_top)
    if module and bar_h >= d(MIN_BAR_MM):
        modules = code128.module_count(waybill)
        # Bars and their text centred in the room below the rows: a tall sticker's spare space goes
        # above and below them, not into a gap between them.
        top = bars_top + (bottom - bars_top - bar_h - hri_h) // 2
        bars = Box((width - modules * module) // 2, top, modules * module, bar_h)
        # The captioned tail ("Waybill 0167") takes 3/5 of the row less a gap and the date the right
        # 2/5, which holds it whole at the row's height.
        date_w = inner * 2 // 5
        return finish(
            Box(margin, y, inner if tall else inner - date_w - gap, row),
            Box(margin, y + row + gap, inner, row),
            beside if tall else Box(margin + inner - date_w, y, date_w, row),
            Symbol("code128", bars, module, modules, QUIET_1D),
            Box(margin, bars.bottom + gap, inner, d(p.hri)) if p.hri else None,
        )

    # A QR code at the right (2/5 of the width, half if it needs it), the rows stacked at its left.
    hri = Box(margin, bottom - d(p.hri), inner, d(p.hri)) if p.hri else None
    bottom -= hri_h
    area_h = bottom - y
    symbol = None
    for qr_w in (inner * 2 // 5, inner // 2):
        symbol = qr_symbol(waybill, Box(margin + inner - qr_w, y, qr_w, area_h), dpi, flush_right=True)
        if symbol is not None:
            break
    if symbol is None:
        raise LabelSizeError(
            N_("Waybill {waybill} is too long for a QR code even on a {size} mm sticker"),
            size=str(size),
            waybill=typed(waybill),
        )
    block_left = symbol.box.x - symbol.quiet * symbol.module
    column = block_left - margin - gap
    stacked = 2 if tall else 3  # a tall sticker's date is in the header row
    rows_h = min(row, (area_h - (stacked - 1) * gap) // stacked)
    top = y + max(0, (area_h - stacked * rows_h - (stacked - 1) * gap) // 2)
    return finish(
        Box(margin, top, column, rows_h),
        Box(margin, top + rows_h + gap, column, rows_h),
        beside if tall else Box(margin, top + 2 * (rows_h + gap), column, rows_h),
        symbol,
        hri,
    )
