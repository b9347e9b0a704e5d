"""Text in terminal columns: a Chinese character takes two, so `f"{text:<16}"` misaligns a table as
soon as a label is translated. Plain-text tables (the CLI, text exports) pad with these instead."""

from __future__ import annotations

import unicodedata


def display_width(text: str) -> int:
    """Terminal columns: CJK characters (wide and fullwidth) take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, *, left: bool = True) -> str:
    """`text` filled with spaces to `width` columns (left-aligned by default); longer text is kept."""
    space = " " * max(0, width - display_width(text))
    return text + space if left else space + text
