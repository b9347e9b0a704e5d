"""The audit trail in the console: a clerk's activity today, or a parcel's whole timeline.

Type a clerk's name (Enter) or a waybill (Enter, or scan it); the table lists the events with when,
what, who and at which counter, and under it the highlighted event's details whole, a long value
wrapped (the table's column cuts them). Details hold masked data only, so nothing personal shows here. The columns are those that
fit the table whole, the waybill first (at 80 columns it was scrolled off the edge, cut), and the
details take the room left.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Input

from station_console.i18n import N_, _, _n
from station_console.safe_text import visible
from station_console.services.people import audit_trail
from station_console.services.people.event_details import details_text, event_details, list_separator
from station_console.tui.screens.base import Dialog, translate_bindings
from station_console.tui.screens.calls import ServiceCalls
from station_console.tui.screens.event_text import packed
from station_console.tui.widgets.fitted_table import Cells, FittedTable
from station_console.tui.widgets.fixed_input import FixedInput
from station_console.tui.widgets.footer import StationFooter
from station_console.tui.widgets.plain import Label, Static
from station_console.tui.widgets.status_line import StatusLine

COLUMNS = (N_("Time"), N_("Event"), N_("Clerk"), N_("Counter"), N_("Waybill"), N_("Details"))
WANTED = (4, 0, 1, 2, 3)  # the waybill, when, what, who, where; the details (5) take what is left
DETAILS_MIN = 10  # narrower than this, the details column is left out: they are read under the table


def _shown_with(entry: audit_trail.Entry, zone: tzinfo) -> dict[str, Any]:
    """What an entry's details are read with: the columns already shown are left out of them, and its
    carrier is named by its short name."""
    return {"zone": zone, "waybill": entry.waybill, "clerk": entry.clerk, "carrier_name": entry.carrier_name}


class ActivityTable(FittedTable):
    """The events in the columns that fit the table's width whole, the details in the room left."""

    COLUMNS = COLUMNS
    FILLS_ROOM_LEFT = len(COLUMNS) - 1
    FILL_MIN = DETAILS_MIN

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(zebra_stripes=True, **kwargs)
        self.events: list[tuple[str, tuple[str, ...]]] = []  # key, cells in COLUMNS' order

    def show(self, rows: list[tuple[str, tuple[str, ...]]]) -> None:
        self.events = rows
        self.lay_out(row=0)

    def table_rows(self) -> list[tuple[str | None, Cells]]:
        return list(self.events)

    def wanted(self, rows: list[Cells]) -> Sequence[int]:
        return WANTED


class DetailPane(VerticalScroll):
    """The highlighted event's details whole, up to 30% of the box: on a terminal of 24 lines a long note
    goes on below it, read by the arrow and page keys once Tab brings the cursor here (and by the mouse).
    Tab passes it by when all of it shows."""

    def allow_focus(self) -> bool:
        return self.max_scroll_y > 0


class ClerkActivityScreen(ServiceCalls, Dialog[None]):
    what = N_("the audit trail")
    CSS_PATH = "clerk_activity.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", N_("Close"), id="activity.close", tooltip=N_("Back to the console")),
    ]

    def __init__(self, *, clerk: str = "", waybill: str = "") -> None:
        super().__init__(id="clerk-activity")
        self.initial_clerk = clerk
        self.initial_waybill = waybill
        self._waybill = waybill
        self._entries: dict[str, audit_trail.Entry] = {}  # by row key: the highlighted one's details

    @property
    def station(self) -> Any:
        app: Any = self.app
        return app.station

    def compose(self) -> ComposeResult:
        with Vertical(id="activity-box"):
            yield Label(_("Audit trail"), id="activity-title")
            with Horizontal(id="activity-inputs"):
                yield FixedInput(
                    self.initial_clerk, placeholder=_("Clerk name: today's activity"), id="activity-clerk"
                )
                yield FixedInput(
                    self.initial_waybill,
                    placeholder=_("Waybill: the parcel's timeline"),
                    id="activity-waybill",
                )
            yield StatusLine("", id="activity-summary")
            yield ActivityTable(id="activity-table")
            with DetailPane(id="activity-detail-pane"):
                yield Static("", id="activity-detail")
        yield StationFooter()

    def on_mount(self) -> None:
        translate_bindings(self)
        if self.initial_waybill:
            self.show_timeline(self.initial_waybill)
        elif self.initial_clerk:
            self.show_activity(self.initial_clerk)
        self.query_one("#activity-waybill" if self.initial_clerk else "#activity-clerk", Input).focus()

    @on(Input.Submitted, "#activity-clerk")
    def _clerk_submitted(self, event: Input.Submitted) -> None:
        self.show_activity(event.value)

    @on(Input.Submitted, "#activity-waybill")
    def _waybill_submitted(self, event: Input.Submitted) -> None:
        self.show_timeline(event.value)

    def show_activity(self, name: str) -> None:
        station = self.station
        self.call(
            "activity",
            lambda: audit_trail.clerk_activity(station, name, day=station.business_day()),
            exclusive=True,
        )

    def done_activity(self, activity: Any) -> None:
        counts = list_separator().join(f"{audit_trail.kind_label(k)} {n}" for k, n in activity.counts.items())
        self._show(_("{clerk} today: {counts}", clerk=activity.clerk, counts=counts or "-"), activity.entries)

    def show_timeline(self, waybill: str) -> None:
        self._waybill = waybill
        self.call("timeline", partial(audit_trail.parcel_timeline, self.station, waybill), exclusive=True)

    def done_timeline(self, entries: list[audit_trail.Entry]) -> None:
        waybill = self._waybill
        self._show(
            _n(
                "{n} event of {waybill}",
                "{n} events of {waybill}",
                len(entries),
                n=len(entries),
                waybill=entries[0].waybill or waybill,
            ),
            entries,
        )

    @on(DataTable.RowHighlighted, "#activity-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        entry = self._entries.get(str(event.row_key.value))
        box = self.query_one("#activity-detail", Static)
        # From its start: the last event's note read to its end left the pane there, and the next one
        # showed from its middle, its kind and first words above the box.
        self.query_one(DetailPane).scroll_home(animate=False, immediate=True)
        if entry is None:
            box.update("")
            return
        zone = self.station.zone()
        text = Text(audit_trail.kind_label(entry.kind), style="bold")
        if entry.waybill:
            text.append(f"  {visible(entry.waybill)}")
        # Whole, as `station audit show` prints it: the table's column is where a long value is cut.
        details = event_details(entry.kind, entry.details, **_shown_with(entry, zone), whole=True)
        text.append("\n" + packed([d.text() for d in details], box.size.width or 80).rstrip("\n"))
        box.update(text)

    def failed(self, tag: str, text: str) -> None:
        self.query_one(ActivityTable).show([])
        self._entries = {}
        self.query_one("#activity-detail", Static).update("")
        self.query_one("#activity-summary", StatusLine).say(text, error=True)

    def _show(self, summary: str, entries: list[audit_trail.Entry]) -> None:
        self.query_one("#activity-summary", StatusLine).say(summary)
        self._entries = {str(e.id): e for e in entries}
        self.query_one("#activity-detail", Static).update("")
        zone = self.station.zone()
        self.query_one(ActivityTable).show(
            [
                (
                    str(e.id),
                    (
                        e.at.astimezone(zone).strftime("%m-%d %H:%M:%S"),
                        audit_trail.kind_label(e.kind),
                        e.clerk or "-",
                        e.counter or "-",
                        e.waybill or "",
                        details_text(e.kind, e.details, **_shown_with(e, zone)),
                    ),
                )
                for e in entries
            ]
        )
