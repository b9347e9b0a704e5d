"""The courier's batch on the Check-in screen: open it (carrier and courier), watch it live (expected /
received / missing / extra / damaged, and every other courier being received now), flag a damaged
parcel, close it with the handover receipt.

The base of `CheckinScreen`, which keeps the one place for scans; this adds keys, a panel and the batch
id that each check-in carries. Reads and writes run in thread workers that post messages back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from station_console import name_limit
from station_console.errors import StationError
from station_console.i18n import N_, _, _n, get_language, listed, sentences
from station_console.services.exceptions.problems import PROBLEM_NOTE, mark
from station_console.services.prealerts import batches
from station_console.services.prealerts.batches import BatchView
from station_console.services.printing.courier_receipt import other_carrier_counts
from station_console.services.printing.printers import check_printable
from station_console.services.scan.carriers import active_detector, get_detector
from station_console.tui.screens.base import ModeScreen, open_over, report_unexpected
from station_console.tui.screens.calls import ServiceCalls
from station_console.tui.screens.calls_refusals import refused_close_toasted
from station_console.tui.screens.checkin_dialogs import carrier_choices
from station_console.tui.screens.checkin_writer import signed_in
from station_console.tui.screens.pickup_dialogs import ReasonDialog
from station_console.tui.screens.question_keys import QuestionDialog, RoutedOptions, said_line
from station_console.tui.screens.typed_dialog import NEXT_FIELD_KEYS, TypedDialog, keys_line
from station_console.tui.widgets.name_input import NameInput
from station_console.tui.widgets.plain import Static, plain


class ClosedBut(Exception):
    """The batch closed, then a later step failed: `text` says both (a refusal would keep it open here)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


BINDINGS: list[BindingType] = [
    Binding(
        "f10",
        "open_courier_batch",
        N_("Courier"),
        id="checkin.courier",
        tooltip=N_("Open a courier's batch: the pre-alerts say what should arrive"),
    ),
    Binding(
        "f11",
        "close_courier_batch",
        N_("Close batch"),
        id="checkin.close_batch",
        tooltip=N_("The courier's bag is done: print the handover receipt to sign"),
    ),
    Binding(
        "f12",  # not ctrl+d: the focused field takes that (delete right)
        "mark_damaged",
        N_("Damaged"),
        id="checkin.damaged",
        tooltip=N_("Flag the last parcel as damaged, with a note"),
    ),
]


# The dialog's answer: a new batch's (carrier, courier's name), or the id of a batch open here to go on with.
CourierChoice = tuple[str, str] | int | None
CONTINUE = "continue:"  # the option id of a batch open here; a carrier's code has no colon
# Keys typed behind the Enter that opens, continues or closes a batch wait for that write (`holds_keys`).
BATCH_WRITE = "courier_batch"


class CourierDialog(QuestionDialog[CourierChoice], TypedDialog[CourierChoice]):
    """Choose the carrier, then type the courier's name (Enter, or Ctrl+S; empty is allowed until the
    close). The batches still open at this counter come first, to go on with one (Enter): a bag left
    open when another courier's was opened is reachable again. A key the carrier list does not take, or
    a scan, is said in it (`QuestionDialog`): a scan's Enter chose the highlighted carrier."""

    what = N_("a courier's batch being opened")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", N_("Cancel"), id="courier.cancel", tooltip=N_("No batch")),
    ]

    def __init__(
        self, carriers: list[tuple[str, str]], current: str | None, open_here: Sequence[BatchView] = ()
    ) -> None:
        super().__init__()
        self.carriers, self.current = carriers, current
        self.open_here = list(open_here)
        self.carrier: str | None = None

    def compose(self) -> ComposeResult:
        title = (
            _(
                "Whose bag is it? Go on with a batch open here, or a new batch: carrier, then the courier's name"
            )
            if self.open_here
            else _("Whose bag is it? Carrier, then the courier's name")
        )
        with Vertical(classes="dialog"):
            with Vertical(id="courier-head"):
                yield Static(title, classes="dialog-title")
                yield Static(id="courier-why")
            yield RoutedOptions(*self._options())
            with Vertical(id="courier-end"):
                yield NameInput(
                    id="courier-name", max_length=name_limit.NAME_MAX, placeholder=_("courier's name")
                )
                yield said_line()
                yield keys_line(NEXT_FIELD_KEYS)

    def taken_keys(self) -> set[str]:
        return super().taken_keys() | {"ctrl+s", "home", "end", "pageup", "pagedown"}  # its save, the list's

    def _options(self) -> list[Option | None]:
        options: list[Option | None] = [
            Option(plain(continue_line(batch)), id=f"{CONTINUE}{batch.id}") for batch in self.open_here
        ]
        if options:  # a heading for the new batch, which the cursor passes over
            options += [None, Option(plain(_("A new batch:")), disabled=True)]
        return options + [Option(plain(f"{code:<8} {name}"), id=code) for code, name in self.carriers]

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        codes = [code for code, _name in self.carriers]
        # The carrier being received stays highlighted (a new batch of it); else the newest open here.
        options.highlighted = options.get_option_index(self.current) if self.current in codes else 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _carrier(self, event: OptionList.OptionSelected) -> None:
        chosen = event.option.id or ""
        if chosen.startswith(CONTINUE):
            self.dismiss(int(chosen.removeprefix(CONTINUE)))
            return
        self.carrier = chosen
        self.query_one("#courier-name", Input).focus()

    @on(Input.Submitted, "#courier-name")
    def action_send(self) -> None:
        if self.carrier is None:
            # Tab past the list chose nothing: say so, or Enter seems to only move the cursor back.
            why = self.query_one("#courier-why", Static)
            why.update(plain(_("Choose the carrier first."), "bold red"))
            why.display = True
            self.query_one(OptionList).focus()
            return
        self.dismiss((self.carrier, self.query_one("#courier-name", Input).value.strip()))


