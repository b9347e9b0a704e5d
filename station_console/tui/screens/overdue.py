"""Overdue parcels by age band (the carrier's policy): send reminders, pick return candidates."""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from station_console.i18n import N_, _, _n
from station_console.services.core.ageing import BAND_LABELS, BANDS
from station_console.services.core.station import Station
from station_console.services.exceptions import overdue, returns
from station_console.tui.held_toasts import notify_of_screen
from station_console.tui.screens.base import ModeScreen, translate_bindings
from station_console.tui.screens.calls import ServiceCalls
from station_console.tui.screens.confirm_dialog import ConfirmDialog, ask
from station_console.tui.screens.returns import ReturnsScreen
from station_console.tui.screens.shelf_common import parcel_cells, setup_parcel_table
from station_console.tui.widgets.plain import Static, Table

# F8 with no return candidate to select: why, and what to do instead.
NONE_DUE = N_(
    "No parcel is past its return deadline: F8 selects none. To send one back early, highlight it, "
    "press Space, then F9."
)
NONE_OVERDUE = N_("No parcel is overdue: there is nothing to return.")
LIST_COMING = N_("One moment: the overdue list is still being read. Press F8 again once it shows.")
# Several carriers' candidates and no row highlighted (the list changing under the key).
HIGHLIGHT_FIRST = N_("Highlight a parcel of the carrier to return, then press F8.")

BAND_STYLES = {
    "ok": "green",
    "amber": "black on #fbc02d",
    "red": "bold white on #b71c1c",
    "return": "bold white on #6a1b9a",
}


