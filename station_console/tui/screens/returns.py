"""Returns to the courier (退回): one carrier's batch, scanned in, manifest printed, closed on signature.

Scans are told from typing by key timing (`KeyRouter`): a scan goes into the open batch wherever the
focus is, so it never becomes the carrier or the courier's name. F10, a parcel returned as recalled, is
`returns_recall`; the list, `returns_table`; the close's question, `returns_close`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import DataTable, Input

from db.models import EventKind
from station_console import name_limit
from station_console.errors import StationError
from station_console.i18n import N_, _, _n, example, label_of, sentences
from station_console.services.exceptions import return_batch_parcels, returns
from station_console.services.exceptions.return_batch_words import merged_text, opened_text
from station_console.tui.live_bridge import LiveBridge
from station_console.tui.screens.base import translate_bindings
from station_console.tui.screens.calls import STILL_WRITING
from station_console.tui.screens.calls_refusals import refused_close_toasted
from station_console.tui.screens.confirm_dialog import ask
from station_console.tui.screens.returns_close import NOT_CLOSED, close_question
from station_console.tui.screens.returns_recall import ReturnsRecall
from station_console.tui.screens.returns_table import ReturnsTable, highlighted_waybill
from station_console.tui.screens.scans import TakesScans
from station_console.tui.screens.shared_batch import SharedBatchScreen
from station_console.tui.widgets.plain import Label
from station_console.tui.widgets.status_line import StatusLine
from station_console.tui.widgets.wedge import KeyRouter, WedgeInput

# Another counter's changes that may change the batch listed besides those of its listed parcels:
# one put in, taken out, or the batch closed.
BATCH_KINDS = frozenset({EventKind.RETURN_BATCH_ADDED, EventKind.RETURN_BATCH_REMOVED, EventKind.RETURNED})


class ReturnsScreen(ReturnsRecall, TakesScans, SharedBatchScreen):
    BATCH_KINDS = BATCH_KINDS
    MODE_TITLE = N_("Returns")
    WAIT_LINE = "#ret-status"
    CSS_PATH = "shelves.tcss"
    CLERKS_ENTRY = "#ret-signer, #ret-scan"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "back", N_("Back"), id="returns.back", tooltip=N_("Back; an open batch stays open")
        ),
        Binding(
            "f7",
            "manifest",
            N_("Print manifest"),
            id="returns.manifest",
            tooltip=N_("Queue the batch manifest on this counter's printer"),
        ),
        Binding(
            "f8",
            "close_batch",
            N_("Courier signed"),
            id="returns.close",
            tooltip=N_("Close the batch with the courier's typed name"),
        ),
        Binding("f9", "remove", N_("Remove"), id="returns.remove", tooltip=N_("Take the scanned parcel out")),
        # Not Ctrl+R, every other list's Refresh: pressed from habit, it would send a fresh parcel back.
        Binding(
            "f10",
            "recall",
            N_("Return it as recalled"),
            id="returns.recall",
            tooltip=N_(
                "A parcel goes back as recalled by its carrier or sender: the one just refused, the "
                "list's highlighted one, or one you scan or type"
            ),
        ),
    ]

    def __init__(self, batch_id: int | None = None) -> None:
        super().__init__()
        self.current_batch: returns.BatchView | None = None
        self.batch_id = batch_id
        # The waybill just refused as not due for return: the one F10 sends back as recalled. Any
        # other scan, answer or clerk forgets it, so the key never returns a parcel not named on screen
        # (without it, F10 takes the list's highlighted parcel, or asks which one).
        self.recall_waybill: str | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="form-row"):
            yield Label(_("Carrier"), classes="field-label")
            yield WedgeInput(placeholder=example("ZTO"), id="ret-carrier")
            yield Label(_("Courier's name"), classes="field-label")
            yield WedgeInput(id="ret-signer", max_length=name_limit.NAME_MAX)
        with Horizontal(classes="form-row"):
            yield Label(_("Scan"), classes="field-label")
            yield WedgeInput(placeholder=_("open a batch first"), id="ret-scan", disabled=True)
        yield StatusLine(id="ret-status")
        yield ReturnsTable(id="ret-items")

    def on_mount(self) -> None:
        translate_bindings(self)
        app: Any = self.app
        router = KeyRouter.from_settings(self, app.counter_settings)
        for field in self.query(WedgeInput):
            field.router = router
        # Until it lists a parcel: an empty list takes no key (see `show`).
        self.query_one(ReturnsTable).can_focus = False
        if self.batch_id is not None:
            self.call("show", partial(returns.get, self.station, self.batch_id))
        else:
            self.query_one("#ret-carrier", Input).focus()

    def clerks_entry(self) -> list[Widget]:
        """The carrier is the clerk's typing unless it names the batch shown: that one shows the
        station's batch, which stays for the next clerk (a carrier typed over it for another batch, a
        new one after a close, goes)."""
        entry = super().clerks_entry()
        carrier = self.query_one("#ret-carrier", Input)
        shown = self.current_batch.carrier if self.current_batch is not None else None
        return entry if carrier.value == shown else [carrier, *entry]

    def entry_cleared(self) -> None:
        if self.current_batch is not None:  # the batch shown names its carrier again
            self.query_one("#ret-carrier", Input).value = self.current_batch.carrier

    def drop_clerks_lines(self, *, refusal_only: bool = False) -> None:
        self.recall_waybill = None
        super().drop_clerks_lines(refusal_only=refusal_only)

    def call_refused(self, tag: str, exc: StationError) -> None:
        if tag == "added" and exc.code == "not_due_for_return":
            self.recall_waybill = str(exc.params["waybill"])
            self.status(
                sentences(
                    exc.reason(),
                    _(
                        "If its carrier or sender asked for it back, F10 returns it as recalled; "
                        "otherwise leave it on its shelf."
                    ),
                ),
                error=True,
            )
            return
        super().call_refused(tag, exc)
        if exc.code == "batch_changed":
            # Another counter put a parcel in or took one out since the list was read: the list read
            # again, the refusal staying over it, so the courier signs for what the clerk now sees.
            self.reread()
        if exc.code == "batch_closed" and self.current_batch is not None:
            # Closed at another counter: read again, the screen shows it closed (its parcels returned,
            # the scan field saying how to open the next one) instead of taking scans it refuses.
            self.call("show", partial(returns.get, self.station, self.current_batch.id))

    # -- other counters' changes: the batch is shared (shared_batch.py) ----------------------------

    def batch_read(self) -> Callable[[], returns.BatchView] | None:
        shown = self.current_batch
        return None if shown is None else partial(returns.get, self.station, shown.id)

    def batch_heard(self, message: LiveBridge.Changed) -> bool:
        """Another counter put a parcel in (Overdue's F9, its own Returns) or changed one listed."""
        shown = self.current_batch
        if shown is None:
            return False
        return super().batch_heard(message) or bool(message.parcel_ids & {p.id for p in shown.parcels})

    def still_shown(self, batch: returns.BatchView) -> bool:
        shown = self.current_batch
        return shown is not None and batch.id == shown.id and batch != shown

    def show_reread(self, batch: returns.BatchView) -> None:
        self.show(batch, focus_scan=False)

    def failed(self, tag: str, text: str) -> None:
        self._refused(tag, text)
        if tag == "close":
            refused_close_toasted(self, text)  # an Esc right behind the Yes leaves as this line is written

    def still_writing(self, tag: str) -> None:
        self._refused(tag, _(STILL_WRITING))  # on the line only: the close's own answer is on its way

    def _refused(self, tag: str, text: str) -> None:
        self.recall_waybill = None
        self.status(text, error=True)
        if tag == "close":
            self.query_one("#ret-signer", Input).focus()

    def done_show(self, batch: returns.BatchView) -> None:
        self.show(batch, carrier_named=True)

    done_opened = done_show  # the carrier's Enter: its batch, found or opened

    def _then_show(self, work: Any) -> Any:
        """`work()`, then the batch as it is now (both in the worker)."""
        station, batch_id = self.station, self.current_batch.id if self.current_batch else 0

        def run() -> returns.BatchView:
            work()
            return returns.get(station, batch_id)

        return run

    def done_added(self, batch: returns.BatchView) -> None:
        self.recall_waybill = None
        # The clerk's field kept: a scan typed in the scan field is still there, and one a scanner sent
        # while they typed the courier's name must not take them out of it.
        self.show(batch, focus_scan=False)

    def show(self, batch: returns.BatchView, *, focus_scan: bool = True, carrier_named: bool = False) -> None:
        """`carrier_named`: the answer to the carrier's Enter, whose field then names the batch's carrier
        as the station spells it. The same batch shown again (read again as another counter changes it,
        a scan's answer) leaves a carrier the clerk is typing for the next batch as typed, and the
        list's cursor on the parcel it was on: F9 and F10 take the highlighted one."""
        shown = self.current_batch
        again = shown is not None and shown.id == batch.id
        self.current_batch = batch
        carrier = self.query_one("#ret-carrier", Input)
        if carrier_named or not again or shown is None or carrier.value == shown.carrier:
            carrier.value = batch.carrier
        scan = self.query_one("#ret-scan", Input)
        typing_in = self.focused
        if batch.status != "open" and (focus_scan or typing_in is None or typing_in is scan):
            # Closed (here, or at another counter as the list is read again): the carrier names the
            # batch's carrier, so Enter opens its next batch. Read again while the clerk types elsewhere
            # (the courier's name), the focus stays: moved, the rest of the name went into the carrier.
            # Moved now, before the scan field is disabled: disabled holding the focus, it drops it at
            # once and `focus()` gives it back only later, keys between them going to no field.
            self.set_focus(carrier)
        scan.disabled = batch.status != "open"
        scan.placeholder = (
            _("scan each {carrier} parcel going back", carrier=batch.carrier_name)
            if batch.status == "open"
            else _("batch closed: Enter in Carrier opens the next batch")
        )
        table = self.query_one(ReturnsTable)
        was_on = table.cursor_row if again and table.row_count else 0
        highlighted = highlighted_waybill(table) if again and table.row_count else None
        listed = [row.waybill for row in batch.parcels]
        # gone (taken out), the row that took its place
        table.show(
            batch.parcels,
            self.station.zone(),
            cursor_on=listed.index(highlighted) if highlighted in listed else was_on,
        )
        # Focused, the list takes F9 on its cursor's parcel; empty, Enter and letters there did nothing
        # (Shift+Tab from the carrier went to it), so Tab passes it by.
        table.can_focus = bool(batch.parcels)
        # A read: a refusal said since the clerk's last key stays over it (the batch read as the screen
        # opens, an answer to a scan typed before a refused key).
        # A closed batch names the courier who signed for it, as `station returns show` does: the
        # screen said only 'closed', and who took the parcels was in no word of the console.
        signed = _("  signed by {name}", name=batch.signed_by_name) if batch.signed_by_name else ""
        line = (
            _(
                "Return batch {id}  {carrier}  {merged}",
                id=batch.number,
                carrier=batch.carrier_name,
                merged=merged_text(batch.merged_into, batch.merged_into_count),
            )
            if batch.status == "merged"  # emptied by an upgrade: where its parcels went, not "0 parcels"
            else _n(
                "Return batch {id}  {carrier}  {status}  {count} parcel",
                "Return batch {id}  {carrier}  {status}  {count} parcels",
                batch.count,
                id=batch.number,
                carrier=batch.carrier_name,
                status=label_of(returns.STATE_LABELS, batch.status),
                count=batch.count,
            )
            + signed
        )
        if batch.opened is not None:  # the carrier's Enter: a new batch, or the one open already
            line = sentences(opened_text(batch.carrier_name, batch.opened), line)
        self.query_one("#ret-status", StatusLine).show_read(line)
        if focus_scan and not scan.disabled:
            scan.focus()

    def status(self, text: str, *, error: bool = False) -> None:
        self.query_one("#ret-status", StatusLine).say(text, error=error)
        if error:
            self.app.bell()

    @on(Input.Submitted, "#ret-carrier")
    def _open(self, event: Input.Submitted) -> None:
        carrier = event.value.strip()  # as typed: the service reads it as a code, a refusal quotes it so
        # The carrier's open batch (another counter's too), else a new one: found or opened in one
        # transaction by the service, as a carrier has one open batch.
        # Keys and pastes right behind the Enter wait for the batch, and reach the scan field it
        # enables: given out before, a waybill pasted went into the carrier, which the batch then reset.
        # Pressed again while it is on its way, it sends nothing. A write (it may open a batch), so Esc waits.
        self.ask_after("opened", partial(returns.open_batch, self.station, carrier))

    @on(Input.Submitted, "#ret-signer")
    def _signer_entered(self) -> None:
        if self._needs_batch():
            return
        self.status(_("When the courier has signed, F8 closes the batch."))

    def _needs_batch(self, *, closed_will_do: bool = False) -> bool:
        """No batch open: say how to open one, instead of a key that does nothing; one on its way (put
        together on Overdue, or the carrier's Enter) is said to be loading, a line its read replaces.
        A closed batch shown is none to scan into or sign for (its carrier's Enter opens the next), but
        its manifest prints again (`closed_will_do`)."""
        shown = self.current_batch
        if shown is not None and (shown.status == "open" or closed_will_do):
            return False
        if self.calling("show") or self.calling("opened"):
            self.status(_("One moment: the batch is still loading. Press the key again once it shows."))
            return True
        carrier = self.query_one("#ret-carrier", Input)
        typed = carrier.value.strip().upper()
        if typed:  # typed, not yet sent: its Enter is what opens the batch
            said = _("Open the batch first: Enter in Carrier opens the {carrier} batch.", carrier=typed)
        else:
            said = _("Open a batch first: type the carrier (e.g. ZTO) and press Enter.")
        self.status(said, error=True)
        carrier.focus()
        return True

    @on(Input.Submitted, "#ret-scan")
    def _scan(self, event: Input.Submitted) -> None:
        event.input.value = ""
        if self.current_batch is None or not event.value.strip():
            return
        self.add(event.value)

    def take_scan(self, code: str) -> None:
        self.add(code)

    def refuse_scan(self, text: str) -> bool:
        """Said on the status line, and nothing added."""
        self.status(text, error=True)
        return True

    def add(self, ref: str) -> None:
        """A parcel into the open batch, whichever field has the focus."""
        if self._needs_batch() or self.current_batch is None:
            return
        self.recall_waybill = None
        self.call(
            "added",
            self._then_show(partial(return_batch_parcels.add, self.station, self.current_batch.id, ref)),
        )

    def action_remove(self) -> None:
        table = self.query_one("#ret-items", DataTable)
        if self._needs_batch() or self.current_batch is None or not table.row_count:
            return

        waybill = highlighted_waybill(table)
        # A write, not a read: tagged apart from "show", so that Esc waits for its answer and a
        # "still loading" is never said of it; F9 again before its answer sends nothing (its
        # "not in this batch" stood in red over the parcel just taken out).
        self.write(
            "removed",
            self._then_show(
                partial(return_batch_parcels.remove, self.station, self.current_batch.id, waybill)
            ),
        )

    def done_removed(self, batch: returns.BatchView) -> None:
        self.query_one("#ret-status", StatusLine).withdraw(_(STILL_WRITING))  # F9 again: answered now
        self.done_show(batch)

    def action_manifest(self) -> None:
        if self._needs_batch(closed_will_do=True) or self.current_batch is None:
            return
        app: Any = self.app
        self.write(  # a bounced key queued the manifest twice
            "manifest",
            partial(returns.print_manifest, self.station, self.current_batch.id, app.counter_settings),
        )

    def done_manifest(self, job: int) -> None:
        self.query_one("#ret-status", StatusLine).withdraw(_(STILL_WRITING))  # F-key again: answered now
        self.notify(_("Manifest queued as print job {job}", job=job))

    def action_close_batch(self) -> None:
        if self._needs_batch() or self.current_batch is None:
            return
        signer = self.query_one("#ret-signer", Input).value
        batch = self.current_batch  # the parcels listed: the close refuses a batch changed since
        # Keys behind the Yes wait for its answer: an Esc right behind it left the screen, the parcels
        # gone back to the carrier and how many said to nobody.
        close = partial(
            self.write,
            "close",
            partial(returns.close, self.station, batch.id, signer, seen=batch.on_shelf_ids),
            holds_keys=True,
        )
        if not signer.strip() or not batch.on_shelf_ids:
            close()  # refused by the service (no name, nothing to return): nothing to ask about
            return
        # The parcels leave with the courier, which no key undoes; an Esc right behind the Yes finds
        # the close on its way (`ask` answers as the question closes).
        ask(self, close_question(batch, signer), close, no=NOT_CLOSED, say=self.status)

    def done_close(self, closed: returns.BatchView) -> None:
        # The name signed this batch: kept, an F8 on the carrier's next batch closed it in that name.
        self.query_one("#ret-signer", Input).value = ""
        self.show(closed)
        self.notify(
            _n(
                "{n} parcel returned to {carrier}",
                "{n} parcels returned to {carrier}",
                closed.count,
                n=closed.count,
                carrier=closed.carrier_name,
            )
        )

    def action_back(self) -> None:
        # Not behind a slow write: a batch opened, a scan's refusal, a parcel taken out, the manifest's
        # job or how many parcels went back would be said to nobody, what was asked written all the same.
        if not self.stays_for_answer("opened", "close", "added", "removed", "manifest"):
            self.dismiss()