def continue_line(batch: BatchView) -> str:
    """A batch open here, as the courier dialog offers to go on with it."""
    return _(
        "Continue {label} {carrier} {courier} {received}/{expected}",
        label=batch.label,
        carrier=batch.carrier_name,
        courier=batch.courier_name or "-",
        received=len(batch.received) + len(batch.extra),
        expected=batch.expected,
    )


def panel_text(current: BatchView | None, others: list[BatchView]) -> Text:
    """The live counts, as plain text: a courier's name is data, never markup."""
    lines = []
    if current is not None:
        counts = current.counts()
        who = dict(label=current.label, carrier=current.carrier_name, courier=current.courier_name or "-")
        if not counts["expected"]:  # nothing pre-alerted: no missing or extra, only what came
            lines.append(
                _(
                    "{label} {carrier} {courier}: received {received} · nothing pre-alerted · damaged {damaged}"
                    "   [F11 close]",
                    **who,
                    received=counts["received"] + counts["extra"],
                    damaged=counts["damaged"],
                )
            )
        else:
            lines.append(
                _(
                    "{label} {carrier} {courier}: expected {expected} · received {received} · missing {missing} · "
                    "extra {extra} · damaged {damaged}   [F11 close]",
                    **who,
                    **counts,
                )
            )
        lines += current.other_carrier_said()  # not this carrier's: apart, never in its counts
    else:
        lines.append(_("No courier batch: F10 opens one for the courier's bag"))
    if others:
        also = "; ".join(
            f"{b.carrier_name} {b.courier_name or '-'} {len(b.received) + len(b.extra)}/{b.expected} ({b.counter})"
            for b in others
        )
        lines.append(_("Also open: {batches}", batches=also))
    return Text("\n".join(lines))


