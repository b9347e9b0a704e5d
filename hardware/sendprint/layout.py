"""The waybill label of a send (76x130 or 100x150 mm): what it says and where, as drawing items.

The layout is a list of items (text in a box, a rule, Code128 bars, a QR code) in printer dots; each
language (TSPL, ZPL, PDF, PNG) draws the same items, so a preview looks like the label. The barcode
gets whole dots per module (at least 2) and 10 modules of white each side; when that does not fit
the label's width, the number goes into a QR code instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hardware.line_breaks import line_spans
from hardware.messages import N_, ConfigError
from hardware.printers import code128, image
from hardware.printers.label import COLUMN_EM, Box, LabelSize, mm_to_dots
from hardware.printers.textfit import READABLE_MM, clip_columns, columns

SIZES = ("76x130", "100x150")
MIN_MODULE = 2
MAX_MODULE = 4
ADDRESS_LINES = 4  # under the recipient's name; the label's free space below takes the fourth
QUIET_MODULES = 10


@dataclass(frozen=True)
class WaybillData:
    """Already masked and translated; the full phone numbers never reach a label."""

    carrier: str  # its name in the label's language
    waybill: str
    sort_code: str  # the routing text printed large (大头笔): the carrier's, else the destination
    recipient_name: str
    recipient_phone: str
    address: str
    sender_name: str
    sender_phone: str
    weight: str  # "1.2 kg"
    details: str  # pieces, contents, insurance
    date: str
    station: str
    captions: dict[str, str] = field(default_factory=dict)  # to, from, weight, sign

    def caption(self, key: str) -> str:
        return self.captions.get(key, key)


@dataclass(frozen=True)
class Text:
    box: Box
    text: str
    align: str = "left"
    bold: bool = False
    min_h: int = 0  # dots: a name or address shortened with an ellipsis rather than shrunk below this
    size_by: str = ""  # a wrapped line: sized as this whole text would be, so its lines match


@dataclass(frozen=True)
class Rule:
    box: Box  # a filled rectangle: a line is 2 dots high


@dataclass(frozen=True)
class Bars:
    box: Box  # the bars only; the quiet zone is the white around them
    data: str
    module: int


@dataclass(frozen=True)
class QR:
    x: int
    y: int
    cell: int  # dots per QR module
    data: str
    size: int  # modules per side (for the preview and the space it takes)


Item = Text | Rule | Bars | QR


@dataclass(frozen=True)
class WaybillLayout:
    size: LabelSize
    dpi: int
    width: int
    height: int
    items: tuple[Item, ...]

    @property
    def bars(self) -> Bars | None:
        return next((i for i in self.items if isinstance(i, Bars)), None)

    @property
    def qr(self) -> QR | None:
        return next((i for i in self.items if isinstance(i, QR)), None)


def module_for(data: str, usable: int) -> int:
    """Dots per module so that the code and its quiet zones fit `usable` dots; 0 when even 2 do not."""
    total = code128.module_count(data) + 2 * QUIET_MODULES
    return min(MAX_MODULE, usable // total) if usable // total >= MIN_MODULE else 0


def qr_modules(data: str) -> int:
    import qrcode

    qr = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(data)
    qr.make(fit=True)
    return len(qr.get_matrix())


def wrap(text: str, units: int, lines: int) -> list[str]:
    """`text` in at most `lines` lines of `units` half-ems, broken where a line may break (between words,
    between Chinese characters, never inside a number nor between it and its unit: "150" / "2 室" read
    as another room); the last line ends in "…" if cut."""
    spans = line_spans(text, lambda line: columns(line) <= units)
    out = [text[start:end].rstrip() for start, end in spans[:lines]]
    if len(spans) > lines:
        out[-1] = clip_columns(text[spans[lines - 1][0] :].rstrip(), units)
    return out


def name_and_phone(box: Box, name: str, phone: str, *, bold: bool, min_h: int) -> list[Text]:
    """A person's line: the phone at the right in the room its digits need, the name in the rest (a
    long name is shortened there, never the phone the courier calls)."""
    if not phone:
        return [Text(box, name, bold=bold, min_h=min_h)]
    phone_w = min(box.w // 2, round(columns(phone) * COLUMN_EM * box.h))
    gap = box.h // 2
    name_box = Box(box.x, box.y, box.w - phone_w - gap, box.h)
    phone_box = Box(box.right - phone_w, box.y, phone_w, box.h)
    # A long name is cut at near the phone's size rather than shrunk to the smallest readable text
    # beside it: the courier reads the surname at arm's length.
    name_h = max(min_h, box.h * 3 // 4)
    return [Text(name_box, name, bold=bold, min_h=name_h), Text(phone_box, phone, "right", bold=bold)]


def layout_for(size: LabelSize | str, dpi: int, data: WaybillData) -> WaybillLayout:
    if isinstance(size, str):
        size = LabelSize.parse(size)
    if str(size) not in SIZES:
        raise ConfigError(
            N_("Waybill label size {size} mm: use one of {sizes}"), size=str(size), sizes=", ".join(SIZES)
        )
    width, height = mm_to_dots(size.width_mm, dpi), mm_to_dots(size.height_mm, dpi)

    def d(mm: float) -> int:
        return mm_to_dots(mm, dpi)

    k = size.height_mm / 150  # the 76x130 label is the 100x150 one, a little tighter
    readable = d(READABLE_MM)
    margin = d(3)
    inner = width - 2 * margin
    items: list[Item] = []
    y = margin

    def rule() -> None:
        nonlocal y
        items.append(Rule(Box(margin, y, inner, max(2, d(0.3)))))
        y += d(1.5)

    # Carrier and date.
    # The date takes the room its digits need; the carrier's name has the rest of the row.
    head = d(9 * k)
    date_h = max(d(READABLE_MM), head * 2 // 5)
    date_w = min(inner // 2, round(columns(data.date) * COLUMN_EM * date_h))
    carrier_w = inner - date_w - d(2)
    items.append(Text(Box(margin, y, carrier_w, head), data.carrier, bold=True, min_h=readable))
    items.append(Text(Box(margin + inner - date_w, y + head - date_h, date_w, date_h), data.date, "right"))
    y += head + d(1)
    rule()
    # Sort code (大头笔): read across the sorting hall.
    sort_h = d(14 * k)
    items.append(Text(Box(margin, y, inner, sort_h), data.sort_code, "center", bold=True))
    y += sort_h + d(1)
    rule()
    # The waybill barcode, with its quiet zones, and the number under it.
    bar_h = d(20 * k)
    module = module_for(data.waybill, inner)
    if module:
        bar_w = code128.module_count(data.waybill) * module
        items.append(Bars(Box((width - bar_w) // 2, y, bar_w, bar_h), data.waybill, module))
        y += bar_h + d(1)
    else:
        side = qr_modules(data.waybill)
        cell = max(MIN_MODULE, min(bar_h // side, 8))
        items.append(QR((width - side * cell) // 2, y, cell, data.waybill, side))
        y += side * cell + d(1)
    num_h = d(5 * k)
    items.append(Text(Box(margin, y, inner, num_h), data.waybill, "center", bold=True))
    y += num_h + d(1.5)
    rule()
    # Recipient.
    cap_w = d(9)
    line_h = d(5.5 * k)
    text_h = line_h - d(0.8)  # an address line's box
    to_h = line_h + ADDRESS_LINES * (line_h + d(0.8)) + d(1)
    items.append(Text(Box(margin, y, cap_w, d(8 * k)), data.caption("to"), bold=True))
    x = margin + cap_w + d(1)
    w = width - margin - x
    items += name_and_phone(
        Box(x, y, w, line_h), data.recipient_name, data.recipient_phone, bold=True, min_h=readable
    )
    # A Chinese character is about as wide as its line's box is high (two half-ems of `wrap`): lines
    # that fill the width, so the courier reads the whole address (a long one is cut with "…").
    address_lines = wrap(data.address, max(8, int(2 * w / text_h)), ADDRESS_LINES)
    for n, part in enumerate(address_lines, start=1):
        items.append(Text(Box(x, y + n * (line_h + d(0.8)), w, text_h), part, min_h=readable))
    y += to_h
    rule()
    # Sender.
    from_h = d(11 * k)
    items.append(Text(Box(margin, y, cap_w, d(8 * k)), data.caption("from"), bold=True))
    items += name_and_phone(
        Box(x, y, w, line_h), data.sender_name, data.sender_phone, bold=False, min_h=readable
    )
    y += from_h
    rule()
    # Weight, contents; the station; a signature line.
    small = d(4.5 * k)
    items.append(Text(Box(margin, y, inner, small), f"{data.caption('weight')} {data.weight}"))
    y += small + d(1.5)
    # Measured in the label's font at the line's size: both lines fill the width at one size.
    for part in image.wrapped(data.details, inner, small, 2):
        items.append(Text(Box(margin, y, inner, small), part, size_by=data.details))
        y += small + d(1)
    bottom = height - margin
    sign_y = max(y + d(2), bottom - small)
    # A gap between them: boxes side by side, each text filling its own, ran the signature's line
    # into the station's name.
    sign_w, gap = inner * 3 // 5, d(4)
    items.append(Text(Box(margin, sign_y, sign_w, small), data.caption("sign")))
    station_x = margin + sign_w + gap
    items.append(
        Text(Box(station_x, sign_y, width - margin - station_x, small), data.station, "right", min_h=readable)
    )
    return WaybillLayout(size=size, dpi=dpi, width=width, height=height, items=tuple(items))
