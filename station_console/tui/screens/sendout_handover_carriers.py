"""The carriers the courier handover offers, following the live view until one is chosen.

Opened before another counter accepted a send, the handover offered no carrier ("No sends are waiting
for a courier.") until the clerk left it and came back. Here another counter's work reads the carriers
again, as Parcels and Problems read their lists (`LiveReread`), while none is chosen: offered again, a
chosen carrier would be dropped, and its batch is read again as shared (`SharedBatchScreen`).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Select

from station_console.errors import DatabaseUnavailable
from station_console.i18n import N_, _
from station_console.services.sendout.waiting import Waiting, at_counter
from station_console.tui.screens.live_reread import LiveReread
from station_console.tui.widgets.status_line import StatusLine

CHOOSE_CARRIER = N_("Choose the carrier whose courier is collecting.")
NONE_WAITING = N_("No sends are waiting for a courier.")
LIVE_WAITING = "live_waiting"  # the carriers read again for the live view


def waiting_text(waiting: Waiting) -> str:
    """A carrier as offered: its sends not yet handed over, and how many of them are scanned into its
    open batch already ("SF: 3 waiting" read as none scanned while one was, at another counter)."""
    if not waiting.scanned:
        return _("{carrier}: {n} waiting", carrier=waiting.carrier_name, n=waiting.count)
    return _(
        "{carrier}: {n} waiting, {scanned} scanned",
        carrier=waiting.carrier_name,
        n=waiting.count,
        scanned=waiting.scanned,
    )


class CarriersOffered(LiveReread):
    """Mixed into the handover screen, before its `SharedBatchScreen`."""

    # This counter's own work changes no carrier offered while the handover is on top (its scans and
    # closes read their own answers), and the batch shown is read again on other counters' changes.
    HEARS_OWN_COUNTER = False
    offered: list[Waiting] | None = None  # the carriers offered, as last read

    def offer(self, waiting: list[Waiting]) -> None:
        self.offered = waiting
        self._carriers().set_options([(Text(waiting_text(w)), w.carrier) for w in waiting])

    def _carriers(self) -> Select[str]:
        return self.query_one("#ho-carrier", Select)  # type: ignore[attr-defined, no-any-return]

    def _none_chosen(self) -> bool:
        return getattr(self, "view", None) is None and self._carriers().is_blank()

    def live_reread(self) -> None:
        screen: Any = self
        if self._none_chosen() and not screen.writing():
            screen.call(LIVE_WAITING, lambda: at_counter(screen.station), exclusive=True)

    def done_live_waiting(self, waiting: list[Waiting]) -> None:
        if not self._none_chosen() or waiting == self.offered:
            return  # a carrier chosen meanwhile, or nothing new to offer
        had_none = not self.offered
        self.offer(waiting)
        line = self.query_one("#ho-message", StatusLine)  # type: ignore[attr-defined]
        # What the line asks follows what is offered; a refusal or another line stays.
        if waiting and had_none and (line.unsay(_(NONE_WAITING)) or line.reads(_(NONE_WAITING))):
            line.show_read(_(CHOOSE_CARRIER))
        elif not waiting and line.reads(_(CHOOSE_CARRIER)):  # the last handed over at another counter
            line.show_read(_(NONE_WAITING), warn=True)

    def _say_failed(self, message: Any) -> None:
        # A read nobody asked for, as the batch's (`SharedBatchScreen`): a busy database says nothing.
        if message.tag == LIVE_WAITING and isinstance(message.error, DatabaseUnavailable):
            return
        super()._say_failed(message)  # type: ignore[misc]
