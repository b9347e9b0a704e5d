"""The waybill label in each printer language, drawn from one `WaybillLayout`.

TSPL and ZPL use the printers' own text, Code128 and QR commands (text helpers and the Code128 subset
plan shared with the pickup labels); PNG and PDF draw the same boxes, bars and QR cells, so the
preview is what the printer makes.
"""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image, ImageDraw

from hardware.messages import N_, ConfigError, typed
from hardware.printers import code128, image, tspl, zpl
from hardware.printers.label import Box
from hardware.sendprint.layout import QR, Bars, Rule, Text, WaybillData, WaybillLayout, layout_for


def qr_matrix(data: str) -> list[list[bool]]:
    import qrcode

    qr = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(data)
    qr.make(fit=True)
    return [list(map(bool, row)) for row in qr.get_matrix()]


def render_tspl(layout: WaybillLayout, *, gap_mm: int = 2) -> bytes:
    lines = [
        f"SIZE {layout.size.width_mm} mm,{layout.size.height_mm} mm",
        f"GAP {gap_mm} mm,0 mm",
        "DIRECTION 1,0",
        "REFERENCE 0,0",
        "CLS",
    ]
    for item in layout.items:
        if isinstance(item, Text) and item.text:
            lines.append(tspl.text_command(item.text, item.box, align=item.align))  # never below mul 1
        elif isinstance(item, Rule):
            b = item.box
            lines.append(f"BAR {b.x},{b.y},{b.w},{b.h}")
        elif isinstance(item, Bars):
            b = item.box
            lines.append(
                f'BARCODE {b.x},{b.y},"128M",{b.h},0,0,{item.module},{item.module},'
                f'"{tspl.barcode_content(item.data)}"'
            )
        elif isinstance(item, QR):
            lines.append(f'QRCODE {item.x},{item.y},M,{item.cell},A,0,"{item.data}"')
    lines.append("PRINT 1,1")
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")


def render_zpl(layout: WaybillLayout) -> bytes:
    fields = ["^XA", "^CI28", f"^PW{layout.width}", f"^LL{layout.height}", "^LH0,0"]
    for item in layout.items:
        if isinstance(item, Text) and item.text:
            fields.append(zpl.text_field(item.text, item.box, align=item.align, min_h=item.min_h))
        elif isinstance(item, Rule):
            b = item.box
            fields.append(f"^FO{b.x},{b.y}^GB{b.w},{b.h},{b.h}^FS")
        elif isinstance(item, Bars):
            b = item.box
            fields.append(
                f"^FO{b.x},{b.y}^BY{item.module}^BCN,{b.h},N,N,N^FD{zpl.barcode_data(item.data)}^FS"
            )
        elif isinstance(item, QR):
            # ^BQ draws from the field origin plus a fixed top offset of about 10 dots.
            fields.append(f"^FO{item.x},{max(0, item.y - 10)}^BQN,2,{min(10, item.cell)}^FDMA,{item.data}^FS")
    fields += ["^PQ1", "^XZ"]
    return ("\n".join(fields) + "\n").encode("utf-8")


def label_image(layout: WaybillLayout) -> Image.Image:
    img = Image.new("1", (layout.width, layout.height), 1)
    draw = ImageDraw.Draw(img)
    bold = max(1, round(layout.dpi * 0.15 / 25.4))
    for item in layout.items:
        if isinstance(item, Text):
            stroke = bold if item.bold else 0
            image.draw_text(
                draw,
                item.text,
                item.box,
                align=item.align,
                stroke=stroke,
                min_h=item.min_h,
                size_by=item.size_by,
            )
        elif isinstance(item, Rule):
            b = item.box
            draw.rectangle([b.x, b.y, b.x + b.w - 1, b.y + b.h - 1], fill=0)
        elif isinstance(item, Bars):
            image.draw_bars(draw, item.data, item.box, item.module)
        elif isinstance(item, QR):
            for r, row in enumerate(qr_matrix(item.data)):
                for c, dark in enumerate(row):
                    if dark:
                        x, y = item.x + c * item.cell, item.y + r * item.cell
                        draw.rectangle([x, y, x + item.cell - 1, y + item.cell - 1], fill=0)
    return img


def render_png(layout: WaybillLayout) -> bytes:
    return image.to_png(label_image(layout), layout.dpi)


def render_pdf(layout: WaybillLayout) -> bytes:
    """A page the size of the label; text is real text, bars and QR cells vector rectangles."""
    from hardware.printers.pdf import _fit_text as fit_text  # the shared label PDF's own helpers
    from hardware.printers.pdf import _new_pdf as new_pdf
    from hardware.printers.pdf import dot_rect

    pdf, cjk = new_pdf(layout.size.width_mm, layout.size.height_mm)
    pdf.add_page()
    k = 25.4 / layout.dpi

    def mm(box: Box) -> tuple[float, float, float, float]:
        return box.x * k, box.y * k, box.w * k, box.h * k

    pdf.set_fill_color(0, 0, 0)
    for item in layout.items:
        if isinstance(item, Text) and item.text:
            fit_text(
                pdf,
                item.text,
                mm(item.box),
                cjk=cjk,
                align=item.align,
                min_mm=item.min_h * k,
                size_by=item.size_by,
            )
        elif isinstance(item, Rule):
            x, y, w, h = mm(item.box)
            pdf.rect(x, y, w, h, style="F")
        elif isinstance(item, Bars):
            x, y, _, h = mm(item.box)
            unit = item.module * k
            bits = code128.modules(item.data)
            start = None
            for i, bit in enumerate(bits + "0"):
                if bit == "1" and start is None:
                    start = i
                elif bit != "1" and start is not None:
                    dot_rect(pdf, x + start * unit, y, (i - start) * unit, h, k)
                    start = None
        elif isinstance(item, QR):
            cell = item.cell * k
            for r, row in enumerate(qr_matrix(item.data)):
                for c, dark in enumerate(row):
                    if dark:
                        dot_rect(pdf, item.x * k + c * cell, item.y * k + r * cell, cell, cell, k)
    return bytes(pdf.output())


RENDERERS: dict[str, Callable[[WaybillLayout], bytes]] = {
    "tspl": render_tspl,
    "zpl": render_zpl,
    "png": render_png,
    "pdf": render_pdf,
}


def render(language: str, size: str, dpi: int, data: WaybillData) -> bytes:
    """The label's bytes; ValueError for a language that cannot print a waybill (ESC/POS rolls)."""
    renderer = RENDERERS.get(language)
    if renderer is None:
        raise ConfigError(
            N_("{language} printers cannot print waybill labels: use one of {choices}"),
            language=typed(language),
            choices=", ".join(RENDERERS),
        )
    return renderer(layout_for(size, dpi, data))
