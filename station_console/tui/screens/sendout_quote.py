"""Send-out's quote box: asked for again as the form changes (an answer older than the form is dropped),
shown with the total first, then each line of the working with its sum.

Beside the form the box has room for each line's whole working. Under the form (80 columns) it is a
fifth of the width: each line in a few words, its sum beside it if that fits, else under it, where the
whole working wrapped a line over three and the sums went past the box's foot.

`Quoting` is a mixin of `SendoutScreen` (its `call`, `form`, `station`): named methods, as a plain mixin
has no decorated-handler table of its own.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual.content import Content

from station_console.errors import StationError
from station_console.i18n import N_, _
from station_console.services.core.money import amount
from station_console.services.sendout import quote
from station_console.services.sendout.quote import money
from station_console.tui.widgets.plain import Static

# Narrower than this, the quote, the message and the sends go in a band under the form: beside it,
# they left the form's fields a few cells each (the document type and number 6 at 80 columns).
SIDE_BY_SIDE_MIN = 120
ASK_QUOTE = N_("Quote: choose the carrier, the destination and the weight.")


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


class Quoting:
    shown_total: int | None = None  # the price the customer was shown
    _quote_seq = 0
    _quote_shown: quote.Quote | None = None

    def requote(self) -> None:
        screen: Any = self
        try:
            wanted = screen.form.quote_inputs()
        except StationError as exc:
            self.show_quote(None, exc.message())
            return
        if wanted is None:
            self.show_quote(None, _(ASK_QUOTE))
            return
        self._quote_seq += 1
        seq = self._quote_seq
        carrier = wanted.pop("carrier")
        screen.call("quote", lambda: (seq, quote.quote(screen.station, carrier, **wanted)), exclusive=True)

    def done_quote(self, result: tuple[int, quote.Quote]) -> None:
        seq, got = result
        if seq == self._quote_seq:  # an older answer than the form: dropped
            self.show_quote(got, None)

    def show_quote(self, got: quote.Quote | None, note: str | None) -> None:
        screen: Any = self
        panel = screen.query_one("#so-quote", Static)
        self._quote_shown = got  # shown again in the other form after a resize
        self.shown_total = got.total_cents if got else None
        if got is None:
            panel.update(Content(note or ""))
            panel.set_class(bool(note) and note != _(ASK_QUOTE), "-warn")
            return
        panel.set_class(False, "-warn")
        room = panel.content_region.width or 16
        panel.update(Content(quote_text(got, short=screen.size.width < SIDE_BY_SIDE_MIN, room=room)))
