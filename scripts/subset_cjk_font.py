"""Make the bundled Chinese font: a Simplified Chinese subset of Noto Sans CJK SC Bold (SIL OFL 1.1).

Labels, receipts and PDFs need a font with Chinese glyphs; a station PC or a bare CI machine may have
none, so the repository ships this subset (hardware/printers/fontdata/) and `fonts.cjk_font()` falls
back to it when the machine has no CJK font of its own.

What it covers: every character of GB 2312 (the 6,763 hanzi of levels 1 and 2, which hold the 3,500
common characters, plus its punctuation, full-width forms, digits and letters), every character of the
Chinese catalogs and the seed data, ASCII and Latin-1. What it does not: rarer hanzi outside GB 2312
(some personal names, e.g. 喆 or 堃) draw as an empty box; a station that prints such names installs a
full CJK font, which `auto` prefers, or points the counter's `label_font` at one.

Why this shape: Bold, because thermal heads at 203 dpi lose thin strokes; TrueType outlines (converted
from the original CFF) because fpdf2 embeds CFF fonts with text that PDF readers cannot extract; no
vertical metrics and no glyph names, which labels never use.

Usage (the source is Debian's fonts-noto-cjk; `apt-get download fonts-noto-cjk && dpkg-deb -x *.deb x`
gets it without installing):

    .venv/bin/python scripts/subset_cjk_font.py x/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc

Run it again when the catalogs gain characters outside GB 2312 (tests/hardware/test_fonts.py says which).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "hardware" / "printers" / "fontdata" / "NotoSansCJKsc-Bold-GB2312.ttf"
SC_FACE = "Noto Sans CJK SC Bold"


def gb2312() -> set[str]:
    """Every character GB 2312 encodes (rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    chars = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def project_text() -> set[str]:
    """Every character of the Chinese catalogs and the seed data (carrier names)."""
    files = [
        *(ROOT / "station_console" / "locale").rglob("*.toml"),
        *(ROOT / "station_console" / "data").glob("*"),
    ]
    return {ch for path in files for ch in path.read_text(encoding="utf-8")}


def wanted() -> set[str]:
    latin = {chr(c) for c in range(0x20, 0x7F)} | {chr(c) for c in range(0xA0, 0x100)}
    extra = set("‐‑–—―‘’“”•…‰′″€¥№™←↑→↓√∞≈≠≤≥□■○●◆★☆✓⚠")
    return {ch for ch in gb2312() | project_text() | latin | extra if ch.isprintable()}


def sc_face(source: Path) -> TTFont:
    if source.suffix.lower() not in (".ttc", ".otc"):
        return TTFont(source)
    for font in TTCollection(source).fonts:
        if font["name"].getDebugName(4) == SC_FACE:
            return font
    sys.exit(f"{source} has no face named {SC_FACE!r}")


def to_truetype(font: TTFont) -> None:
    """CFF cubic outlines -> glyf quadratic ones (within 1 font unit), in place."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["maxp"] = maxp
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0  # no glyph names
    font.sfntVersion = "\x00\x01\x00\x00"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="NotoSansCJK-Bold.ttc, or NotoSansCJKsc-Bold.otf")
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args()

    font = sc_face(args.source)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True  # a character the subset lacks shows as a box, not as nothing
    options.drop_tables += ["vhea", "vmtx", "VORG"]
    subsetter = subset.Subsetter(options)
    chars = wanted()
    subsetter.populate(text="".join(sorted(chars)))
    subsetter.subset(font)
    to_truetype(font)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    font.recalcTimestamp = False  # the same source gives the same bytes
    font.save(args.output)
    covered = set(map(chr, font.getBestCmap()))
    print(f"{args.output}: {args.output.stat().st_size:,} bytes, {len(covered):,} characters")
    missing = sorted(chars - covered)
    if missing:
        print(f"not in the source font: {''.join(missing)}")


if __name__ == "__main__":
    main()
