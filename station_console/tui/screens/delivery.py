"""Shelves > Door delivery (送货上门): plan a run, print its sheet, scan parcels out, scan them back.

The scan field works on the selected run: a parcel on its sheet is scanned out to the runner; a parcel
out with the runner is "back", and F9 (delivered: who received it) or F10 (not delivered: why) settles
it. A parcel not on the run is a loud refusal; one that owes a storage fee asks how it is paid (the
Pickup counter's dialog) before it goes out. The forms behind F7, F9, F10 and F12 are `delivery_forms`;
the scan-out and its answers, `delivery_scan_out`.
Every service call runs on a thread worker; names, addresses and scanned text are shown as text, never
markup.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from platformdirs import user_data_dir
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable

from db.models import Role
from station_console.counter_config import APP_NAME
from station_console.errors import StationError
from station_console.i18n import N_, _, _n, label_of, listed, sentences
from station_console.private_files import write_atomic
from station_console.services.core.batch_states import BATCH_STATE_LABELS
from station_console.services.core.paper_numbers import run_number
from station_console.services.delivery import requests, runs, sheet
from station_console.services.people import clerks
from station_console.tui.door_scans_held import held_scans
from station_console.tui.screens.base import ModeScreen
from station_console.tui.screens.calls import STILL_WRITING, ServiceCalls
from station_console.tui.screens.delivery_forms import DeliveryForms
from station_console.tui.screens.delivery_scan_out import DeliveryScanOut
from station_console.tui.screens.delivery_stops import STOPS_BESIDE_MIN, StopsTable
from station_console.tui.screens.scans import TakesScans
from station_console.tui.widgets.plain import Label, Static, Table
from station_console.tui.widgets.status_line import StatusLine
from station_console.tui.widgets.wedge import KeyRouter, WedgeInput


class DeliveryScreen(DeliveryForms, DeliveryScanOut, TakesScans, ServiceCalls, ModeScreen):
    MODE_TITLE = N_("Door delivery")
    WAIT_LINE = "#dl-status"
    CLERKS_ENTRY = "#dl-scan"
    CSS_PATH = "recipients.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="delivery.back"),
        Binding(
            "f7",
            "plan",
            N_("Plan a run"),
            id="delivery.plan",
            tooltip=N_("The waiting parcels, in walking order"),
        ),
        Binding("f8", "sheet", N_("Run sheet"), id="delivery.sheet", tooltip=N_("Print it (or write a PDF)")),
        Binding(
            "f9", "delivered", N_("Delivered"), id="delivery.delivered", tooltip=N_("Back: who received it")
        ),
        Binding("f10", "failed", N_("Not delivered"), id="delivery.failed", tooltip=N_("Back: why not")),
        Binding("f11", "close_run", N_("Close run"), id="delivery.close", tooltip=N_("Every parcel is back")),
        Binding(
            "f12",
            "request",
            N_("Request"),
            id="delivery.request",
            tooltip=N_("A recipient asks for the door"),
        ),
        # After the F-keys: a rare manager's key must not push the counter's own off the footer.
        Binding(
            "ctrl+o",
            "delivered_recalled",
            N_("Override"),
            id="delivery.override_recall",
            tooltip=N_("Manager: a recalled parcel the runner had handed over, delivered with a reason"),
        ),
        Binding("ctrl+r", "reload", N_("Refresh"), id="delivery.reload", tooltip=N_("Read the runs again")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.run_id: int | None = None
        self.backs = {}  # by clerk: the parcel each scanned back, waiting for F9 / F10 (`back`)
        # Clerks whose scan-back was answered while they were away (after a lock): said once back.
        self.backs_untold: set[int | None] = set()
        # Clerks whose parcel scanned back was set aside for another clerk (named once in the toast).
        self.backs_aside: set[int | None] = set()
        self.router: KeyRouter | None = None
        # Scans whose storage fee was found while the fee question was open (said on it, not asked):
        # named again as that question closes, whose own line would otherwise be all the clerk reads.
        self.fees_unasked: list[str] = []

    @property
    def not_taken(self) -> dict[int, list[str]]:
        """What each clerk scanned that found a storage fee due, answered after a lock while they were
        away: nothing was scanned out and nobody was asked. Said to them once back (`came_to_front`)."""
        return held_scans(self.app).not_taken

    @property
    def fees_left(self) -> dict[int, list[str]]:
        """What each clerk scanned out owing a fee, still unsettled when another clerk signed in (the
        question closed by the hand-over, and those found under it): said to them once back. Kept by
        the console: a manager takes over those of a clerk deactivated since (`door_scans_held`)."""
        return held_scans(self.app).fees_left

    def compose_body(self) -> ComposeResult:
        yield Static(id="dl-summary")
        with Horizontal(id="dl-top"):
            yield Label(_("Scan"), classes="field-label")
            yield WedgeInput(
                placeholder=_(
                    "scan a waybill or type a pickup code: out to the runner, or back from the run"
                ),
                id="dl-scan",
            )
        with Horizontal(id="dl-main"):
            yield Table(id="dl-runs", cursor_type="row")
            yield StopsTable(id="dl-stops")
        yield StatusLine(id="dl-status")

    def on_mount(self) -> None:
        super().on_mount()
        app: Any = self.app
        self.router = KeyRouter.from_settings(self, app.counter_settings)
        self.query_one("#dl-scan", WedgeInput).router = self.router
        runs_table = self.query_one("#dl-runs", DataTable)
        # The run's state before its runner: a long name is cut at the table's edge, not the state.
        runs_table.add_column(_("Run"), key="run")
        runs_table.add_column(_("Out"), key="out")
        runs_table.add_column(_("Runner"), key="runner")
        self.query_one("#dl-stops", StopsTable).can_focus = False  # the scan field keeps the focus
        self.query_one("#dl-scan", WedgeInput).focus()
        self.reload()

    def stacked(self) -> bool:
        """Whether the stops go below the runs, at the screen's width."""
        return self.size.width < STOPS_BESIDE_MIN

    def on_resize(self) -> None:
        # The stops table lays its columns out again for its new width itself: no second read.
        self.query_one("#dl-main").set_class(self.stacked(), "-stacked")

    # -- reading -------------------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.call(
            "loaded",
            lambda: (runs.list_runs(self.station, limit=20), requests.waiting(self.station)),
            exclusive=True,
        )

    def done_loaded(self, found: tuple[list[runs.RunView], list[Any]]) -> None:
        found_runs, waiting = found
        table = self.query_one("#dl-runs", DataTable)
        table.clear()
        for run in found_runs:
            state = (
                f"{run.count('out')}/{len(run.stops)}"
                if run.status == "open"
                else label_of(BATCH_STATE_LABELS, run.status)
            )
            table.add_row(run.number, state, Text(run.runner), key=str(run.id))
        open_runs = [r for r in found_runs if r.status == "open"]
        if self.run_id is None and open_runs:
            self.run_id = open_runs[0].id
        chosen = next((r for r in found_runs if r.id == self.run_id), None)
        if chosen is not None:
            # clear() put the cursor on the newest run, whose highlight would choose it over the clerk's.
            table.move_cursor(row=table.get_row_index(str(chosen.id)), animate=False)
        self.query_one("#dl-summary", Static).update(
            _(
                "Waiting for a run: {waiting}  ·  open runs: {open}  ·  F7 plans a run",
                waiting=len(waiting),
                open=len(open_runs),
            )
        )
        self.show_stops(chosen.stops if chosen else waiting)

    @property
    def stops(self) -> list[Any]:
        """The stops on screen."""
        return self.query_one("#dl-stops", StopsTable).stops

    def show_stops(self, stops: list[Any]) -> None:
        """The stops in the columns that fit whole in the table's width."""
        self.query_one("#dl-stops", StopsTable).show(stops)

    @on(DataTable.RowSelected, "#dl-runs")
    @on(DataTable.RowHighlighted, "#dl-runs")
    def _run_chosen(self, event: DataTable.RowHighlighted | DataTable.RowSelected) -> None:
        if event.cursor_row != event.data_table.cursor_row:
            return  # the refilled table's first row, highlighted before the cursor went back to the run
        if event.row_key.value is not None and int(event.row_key.value) != self.run_id:
            self.show_run(int(event.row_key.value))
            self.reload()

    def came_to_front(self) -> None:
        super().came_to_front()
        # Both lists may hold this clerk's scans: said in one line, as the second would replace the first;
        # their parcel back, said after that line, comes under it, not replaced by it.
        clerk = self.station.clerk_id
        scans = self.not_taken.pop(clerk, None) if clerk else None
        left = self.fees_left.pop(clerk, None) if clerk else None
        said: list[str] = []
        if scans:
            said.append(
                _n(
                    "Not scanned out: {scans} owes a storage fee, and the console was locked before it "
                    "was asked. Scan it again.",
                    "Not scanned out: {scans} owe storage fees, and the console was locked before they "
                    "were asked. Scan them again.",
                    len(scans),
                    scans=listed(scans),
                )
            )
        if left:
            said.append(
                _n(
                    "Not scanned out: {scans} owes a storage fee, not settled before another clerk "
                    "signed in. Scan it again.",
                    "Not scanned out: {scans} owe storage fees, not settled before another clerk "
                    "signed in. Scan them again.",
                    len(left),
                    scans=listed(left),
                )
            )
        if handed := held_scans(self.app).handed_said(clerk):  # a deactivated clerk's, taken over
            said.append(handed)
        if said:
            self.say(sentences(*said), error=True)
        self._take_over_deactivated(clerk)
        untold = clerk in self.backs_untold
        self.backs_untold.discard(clerk)
        # Said again under the fee line when the sign-in said it already (`clear_for_next_clerk`).
        if (untold or said) and (scanned := self.back_scanned) is not None:
            self.say_back(scanned)

    def _take_over_deactivated(self, clerk: int | None) -> None:
        """A manager here takes over the unsettled scans of clerks deactivated since (at another counter,
        or by `station clerk deactivate`): read in a worker, said when it lands."""
        held = held_scans(self.app)
        others = held.others(clerk)
        if clerk is None or self.station.clerk_role != Role.MANAGER or not others:
            return

        def read() -> dict[int, str]:
            return {c.id: c.name for c in clerks.list_clerks(self.station) if c.id in others and not c.active}

        self.call("deactivated_read", read)

    def done_deactivated_read(self, gone: dict[int, str]) -> None:
        now = self.station.clerk_id
        if not self.asked_by_clerk_now() or now is None:
            return  # read for a manager who has gone: the next one reads again
        held = held_scans(self.app)
        for clerk, name in gone.items():
            held.hand_over(clerk, name, now)
        if said := held.handed_said(now):
            self.say(said, error=True)

    # -- scans ---------------------------------------------------------------------------------------

    def take_scan(self, code: str) -> None:
        self.scan(code)

    def refuse_scan(self, text: str) -> bool:
        """Said where the run's scans are answered, and nothing scanned out."""
        self.say(text, error=True)
        return True

    @on(WedgeInput.Submitted, "#dl-scan")
    def _typed(self, event: WedgeInput.Submitted) -> None:
        text = event.value.strip()
        event.input.value = ""
        if text:
            self.scan(text)

    def _run(self) -> int | None:
        """The run on screen; with none, the key says to plan one rather than nothing."""
        if self.run_id is None:
            self.say(_("Plan a run first (F7)."), error=True)
        return self.run_id

    def scan(self, raw: str) -> None:
        run_id = self._run()
        if run_id is None:
            return
        self._send_out(run_id, raw, None)

    def clear_for_next_clerk(self) -> str:
        """What was typed goes (`ModeScreen`); a parcel another clerk scanned back is not offered to this
        one (F9 / F10 would record it as theirs), nor its "is back" line: it stays out with the runner,
        kept for its clerk, and whoever settles it scans it back again. The clerk's own, scanned back
        before another signed in between, is waiting again, said again."""
        names = [typed] if (typed := super().clear_for_next_clerk()) else []
        now = self.station.clerk_id
        self.backs_aside.discard(now)
        theirs = {c for c, (run, _w) in self.backs.items() if c != now and run == self.run_id}
        left = theirs - self.backs_aside
        self.backs_aside |= left  # named once, to the clerk who came next
        if (scanned := self.back_scanned) is not None:
            self.backs_untold.discard(now)
            self.say_back(scanned)
        elif left:
            self.query_one("#dl-status", StatusLine).show_read(Text(""))
        if left:
            names.append(_("the parcel scanned back on Door delivery (scan it again to settle it)"))
        return listed(names)

    # -- actions -------------------------------------------------------------------------------------

    def action_sheet(self) -> None:
        run_id = self._run()
        if run_id is None:
            return
        counter = self.app.counter_settings  # type: ignore[attr-defined]

        def work() -> str:
            try:
                job = sheet.print_sheet(self.station, run_id, counter)
            except StationError as exc:
                if exc.code not in ("no_printer", "cannot_print"):
                    raise
                # No printer here takes it: a PDF in the data folder, to print from elsewhere.
                path = Path(user_data_dir(APP_NAME, appauthor=False)) / f"run-{run_number(run_id)}.pdf"
                write_atomic(path, sheet.sheet_pdf(self.station, run_id))  # 0600: names and rooms
                return _("No printer here takes run sheets: written to {path}", path=str(path))
            return _("Run sheet queued (job {job}).", job=job)

        self.call("sheet", work)

    def done_sheet(self, text: str) -> None:
        self.answer(text, ok=True)

    def action_close_run(self) -> None:
        run_id = self._run()
        if run_id is not None:
            self.write("closed", lambda: runs.close(self.station, run_id))

    def done_closed(self, run: runs.RunView) -> None:
        text = _(
            "Run {number} closed: {delivered} delivered, {failed} not delivered.",
            number=run.number,
            delivered=run.count("delivered"),
            failed=run.count("failed"),
        )
        if said := run.closing_said():
            text = sentences(text, said)
        self.answer(text, ok=True)
        self.show_run(None)
        self.reload()

    def action_back(self) -> None:
        # Not while a scan-out, the run's close or its sheet is on its way: its answer is said here (a
        # fee due opens its dialog here), what was written said to nobody once the screen had left.
        if not self.stays_for_answer("out", "closed", "sheet"):
            self.dismiss()

    # -- display -------------------------------------------------------------------------------------

    def failed(self, tag: str, text: str) -> None:
        if tag == "deactivated_read":
            return  # a busy database: the manager's next return here reads again
        self.say(text, error=True)

    def still_writing(self, tag: str) -> None:
        self.failed(tag, _(STILL_WRITING))

    def say(self, text: str, *, error: bool = False, warn: bool = False, ok: bool = False) -> None:
        """What the clerk's key or dialog did; a refusal (`error`) stands until their next key or scan."""
        self.query_one("#dl-status", StatusLine).say(Text(text), error=error, warn=warn, ok=ok)
        if error:
            self.app.bell()

    def answer(self, text: str, *, warn: bool = False, ok: bool = False) -> None:
        """A worker's answer, landing late: a refusal said while it ran (another parcel, not on the run)
        stays first, the answer below it."""
        self.query_one("#dl-status", StatusLine).show_read(Text(text), warn=warn, ok=ok, under_refusal=True)
