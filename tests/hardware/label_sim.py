"""Test-side printers: draw what TSPL, ZPL and ESC/POS bytes tell a printer to draw (PDF pages are
rendered by PDFium itself: tests/pdf_pages.py).

Written from the printer manuals, not from the code under test: Code 128 bars come from the symbol
values the command spells out (start and code-set switches as each manual defines them), a checksum
computed here, and python-barcode's table of bar patterns; QR codes come from zxing-cpp's encoder at
the cell size the command gives. Text is drawn as solid boxes of the font's cell size (ink, for the
quiet-zone checks). `Sheet.codes` records where each code was drawn and how.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import zxingcpp
from barcode.charsets.code128 import CODES, STOP
from PIL import Image, ImageDraw

TSPL_FONTS = {"1": (8, 12), "2": (12, 20), "3": (16, 24), "4": (24, 32), "5": (32, 48)}
TSPL_CJK = {"TSS24.BF2": 24}
START_B, START_C, CODE_B, CODE_C = 104, 105, 100, 99
ZPL_CODES = {">:": START_B, ">;": START_C, ">9": 103, ">6": CODE_B, ">5": CODE_C, ">7": 101}
ZPL_FONT0_WIDTH = 0.6  # font 0 advance per character as a fraction of the height, roughly
ESCPOS_LINE = 30  # default line spacing in dots (1/6 inch at 180 units per inch, about 30 dots)


@dataclass
class Code:
    kind: str  # "code128" | "qr"
    data: str
    x: int
    y: int
    w: int
    h: int
    module: int


@dataclass
class Sheet:
    width: int
    height: int
    rects: list[tuple[int, int, int, int]] = field(default_factory=list)  # x, y, w, h (ink)
    bitmaps: list[tuple[int, int, Image.Image]] = field(default_factory=list)  # "1": 0 = ink
    codes: list[Code] = field(default_factory=list)

    def ink(self, x: int, y: int, w: int, h: int) -> None:
        if w > 0 and h > 0:
            self.rects.append((x, y, w, h))

    def image(self) -> Image.Image:
        img = Image.new("L", (self.width, self.height), 255)
        draw = ImageDraw.Draw(img)
        for x, y, w, h in self.rects:
            draw.rectangle([x, y, x + w - 1, y + h - 1], fill=0)
        for x, y, bits in self.bitmaps:
            img.paste(0, (x, y), bits.point(lambda v: 255 if v == 0 else 0).convert("1"))
        return img

    def bars(self, x: int, y: int, module: int, height: int, values: list[int], data: str) -> None:
        bits = code128_bits(values)
        for i, bit in enumerate(bits):
            if bit == "1":
                self.ink(x + i * module, y, module, height)
        self.codes.append(Code("code128", data, x, y, len(bits) * module, height, module))

    def qr(self, x: int, y: int, cell: int, data: str, ecc: str) -> None:
        symbol = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level=ecc)
        matrix = symbol.to_image(scale=1, add_quiet_zones=False)
        rows, cols = matrix.shape
        pixels = bytes(memoryview(matrix))  # type: ignore[arg-type]  # a buffer; the zxingcpp stub omits it
        for r in range(rows):
            for c in range(cols):
                if pixels[r * cols + c] == 0:
                    self.ink(x + c * cell, y + r * cell, cell, cell)
        self.codes.append(Code("qr", data, x, y, cols * cell, rows * cell, cell))


def code128_bits(values: list[int]) -> str:
    """Bars for start code + data symbol values: the mod-103 checksum added, then the 13-module stop
    (python-barcode's table holds its first 11 modules; the final 2-module bar closes it)."""
    check = (values[0] + sum(i * v for i, v in enumerate(values[1:], 1))) % 103
    return "".join(CODES[v] for v in [*values, check]) + STOP + "11"


def code128_text(values: list[int]) -> str:
    """What a scanner reads from these symbol values (code sets B and C)."""
    out, subset = [], "B" if values[0] == START_B else "C"
    for v in values[1:]:
        if v == CODE_B:
            subset = "B"
        elif v == CODE_C:
            subset = "C"
        elif subset == "B":
            out.append(chr(v + 32))
        else:
            out.append(f"{v:02d}")
    return "".join(out)


def dots(mm: float, dpi: int) -> int:
    return round(mm * dpi / 25.4)


# -- TSPL ----------------------------------------------------------------------------------------


def _tspl_args(text: str) -> list[str]:
    return [a.strip() for a in re.findall(r'"(?:[^"\\]|\\.)*"|[^,]+', text)]


def _unquote(arg: str) -> str:
    return arg[1:-1].replace('\\["]', '"') if arg.startswith('"') else arg


def _code128_values(content: str, switch: Callable[[str, int], tuple[int, int] | None]) -> list[int]:
    """Symbol values of a command's Code 128 data: `switch` spots the language's start/code-set
    escapes (value, length); between them, code set B is one character a value, C two digits."""
    values: list[int] = []
    subset = ""
    i = 0
    while i < len(content):
        found = switch(content, i)
        if found is not None:
            value, size = found
            values.append(value)
            subset = {START_B: "B", CODE_B: "B", START_C: "C", CODE_C: "C"}.get(value, subset)
            i += size
        elif subset == "C":
            values.append(int(content[i : i + 2]))
            i += 2
        else:
            values.append(ord(content[i]) - 32)
            i += 1
    return values


def tspl_128m(content: str) -> list[int]:
    """TSPL `128M`: `!nnn` is a symbol value (104 start B, 105 start C, 100 code B, 99 code C)."""
    return _code128_values(content, lambda s, i: (int(s[i + 1 : i + 4]), 4) if s[i] == "!" else None)


def tspl(data: bytes, dpi: int) -> Sheet:
    sheet: Sheet | None = None
    pos = 0
    while pos < len(data):
        if data.startswith(b"BITMAP ", pos):
            head_end = pos
            for _ in range(5):
                head_end = data.index(b",", head_end) + 1
            left, top, wb, h, _bitmap_mode = (int(v) for v in data[pos + 7 : head_end - 1].split(b","))
            raw = data[head_end : head_end + wb * h]
            assert sheet is not None
            sheet.bitmaps.append((left, top, Image.frombytes("1", (wb * 8, h), raw)))  # TSPL: 0 bit = dot
            pos = head_end + wb * h
            assert data.startswith(b"\r\n", pos), "BITMAP data not followed by CRLF"
            pos += 2
            continue
        end = data.index(b"\r\n", pos)
        line = data[pos:end].decode("gb18030")
        pos = end + 2
        command, _, rest = line.partition(" ")
        if command == "SIZE":
            w_mm, h_mm = (float(a.replace("mm", "")) for a in rest.split(","))
            sheet = Sheet(dots(w_mm, dpi), dots(h_mm, dpi))
        elif command == "TEXT":
            assert sheet is not None
            x, y, font, _rot, xm, ym, text = _tspl_args(rest)
            name, value = _unquote(font), _unquote(text)
            if name in TSPL_CJK:
                cell = TSPL_CJK[name]
                # A GB font draws every double-byte character full width, ASCII half.
                width = sum(cell if len(ch.encode("gb18030")) > 1 else cell // 2 for ch in value)
                sheet.ink(int(x), int(y), width * int(xm), cell * int(ym))
            else:
                cw, ch = TSPL_FONTS[name]
                sheet.ink(int(x), int(y), cw * len(value) * int(xm), ch * int(ym))
        elif command == "BARCODE":
            assert sheet is not None
            x, y, kind, height, _hr, _rot, narrow, _wide, content = _tspl_args(rest)
            assert _unquote(kind) == "128M", kind
            values = tspl_128m(_unquote(content))
            sheet.bars(int(x), int(y), int(narrow), int(height), values, code128_text(values))
        elif command == "QRCODE":
            assert sheet is not None
            x, y, ecc, qr_cell, _mode, _rot, content = _tspl_args(rest)
            sheet.qr(int(x), int(y), int(qr_cell), _unquote(content), ecc)
    assert sheet is not None, "no SIZE command"
    return sheet


# -- ZPL -----------------------------------------------------------------------------------------


def _zpl_unhex(text: str) -> str:
    return re.sub(r"_([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), text)


def zpl_bc(data: str) -> list[int]:
    """ZPL ^BC invocation codes: >: start B, >; start C, >6 code B, >5 code C."""
    return _code128_values(
        data, lambda s, i: (ZPL_CODES[s[i : i + 2]], 2) if s[i : i + 2] in ZPL_CODES else None
    )


def zpl(data: bytes) -> Sheet:
    text = data.decode("utf-8")
    width = int(re.search(r"\^PW(\d+)", text).group(1))  # type: ignore[union-attr]
    height = int(re.search(r"\^LL(\d+)", text).group(1))  # type: ignore[union-attr]
    sheet = Sheet(width, height)
    x = y = 0
    by_module, by_height = 2, 10
    field: dict[str, str] = {}
    for raw in text.split("^")[1:]:
        raw = raw.rstrip("\n")
        cmd, args = raw[:2], raw[2:]
        if cmd == "FO":
            x, y = (int(v) for v in args.split(",")[:2])
        elif cmd == "BY":
            parts = args.split(",")
            by_module = int(parts[0]) if parts[0] else by_module
            if len(parts) > 2 and parts[2]:
                by_height = int(parts[2])
        elif cmd in ("A0", "FB", "BC", "BQ", "FH"):
            field[cmd] = args
        elif cmd == "GF":
            _a, total, _t, row_bytes, hexdata = args.split(",", 4)
            raw_bits = bytes(b ^ 0xFF for b in bytes.fromhex(hexdata))  # ZPL: 1 = dot
            rows = int(total) // int(row_bytes)
            sheet.bitmaps.append((x, y, Image.frombytes("1", (int(row_bytes) * 8, rows), raw_bits)))
        elif cmd == "FD":
            value = _zpl_unhex(args) if "FH" in field else args
            if "BC" in field:
                bar_h = int(field["BC"].split(",")[1])
                values = zpl_bc(value)
                sheet.bars(x, y, by_module, bar_h, values, code128_text(values))
            elif "BQ" in field:
                cell = int(field["BQ"].split(",")[2])
                ecc, _, content = value.partition(",")
                # Printers put a ^FO'd QR code lower by the ^BY bar height (Zebra firmware, Labelary).
                sheet.qr(x, y + by_height, cell, content, ecc[0])
            elif "A0" in field:
                _, h, char_w = (int(v) if v else 0 for v in field["A0"][1:].split(",")[:3])
                # ^A0 height,width: the width scales the characters apart from the height.
                w = round(ZPL_FONT0_WIDTH * (char_w or h) * len(value))
                left = x
                if "FB" in field:
                    block_w, _lines, _sp, just = field["FB"].split(",")[:4]
                    room = int(block_w) - w
                    left = x + (room if just == "R" else room // 2 if just == "C" else 0)
                sheet.ink(left, y, w, h)
        elif cmd == "FS":
            field = {}
    return sheet


# -- ESC/POS -------------------------------------------------------------------------------------


def escpos(data: bytes, width: int) -> Sheet:
    """A roll `width` dots wide: text lines as ink boxes (font A 12x24, B 9x17), barcodes and QR codes."""
    ops: list[Callable[[Sheet], None]] = []  # each draws its line or code once the roll's length is known
    y = 0
    align = 0
    mag_w = mag_h = 1
    font = (12, 24)  # font A's cell; ESC M 1 selects font B, 9 x 17
    cjk = False
    bar_h, bar_w = 162, 3
    qr_cell, qr_ecc, qr_data = 3, "L", ""
    line = bytearray()
    i = 0

    def x_for(w: int) -> int:
        return (width - w) // 2 if align == 1 else width - w if align == 2 else 0

    def flush_line() -> None:
        nonlocal y, line
        chars = len(line) if not cjk else len(line)  # GB18030 double bytes: 2 bytes, 24 dots wide
        w = chars * font[0] * mag_w
        h = font[1] * mag_h
        if w:
            ops.append(partial(Sheet.ink, x=x_for(w), y=y, w=w, h=h))
        y += max(ESCPOS_LINE, h + 6)
        line = bytearray()

    while i < len(data):
        b = data[i]
        if b == 0x0A:
            flush_line()
            i += 1
        elif b == 0x1B:
            op = data[i + 1]
            if op == 0x40:  # ESC @
                align, mag_w, mag_h, font = 0, 1, 1, (12, 24)
                i += 2
            elif op == 0x4D:  # ESC M n: font A (0) or B (1)
                font = (9, 17) if data[i + 2] % 48 == 1 else (12, 24)
                i += 3
            elif op == 0x61:  # ESC a n
                align = data[i + 2] % 48
                i += 3
            elif op in (0x21, 0x45, 0x2D, 0x47, 0x74):  # ESC ! / E / - / G / t: one byte
                if op == 0x21:
                    mag_w = mag_h = 1
                i += 3
            elif op == 0x4A:  # ESC J n: feed n dots
                y += data[i + 2]
                i += 3
            elif op == 0x64:  # ESC d n: feed n lines
                y += data[i + 2] * ESCPOS_LINE
                i += 3
            else:
                raise AssertionError(f"unknown ESC {op:#x} at {i}")
        elif b == 0x1C:
            cjk = data[i + 1] == 0x26  # FS & on, FS . off
            i += 2
        elif b == 0x1D:
            op = data[i + 1]
            if op == 0x21:  # GS ! n: character size
                n = data[i + 2]
                mag_w, mag_h = (n >> 4) + 1, (n & 0x0F) + 1
                i += 3
            elif op == 0x68:  # GS h n
                bar_h = data[i + 2]
                i += 3
            elif op == 0x77:  # GS w n
                bar_w = data[i + 2]
                i += 3
            elif op in (0x48, 0x66):  # GS H / GS f: HRI position and font
                i += 3
            elif op == 0x6B:  # GS k m n d1..dn (function B)
                m, n = data[i + 2], data[i + 3]
                assert m == 73, f"barcode system {m}: only CODE128 (73) expected"
                payload = data[i + 4 : i + 4 + n]
                values: list[int] = []
                j, subset = 0, ""
                while j < len(payload):
                    if payload[j] == ord("{"):
                        code = chr(payload[j + 1])
                        start = {"B": START_B, "C": START_C}[code]
                        values.append(start if not values else {"B": CODE_B, "C": CODE_C}[code])
                        subset = code
                        j += 2
                    elif subset == "C":
                        values.append(payload[j])
                        j += 1
                    else:
                        values.append(payload[j] - 32)
                        j += 1
                w = len(code128_bits(values)) * bar_w
                ops.append(
                    partial(
                        Sheet.bars,
                        x=x_for(w),
                        y=y,
                        module=bar_w,
                        height=bar_h,
                        values=values,
                        data=code128_text(values),
                    )
                )
                y += bar_h
                i += 4 + n
            elif op == 0x28 and data[i + 2] == 0x6B:  # GS ( k pL pH cn fn ...
                length = data[i + 3] + 256 * data[i + 4]
                body = data[i + 5 : i + 5 + length]
                cn, fn = body[0], body[1]
                assert cn == 49, f"2D symbol {cn}: only QR (49) expected"
                if fn == 67:
                    qr_cell = body[2]
                elif fn == 69:
                    qr_ecc = "LMQH"[body[2] - 48]
                elif fn == 80:
                    qr_data = body[3:].decode()
                elif fn == 81:
                    probe = zxingcpp.create_barcode(qr_data, zxingcpp.BarcodeFormat.QRCode, ec_level=qr_ecc)
                    side = probe.to_image(scale=1, add_quiet_zones=False).shape[0] * qr_cell
                    ops.append(partial(Sheet.qr, x=x_for(side), y=y, cell=qr_cell, data=qr_data, ecc=qr_ecc))
                    y += side
                i += 5 + length
            elif op == 0x56:  # GS V m: cut
                i += 3
            else:
                raise AssertionError(f"unknown GS {op:#x} at {i}")
        else:
            line.append(b)
            i += 1
    sheet = Sheet(width, y + 10)
    for draw in ops:
        draw(sheet)
    return sheet
