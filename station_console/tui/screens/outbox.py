"""Settings > Outbox: customer messages by state, failed ones first with their error; `r` resends.

Recipients are shown masked (`138****5678`, `w***@example.com`): the full address never reaches a screen.
"""

from __future__ import annotations

from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from station_console.i18n import N_, _, _n, label_of
from station_console.services import notify
from station_console.services.core.local_times import short_when
from station_console.services.core.station import Station
from station_console.services.notify.listing import STATUS_LABELS, OutboxRow, outbox_counts
from station_console.services.notify.templates import KIND_LABELS
from station_console.tui.notify_worker import NotifyWorker
from station_console.tui.screens.queue_list import QueueListScreen

COLUMNS = (
    N_("Id"),
    N_("Status"),
    N_("Kind"),
    N_("Code"),
    N_("Recipient"),
    N_("Tries"),
    N_("Next try"),
    N_("Error"),
)
FILTERS = (None, "failed", "queued", "sent")
# A filter names its state as the Status column does.
FILTER_LABELS: dict[str | None, str] = {
    None: N_("all"),
    **{s: STATUS_LABELS[s] for s in ("failed", "queued", "sent")},
}


class OutboxScreen(QueueListScreen):
    """The notification outbox. Failed rows come first; `r` queues the selected one again."""

    MODE_TITLE = N_("Outbox")
    DEFAULT_CSS = """
    OutboxScreen #outbox-table { height: 1fr; }
    OutboxScreen #outbox-status { height: 1; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r", "resend", N_("Resend"), id="outbox.resend", tooltip=N_("Send the selected message again")
        ),
        Binding(
            "f",
            "cycle_filter",
            N_("Filter"),
            id="outbox.filter",
            tooltip=N_("Show all, failed, queued, sent"),
        ),
        Binding(
            "ctrl+r", "read_again", N_("Refresh"), id="outbox.refresh", tooltip=N_("Read the outbox again")
        ),
        Binding("escape", "back", N_("Back"), id="outbox.back", tooltip=N_("Back to Settings")),
    ]

    FILTERS, COLUMNS = FILTERS, COLUMNS
    TABLE_ID, STATUS_ID = "outbox-table", "outbox-status"

    def action_reload(self) -> None:
        self.read_list(partial(read_outbox, self.station, self.filter))

    def done_list(self, found: tuple[list[OutboxRow], dict[str, int]]) -> None:
        rows, counts = found
        table: DataTable[str | Text] = self.query_one(DataTable)
        rows.sort(key=lambda r: (r.status != "failed", -r.id))  # failed first, then newest
        place = self.cursor_place()
        self.rows = {str(r.id): r for r in rows}
        table.clear()
        zone, now = self.station.zone(), self.station.now()
        for r in rows:
            # A failed message waits its next try, maybe till another day: that one says its date.
            next_try = short_when(r.next_attempt_at, zone, now) if r.next_attempt_at else ""
            table.add_row(
                str(r.id),
                r.shown_status(),
                label_of(KIND_LABELS, r.kind),
                r.pickup_code or "",
                Text(r.recipient),  # data, never markup
                str(r.attempts),
                next_try if r.status == "failed" and not r.held else "",  # held: no try to come
                Text(r.last_error or ""),  # a server's answer is data, never markup
                key=str(r.id),
            )
        self.cursor_back(place)
        self.say_listed(
            _(
                "{shown} ({which}), {failed} failed",
                shown=self.shown_count(
                    len(rows),
                    counts,
                    lambda n: _n("{n} message", "{n} messages", n, n=n),
                    lambda n, total: _n(
                        "{n} of {total} message", "{n} of {total} messages", total, n=n, total=total
                    ),
                ),
                which=_(FILTER_LABELS[self.filter]),
                failed=counts.get("failed", 0),
            )
            + held_note(counts.get("held", 0))
        )

    def action_resend(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.act(partial(notify.resend, self.station, row.id), _("Message {id} queued again", id=row.id))

    def done_act(self, result: object) -> None:
        super().done_act(result)
        app: Any = self.app
        app.kick_worker("notify_worker")  # the message goes now, not at the next round

    def on_notify_worker_drained(self, message: NotifyWorker.Drained) -> None:
        if message.messages or message.failed:
            self.action_reload()


def read_outbox(station: Station, status: str | None) -> tuple[list[OutboxRow], dict[str, int]]:
    return notify.list_outbox(station, status=status), outbox_counts(station)


def held_note(held: int) -> str:
    """Said after the counts while messages are off and some wait: nothing sends them until a channel is
    chosen, so the clerk is told, not shown them "waiting"."""
    if not held:
        return ""
    return _("; ") + _n(
        "{n} message held: customer messages are off (Settings: Notification channel)",
        "{n} messages held: customer messages are off (Settings: Notification channel)",
        held,
        n=held,
    )
