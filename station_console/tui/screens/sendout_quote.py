"""Send-out's quote box: the total first, then each line of the working with its sum.

Beside the form the box has room for each line's whole working. Under the form (80 columns) it is a
fifth of the width: each line in a few words, its sum beside it if that fits, else under it, where the
whole working wrapped a line over three and the sums went past the box's foot.
"""

from __future__ import annotations

from rich.cells import cell_len

from station_console.i18n import _
from station_console.services.core.money import amount
from station_console.services.sendout import quote
from station_console.services.sendout.quote import money


def quote_text(got: quote.Quote, *, short: bool, room: int) -> str:
    """`got` as the box shows it, `room` cells wide; `short`: the box under the form."""
    lines: list[str] = []
    for line in got.lines:
        sum_ = money(line.amount_cents) if line.amount_cents else ""
        if not short:
            lines.append(f"{line.text()}  {sum_}".rstrip())
            continue
        words = line.text(short=True)
        beside = f"{words} {sum_}".rstrip()
        lines += [beside] if cell_len(beside) <= room else [words, sum_.rjust(room)]
    total = _("Total {total}", total=amount(got.total_cents, got.currency))
    # The total first: a long quote's lines (a remote zone, volumetric weight, insurance, packaging)
    # may still go past the box's foot.
    return "\n".join([total, *([] if short else [""]), *lines])
