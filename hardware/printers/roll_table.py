"""A table on a receipt roll (32 or 48 columns of font A): columns as wide as what their cells say.

The column widths come from `pdf_columns` measured in roll columns (`textfit.columns`): a waybill, pickup
code, date or sum is never broken over lines (a waybill split in three was unreadable to the courier), unless
it is longer than the roll's line (a 40-character waybill on 32 columns): then the widest column gives way and
the code is cut into equal pieces; a receipt's barcode carries it whole, a manifest row's parcel its own label. When
even the headings and codes cannot share one line, the columns that do not fit go on a line of their own under
the row, indented past its first column (on a 58 mm roll a return manifest's check-in date goes under its
waybill). A row with one cell filled (a run sheet's building) is printed across the roll.
"""

from __future__ import annotations

from collections.abc import Sequence

from hardware.printers.pdf_columns import column_widths, least_width
from hardware.printers.textfit import columns, plain, wrap_columns

# Half a column each side, with the measure's slack: one column of white after each cell.
_PADDING = 0.4


def _measure(text: str) -> float:
    return float(columns(text))


def _groups(heads: list[str], cells: list[list[str]], aligns: list[str], chars: int) -> list[list[int]]:
    """The columns of each line of a row: as many as fit whole on each, the first line first."""
    groups: list[list[int]] = []
    group: list[int] = []
    for i in range(len(aligns)):
        trial = [*group, i]
        room = chars - (_indent(heads, cells, groups, aligns) if groups else 0)
        if group and _least(heads, cells, aligns, trial) > room:
            groups.append(group)
            trial = [i]
        group = trial
    return [*groups, group] if group else groups


def _least(heads: list[str], cells: list[list[str]], aligns: list[str], idx: list[int]) -> float:
    return least_width(
        _measure,
        [heads[i] for i in idx] if heads else [],
        [[row[i] for i in idx] for row in cells],
        [aligns[i] for i in idx],
        padding=_PADDING,
    )


def _indent(heads: list[str], cells: list[list[str]], groups: list[list[int]], aligns: list[str]) -> int:
    """A continuation line starts past the first column (a row number), when that is narrow."""
    first = groups[0][0]
    width = int(_least(heads, cells, aligns, [first]))
    return width if width <= 4 else 2


def _widths(
    heads: list[str], cells: list[list[str]], aligns: list[str], idx: list[int], usable: int
) -> list[int]:
    floats = column_widths(
        _measure,
        [heads[i] for i in idx] if heads else [],
        [[row[i] for i in idx] for row in cells],
        [aligns[i] for i in idx],
        float(usable),
        padding=_PADDING,
    )
    # Whole columns, never below what a code needs (the measure is exact in columns).
    widths = [max(1, int(w + 1e-6)) for w in floats]
    if sum(widths) > usable:  # codes wider than the roll: the widest gives way
        widths[widths.index(max(widths))] -= sum(widths) - usable
    return widths


def roll_table(
    heads: Sequence[str], rows: Sequence[Sequence[str]], aligns: Sequence[str], chars: int
) -> list[str]:
    """The heading row (may be empty) and the rows as lines of at most `chars` columns; `aligns`
    says "R" for a right-aligned column (sums), else left."""
    count = max([len(heads), *(len(r) for r in rows)], default=0)
    if not count:
        return []
    fill = [*aligns, *["L"] * count][:count]
    head = [plain(h) for h in heads] + [""] * (count - len(heads)) if heads else []
    cells = [[plain(c) for c in row] + [""] * (count - len(row)) for row in rows]
    spanning = [sum(1 for c in row if c) == 1 and count > 1 for row in cells]
    laid = [row for row, span in zip(cells, spanning, strict=True) if not span]
    groups = _groups(head, laid, fill, chars)
    indent = _indent(head, laid, groups, fill) if len(groups) > 1 else 0
    widths: dict[int, int] = {}
    for n, idx in enumerate(groups):
        usable = chars - (indent if n else 0)
        widths.update(zip(idx, _widths(head, laid, fill, idx, usable), strict=True))
    out: list[str] = []
    for row, span in zip(
        [head, *cells] if head else cells, [False, *spanning] if head else spanning, strict=True
    ):
        if span:
            out += wrap_columns(next(c for c in row if c), chars)
            continue
        for n, idx in enumerate(groups):
            if n and not any(row[i] for i in idx):
                continue
            out += _line_group(row, idx, widths, fill, " " * (indent if n else 0))
    return out


def _wrapped(cell: str, room: int) -> list[str]:
    """A cell's lines; a code wider than its room (no spaces to wrap at) is cut into equal pieces, as a
    label's number is, so the courier does not read a full line and a stray few characters."""
    if " " in cell or not cell.isascii() or len(cell) <= room:
        return wrap_columns(cell, room)
    pieces = -(-len(cell) // room)
    size = -(-len(cell) // pieces)
    return [cell[start : start + size] for start in range(0, len(cell), size)]


def _line_group(
    row: list[str], idx: list[int], widths: dict[int, int], aligns: list[str], lead: str
) -> list[str]:
    last = idx[-1]
    parts = {i: _wrapped(row[i], max(1, widths[i] - (0 if i == last else 1))) for i in idx}
    lines = []
    for k in range(max(len(p) for p in parts.values())):
        text = lead
        for i in idx:
            cell = parts[i][k] if k < len(parts[i]) else ""
            room = widths[i] - (0 if i == last else 1)
            pad = " " * max(0, room - columns(cell))
            text += (pad + cell if aligns[i] == "R" else cell + pad) + ("" if i == last else " ")
        lines.append(text.rstrip())
    return lines
