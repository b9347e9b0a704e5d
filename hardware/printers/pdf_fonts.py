"""The font of every PDF, parsed once per process instead of once per document.

fpdf2's `add_font` reads the whole font (glyph table, character map, widths: 0.1 s of CPU for the
bundled 4 MB CJK font) and its `output()` subsets the whole font again (0.06 s), so a label PDF cost
0.17 s against 0.03 s for a PNG; a station prints all day. Here the parsed font is kept per font file
and its read-only part (widths, character map, descriptor) shared by every document. What fpdf2 changes
per document stays per document: the characters used (`SubsetMap`), the missing glyphs, the font
descriptor (`output()` numbers it and hangs the embedded font program on it, so a label and a report
written at once in two threads would each point at the other's), and the fontTools font that `output()`
subsets in place. That last one is, per document, a small font cut from the whole
font: the glyphs the document uses plus printable ASCII, cut once per glyph set and kept (labels draw
from a handful of sets), so `output()` subsets some hundred glyphs, not 14,000.

Only TrueType-outline fonts are shared this way (the bundled font, WenQuanYi); others (the CFF
collections such as Noto CJK, colour fonts) are added per document as fpdf2 does.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from fontTools import subset as ftsubset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

CUTS_KEPT = 32  # glyph sets whose small font is kept (a label uses one of a few)
# Tables a PDF viewer never reads from an embedded font: the layout tables fpdf2's `output()` drops (which
# fontTools decompiles before it drops them: 7 ms a label with the bundled font) and BASE (baselines,
# which fpdf2 keeps and subsets again in every document: 4 ms). The small font is cut without them.
NOT_FOR_PDF = ("GDEF", "GPOS", "GSUB", "BASE", "MATH", "FFTM", "hdmx", "meta")


class SharedFontPDF(FPDF):
    """An FPDF whose fonts added by `add_shared_font` are the process's parsed ones."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shared: list[tuple[TTFFont, str, int]] = []

    def add_shared_font(self, family: str, path: Path, index: int = 0) -> None:
        """`add_font(family, fname=path, collection_font_number=index)`, without parsing the font again."""
        template = _parsed(str(path), index)
        if template is None:
            self.add_font(family, fname=str(path), collection_font_number=index)
            return
        font = TTFFont.__new__(TTFFont)
        for slot in TTFFont.__slots__:
            if hasattr(template, slot):
                setattr(font, slot, getattr(template, slot))
        font.i = len(self.fonts) + 1
        font.fontkey = family.lower()
        font.biggest_size_pt = 0
        font.missing_glyphs = []
        font.desc = copy.copy(template.desc)  # its object number and font file are this document's
        font.subset = SubsetMap(font)
        self.fonts[font.fontkey] = font
        self._shared.append((font, str(path), index))

    def output(self, *args: Any, **kwargs: Any) -> Any:
        for font, path, index in self._shared:
            used = frozenset(font.subset.get_all_glyph_names())
            small = _cut(path, index, used | _ascii_glyphs(path, index))
            # The cut's bounding boxes and maxima (head, hhea, maxp) cover every glyph output() keeps, so
            # they stay: recomputing them would decode and re-encode every outline (3 ms a label).
            font.ttfont = ttLib.TTFont(BytesIO(small), recalcTimestamp=False, recalcBBoxes=False)
        self._shared.clear()  # each font now holds its own small copy: a second output() just re-uses it
        return super().output(*args, **kwargs)


@lru_cache(maxsize=4)
def _parsed(path: str, index: int) -> TTFFont | None:
    """The font as fpdf2 parses it, or None when it cannot be shared (see the module docstring).
    Two threads may both parse it the first time; either result is the same."""
    scratch = FPDF()
    scratch.add_font("shared", fname=path, collection_font_number=index)
    font = scratch.fonts["shared"]
    if not isinstance(font, TTFFont) or font.is_cff or font.is_compressed or font.color_font is not None:
        return None
    if "glyf" not in font.ttfont or ".notdef" not in font.ttfont.getGlyphOrder():
        return None  # fpdf2 drew a .notdef into its copy of this font: not in the file we cut from
    return font


@lru_cache(maxsize=4)
def _ascii_glyphs(path: str, index: int) -> frozenset[str]:
    template = _parsed(path, index)
    assert template is not None  # only shared fonts get here
    return frozenset(template.cmap[c] for c in range(0x20, 0x7F) if c in template.cmap)


@lru_cache(maxsize=CUTS_KEPT)
def _cut(path: str, index: int, glyphs: frozenset[str]) -> bytes:
    """The font file reduced to `glyphs` (names as in the whole font, kept in the file)."""
    whole = ttLib.TTFont(path, recalcTimestamp=False, fontNumber=index, lazy=True)
    template = _parsed(path, index)
    assert template is not None  # only shared fonts get here
    whole.setGlyphOrder(template.ttfont.getGlyphOrder())  # else made again from the character map
    for tag in NOT_FOR_PDF:
        if tag in whole:
            del whole[tag]  # before the subsetter decompiles them
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True)
    options.name_IDs = ["*"]
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(glyphs=sorted(glyphs))
    subsetter.subset(whole)
    out = BytesIO()
    whole.save(out)
    return out.getvalue()
