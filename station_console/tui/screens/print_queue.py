"""Settings > Printers > Print queue: this counter's jobs not printed yet, those needing the clerk first
(set aside: the printer refused them and printed the ones after; interrupted: maybe printed), each with
its last error; `r` retries the selected job, `c` cancels it. It follows the live view (queue_list.py):
a parcel that left the shelves at another counter takes its label off this counter's queue."""

from __future__ import annotations

from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from station_console.i18n import N_, _, _n, label_of
from station_console.safe_text import visible
from station_console.services.core.station import Station
from station_console.services.printing import queue_view
from station_console.services.printing.printers import KIND_LABELS
from station_console.services.printing.queue_view import LABEL_LABELS
from station_console.stored_messages import stored_text
from station_console.tui.print_worker import PrintWorker
from station_console.tui.screens.queue_list import QueueListScreen
from station_console.tui.widgets.plain import Table

COLUMNS = (N_("Job"), N_("Status"), N_("Kind"), N_("Code"), N_("Printer"), N_("Tries"), N_("Error"))
WAITING = ["held", "queued", "sending", "failed", "interrupted"]


class Listed:
    """One job as the list shows it."""

    def __init__(self, job: Any, code: str, set_aside: bool) -> None:
        self.id, self.kind, self.status, self.code = job.id, job.kind, job.status, code
        self.printer, self.attempts, self.set_aside = job.printer or "", job.attempts, set_aside
        self.error = stored_text(job.last_error)  # in the reader's language

    @property
    def needs_clerk(self) -> bool:
        return self.set_aside or self.status == "interrupted"


def read_queue(station: Station) -> list[Listed]:
    """The counter's jobs not printed yet, with their pickup codes and which are set aside."""
    jobs = queue_view.list_jobs(station, statuses=WAITING)
    aside = queue_view.set_aside_jobs(station)
    codes = queue_view.pickup_codes(station, [j.parcel_id for j in jobs])
    return [Listed(j, codes.get(j.parcel_id or 0, ""), j.id in aside) for j in jobs]


def queue_counts(rows: list[Listed]) -> str:
    """How many jobs the list holds, each kind by its own word as its Status column says it: a failed
    or interrupted job is not one waiting to print."""
    failed = sum(1 for r in rows if r.set_aside or r.status == "failed")
    interrupted = sum(1 for r in rows if r.status == "interrupted" and not r.set_aside)
    waiting = len(rows) - failed - interrupted
    parts = []
    if waiting or not (failed or interrupted):
        parts.append(_n("{n} job waiting to print", "{n} jobs waiting to print", waiting, n=waiting))
    if failed:
        parts.append(_n("{n} failed", "{n} failed", failed, n=failed))
    if interrupted:
        parts.append(_n("{n} interrupted", "{n} interrupted", interrupted, n=interrupted))
    return _("; ").join(parts)


class PrintQueueScreen(QueueListScreen):
    MODE_TITLE = N_("Print queue")
    DEFAULT_CSS = """
    PrintQueueScreen #print-queue-table { height: 1fr; }
    PrintQueueScreen #print-queue-status { height: auto; max-height: 4; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r", "retry", N_("Retry"), id="printqueue.retry", tooltip=N_("Send the selected job again now")
        ),
        Binding(
            "c",
            "cancel_job",
            N_("Cancel job"),
            id="printqueue.cancel",
            tooltip=N_("Take the selected job off the queue"),
        ),
        Binding(
            "ctrl+r", "read_again", N_("Refresh"), id="printqueue.refresh", tooltip=N_("Read the queue again")
        ),
        Binding("escape", "back", N_("Back"), id="printqueue.back", tooltip=N_("Back to Printers")),
    ]

    COLUMNS = COLUMNS
    TABLE_ID, STATUS_ID = "print-queue-table", "print-queue-status"

    def action_reload(self) -> None:
        self.read_list(partial(read_queue, self.station))

    def done_list(self, rows: list[Listed]) -> None:
        table: Table = self.query_one(Table)
        place = self.cursor_place()
        rows.sort(key=lambda r: (not r.needs_clerk, r.id))  # what needs the clerk first, then oldest
        self.rows = {str(r.id): r for r in rows}
        table.clear()
        for r in rows:
            table.add_row(
                str(r.id),
                _(queue_view.SET_ASIDE) if r.set_aside else label_of(LABEL_LABELS, r.status),
                label_of(KIND_LABELS, r.kind),
                r.code,
                # The manager's name for it: data, never markup; a hand-edited counter.toml's hidden
                # characters written out, as the Printers list does (Rich would drop a BEL).
                Text(visible(r.printer)),
                str(r.attempts),
                Text(r.error),  # a printer's or system's words, written out as stored_text reads them
                key=str(r.id),
            )
        self.cursor_back(place)
        aside = sum(1 for r in rows if r.set_aside)
        counts = queue_counts(rows)
        if aside:
            counts = _("{counts}. {hint}", counts=counts, hint=_(queue_view.SET_ASIDE_HINT))
        self.say_listed(counts)

    def why(self, row: Any) -> str:
        return str(row.error)

    def action_retry(self) -> None:
        row = self.selected()
        if row is not None:
            self.act(
                partial(queue_view.retry_job, self.station, row.id),
                _("Print job {job} queued again", job=row.id),
            )

    def action_cancel_job(self) -> None:
        row = self.selected()
        if row is not None:
            self.act(
                partial(queue_view.cancel_job, self.station, row.id),
                _("Print job {job} cancelled", job=row.id),
            )

    def done_act(self, result: object) -> None:
        super().done_act(result)
        app: Any = self.app
        app.kick_worker("print_worker")  # a retried job goes now, not at the next round

    def on_print_worker_drained(self, message: PrintWorker.Drained) -> None:
        if message.printed or message.failed:
            self.action_reload()
