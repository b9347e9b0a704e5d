"""A PDF table's column widths, from what its cells say.

A number column is as wide as its widest figure (and its heading); the text columns share what is
left in proportion to their longest cell, none narrower than its heading or a code in it, none wider than its longest
cell while another still wraps. Each width includes the cell's padding on both sides.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

CELL_PADDING_MM = 1.5  # white between a cell's text and its borders, left and right
_SLACK_MM = 0.2  # rounding room, so a cell measured to fit is not wrapped by the table
_CODE = re.compile(r"[!-~]+")  # a run of printable ASCII without spaces: a waybill or pickup code, a sum


def column_widths(
    measure: Callable[[str], float],
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    aligns: Sequence[str],
    usable: float,
    *,
    padding: float = CELL_PADDING_MM,
) -> list[float]:
    """Widths in mm adding up to `usable`; `measure` gives a text's width in mm at the table's size and
    `aligns` says which columns are numbers ("R")."""
    count = len(aligns)
    natural, least = _needs(measure, columns, rows, count, padding)
    numbers = [i for i in range(count) if aligns[i] == "R"]
    texts = [i for i in range(count) if aligns[i] != "R"]
    widths = [0.0] * count
    for i in numbers:
        widths[i] = natural[i]
    room = usable - sum(widths)
    if room < sum(least[i] for i in texts):
        # Even the headings do not fit: every column in proportion to what it needs.
        total = sum(natural) or 1.0
        return [usable * n / total for n in natural]
    if sum(natural[i] for i in texts) <= room:
        # Everything fits on one line: the text columns share the spare white.
        if not texts:
            return [w + room / count for w in widths]
        total = sum(natural[i] for i in texts)
        for i in texts:
            widths[i] = natural[i] + (room - total) * natural[i] / total
        return widths
    # Water-filling: a column that needs less than its share gets what it needs (or its heading's
    # width, if more) and the others share the rest, until every share holds.
    open_ = list(texts)
    while open_:
        total = sum(natural[i] for i in open_)
        share = {i: room * natural[i] / total for i in open_}
        settled = [i for i in open_ if natural[i] <= share[i] or least[i] >= share[i]]
        if not settled:
            for i in open_:
                widths[i] = share[i]
            break
        for i in settled:
            widths[i] = min(natural[i], max(least[i], share[i]))
            room -= widths[i]
            open_.remove(i)
    return widths


def least_width(
    measure: Callable[[str], float],
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    aligns: Sequence[str],
    *,
    padding: float = CELL_PADDING_MM,
) -> float:
    """The narrowest the table can be with no heading, figure or code broken over lines: its number
    columns whole, its text columns at their headings and codes. Wider than the page: a smaller type."""
    natural, least = _needs(measure, columns, rows, len(aligns), padding)
    return sum(natural[i] if a == "R" else least[i] for i, a in enumerate(aligns))


def _needs(
    measure: Callable[[str], float],
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    count: int,
    padding: float,
) -> tuple[list[float], list[float]]:
    """Each column's width on one line, and the least it may have (padding included)."""
    pad = 2 * padding + _SLACK_MM
    cells = [list(columns), *rows] if columns else list(rows)
    natural = [
        max((measure(row[i]) for row in cells if i < len(row)), default=0.0) + pad for i in range(count)
    ]
    # Not narrower than the heading, nor than a code or number in it: a waybill number broken over
    # lines is misread (Chinese text breaks anywhere and has no such word).
    least = [
        max(
            [measure(columns[i]) if i < len(columns) else 0.0]
            + [measure(word) for row in rows if i < len(row) for word in _codes(row[i])]
        )
        + pad
        for i in range(count)
    ]
    return natural, least


def _codes(text: str) -> list[str]:
    return _CODE.findall(text)
