"""Settings > Carrier events: the outbox of arrivals and departures sent back to carriers and platforms.

The dead-letter list comes first (events that gave up); `r` sends the selected one again, `d` drops it
for good (a manager, with a reason). Both are audited by the service.
"""

from __future__ import annotations

from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from station_console.i18n import N_, _, _n, label_of
from station_console.services.carrier_events import dead_letters
from station_console.services.carrier_events.dead_letters import KIND_LABELS, STATUS_LABELS, EventRow
from station_console.services.core.free_text import REASON
from station_console.services.core.station import Station
from station_console.tui.carrier_event_worker import CarrierEventWorker
from station_console.tui.role_keys import role_key
from station_console.tui.screens.base import open_over
from station_console.tui.screens.pickup_dialogs import ReasonDialog
from station_console.tui.screens.queue_list import QueueListScreen

COLUMNS = (
    N_("Id"),
    N_("Status"),
    N_("Carrier"),
    N_("Event"),
    N_("Waybill"),
    N_("Tries"),
    N_("Time"),
    N_("Error"),
)
FILTERS = ("dead", "failed", "queued", None)
# A filter names its state as the Status column does (dead letters: the filter shows many).
FILTER_LABELS: dict[str | None, str] = {
    None: N_("all"),
    "dead": N_("dead letters"),
    **{s: STATUS_LABELS[s] for s in ("failed", "queued")},
}


class CarrierEventsScreen(QueueListScreen):
    MODE_TITLE = N_("Carrier events")
    DEFAULT_CSS = """
    CarrierEventsScreen #ev-table { height: 1fr; }
    CarrierEventsScreen #ev-status { height: 1; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", N_("Retry"), id="events.retry", tooltip=N_("Send the selected event again")),
        Binding(
            "d", "drop", N_("Drop"), id="events.drop", tooltip=N_("Manager: give up on it, with a reason")
        ),
        Binding(
            "f", "cycle_filter", N_("Filter"), id="events.filter", tooltip=N_("Dead, failed, queued, all")
        ),
        Binding(
            "ctrl+r", "read_again", N_("Refresh"), id="events.refresh", tooltip=N_("Read the outbox again")
        ),
        Binding("escape", "back", N_("Back"), id="events.back", tooltip=N_("Back to Settings")),
    ]

    FILTERS, COLUMNS = FILTERS, COLUMNS
    TABLE_ID, STATUS_ID = "ev-table", "ev-status"

    def action_reload(self) -> None:
        self.read_list(partial(read_events, self.station, self.filter))

    def done_list(self, found: tuple[list[EventRow], dict[str, int]]) -> None:
        rows, counts = found
        table: DataTable[str | Text] = self.query_one(DataTable)
        place = self.cursor_place()
        self.rows = {str(r.id): r for r in rows}
        table.clear()
        zone = self.station.zone()
        for r in rows:
            table.add_row(
                str(r.id),
                r.status_text(),  # a held-back event names the one it waits behind
                r.carrier,
                label_of(KIND_LABELS, r.kind),
                Text(r.waybill),
                str(r.tries),
                r.at.astimezone(zone).strftime("%m-%d %H:%M"),
                Text(r.last_error or ""),  # a receiver's answer is data, never markup
                key=str(r.id),
            )
        self.cursor_back(place)
        self.say_listed(
            _(
                "{shown} ({which}); {dead}, {waiting} waiting",
                shown=self.shown_count(
                    len(rows),
                    counts,
                    lambda n: _n("{n} event", "{n} events", n, n=n),
                    lambda n, total: _n(
                        "{n} of {total} event", "{n} of {total} events", total, n=n, total=total
                    ),
                ),
                which=_(FILTER_LABELS[self.filter]),
                dead=_n(
                    "{n} dead letter", "{n} dead letters", counts.get("dead", 0), n=counts.get("dead", 0)
                ),
                waiting=counts.get("queued", 0) + counts.get("failed", 0),
            )
        )

    def action_retry(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.act(partial(dead_letters.retry, self.station, row.id), _("Event {id} queued again.", id=row.id))

    def done_act(self, result: object) -> None:
        super().done_act(result)
        app: Any = self.app
        app.kick_worker("carrier_event_worker")  # a retried event goes now, not at the next round

    @role_key("events.drop")
    def action_drop(self) -> None:
        row = self.selected()
        if row is None:
            return

        def given(reason: str | None) -> None:
            if reason:
                self.act(
                    partial(dead_letters.drop, self.station, row.id, reason),
                    _("Event {id} dropped.", id=row.id),
                )

        open_over(
            self,
            ReasonDialog(
                _("Drop event {id} ({waybill}) for good", id=row.id, waybill=row.waybill),
                rule=REASON,
                what=N_("a carrier event being dropped"),
            ),
            given,
        )

    def on_carrier_event_worker_drained(self, message: CarrierEventWorker.Drained) -> None:
        if message.sent or message.failed:
            self.action_reload()


def read_events(station: Station, status: str | None) -> tuple[list[EventRow], dict[str, int]]:
    return dead_letters.list_events(station, status=status), dead_letters.counts(station)
