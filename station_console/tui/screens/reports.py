"""The Reports mode: the day's reconciliation per carrier, the other figures, the week's volume as bars,
a date to pick (F7/F8 or type it), exports (F9 PDF, F10 CSV, F11 JSON), the day close (F12, manager) and
its reopening (Ctrl+O, manager, with a reason). Another counter's work that moves the figures of the day
shown reads them again (at most once a second), where the manager was in the table.

A close is deliberate: a dialog shows the figures and needs an explicit yes; closing today before the
closing hour asks a second time (the service refuses it otherwise). The report, the close and the
reopen run in thread workers that only post messages.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from rich.table import Table as Grid
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Input

from station_console.errors import StationError
from station_console.i18n import N_, _, _n
from station_console.services.admin.live import RESYNC
from station_console.services.core.calendar_span import in_calendar
from station_console.services.day import export, summary
from station_console.text_columns import display_width
from station_console.tui import error_toasts
from station_console.tui.held_toasts import notify_of_screen
from station_console.tui.line_breaks import clauses_unbroken
from station_console.tui.live_bridge import LiveBridge
from station_console.tui.role_keys import role_key
from station_console.tui.screens import reports_calls
from station_console.tui.screens.base import ModeScreen, open_over
from station_console.tui.screens.calls import ServiceCalls
from station_console.tui.screens.confirm_dialog import ask
from station_console.tui.screens.day_close_dialogs import ConfirmClose, ReopenDay
from station_console.tui.screens.live_reread import LivePace
from station_console.tui.screens.reports_calls import ClosedBut, EarlyClose, ReportDays, ReportRead
from station_console.tui.widgets.fixed_input import day_field
from station_console.tui.widgets.plain import Label, Static, Table, plain
from station_console.tui.widgets.status_line import StatusLine

NOT_CLOSED = N_("The day is not closed: F12 asks again.")
TOTAL_KEY = "total"  # the totals row's key; a carrier's is "carrier:" and its code
STATUS_SHA_CHARS = 16  # of a closed day's SHA-256 on the status line, as the close's own answer shows it


def volume_chart(week: dict[date, dict[str, int]], report: dict[str, Any], width: int = 40) -> Grid:
    """The week's check-ins per carrier (by its code) as horizontal bars (Rich), busiest carrier first,
    each named as the report names it."""
    totals: dict[str, int] = {}
    for counts in week.values():
        for carrier, n in counts.items():
            totals[carrier] = totals.get(carrier, 0) + n
    table = Grid.grid(padding=(0, 1))
    table.add_column(justify="left")
    table.add_column(justify="left")
    table.add_column(justify="right")
    top = max(totals.values(), default=0)
    for carrier, n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])):
        bar = "█" * max(1, round(width * n / top)) if top else ""
        table.add_row(plain(summary.carrier_shown(report, carrier)), Text(bar, style="green"), str(n))
    if not totals:
        table.add_row(_("No check-ins this week"), "", "")
    return table


class ReportsScreen(LivePace, ServiceCalls, ModeScreen):
    MODE_TITLE = N_("Reports")
    CSS_PATH = "reports.tcss"
    # This counter's own check-ins and pickups move the figures too: they are read again as another
    # counter's are, or the day close is refused on figures the manager never saw change.
    HEARS_OWN_COUNTER = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f7", "shift_day(-1)", N_("Day before"), id="reports.prev", tooltip=N_("The day before")),
        Binding("f8", "shift_day(1)", N_("Day after"), id="reports.next", tooltip=N_("The day after")),
        Binding("ctrl+r", "reload", N_("Refresh"), id="reports.reload", tooltip=N_("Read the report again")),
        Binding(
            "f9", "export('pdf')", N_("PDF"), id="reports.pdf", tooltip=N_("Save the report as an A4 PDF")
        ),
        Binding("f10", "export('csv')", N_("CSV"), id="reports.csv", tooltip=N_("Save the report as CSV")),
        Binding(
            "f11", "export('json')", N_("JSON"), id="reports.json", tooltip=N_("Save the report as JSON")
        ),
        Binding(
            "f12",
            "close_day",
            N_("Close day"),
            id="reports.close",
            tooltip=N_("Freeze the day's figures (manager)"),
        ),
        Binding(
            "ctrl+o",
            "reopen_day",
            N_("Reopen day"),
            id="reports.reopen",
            tooltip=N_("Reopen a closed day, with a reason (manager)"),
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day: date | None = None
        self.report: dict[str, Any] | None = None
        self.days: ReportDays | None = None  # read with each report: today moves on at midnight
        # Another counter's change, heard and not read yet: whether it moved only today's figures.
        self._live_heard: bool | None = None
        self._live_seen = 0  # the live view's changes delivered when the figures shown were asked for

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="rp-bar"):
            yield Label(_("Business day"), id="rp-day-label")
            yield day_field(_("YYYY-MM-DD"), "rp-day")
            yield StatusLine("", id="rp-status")
        with VerticalScroll(id="rp-body"):
            yield Table(id="rp-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="rp-summary")
            yield Label(_("This week's check-ins per carrier"), classes="rp-heading")
            yield Static("", id="rp-chart")

    def on_mount(self) -> None:
        table = self.query_one("#rp-table", DataTable)
        self._headings(table, [])
        table.focus()  # function keys work from anywhere; the date field takes typing only when chosen
        self._today()

    def on_resize(self) -> None:
        table = self.query_one("#rp-table", DataTable)
        if self.report is not None and table.header_height != self._header_height(self._rows(self.report)):
            self._fill_table(table, self.report, keep_row=True)

    def _rows(self, report: dict[str, Any]) -> list[list[str]]:
        return export.table_rows(report)[1:]

    def _header_height(self, rows: list[list[str]]) -> int:
        """2 where the table with its headings on one line is wider than the screen has room for (English
        at 80 columns: 8 cells too many, and the right-aligned fees were drawn past the edge): then each
        heading of two words or more is broken before its last word ("Delivery / fees")."""
        columns = zip(*[[_(label) for _key, label in export.COLUMNS], *rows], strict=True)
        wide = sum(max(display_width(cell) for cell in column) + 2 for column in columns)
        room = self.size.width - 4  # the body's padding and its scrollbar
        broken = any(" " in _(label) for _key, label in export.COLUMNS)  # Chinese headings have no spaces
        return 2 if wide > room and broken else 1

    def _headings(self, table: DataTable[Any], rows: list[list[str]]) -> None:
        """The columns again, their headings in one line or two (`_header_height`). The figures end where
        their heading ends, as on the paper and in the text export: left-aligned, 8.00 stood over the 1
        of 107.00."""
        height = self._header_height(rows)
        table.clear(columns=True)
        table.header_height = height
        for n, (key, label) in enumerate(export.COLUMNS):
            words = _(label).rsplit(" ", 1) if height == 2 else [_(label)]
            table.add_column(Text("\n".join(words), justify="right" if n else "left"), key=key)

    def _fill_table(self, table: DataTable[Any], report: dict[str, Any], *, keep_row: bool = False) -> None:
        """The report's rows, each keyed by its carrier's code (the totals by `TOTAL_KEY`). `keep_row`: the
        cursor back on the carrier it was on (a resize, the same day read again), wherever its row is now
        (another counter's first parcel of a carrier adds a row above it); else the nearest row."""
        rows = self._rows(report)
        kept, was = table.cursor_row, None
        if keep_row and 0 <= kept < table.row_count:
            was = table.coordinate_to_cell_key(Coordinate(kept, 0)).row_key.value
        self._headings(table, rows)
        keys = [f"carrier:{line['carrier']}" for line in report["carriers"]] + [TOTAL_KEY]
        for key, (carrier, *figures) in zip(keys, rows, strict=True):
            table.add_row(carrier, *(Text(f, justify="right") for f in figures), key=key)
        if keep_row and table.row_count:
            row = keys.index(was) if was in keys else min(kept, table.row_count - 1)
            table.move_cursor(row=row, scroll=False)

    def _today(self) -> None:
        # Which business day it is reads the closed days: off the UI thread too.
        self.call("today", self.station.business_day)

    def done_today(self, day: date) -> None:
        self.day = day
        self.query_one("#rp-day", Input).value = day.isoformat()
        self.load()

    @on(Input.Submitted, "#rp-day")
    def _pick_day(self, event: Input.Submitted) -> None:
        try:
            day = date.fromisoformat(event.value.strip())
        except ValueError:
            notify_of_screen(self, _("Use a date like 2026-11-25."))  # of this screen's field: goes with it
            return
        try:  # the service refuses it too, but the screen must not move to it: F7 from 0001-01-01 overflowed
            in_calendar(day)
        except StationError as exc:
            self._refuse(exc.message())
            return
        today = self._today_known()
        if today is not None and day > today:  # the service refuses it too
            self._refuse(
                _(
                    "{day} has not begun: today is {today}. A day has a report once it begins.",
                    day=day.isoformat(),
                    today=today.isoformat(),
                )
            )
            return
        self.day = day
        self.load()

    def _today_known(self) -> date | None:
        """Today's business day as the last read found it, or the station's date once its midnight has
        passed since (a business day is never behind it): with nothing heard overnight, the bound stayed
        on the day before. The zone is the cached settings', no read."""
        if self.days is None:
            return None
        return max(self.days.today, self.station.local_date())

    def action_shift_day(self, days: int) -> None:
        if self.day is None:  # today is still being read; it loads its report when known
            self._still_reading()
            return
        day = self.day + timedelta(days=days)
        known, today = self.days, self._today_known()
        if today is not None and day > today:  # a day not begun has no figures to show
            self._refuse(
                _(
                    "No later day: {today} is today, and a day has a report once it begins.",
                    today=today.isoformat(),
                )
            )
            return
        # Nothing recorded yet: today is the first day a report can show (F7 walked back for ever).
        first = (known.first or today) if known is not None else None
        if first is not None and day < first:
            self._refuse(_("No earlier day: the station's first day is {first}.", first=first.isoformat()))
            return
        self.day = day
        self.query_one("#rp-day", Input).value = self.day.isoformat()
        self.load()

    def action_reload(self) -> None:
        if self.day is None:  # which day it is could not be read (the server was gone): ask again
            self._today()
            return
        self.load()

    def _still_reading(self) -> None:
        """A key that needs the day's figures, pressed before they are shown: said, not dropped."""
        notify_of_screen(
            self,
            _("One moment: the day's figures are still being read. Press the key again once they show."),
            severity="information",
        )

    def load(self) -> None:
        if self.day is None:
            return
        self._status().show_read(_("Reading…"))
        self._live_seen = self._delivered()
        self.call("report", partial(reports_calls.read_report, self.station, self.day), exclusive=True)

    def on_live_bridge_changed(self, message: LiveBridge.Changed) -> None:
        """Any counter's work, this one's too: the figures are read again if it may have moved the day
        shown."""
        # Imported here: the report's modules load with the first report (see reports_calls).
        from station_console.services.day.report import ANY_DAY_KINDS, TODAYS_FIGURE_KINDS

        kinds = message.kinds
        if kinds & ANY_DAY_KINDS or RESYNC in kinds:
            self._live_heard = False  # a close, a reopening, or changes missed: whichever day is shown
        elif kinds & TODAYS_FIGURE_KINDS:
            self._live_heard = True if self._live_heard is None else self._live_heard
        else:
            return
        self._live_soon()

    def came_to_front(self) -> None:
        super().came_to_front()
        # Back from a question or another mode: any counter's work meanwhile (this one's, in the other
        # modes, too) went unread here, and what was heard just before waited. Nothing new: nothing to read.
        if self.report is not None and (self._live_heard is not None or self._delivered() != self._live_seen):
            self._live_heard = True if self._live_heard is None else self._live_heard
            self._live_soon()

    def _live_read(self) -> None:
        heard, day = self._live_heard, self.day
        # Never under the close question (a close is refused on figures that changed, then read again)
        # nor while a close is on its way or asked about: what is heard waits until the report is on
        # top again, or until the close was refused before any question (`_hear_after_asking`).
        if heard is None or day is None or not self.is_active or self.calling("close"):
            return
        if self.calling("may_close"):
            return
        if self.calling("reopen"):
            # Sent now, it may see the day still closed and land after the reopening's own read, which
            # says whatever was heard: "Closed by" came back over "Reopened".
            return
        self._live_heard = None
        self._live_last, self._live_seen = time.monotonic(), self._delivered()
        self.call(
            "live",
            partial(reports_calls.read_report_if_moved, self.station, day, only_today=heard),
            exclusive=True,
        )

    def done_live(self, found: ReportRead | None) -> None:
        if found is not None and self.day is not None and found[0]["date"] == self.day.isoformat():
            self.done_report(found)

    def done_report(self, found: ReportRead) -> None:
        same_day = self.report is not None and self.report["date"] == found[0]["date"]
        self.report = report = found[0]
        self.days = found[2]
        table = self.query_one("#rp-table", DataTable)
        body = self.query_one("#rp-body", VerticalScroll)
        scroll_y = body.scroll_y
        self._fill_table(table, report, keep_row=same_day)
        if same_day:  # the same day read again: the manager stays on the row and the part they read
            self.call_after_refresh(body.scroll_to, y=scroll_y, animate=False, immediate=True)
        # Plain text: waiver reasons and waybills are data, never markup.
        lines = [clauses_unbroken(line) for line in summary.summary_lines(report)]
        self.query_one("#rp-summary", Static).update(Text("\n".join(lines)))
        self.query_one("#rp-chart", Static).update(volume_chart(found[1], report))
        # A read: a refusal said since the clerk's last key stays over it (see `StatusLine`).
        widget = self._status()
        idle = summary.no_activity_line(report)
        if idle is not None:
            # Not "balanced, not closed": nothing could happen on a day before the station's first.
            if widget.show_read(idle):
                widget.set_class(False, "-unbalanced")
            return
        status = (
            _("Balanced")
            if report["balanced"]
            else _n(
                "NOT balanced: {count} difference",
                "NOT balanced: {count} differences",
                len(report["differences"]),
                count=len(report["differences"]),
            )
        )
        # The hash's start (the whole one is in the summary below): its two lines keep the figures' state.
        if widget.show_read(f"{status} · {summary.close_line(report, sha_chars=STATUS_SHA_CHARS)}"):
            widget.set_class(not report["balanced"], "-unbalanced")

    def _status(self) -> StatusLine:
        return self.query_one("#rp-status", StatusLine)

    def _refuse(self, text: str) -> None:
        line = self._status()
        line.set_class(False, "-unbalanced")
        # Each short clause whole, as the summary's lines: "提前日结" broke in two at 80 columns.
        line.say(clauses_unbroken(text), error=True)

    def call_refused(self, tag: str, exc: StationError) -> None:
        if tag == "may_close" and exc.code == "already_closed":
            # Closed at another counter while this one showed the day open: said at once, no question,
            # and the report read again, so it shows the close.
            self._refuse(exc.message())
            self.notify(exc.message(), severity="warning", markup=False)
            self.load()
            return
        super().call_refused(tag, exc)

    def failed(self, tag: str, text: str) -> None:
        if tag == "live":
            return  # a read no one asked for: the figures shown stay, Ctrl+R reads them again
        if tag in ("today", "report", "may_close"):
            self._refuse(text)
        self.notify(text, severity="error")
        if tag == "may_close":
            self._hear_after_asking()
        if tag == "close":
            self.load()  # a close refused for figures that changed shows the day's figures as they are now

    def action_export(self, fmt: str) -> None:
        if self.report is None:
            self._still_reading()
            return
        # Never the folder the console was started in; the file's place found in the worker (a folder on
        # a network share), and a PDF takes a moment.
        counter = getattr(self.app, "counter_settings", None)
        write = partial(reports_calls.write_export, self.report, counter, fmt, self.station.counter)
        self.call("export", write)

    def done_export(self, path: Path) -> None:
        self.notify(_("Wrote {path}", path=str(path)))

    @role_key("reports.close")
    def action_close_day(self) -> None:
        if self.calling("close") or self.calling("may_close"):  # its answer comes first
            self.still_writing("close")
            return
        report = self.report
        if report is None or self.day is None or report["date"] != self.day.isoformat():
            self._still_reading()  # the figures shown must be the day's before anyone confirms them
            return
        # The service's own refusals (a day closed, here or at another counter, by whom and when; a day
        # that has not come: the business day after an early close) come before the figures, not after the yes; asked on a worker, as every read. Keys typed right
        # behind F12 wait for the question (an Enter answers its Cancel), not for the screen below it.
        day = date.fromisoformat(report["date"])
        self.call("may_close", partial(reports_calls.may_close, self.station, day), holds_keys=True)

    def done_may_close(self, _answer: None) -> None:
        report = self.report
        if report is None or self.day is None or report["date"] != self.day.isoformat():
            self._hear_after_asking()
            return  # another day shown meanwhile: its F12 asks again
        if not self.asked_by_clerk_now():
            self._hear_after_asking()
            return  # asked across a lock: the next clerk is not put the question

        def confirmed() -> None:
            self._close(
                date.fromisoformat(report["date"]), early=False, totals=reports_calls.shown_totals(report)
            )

        ask(self, ConfirmClose(report), confirmed, no=NOT_CLOSED, say=self._refuse)

    def _hear_after_asking(self) -> None:
        """No question came of F12: what another counter did meanwhile is read now."""
        if self._live_heard is not None:
            self._live_soon()

    def _close(self, day: date, early: bool, totals: dict[str, int]) -> None:
        # Its answer may ask again (an early close): keys typed right behind the yes wait for that
        # question (an Enter answers its Cancel), not for the report below it.
        close = partial(reports_calls.close_or_ask, self.station, day, early, totals)
        self.write("close", close, holds_keys=True)

    def done_close(self, answer: str | EarlyClose | ClosedBut) -> None:
        if isinstance(answer, ClosedBut):
            # Closed, but a later step was not done (the audit anchor): up until read, as what to do.
            self.notify(answer.text, severity="warning", timeout=error_toasts.UNTIL_READ)
            self.load()
            return
        if isinstance(answer, EarlyClose):
            # Nothing closed; asked across a lock, the next clerk is not asked to close the day early.
            if self.report is None or not self.asked_by_clerk_now():
                return
            day, totals = date.fromisoformat(self.report["date"]), reports_calls.shown_totals(self.report)

            def again() -> None:
                self._close(day, early=True, totals=totals)

            # Not opened: the clerk left Reports meanwhile.
            question = ConfirmClose(self.report, question=answer.question, early=True)
            ask(self, question, again, no=NOT_CLOSED, say=self._refuse)
            return
        self.notify(answer)
        self.load()

    @role_key("reports.reopen")
    def action_reopen_day(self) -> None:
        report = self.report
        closed = report.get("closed") if report else None
        if report is None or not closed or closed.get("reopened_at"):
            notify_of_screen(self, _("Only a closed day can be reopened."))  # of the day shown here
            return

        def reason_given(reason: str | None) -> None:
            if reason:
                self.call(
                    "reopen",
                    partial(reports_calls.reopen, self.station, date.fromisoformat(report["date"]), reason),
                )

        open_over(self, ReopenDay(report["date"]), reason_given)

    def done_reopen(self, text: str) -> None:
        self.notify(text)
        self.load()
