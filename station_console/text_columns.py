"""Text in terminal columns: a Chinese character takes two, so `f"{text:<16}"` misaligns a table as
soon as a label is translated. Plain-text tables (the CLI, text exports) pad with these instead."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence


def display_width(text: str) -> int:
    """Terminal columns: CJK characters (wide and fullwidth) take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, *, left: bool = True) -> str:
    """`text` filled with spaces to `width` columns (left-aligned by default); longer text is kept."""
    space = " " * max(0, width - display_width(text))
    return text + space if left else space + text


def table_lines(rows: list[list[str]], *, right: Collection[int] = ()) -> list[str]:
    """`rows` (a header first, say) as lines of aligned columns two spaces apart, each column as wide
    as its widest cell, so a long name or room widens its column instead of pushing the rest of its row
    right (nothing is cut: the CLI's reader may be looking for that very room). Columns numbered in
    `right` (amounts, counts) are right-aligned; the last column is not padded (it may be long, and
    nothing follows it)."""
    if not rows:
        return []
    count = max(len(row) for row in rows)
    widths = [
        max((display_width(row[i]) for row in rows if i < len(row)), default=0) for i in range(count - 1)
    ]
    return [
        "  ".join(
            [
                pad(cell, width, left=i not in right)
                for i, (cell, width) in enumerate(zip(row[:-1], widths, strict=False))
            ]
            + row[-1:]
        ).rstrip()
        for row in rows
    ]


def columns_that_fit(widths: Sequence[int], room: int, *, wanted: Sequence[int], gap: int = 0) -> list[int]:
    """Which of a table's columns (`widths`, each `gap` wider on screen: its padding) fit side by side
    in `room` cells, so none is cut at the edge: taken in the order of `wanted` (the most wanted
    first; the first is always shown), a column too wide for what is left skipped for the next one.
    Their indexes, in the table's order."""
    taken: set[int] = set()
    used = 0
    for index in wanted:
        width = widths[index] + gap
        if not taken or used + width <= room:
            taken.add(index)
            used += width
    return sorted(taken)
