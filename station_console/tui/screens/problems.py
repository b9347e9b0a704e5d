"""Problem parcels: flag with a kind and a note, resolve, or write off (manager, with a reason).

Scans are told from typing by key timing (`KeyRouter`): a scan names the parcel wherever the focus is,
so it never becomes the note (nor opens the kind's list).

The list follows other counters' work and this one's in other modes (`LiveReread`): read again, the
cursor kept on its parcel. One that left the list under the cursor (picked up elsewhere, or here in
Pickup) is said, and the focus goes back to the parcel field: F8 must never resolve the parcel that
slid under the cursor in its place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import tzinfo
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Select

from station_console.errors import StationError
from station_console.i18n import N_, _, label_of
from station_console.safe_text import visible
from station_console.services.core.free_text import NoteRule
from station_console.services.exceptions import problems
from station_console.services.shelves.search import STATUS_LABELS, ParcelRow
from station_console.tui.role_keys import role_key
from station_console.tui.screens.base import ModeScreen, translate_bindings
from station_console.tui.screens.calls import STILL_WRITING, ServiceCalls
from station_console.tui.screens.confirm_dialog import ConfirmDialog, ask
from station_console.tui.screens.live_reread import LiveReread
from station_console.tui.screens.prealert_problems import not_received_text
from station_console.tui.screens.scans import TakesScans
from station_console.tui.screens.shelf_common import cells_in
from station_console.tui.widgets.fitted_table import Cells, FittedTable
from station_console.tui.widgets.fixed_input import FixedInput
from station_console.tui.widgets.plain import Label, Static, Table, plain
from station_console.tui.widgets.routed_choice import RoutedChoice
from station_console.tui.widgets.status_line import StatusLine
from station_console.tui.widgets.wedge import KeyRouter, WedgeInput

# The note's column, last, at most (a note may hold 500 characters): it never pushes the parcel's own
# columns off the screen.
NOTE_CELLS = 40
# The kind right after the waybill, then where to find the parcel and the note: in the shelf lists'
# order the kind and the note came last, off an 80-column screen (the table scrolls sideways only
# with the focus in it). Nearly every parcel listed is on the shelf, so its status goes last; one a
# stocktake found after it left says so where its code would be (`code_cell`).
COLUMNS = (
    N_("Waybill"),
    N_("Problem"),
    N_("Code"),
    N_("Location"),
    N_("Note"),
    N_("Carrier"),
    N_("Size"),
    N_("Phone"),
    N_("Checked in"),
    N_("Status"),
)
# Where the list is narrower than its columns (80 columns), these go first, in this order: the status (a
# parcel not on the shelf says so where its code would be), the size, the check-in time, the phone, the
# carrier; and the note wraps at `NOTE_AT_LEAST` cells. Each column is as wide as what it holds.
LEAST_USEFUL = (N_("Status"), N_("Size"), N_("Checked in"), N_("Phone"), N_("Carrier"))
NOTE_AT_LEAST = 16
WANTED = tuple(
    COLUMNS.index(name)
    for name in (*(name for name in COLUMNS if name not in LEAST_USEFUL), *reversed(LEAST_USEFUL))
)


def code_cell(row: ParcelRow) -> str | Text:
    """Where to find the parcel: its pickup code on the shelves; for one recorded as having left (a
    stocktake found it, not put back) its status, as its old code would send a clerk to look for it."""
    if row.status == "on_shelf":
        return row.pickup_code or "-"
    return Text(label_of(STATUS_LABELS, row.status), style="bold")


class KindChoice(RoutedChoice):
    pass


def note_cell(note: str | None) -> Text:
    """A note cut to `NOTE_CELLS` terminal cells with an ellipsis (a Chinese character takes two), shown
    as text; in a narrower column it wraps."""
    cell = Text(" ".join(visible(note or "").split()))
    cell.truncate(NOTE_CELLS, overflow="ellipsis")
    return cell


class ProblemsTable(FittedTable):
    """The problem parcels in the columns that fit (`WANTED`), the note wrapped in the room the others
    leave; laid out again at a new width."""

    COLUMNS = COLUMNS
    FILLS_ROOM_LEFT = COLUMNS.index(N_("Note"))
    FILL_MIN = NOTE_AT_LEAST
    FILL_WRAPS = True
    BAR_ONLY_WHEN_SCROLLING = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.parcel_rows: list[tuple[str, Cells]] = []  # (waybill, cells in COLUMNS' order)

    def show(self, rows: list[ParcelRow], zone: tzinfo) -> None:
        """`rows` listed, the cursor on the parcel it was on, else on the row it was on."""
        chosen = self.cursor_key()
        self.parcel_rows = [
            (row.waybill, cells_in(COLUMNS, row, zone, Code=code_cell(row), Note=note_cell(row.problem_note)))
            for row in rows
        ]
        keys = [key for key, _cells in self.parcel_rows]
        self.lay_out(row=keys.index(chosen) if chosen in keys else None)

    def table_rows(self) -> list[tuple[str | None, Cells]]:
        return list(self.parcel_rows)

    def wanted(self, rows: list[Cells]) -> Sequence[int]:
        return WANTED


class ProblemsScreen(LiveReread, TakesScans, ServiceCalls, ModeScreen):
    MODE_TITLE = N_("Problems")
    WAIT_LINE = "#pr-status"
    CLERKS_ENTRY = "#pr-parcel, #pr-kind, #pr-note"
    CSS_PATH = "shelves.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="problems.back", tooltip=N_("Back to the shelf map")),
        Binding(
            "f7", "mark", N_("Flag"), id="problems.mark", tooltip=N_("Flag the parcel with the kind and note")
        ),
        Binding("f8", "resolve", N_("Resolve"), id="problems.resolve", tooltip=N_("Clear the selected flag")),
        Binding(
            "f9",
            "write_off",
            N_("Write off"),
            id="problems.write_off",
            tooltip=N_("Manager: write the parcel off; the note is the reason"),
        ),
    ]

    def __init__(self, waybill: str | None = None) -> None:
        super().__init__()
        self.waybill = waybill or ""

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="form-row"):
            yield Label(_("Parcel"), classes="field-label")
            yield WedgeInput(
                value=self.waybill, placeholder=_("scan the waybill or type the code"), id="pr-parcel"
            )
            yield KindChoice(
                [(_(problems.KIND_LABELS[kind]), kind) for kind in problems.HAND_KINDS],
                prompt=_("Kind"),
                id="pr-kind",
            )
        with Horizontal(classes="form-row"):
            yield Label(_("Note / reason"), classes="field-label")
            # At most a flag's note: a 5,000-character paste went in whole, refused only at F7.
            yield WedgeInput(id="pr-note", max_length=problems.PROBLEM_NOTE.limit, says_limit=False)
        yield StatusLine(id="pr-status")
        yield ProblemsTable(id="pr-table")
        yield Static(id="pr-not-received")

    _done_text = ""
    _action = ""  # the write on its way: its acknowledgment is this key's
    # The status line acknowledges a write just done: the same key bounced, with nothing typed since,
    # must not hide the acknowledgment under a refusal. Another key is the clerk's next step, which
    # needs its refusal said ("flagged", then F8 to resolve: it did nothing, in silence).
    _acknowledged = ""

    def on_mount(self) -> None:
        translate_bindings(self)
        app: Any = self.app
        router = KeyRouter.from_settings(self, app.counter_settings)
        for field in self.query(WedgeInput):
            field.router = router
        self.query_one(KindChoice).router = router
        self.reload()
        self.query_one("#pr-parcel", Input).focus()

    def reload(self, tag: str = "list") -> None:
        station = self.station
        self.drop("live")  # the clerk's read (after their write) is the newer
        self.live_read_asked()
        self.call(tag, lambda: (problems.list_problems(station), not_received_text(station)), exclusive=True)

    def live_reread(self) -> None:
        if not self.read_coming("list"):  # one on its way reads the changes too
            self.reload("live")

    def done_live(self, answer: tuple[list[Any], Text]) -> None:
        self.done_list(answer)

    def done_list(self, answer: tuple[list[Any], Text]) -> None:
        rows, not_received = answer
        table = self.query_one("#pr-table", ProblemsTable)
        chosen = table.cursor_key()
        table.show(rows, self.station.zone())
        self.query_one("#pr-not-received", Static).update(not_received)
        listed = [row.waybill for row in rows]
        if chosen is not None and chosen not in listed and table.has_focus:
            self.query_one("#pr-parcel", Input).focus()
            self.query_one("#pr-status", StatusLine).say(
                # Not "at another counter": this clerk's own work in another mode (a pickup) is read here too.
                _("{waybill} is no longer on the list: choose again.", waybill=chosen),
                warn=True,
            )

    @on(Input.Submitted, "#pr-parcel")
    def _to_kind(self) -> None:
        self.query_one("#pr-kind", Select).focus()

    def refuse_scan(self, text: str) -> bool:
        """Said, and no parcel named by it."""
        self.failed("scan", text)
        return True

    def take_scan(self, code: str) -> None:
        """The parcel the flag is for, whichever field has the focus; from the parcel field, on to the
        kind as its Enter does."""
        parcel = self.query_one("#pr-parcel", Input)
        parcel.value = code
        self.query_one("#pr-status", StatusLine).say("")
        if parcel.has_focus:
            self._to_kind()

    @on(FixedInput.TooLong, "#pr-note")
    def _note_too_long(self, event: FixedInput.TooLong) -> None:
        """Typed or pasted past the note's limit (the field took none of it): said on the screen's line,
        by the field's name, as a form says it."""
        event.stop()
        self.query_one("#pr-status", StatusLine).say(event.said(_("Note")), error=True)

    @on(Input.Submitted, "#pr-note")
    def _submit_note(self) -> None:
        # Keys and pastes right behind the Enter wait for the flag written: the next parcel pasted went
        # into the note, which the write then emptied. (F7 pressed again still hears it is on its way.)
        self.action_mark(holds_keys=True)

    @on(Input.Changed, "#pr-parcel")
    def _typing(self, event: Input.Changed) -> None:
        if event.value:
            self._acknowledged = ""

    def target(self) -> str:
        """The parcel typed, else the list's cursor row when the clerk is in the list: never a row
        the clerk did not choose (the first one, under a bounced key after the fields were emptied)."""
        typed = self.query_one("#pr-parcel", Input).value.strip()
        table = self.query_one("#pr-table", Table)
        if typed or not table.has_focus:
            return typed
        return table.cursor_key() or ""

    def run(
        self, action: str, ref: str, work: Callable[[], Any], done: str, *, holds_keys: bool = False
    ) -> None:
        if not ref and not self.calling("write"):
            if self._acknowledged != action:
                self.failed("target", _("Scan the parcel, or choose it in the list."))
            return
        # A key pressed again while the write is on its way is not sent, and the status line says to
        # wait; the write's answer replaces that.
        if self.write("write", work, holds_keys=holds_keys):
            self._acknowledged, self._done_text, self._action = "", done, action

    def failed(self, tag: str, text: str) -> None:
        if tag == "live":
            return  # the list shown stays; the next change heard reads it again
        self.query_one("#pr-status", StatusLine).say(text, error=True)
        self.app.bell()

    def call_refused(self, tag: str, exc: StationError) -> None:
        """Said on the line; a note or reason refused (empty, too long, a left parcel's where it went)
        puts the cursor in the note field, where it is typed: "Reason is empty." heard in the parcel
        field, a Y behind F9 went into the waybill."""
        if isinstance(exc.params.get("field"), NoteRule) or exc.code == "missing":
            self.query_one("#pr-note", Input).focus()
        self.failed(tag, exc.message())

    def still_writing(self, tag: str) -> None:
        self.failed(tag, _(STILL_WRITING))

    def done_write(self, row: Any) -> None:
        status = self.query_one("#pr-status", StatusLine)
        status.say(plain(self._done_text.format(waybill=getattr(row, "waybill", "")), "green"))
        self.query_one("#pr-parcel", Input).value = ""
        self.query_one("#pr-note", Input).value = ""
        self._acknowledged = self._action
        self.query_one("#pr-parcel", Input).focus()  # ready for the next parcel, out of the list
        self.reload()

    def action_mark(self, holds_keys: bool = False) -> None:
        kind = self.query_one("#pr-kind", Select).value
        if not isinstance(kind, str):
            self.query_one("#pr-status", StatusLine).say(_("Choose the kind of problem."), error=True)
            return
        note = self.query_one("#pr-note", Input).value
        ref = self.target()
        self.run(
            "mark",
            ref,
            lambda: problems.mark(self.station, ref, kind, note),
            _("{waybill} flagged.", waybill="{waybill}"),
            holds_keys=holds_keys,
        )

    def action_resolve(self) -> None:
        ref = self.target()
        note = self.query_one("#pr-note", Input).value
        self.run(
            "resolve",
            ref,
            lambda: problems.resolve(self.station, ref, note),
            _("{waybill} resolved.", waybill="{waybill}"),
        )

    @role_key("problems.write_off")
    def action_write_off(self) -> None:
        """A write-off cannot be undone: the parcel and the reason are read (and refused as the write
        would refuse them) and asked about first, No focused; keys typed before the question appeared
        answer nothing (they wrote the parcel off at once, the note as its reason, asking nothing)."""
        ref = self.target()
        reason = self.query_one("#pr-note", Input).value
        if not ref or self.calling("write"):  # said as for F7 and F8: what to scan, or wait
            self.run("write_off", ref, lambda: None, "")
            return
        station = self.station
        # The reason as typed goes with the answer: the write-off records what the question showed.
        self.ask_after("write_off_asked", lambda: (*problems.write_off_preview(station, ref, reason), reason))

    def done_write_off_asked(self, answer: tuple[Any, str, str]) -> None:
        row, recorded, typed = answer
        waybill = str(row.waybill)
        body = _(
            "Reason: {reason}\n\nA write-off cannot be undone: the parcel leaves the shelf and its code "
            "is freed.\n\nYes writes it off; No changes nothing.",
            reason=visible(recorded),
        )
        ask(
            self,
            ConfirmDialog(
                _("Write off {waybill}?", waybill=visible(waybill)),
                body,
                what=N_("writing off a parcel"),
                weighty=True,
            ),
            partial(self._write_off, waybill, typed),
            no=N_("Not written off: nothing changed."),
            say=lambda text: self.query_one("#pr-status", StatusLine).say(text),
        )

    def _write_off(self, waybill: str, reason: str) -> None:
        self.run(
            "write_off",
            waybill,
            lambda: problems.write_off(self.station, waybill, reason),
            _("{waybill} written off.", waybill="{waybill}"),
        )

    def action_back(self) -> None:
        # Not while a flag, a resolve or a write-off is on its way: its answer is said on this line.
        if not self.stays_for_answer("write"):
            self.dismiss()
