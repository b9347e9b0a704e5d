"""Handing sends to a courier (揽收): choose the carrier, the courier scans each parcel, F10 closes.

Like pickup, a scan that is not one of this carrier's sends at the counter turns the screen red,
names what it is and rings the bell; the list shows what is scanned and what is still missing.

Until a carrier is chosen, the carriers offered follow the live view (`sendout_handover_carriers`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Digits, Input, Select

from db.models import SendEvent
from station_console import name_limit
from station_console.errors import Refused, StationError
from station_console.i18n import N_, _, _n, get_language, listed, sentences
from station_console.safe_text import printable
from station_console.services.core.later_steps import StepFailed
from station_console.services.core.paper_numbers import handover_batch_number
from station_console.services.core.station import Station
from station_console.services.printing.printers import takes
from station_console.services.sendout import handover
from station_console.services.sendout.quote import kg
from station_console.services.sendout.waiting import Waiting, at_counter
from station_console.tui import error_toasts
from station_console.tui.screens.calls import STILL_WRITING
from station_console.tui.screens.calls_refusals import refused_close_toasted
from station_console.tui.screens.confirm_dialog import ConfirmDialog, ask
from station_console.tui.screens.scans import TakesScans
from station_console.tui.screens.sendout_form import Choice
from station_console.tui.screens.sendout_handover_carriers import (
    CHOOSE_CARRIER,
    NONE_WAITING,
    CarriersOffered,
)
from station_console.tui.screens.shared_batch import SharedBatchScreen
from station_console.tui.widgets.plain import Label, Static, Table
from station_console.tui.widgets.status_line import StatusLine
from station_console.tui.widgets.wedge import KeyRouter, WedgeInput

# Narrower than this, the scan field goes under the carrier and the courier's name: beside them at 80
# columns the name had 6 cells ("快 …").
ONE_ROW_MIN = 120

# After the service's refusal saying who closed the batch shown, when, and at which counter if not this one.
CHOOSE_AGAIN = N_("Choose the carrier again for its next batch.")
# The batch closed meanwhile at another counter, with another courier's name than the one typed here
# (the name goes with the close only): the name typed here is on no manifest, said so.
OTHER_COURIER = N_("Its manifest names the courier {kept}; {typed}, typed here, is not on it.")
NO_COURIER = N_("Its manifest names no courier; {typed}, typed here, is not on it.")

# Another counter's changes that may change the batch listed: a send accepted for the carrier or
# refunded, one scanned in, the batch saved by its first scan, or closed.
BATCH_KINDS = frozenset(
    {
        SendEvent.SEND_ACCEPTED,
        SendEvent.SEND_REFUNDED,
        SendEvent.SEND_SCANNED,
        SendEvent.SEND_HANDED_OVER,
        SendEvent.HANDOVER_OPENED,
        SendEvent.HANDOVER_CLOSED,
    }
)


class HandoverScreen(CarriersOffered, TakesScans, SharedBatchScreen):
    BATCH_KINDS = BATCH_KINDS
    # As short as Send-out's: "Courier handover" cut the station's name in the header at 120 columns.
    MODE_TITLE = N_("Handover")
    WAIT_LINE = "#ho-message"
    CSS_PATH = "sendout.tcss"
    # The courier's name would sign the next clerk's manifest; the batch chosen shows the station's.
    CLERKS_ENTRY = "#ho-courier, #ho-scan"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f10",
            "close_batch",
            N_("Close and print"),
            id="handover.close",
            tooltip=N_("The courier signs the manifest"),
        ),
        Binding(
            "escape",
            "back",
            N_("Back"),
            id="handover.back",
            tooltip=N_("Back to send-out; the batch stays open"),
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: handover.BatchView | None = None
        self.router: KeyRouter | None = None
        # The batch shown closed meanwhile, until a carrier is chosen again: a scan or F10 then says who
        # closed it again ("Choose the carrier first." alone replaced that line with a riddle).
        self.closed_meanwhile: StationError | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="ho-top", classes=self._rows(self.app.size.width)):
            yield Label(_("Carrier"), classes="field-label")
            # Its keys pass the router too: a scan while it has the focus must not open it and pick.
            yield Choice([], field=N_("Carrier"), id="ho-carrier", prompt=_("whose courier is here"))
            yield Label(_("Courier"), classes="field-label")
            yield WedgeInput(
                placeholder=_("courier's name, for the manifest"),
                id="ho-courier",
                max_length=name_limit.NAME_MAX,
            )
            yield WedgeInput(placeholder=_("scan, or type a waybill and Enter"), id="ho-scan", max_length=60)
        with Horizontal(id="ho-middle"):
            with Horizontal(id="ho-progress"):
                yield Digits("0", id="ho-done")
                yield Static(_("of"), classes="ho-of")
                yield Digits("0", id="ho-total")
            yield StatusLine(_(CHOOSE_CARRIER), id="ho-message")
        yield Table(id="ho-table", cursor_type="row", zebra_stripes=True)

    @staticmethod
    def _rows(width: int) -> str:
        return "-two-rows" if width < ONE_ROW_MIN else ""

    def on_resize(self) -> None:
        self.query_one("#ho-top").set_class(bool(self._rows(self.size.width)), "-two-rows")

    def on_mount(self) -> None:
        app: Any = self.app
        self.router = router = KeyRouter.from_settings(self, app.counter_settings)
        for field in self.query(WedgeInput):
            field.router = router
        self.query_one("#ho-carrier", Choice).router = router
        table = self.query_one("#ho-table", DataTable)
        table.can_focus = False
        for key, title in (
            ("ok", ""),
            ("waybill", _("Waybill")),
            ("kg", "kg"),
            ("items", _("Pieces")),
            ("dest", _("Destination")),
            ("to", _("To")),
        ):
            table.add_column(title, key=key)
        self.call("waiting", lambda: at_counter(self.station))
        self.query_one("#ho-carrier", Select).focus()

    def done_waiting(self, waiting: list[Waiting]) -> None:
        self.offer(waiting)
        if not waiting:
            self.say(_(NONE_WAITING), warn=True)

    def done_left_waiting(self, waiting: list[Waiting]) -> None:
        """After a close: the carriers offered again, the handover's own line left on screen."""
        self.offer(waiting)

    @on(Select.Changed, "#ho-carrier")
    def _carrier(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            code = event.value
            self.closed_meanwhile = None
            # Exclusive: only the batch of the carrier chosen last may be shown, or the courier's scans
            # go into another carrier's. Choosing writes nothing: the first accepted scan saves it.
            self.call("opened", lambda: handover.open_batch(self.station, code), exclusive=True)

    def done_opened(self, view: handover.BatchView) -> None:
        self.show(view)
        name = self.query_one("#ho-courier", Input)
        if name.value.strip():
            self.say(self._batch_line(view, named=True))
            self.query_one("#ho-scan", Input).focus()
            return
        # The courier's name next, as the fields read: a name typed right after the carrier went into
        # the scan field. A scan is taken wherever the focus is, so the courier may scan at once.
        self.say(self._batch_line(view, named=False))
        name.focus()

    @staticmethod
    def _batch_line(view: handover.BatchView, *, named: bool) -> str:
        """What the screen says of the carrier chosen: its open batch by number, or a new one, not
        saved (nor numbered) until its first parcel is scanned."""
        if view.batch_id is None:
            if named:
                text = N_(
                    "New batch for {carrier}, numbered at its first parcel: scan each parcel the courier takes."
                )
            else:
                text = N_(
                    "New batch for {carrier}, numbered at its first parcel: type the courier's name, "
                    "then scan each parcel the courier takes."
                )
            return _(text, carrier=view.carrier_name)
        if named:
            text = N_("Batch {batch} for {carrier}: scan each parcel the courier takes.")
        else:
            text = N_(
                "Batch {batch} for {carrier}: type the courier's name, then scan each parcel the courier takes."
            )
        return _(text, batch=handover_batch_number(view.batch_id), carrier=view.carrier_name)

    @on(Input.Submitted, "#ho-courier")
    def _named(self) -> None:
        self.query_one("#ho-scan", Input).focus()  # the name given: the scans next

    def take_scan(self, code: str) -> None:
        self.scan(code)

    @on(Input.Submitted, "#ho-scan")
    def _typed(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        event.input.value = ""
        if text:
            self.scan(text)

    def scan(self, code: str) -> None:
        if self.view is None:
            self.wrong(self._choose_first())
            return
        scan = partial(handover.scan, self.station, self.view, code)
        self.call("scanned", scan)

    def done_scanned(self, got: handover.ScanResult) -> None:
        numbered = self.view is not None and self.view.batch_id is None  # this scan saved the batch
        self.set_class(False, "-wrong")
        self.show(got.batch)
        if got.already:
            self.say(_("{waybill} was already scanned.", waybill=got.row.waybill), warn=True)
            return
        if got.done == got.total:
            text = _n(
                "{n} parcel scanned. F10 closes the batch and prints the manifest.",
                "All {n} scanned. F10 closes the batch and prints the manifest.",
                got.total,
                n=got.total,
            )
        else:
            text = _(
                "{waybill} OK ({done} of {total}).", waybill=got.row.waybill, done=got.done, total=got.total
            )
        if numbered:
            text = sentences(text, _("Batch number {batch}.", batch=handover_batch_number(got.batch_id)))
        self.say(text, ok=True)

    def action_close_batch(self) -> None:
        if self.view is None:
            self.wrong(self._choose_first())
            return
        batch_id, seen = self.view.batch_id, self.view.scanned_ids  # the close refuses a batch changed since
        courier = self.query_one("#ho-courier", Input).value
        # Keys behind the Yes wait for the close's answer: an Esc right behind it left the screen, the
        # close written and what was handed over (and what the courier did not collect) said to nobody.
        close = partial(self.write, "closed", lambda: self._close(batch_id, courier, seen), holds_keys=True)
        if batch_id is None or not seen:
            close()  # refused by the service (nothing scanned): nothing to ask about
            return
        # The sends leave with the courier, which no key undoes: asked, as Returns' close is.
        ask(
            self,
            handover_close_question(self.view, courier),
            close,
            no=NOT_CLOSED,
            say=partial(self.say, warn=True),
        )

    def _close(
        self, batch_id: int | None, courier: str, seen: list[int]
    ) -> tuple[handover.BatchView, Path | None, StepFailed | None]:
        """Close and print; with no printer here for the manifest, close and keep it as a PDF file:
        the courier is at the counter to sign it, and a queued job no printer takes would never come.
        A PDF not written is said after the close, which stands."""
        app: Any = self.app
        printable = takes(app.counter_settings, "manifest")
        view = handover.close_batch(
            self.station, batch_id, courier_name=courier, print_manifest=printable, seen=seen
        )
        if printable:
            return view, None, None
        # On demand: the drawing loads only where no printer takes the manifest.
        from station_console.services.sendout.drawing import manifest_pdf_after_close

        assert view.batch_id is not None  # closed: it was saved
        return view, *manifest_pdf_after_close(self.station, view.batch_id, get_language())

    def done_closed(self, result: tuple[handover.BatchView, Path | None, StepFailed | None]) -> None:
        view, saved, failed = result
        missing = view.summary.get("missing", [])
        handed = int(view.summary.get("handed_over", 0))
        text = _n(
            "Handed over {n} parcel, {weight} kg, to {carrier}.",
            "Handed over {n} parcels, {weight} kg, to {carrier}.",
            handed,
            n=handed,
            weight=kg(view.summary.get("weight_g", 0)),
            carrier=view.carrier_name,
        )
        if missing:
            text = sentences(
                text, _("NOT collected: {waybills}.", waybills=listed(m["waybill"] for m in missing))
            )
        # The manifest's sentence last: a path said there ends the line, not run into the next sentence
        # (it has no full stop of its own, which would read as part of the file's name).
        if failed is not None:
            text = sentences(text, *failed.lines())
        elif saved is None:
            text = sentences(text, _("The manifest is printing."))
        else:
            text = sentences(text, _("No printer here takes manifests; saved as {path}", path=str(saved)))
        self.show(view)
        self.view = None
        # The name signed this batch's manifest: the next batch is another courier's collection, whose
        # name would otherwise go on its manifest unasked (choosing a carrier skips a name already there).
        self.query_one("#ho-courier", Input).value = ""
        self.say(text, warn=bool(missing or failed), ok=not (missing or failed))
        if self.keys_wait():
            # An Esc typed behind F10 goes as soon as this line is written, and the screen with it:
            # what was handed over and what was NOT collected, said in a toast too, is still read; what
            # was not done (a send left at the counter, a manifest not saved) stays up until read.
            if missing or failed:
                self.notify(text, severity="warning", timeout=error_toasts.UNTIL_READ, markup=False)
            else:
                self.notify(text, markup=False)
        self.call("left_waiting", lambda: at_counter(self.station))

    def _choose_first(self) -> str:
        """Why a scan or a close has no batch to go into: no carrier chosen, or the batch shown closed
        meanwhile (who closed it said again, as the line saying so may be gone or under a refusal)."""
        if self.closed_meanwhile is not None:
            return sentences(self.closed_meanwhile.message(), _(CHOOSE_AGAIN))
        return _("Choose the carrier first.")

    def action_back(self) -> None:
        # Not behind a slow write (a database locked by another counter): a scan's refusal (a wrong
        # parcel), what was handed over and what the courier did not collect would be said to nobody,
        # what was asked written all the same.
        if not self.stays_for_answer("closed", "scanned"):
            self.dismiss(None)

    def failed(self, tag: str, text: str) -> None:
        self.wrong(text)
        if tag == "closed":
            refused_close_toasted(self, text)  # an Esc right behind the Yes leaves as this line is written

    def call_refused(self, tag: str, exc: StationError) -> None:
        if exc.code == "batch_closed" and self.view is not None:
            # Closed meanwhile (another counter, or a command under this counter's name): every scan
            # was refused by it, and its carrier, chosen already, could not be chosen again for its
            # next batch. Who closed it said, the carriers offered again, as after a close here.
            self.failed(tag, sentences(exc.message(), *self._courier_not_kept(exc), _(CHOOSE_AGAIN)))
            self.carriers_again(exc)
            return
        super().call_refused(tag, exc)
        if exc.code == "batch_changed":
            # The batch is shared: another counter scanned a send into it or refunded one since the
            # list was read. Read again, the refusal staying said, so the courier signs for what shows.
            self.reread()

    def _courier_not_kept(self, closed: StationError) -> list[str]:
        """The batch closed meanwhile: the courier its manifest names, when not the one typed here."""
        # As the close keeps a name (its spaces one each): the same name typed here is the one kept.
        typed = printable(self.query_one("#ho-courier", Input).value)
        kept = closed.data.get("courier")
        if not typed or typed == kept:
            return []
        if not kept:
            return [_(NO_COURIER, typed=typed)]
        return [_(OTHER_COURIER, kept=kept, typed=typed)]

    def carriers_again(self, closed: StationError) -> None:
        """The batch shown closed meanwhile (`closed`: the refusal saying who closed it): none to scan
        into, the carriers offered again."""
        self.view, self.closed_meanwhile = None, closed
        self.call("left_waiting", lambda: at_counter(self.station))

    # -- other counters' changes: the carrier's open batch is shared (shared_batch.py) ---------------

    def batch_read(self) -> Callable[[], handover.BatchView | ClosedMeanwhile] | None:
        """The saved batch shown (or who closed it, closed), or, for one not saved yet, the carrier's:
        another counter's first scan saves it, and its scans show here too."""
        shown = self.view
        if shown is None:
            return None
        if shown.batch_id is None:
            return partial(handover.open_batch, self.station, shown.carrier)
        return partial(_read_again, self.station, shown.batch_id)

    def still_shown(self, read: handover.BatchView | ClosedMeanwhile) -> bool:
        view = read.view if isinstance(read, ClosedMeanwhile) else read
        shown = self.view
        return (
            shown is not None
            and shown.carrier == view.carrier
            and shown.batch_id in (None, view.batch_id)
            and view != shown
        )

    def show_reread(self, read: handover.BatchView | ClosedMeanwhile) -> None:
        if not isinstance(read, ClosedMeanwhile):
            self.show(read)
            return
        self.show(read.view)
        # Closed meanwhile: shown as open, every scan was refused by it, and its carrier, chosen
        # already, could not be chosen again. Who closed it said, and where if not at this counter (a
        # command run here shares its name), the carriers offered again, as after a refusal saying so;
        # a refusal on show stays over the line.
        self.query_one("#ho-message", StatusLine).show_read(
            sentences(read.refusal.message(), *self._courier_not_kept(read.refusal), _(CHOOSE_AGAIN)),
            warn=True,
        )
        self.carriers_again(read.refusal)

    def still_writing(self, tag: str) -> None:
        self.wrong(_(STILL_WRITING))  # on the line only: the close's own answer is on its way

    # -- display ------------------------------------------------------------------------------

    def show(self, view: handover.BatchView) -> None:
        self.view = view
        table = self.query_one("#ho-table", DataTable)
        table.clear()
        for r in sorted(view.rows, key=lambda r: (r.scanned, r.created_at)):
            cells = (r.waybill, kg(r.weight_g), str(r.item_count), r.destination, r.recipient)
            table.add_row("✓" if r.scanned else "·", *(Text(cell) for cell in cells))  # data, not markup
        self.query_one("#ho-done", Digits).update(str(len(view.scanned)))
        self.query_one("#ho-total", Digits).update(str(len(view.rows)))

    def wrong(self, text: str) -> None:
        self.app.bell()
        self.add_class("-wrong")
        self.say(text, error=True)

    def say(self, text: str, *, error: bool = False, warn: bool = False, ok: bool = False) -> None:
        self.query_one("#ho-message", StatusLine).say(text, error=error, warn=warn, ok=ok)

    def drop_clerks_lines(self, *, refusal_only: bool = False) -> None:
        super().drop_clerks_lines(refusal_only=refusal_only)
        self.set_class(False, "-wrong")  # the red screen was the last clerk's refusal too


@dataclass(frozen=True)
class ClosedMeanwhile:
    """The batch shown, read again closed: as it was handed over, and the refusal a scan into it now
    gets, saying who closed it, when, and at which counter if not this one (as the command says)."""

    refusal: Refused
    view: handover.BatchView


def _read_again(station: Station, batch_id: int) -> handover.BatchView | ClosedMeanwhile:
    view, closed = handover.batch_read_again(station, batch_id)
    return view if closed is None else ClosedMeanwhile(closed, view)


# What No leaves, said on the handover's line.
NOT_CLOSED = N_("Not closed: the batch stays open; the courier can scan on.")


def handover_close_question(view: handover.BatchView, courier: str) -> ConfirmDialog:
    """Names the batch, the carrier, how many go and how many stay; weighty: a Y typed before the
    question was up answers nothing."""
    going, staying = len(view.scanned), len(view.missing)
    question = _n(
        "Close handover batch {batch}: {n} send goes to the {carrier} courier?",
        "Close handover batch {batch}: {n} sends go to the {carrier} courier?",
        going,
        batch=handover_batch_number(view.batch_id or 0),
        n=going,
        carrier=view.carrier_name or view.carrier,
    )
    lines = [_("Courier: {name}.", name=courier.strip())] if courier.strip() else []
    if staying:
        lines.append(
            _n(
                "{n} send not scanned stays at the counter.",
                "{n} sends not scanned stay at the counter.",
                staying,
                n=staying,
            )
        )
    lines.append(_("Yes closes the batch and its manifest: this cannot be undone. No changes nothing."))
    return ConfirmDialog(question, "\n".join(lines), what=N_("a handover's close"), weighty=True)