class CourierBatchScreen(ServiceCalls, ModeScreen):
    """Keys, panel and state of the courier batch; `CheckinScreen` is one."""

    courier_batch: int | None = None
    batch_carrier: str | None = None
    # The first read takes back the batch left open at this counter (the console was closed or restarted
    # while a courier's bag was being received): its scans count to it again and F11 closes it.
    resume_open_batch = True
    batch_courier: str = ""  # the courier's name as given at the open, offered again at the close
    results: list[Any]
    undone: set[int]  # parcel ids whose check-in was undone (Ctrl+Z)
    checked_in_by: dict[int, tuple[int, str] | None]  # parcel id -> whose scan checked it in

    @dataclass
    class BatchesRead(Message):
        current: BatchView | None
        others: list[BatchView]
        resumed: bool = False  # current is this counter's open batch, taken back at the first read

    @dataclass
    class BatchDone(Message):
        """A write finished: the text to say, whether it went wrong, the batch now current."""

        text: str
        error: bool
        batch: int | None
        closed: bool = False  # the courier's batch closed: its carrier is no longer being received
        carrier: str | None = None  # the carrier of a batch taken up again: it is received now
        to_scan: bool = False  # a bag begun or done: the cursor goes to the scan field
        closing: bool = False  # the answer to a close (closed, or refused)

    def compose_batch_panel(self) -> ComposeResult:
        yield Static(id="ci-courier")

    def refresh_batches(self) -> None:
        resume = self.resume_open_batch and self.courier_batch is None
        self.resume_open_batch = False
        self._read_batches(self.courier_batch, resume)

    @work(thread=True, exclusive=True, exit_on_error=False, group="courier-batch-read")
    def _read_batches(self, batch_id: int | None, resume: bool = False) -> None:
        try:
            current = batches.get(self.station, batch_id) if batch_id else None
            others = [b for b in batches.list_batches(self.station) if b.id != batch_id]
        except StationError:
            return  # a busy database: the next refresh shows it
        here = next((b for b in others if b.counter == self.station.counter), None) if resume else None
        if here is not None:  # the newest one open here
            others.remove(here)
            self.post_message(CourierBatchScreen.BatchesRead(here, others, resumed=True))
            return
        self.post_message(CourierBatchScreen.BatchesRead(current, others))

    @on(BatchesRead)
    def _batches_read(self, message: BatchesRead) -> None:
        if message.resumed and message.current is not None:
            if self.courier_batch is not None:
                return  # the clerk opened a batch meanwhile: it stays current, the next read shows both
            self.courier_batch = message.current.id
            self.batch_carrier = message.current.carrier
            self.batch_changed()
        if message.current is not None and message.current.status != "open":
            self.courier_batch = None  # closed at another counter
            if self.batch_carrier == message.current.carrier:
                self.batch_carrier = None
                self.batch_changed()
            message = CourierBatchScreen.BatchesRead(None, message.others)
        if message.current is not None:
            self.batch_courier = message.current.courier_name or ""
        self.query_one("#ci-courier", Static).update(panel_text(message.current, message.others))

    def action_open_courier_batch(self) -> None:
        station = self.station  # the carrier table is cached, but read again after an edit: a worker
        current = self.courier_batch

        def read() -> tuple[list[tuple[str, str]], list[BatchView]]:
            open_here = [b for b in batches.open_here(station) if b.id != current]
            # Every carrier deactivated: refused here, not a dialog with nothing to choose (its Enter
            # said "Choose the carrier first"); a batch open here can still be gone on with.
            detector = get_detector(station) if open_here else active_detector(station)
            return carrier_choices(detector), open_here

        # Keys typed right behind (Enter on the highlighted carrier) wait for the dialog, not the scan field.
        self.ask_after("courier_choices", read)

    def call_refused(self, tag: str, exc: StationError) -> None:
        if tag == "courier_choices":  # on the screen's line, where the check-in's refusal says the same
            self.say_batch(exc.message(), error=True)
        else:
            super().call_refused(tag, exc)

    def done_courier_choices(self, read: tuple[list[tuple[str, str]], list[BatchView]]) -> None:
        if not self.asked_by_clerk_now():  # read across a lock: the next clerk asked for no batch
            return
        choices, open_here = read
        carriers = {b.id: b.carrier for b in open_here}

        def chosen(choice: CourierChoice) -> None:
            if isinstance(choice, int):
                self._write_batch(lambda: self._resume(choice), carrier=carriers[choice], to_scan=True)
            elif choice is not None:
                carrier, courier = choice
                self.batch_carrier = carrier  # the courier's carrier settles ambiguous numbers too
                self._write_batch(lambda: self._open(carrier, courier), to_scan=True)

        open_over(self, CourierDialog(choices, self.batch_carrier, open_here), chosen)

    def _resume(self, batch_id: int) -> tuple[str, int | None]:
        view = batches.resume_batch(self.station, batch_id)
        text = _(
            "{label} {carrier} {courier} continued: its scans count to it again.",
            label=view.label,
            carrier=view.carrier_name,
            courier=view.courier_name or "-",
        )
        return text, view.id

    def _open(self, carrier: str, courier: str) -> tuple[str, int | None]:
        view = batches.open_batch(self.station, carrier, courier)
        text = _n(
            "{label} open: {carrier}, {expected} parcel pre-alerted",
            "{label} open: {carrier}, {expected} parcels pre-alerted",
            view.expected,
            label=view.label,
            carrier=view.carrier_name,
            expected=view.expected,
        )
        return text, view.id

    def action_close_courier_batch(self) -> None:
        batch_id = self.courier_batch
        if batch_id is None:
            self.say_batch(_("No courier batch is open here: F10 opens one."), error=True)
            return

        def named(courier: str | None) -> None:
            if courier:
                self._write_batch(lambda: self._close(batch_id, courier), closing=True, to_scan=True)

        open_over(
            self,
            ReasonDialog(
                _("Close the batch and print the receipt to sign"),
                prompt=_("Courier's name"),
                value=self.batch_courier,
                rule=batches.COURIER_TO_CLOSE,  # checked before the dialog closes: a refusal keeps the name
                what=N_("a courier's batch being closed"),
            ),
            named,
        )

    def _close(self, batch_id: int, courier: str) -> tuple[str, int | None]:
        """Close and print; with no printer for receipts here, close and keep the receipt as a PDF file."""
        counter = getattr(self.app, "counter_settings", None)
        try:
            check_printable(counter, "manifest", document="courier_receipt")
            printable = True
        except StationError:
            printable = False
        view = batches.close_batch(
            self.station, batch_id, courier, counter_settings=counter, print_receipt=printable
        )
        counts = view.counts()
        if counts["expected"]:
            text = _(
                "{label} closed: received {received}, missing {missing}, extra {extra}, damaged {damaged}.",
                label=view.label,
                **counts,
            )
        else:
            text = _(
                "{label} closed: received {received}, nothing pre-alerted, damaged {damaged}.",
                label=view.label,
                received=counts["received"] + counts["extra"],
                damaged=counts["damaged"],
            )
        if view.other_carrier:
            others = other_carrier_counts(code for _w, code in view.other_carrier)
            text = sentences(
                text,
                _(
                    "Another carrier's, handed over too: {parcels}.",
                    parcels=listed(f"{view.other_carrier_name(code)} {n}" for code, n in others.items()),
                ),
            )
        text = sentences(text, view.courier_said())  # another courier signs: said, not swapped unseen
        if printable:
            return sentences(text, _("The receipt is printing.")), None
        path, failed = batches.receipt_pdf_after_close(self.station, view.id, get_language())
        if failed is not None:  # closed all the same: said as closed, then what was not saved
            raise ClosedBut(sentences(text, *failed.lines()))
        saved = _("No printer here takes receipts; saved as {path}", path=str(path))
        return sentences(text, saved), None

    def action_mark_damaged(self) -> None:
        # The last parcel still checked in: one whose check-in was undone is no longer here to flag.
        # Nor is the last clerk's, to the clerk who signed in after a lock: they never scanned it.
        me = signed_in(self.station, self.app)
        results = [
            r
            for r in self.results
            if r.parcel_id not in self.undone and self.checked_in_by.get(r.parcel_id) == me
        ]
        if not results:
            self.say_batch(_("Nothing checked in yet to flag."), error=True)
            return
        waybill = results[-1].waybill

        def noted(note: str | None) -> None:
            if note:
                self._write_batch(lambda: self._damaged(waybill, note))

        question = _("What is damaged on {waybill}?", waybill=waybill)
        open_over(self, ReasonDialog(question, rule=PROBLEM_NOTE, what=N_("a damage note")), noted)

    def _damaged(self, waybill: str, note: str) -> tuple[str, int | None]:
        mark(self.station, waybill, "damaged", note)
        return _("{waybill} flagged as damaged.", waybill=waybill), self.courier_batch

    def _write_batch(
        self, call: Any, closing: bool = False, carrier: str | None = None, to_scan: bool = False
    ) -> None:
        """`to_scan`: a bag begun or done, its parcels scanned next. Keys typed right behind the dialog's
        Enter wait for the answer, which puts the cursor in the scan field: given on as the dialog
        closed, they went to the Phone field the last scan had focused, as the last parcel's phone."""
        if to_scan:
            self._hold_keys(BATCH_WRITE)
        self._batch_worker(call, closing, carrier, to_scan)

    @work(thread=True, exclusive=False, exit_on_error=False, group="courier-batch-write")
    def _batch_worker(self, call: Any, closing: bool, carrier: str | None, to_scan: bool) -> None:
        done = partial(CourierBatchScreen.BatchDone, to_scan=to_scan, closing=closing)
        try:
            text, batch = call()
        except ClosedBut as closed:  # the batch is closed: the screen lets it go, the line says the rest
            message = done(closed.text, True, None, closed=True)
        except StationError as exc:
            message = done(exc.message(), True, self.courier_batch)
        except Exception as exc:  # a bug: logged, one calm line
            message = done(report_unexpected(self, exc), True, self.courier_batch)
        else:
            message = done(text, False, batch, closed=closing, carrier=carrier)
        self.post_message(message)

    @on(BatchDone)
    def _batch_done(self, message: BatchDone) -> None:
        self.courier_batch = message.batch
        if message.closed:
            self.batch_carrier = None
        elif message.carrier is not None:
            self.batch_carrier = message.carrier
        self.say_batch(message.text, error=message.error)
        if message.closing and message.error:  # refused, or closed but its receipt not saved
            refused_close_toasted(self, message.text)  # an Esc right behind the Enter clears the line
        self.refresh_batches()
        self.batch_changed()
        if message.to_scan:
            # Refused, the cursor stays where the clerk had it (only the line says why).
            if message.closed or not message.error:
                self.focus_scan_field()
            self._keys_go(BATCH_WRITE)

    def batch_changed(self) -> None:
        raise NotImplementedError  # the screen's status line (the carrier being received)

    def focus_scan_field(self) -> None:
        raise NotImplementedError  # where the next bag's parcels are scanned or typed

    def say_batch(self, text: str, *, error: bool = False) -> None:
        raise NotImplementedError  # the screen's own message line