class OverdueScreen(ServiceCalls, ModeScreen):
    MODE_TITLE = N_("Overdue")
    CSS_PATH = "shelves.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="overdue.back", tooltip=N_("Back to the shelf map")),
        Binding(
            "space",
            "toggle_row",
            N_("Select"),
            id="overdue.toggle",
            tooltip=N_("Select or unselect the parcel"),
        ),
        Binding(
            "f7", "remind", N_("Remind"), id="overdue.remind", tooltip=N_("Queue a reminder to the selected")
        ),
        Binding(
            "f8",
            "candidates",
            N_("Select return candidates"),
            id="overdue.candidates",
            tooltip=N_(
                "Select the parcels past their return deadline, one carrier's: the highlighted parcel's"
            ),
        ),
        Binding(
            "f9",
            "to_batch",
            N_("To return batch"),
            id="overdue.batch",
            tooltip=N_("Put the selected parcels in a return batch (one carrier)"),
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[overdue.OverdueRow] = []
        self.chosen: set[str] = set()

    def compose_body(self) -> ComposeResult:
        yield Static(id="od-summary")
        yield Table(id="od-table")

    def on_mount(self) -> None:
        translate_bindings(self)
        setup_parcel_table(self.query_one("#od-table", DataTable), extra=(N_("Sel"), N_("Band"), N_("Age")))
        self.reload()
        self.query_one("#od-table", DataTable).focus()

    def reload(self) -> None:
        station = self.station
        self.call("overdue", lambda: (overdue.overdue(station), overdue.summary(station)), exclusive=True)

    def done_overdue(self, answer: tuple[list[overdue.OverdueRow], dict[str, int]]) -> None:
        self.rows, summary = answer
        table = self.query_one("#od-table", DataTable)
        keep = table.cursor_row
        table.clear()
        zone = self.station.zone()
        for r in self.rows:
            mark = "✓" if r.parcel.waybill in self.chosen else ""
            table.add_row(
                mark,
                Text(_(BAND_LABELS[r.band]), style=BAND_STYLES[r.band]),
                age_text(r),
                *parcel_cells(r.parcel, zone),
                key=r.parcel.waybill,
            )
        if self.rows:
            table.move_cursor(row=min(keep, len(self.rows) - 1))
        text = Text()
        for band in BANDS:
            text.append(f" {_(BAND_LABELS[band])} {summary[band]} ", style=BAND_STYLES[band])
            text.append("  ")
        text.append(_("Selected: {n}", n=len(self.chosen)))
        self.query_one("#od-summary", Static).update(text)

    def current(self) -> str | None:
        table = self.query_one("#od-table", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value)

    def action_toggle_row(self) -> None:
        waybill = self.current()
        if waybill:
            self.chosen ^= {waybill}
            self.reload()

    def action_candidates(self) -> None:
        """The return candidates, one carrier's as a return batch takes them (F9 refused a selection of
        several): every one when they are all one carrier's, else the highlighted parcel's carrier's."""
        due = [r for r in self.rows if r.band == "return"]
        if not due:  # it selected nothing, and said nothing
            notify_of_screen(self, _(self._none_due()), "warning")
            return
        if len({r.parcel.carrier for r in due}) > 1:
            highlighted = next((r for r in self.rows if r.parcel.waybill == self.current()), None)
            if highlighted is None:
                notify_of_screen(self, _(HIGHLIGHT_FIRST), "warning")
                return
            due = [r for r in due if r.parcel.carrier == highlighted.parcel.carrier]
            if not due:
                notify_of_screen(
                    self,
                    _(
                        "{carrier} has no parcel past its return deadline: highlight a parcel of the "
                        "carrier to return and press F8.",
                        carrier=highlighted.parcel.carrier_name,
                    ),
                    "warning",
                )
                return
            self.notify(
                _n(
                    "{n} return candidate of {carrier} selected: a return batch takes one carrier's "
                    "parcels. For another carrier's, highlight one of its parcels and press F8.",
                    "{n} return candidates of {carrier} selected: a return batch takes one carrier's "
                    "parcels. For another carrier's, highlight one of its parcels and press F8.",
                    len(due),
                    n=len(due),
                    carrier=highlighted.parcel.carrier_name,
                )
            )
        self.chosen |= {r.parcel.waybill for r in due}
        self.reload()

    def _none_due(self) -> str:
        """Why F8 finds no return candidate, with what the clerk can do instead."""
        if self.rows:
            return NONE_DUE
        return LIST_COMING if self.read_coming("overdue") else NONE_OVERDUE

    def clear_for_next_clerk(self) -> str:
        """The parcels the last clerk selected are theirs: the next clerk's F7 or F9 would remind, or
        send back, parcels they never chose. The same clerk, back, finds them selected as left."""
        if not self.chosen:
            return super().clear_for_next_clerk()
        self.chosen = set()
        self.reload()  # the marks and the "Selected" count go with it
        return _("the parcels selected on Overdue")

    def selection(self) -> list[str]:
        current = self.current()
        return sorted(self.chosen) or ([current] if current else [])

    def action_remind(self) -> None:
        picked = self.selection()
        if picked:
            self.write("remind", partial(overdue.resend, self.station, picked))

    def done_remind(self, result: overdue.ResendResult) -> None:
        self.notify(
            _(
                "Reminders queued: {n}; skipped (no phone or email): {m}",
                n=len(result.queued),
                m=len(result.skipped),
            )
        )

    def action_to_batch(self) -> None:
        picked = self.selection()
        carriers = {r.parcel.carrier for r in self.rows if r.parcel.waybill in picked}
        if len(carriers) != 1:
            # About this screen's selection: it goes once the batch, fixed, opens Returns over it.
            notify_of_screen(
                self, _("A return batch takes one carrier's parcels; select one carrier's."), "error"
            )
            return
        carrier = carriers.pop()
        put = partial(self.write, "batch", partial(batch_of, self.station, carrier, picked))
        early = [r for r in self.rows if r.parcel.waybill in picked and r.band != "return"]
        if not early:
            put()
            return
        # One key on the highlighted row must not send back a parcel the recipient can still collect:
        # asked first, and a Yes returns the early ones as recalled (their reason, on the manifest).
        lines = [
            _(
                "{waybill}: on the shelf {age}, not yet a return candidate",
                waybill=r.parcel.waybill,
                age=age_text(r),
            )
            for r in early
        ]
        question = _n(
            "Return {n} parcel before its return deadline?",
            "Return {n} parcels before their return deadline?",
            len(early),
            n=len(early),
        )
        answer = _n(
            "Yes puts it in the carrier's open return batch (a new one if there is none) as recalled "
            "by its carrier or sender; No changes nothing.",
            "Yes puts them in the carrier's open return batch (a new one if there is none) as recalled "
            "by their carrier or sender; No changes nothing.",
            len(early),
        )
        body = "\n".join([*lines, "", answer])
        # Weighty: its Yes flags a parcel the recipient could still collect as recalled (pickup refuses
        # it), so a Y typed right behind F9, before the question was read, answers nothing.
        ask(
            self,
            ConfirmDialog(question, body, what=N_("a return batch"), weighty=True),
            partial(
                self.write,
                "batch",
                partial(batch_of, self.station, carrier, picked, recalled=[r.parcel.waybill for r in early]),
            ),
            no=N_("Not started: no return batch."),
        )

    def done_batch(self, batch_id: int) -> None:
        self.chosen.clear()
        if self.is_active:  # not after the clerk went to another mode: that mode's screen would go
            self.app.switch_screen(ReturnsScreen(batch_id))

    def action_back(self) -> None:
        # Not while reminders or a return batch are on their way: the reminders' count is said here, the
        # batch opened from here, what was written said to nobody once the screen had left.
        if not self.stays_for_answer("remind", "batch"):
            self.dismiss()


def batch_of(
    station: Station, carrier: str, waybills: list[str], *, recalled: list[str] | None = None
) -> int:
    """`waybills` put in the open return batch of `carrier` (a new one if none is open); its id.
    `recalled`: those not yet due the clerk said Yes to returning, recorded as recalled (the due ones
    go back for their age)."""
    return returns.open_batch_with(
        station, carrier, waybills, recalled=bool(recalled), recalled_refs=recalled
    ).id


def age_text(row: overdue.OverdueRow) -> str:
    """Days and whole hours on the shelf, as the band counts them ("2 d 23 h" is not yet a 72 h band)."""
    days, hours = row.age
    return _("{days} d {hours} h", days=days, hours=hours)
