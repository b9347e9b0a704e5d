"""Fitting a field's text into the room it has, by the width the font actually gives it.

A label's name-like fields (a carrier's short name, a recipient's name, an address line) shrink with
their box down to `READABLE_MM` and are then shortened with an ellipsis, never cut mid-character and
never drawn past their box (into the next field or a barcode's quiet zone). How wide a text is
depends on the font that prints it: our TrueType font is measured (image.py, pdf.py); a printer's
resident GB font and an ESC/POS roll in Chinese mode give every double-byte character two columns
(`columns`), whatever its Unicode width.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from hardware.line_breaks import break_lines

READABLE_MM = 2.4  # smaller text is hard to read on a thermal sticker (label.MIN_SCALE): shorten it instead
ELLIPSIS = "…"  # in the CJK font, in GB fonts, and in PDF text
ASCII_ELLIPSIS = "..."  # for printer fonts that have only ASCII (TSPL fonts 1-5, ZPL font 0)


# A terminal escape sequence whole (CSI, OSC, two characters), then any other C0 or C1 control: a printer
# takes ESC, GS and a line break in its stream as commands (ESC/POS opens the drawer on ESC p, TSPL
# reads the rest of a line as its next command).
_CONTROLS = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[0-~]"
    r"|[\x00-\x1f\x7f-\x9f]"
)


def plain(text: str) -> str:
    """`text` as one line of print: escape sequences and control characters gone, a tab or line break a
    space."""
    return _CONTROLS.sub(lambda m: " " if m.group() in "\t\r\n" else "", text)


def columns(text: str) -> int:
    """Half-width columns `text` takes in a GB printer font: ASCII one, any other character two (GB18030
    sends it as two bytes, and the printer draws it full width, "…" and "，" too)."""
    return sum(0 if unicodedata.combining(ch) else 1 if ord(ch) < 0x80 else 2 for ch in text)


# What a receipt printer's Chinese font cannot draw prints as this, in the two columns `columns` gives it.
NOT_IN_GBK = "？"


def gbk_printable(text: str) -> str:
    """`text` as a GBK-only printer font draws it: a character GB18030 would send in four bytes (an
    emoji, a rare character, "¥") printed as garbage there, and the rest of its line out of its column.
    It becomes `NOT_IN_GBK`, which takes the two columns `columns` counted for it; an accent outside GBK
    is dropped, as it took none."""
    if text.isascii():
        return text
    return "".join(ch if ch.isascii() or _in_gbk(ch) else _replacement(ch) for ch in text)


def _in_gbk(ch: str) -> bool:
    try:
        return len(ch.encode("gb18030")) == 2
    except UnicodeEncodeError:  # a lone surrogate
        return False


def _replacement(ch: str) -> str:
    return "" if unicodedata.combining(ch) else NOT_IN_GBK


def clip_columns(text: str, width: int, *, mark: str = ELLIPSIS) -> str:
    """`text` in at most `width` columns, shortened with `mark` when it does not fit."""
    return ellipsized(text, lambda t: columns(t) <= width, mark=mark)


def ellipsized(text: str, fits: Callable[[str], bool], *, mark: str = ELLIPSIS) -> str:
    """`text` when it fits, else its longest start with `mark` after it that fits ("" if not even the
    mark does). The cut is between characters, never before a combining mark."""
    if fits(text):
        return text
    cuts = [n for n in range(len(text)) if not unicodedata.combining(text[n])]
    if not cuts or not fits(mark):
        return ""
    lo, hi = 0, len(cuts) - 1  # the largest i with fits(text[:cuts[i]] + mark); fits() grows with length
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(text[: cuts[mid]].rstrip() + mark):
            lo = mid
        else:
            hi = mid - 1
    return text[: cuts[lo]].rstrip() + mark


# Where one sentence ends and the next begins: after . ! ? and a space, after 。！？ or a cut's "…"
# (Chinese sentences follow one another with no space).
_SENTENCE_GAP = re.compile(r"(?<=[.!?])\s+(?=\S)|(?<=[。！？…])\s*(?=\S)")


def clip_keeping_end(text: str, width: int, measure: Callable[[str], int] = columns) -> str:
    """`text` in at most `width` (by `measure`), shortened inside, before what its later sentences
    say, not at its end: a note that says more after the writer's words (a recall's "Due for return:
    on the shelf 8 days.", "Was flagged wrong address: ...") keeps that. Its last sentence whole where
    it fits in two thirds of the width, the words before it shortened; else the first sentence
    shortened to a third, then the rest shortened at its end. One sentence: shortened at its end."""
    if measure(text) <= width:
        return text
    gaps = list(_SENTENCE_GAP.finditer(text))
    if not gaps:
        return ellipsized(text, lambda t: measure(t) <= width)
    gap = gaps[-1] if measure(text[gaps[-1].end() :]) <= width * 2 // 3 else gaps[0]
    head, sep, tail = text[: gap.start()], gap.group(), text[gap.end() :]
    head_room = max(width // 3, width - measure(sep) - measure(tail))
    head = ellipsized(head, lambda t: measure(t) <= head_room)
    return head + sep + ellipsized(tail, lambda t: measure(head + sep + t) <= width)


# A count, sum or figure, with its punctuation.
_FIGURE = re.compile(r"[(（]?\d[\d.,:%‰/-]*[)）.,;:。，；]?(?=\s|$)")


def wrap_columns(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` columns (a Chinese character takes two), broken where a line
    may break (`hardware.line_breaks`: between words, between Chinese characters but never before
    "。" or "·", a number kept with its unit), a figure kept with the word before it where the line
    has room; a word longer than a line is cut."""
    # A figure never starts a line alone: it goes down with the word it counts ("damaged" / "0").
    figures = {m.start() for m in _FIGURE.finditer(text) if m.start() and text[m.start() - 1] == " "}
    return break_lines(text, lambda line: columns(line) <= width, avoid=figures) or [""]
