"""The Check-in mode (入库): the console opens here.

A scan checks its parcel in at once: the pickup code is shown big and the parcel becomes "the current
parcel", named beside the Phone field ("Phone for 6-5-3002 · SF…0123"). A phone typed then (the last 4
digits, a whole number, a privacy or virtual form) goes to that parcel and no other, through the one
`set_phone` step, which tells the customer; its label waits for that phone a few seconds, so the sticker
carries the masked number. The person it is for, found in the directory (Ctrl+N), goes to it the same
way, their phone with them. Size is the one field typed before the scan (it decides the shelf).

Scans are told from typing by key timing (`KeyRouter`), so a scan lands here wherever the focus is; a
scan that arrives in pieces is refused loudly and kept nowhere. Every refusal and open question (carrier,
duplicate, no room) goes to the "needs attention" list until the clerk resolves or dismisses it, and the
status line counts this session's refused scans. Service calls run in order on the check-in writer
(`checkin_writer.py`); the UI thread never waits on the database.

This module is the scan intake and the keys; the rest of the screen is built in layers it inherits, one
concern each: `checkin_state.py` (current parcel, status and label states), `checkin_questions.py` (needs
attention), `checkin_phones.py` (the phone and recipient panel), `checkin_table.py` (the table of this
session's check-ins, and Ctrl+Z's undo).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Input

from station_console.i18n import N_, _, sentences
from station_console.phone_masking import mask_phones
from station_console.safe_text import cut
from station_console.services.checkin.recipient import recipient_notes
from station_console.services.printing.printers import any_printer
from station_console.services.scan.carriers import get_detector
from station_console.tui.scanner_bridge import ScannerBridge
from station_console.tui.screens.base import open_over
from station_console.tui.screens.checkin_attention import Attention, AttentionList
from station_console.tui.screens.checkin_batch import BINDINGS as COURIER_BINDINGS
from station_console.tui.screens.checkin_dialogs import NO_BATCH, BatchPicker, MissingPhones, carrier_choices
from station_console.tui.screens.checkin_state import READY, Current
from station_console.tui.screens.checkin_table import CheckinTable
from station_console.tui.screens.checkin_writer import CheckinWriter, ScanRequest
from station_console.tui.widgets.plain import Label, Static
from station_console.tui.widgets.status_line import StatusLine
from station_console.tui.widgets.tail_table import TailTable
from station_console.tui.widgets.wedge import KeyRouter, WedgeInput

if TYPE_CHECKING:
    from station_console.settings import StationSettings

PHONE_CHARS = r"[0-9+*xX#,()\s\-转]*"
# Narrower than this, the scan and phone fields would be squeezed to a few cells beside their labels:
# the fields take two rows (the scan field alone on the first).
FIELDS_ONE_ROW_MIN = 120


class CheckinScreen(CheckinTable):
    MODE_TITLE = N_("Check-in")
    CSS_PATH = "checkin.tcss"
    # Seconds between re-reads of the table's label states and of other counters' couriers (tests shorten them).
    LABELS_EVERY = 3.0
    BATCHES_EVERY = 5.0
    _told_no_printer = False  # the clerk was told labels wait for a printer (once a console)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f7",
            "pick_batch",
            N_("Batch"),
            id="checkin.batch",
            tooltip=N_("Choose the carrier being received"),
        ),
        Binding(
            "f8", "toggle_quick", N_("Quick mode"), id="checkin.quick", tooltip=N_("Scan only; phones later")
        ),
        Binding(
            "f9",
            "missing_phones",
            N_("Add phones"),
            id="checkin.phones",
            tooltip=N_("Parcels checked in without a phone"),
        ),
        Binding("ctrl+z", "undo", N_("Undo last"), id="checkin.undo", tooltip=N_("Undo your last check-in")),
        Binding(
            "ctrl+n",
            "pick_recipient",
            N_("Recipient"),
            id="checkin.recipient",
            tooltip=N_("Who the parcel shown is for: name, initials (zs), room (3-502)"),
        ),
        Binding(
            "ctrl+w",
            "who_is_this",
            N_("Who is this?"),
            id="checkin.who",
            tooltip=N_("Parcels with a name, no match"),
            priority=True,  # a field has the focus here, and Ctrl+W would delete a word in it
        ),
        Binding(
            "ctrl+y",
            "resolve",
            N_("Do it"),
            id="checkin.resolve",
            tooltip=N_("Needs attention: use the detected carrier, reprint, or try again"),
        ),
        Binding(
            "ctrl+b",
            "keep_batch",
            N_("Keep batch"),
            id="checkin.keep",
            show=False,
            tooltip=N_("Needs attention: check in with the batch carrier anyway"),
        ),
        Binding(
            "ctrl+x",
            "dismiss_item",
            N_("Dismiss"),
            id="checkin.dismiss",
            tooltip=N_("Needs attention: let the highlighted one go (recorded)"),
            priority=True,  # a field has the focus here, and Ctrl+X would cut its text
        ),
        Binding("up", "move_item(-1)", show=False, id="checkin.up"),
        Binding("down", "move_item(1)", show=False, id="checkin.down"),
        Binding(
            "escape", "clear", N_("Clear"), id="checkin.clear", show=False, tooltip=N_("Clear the message")
        ),
        *COURIER_BINDINGS,
    ]

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="ci-status"):
            yield Static(id="ci-batch")
            yield Static(id="ci-quick")
            yield Static(id="ci-missing")
            yield Static(id="ci-refused")
        yield from self.compose_batch_panel()
        with Horizontal(id="ci-fields", classes=self._fields_class(self.app.size.width)):
            yield Label(_("Scan"), classes="field-label")
            yield WedgeInput(placeholder=_("scan, or type a waybill and Enter"), id="scan")
            yield Label(_("Phone"), id="ci-phone-for", classes="field-label phone", markup=False)
            yield WedgeInput(
                placeholder=_("last 4 digits or full"),
                id="phone",
                classes="phone",
                max_length=24,
                takes=_("a phone number"),
                restrict=PHONE_CHARS,  # letters of a split scan never land here
            )
            yield Label(_("Size (next scan)"), classes="field-label")
            yield WedgeInput(
                id="size",
                max_length=2,
                restrict=r"[SMLXsmlx]*",
                takes=_("S, M, L or XL"),
                refusal=self.size_refusal,
            )
        with Horizontal(id="ci-last"):
            with Vertical(id="ci-big"):
                yield Digits("", id="ci-code")
                yield Static("", id="ci-where")
                yield Static("", id="ci-whose")  # whose code it is: its carrier and waybill end
            yield StatusLine(_(READY), id="ci-message", lays_out=False)  # its box is sized to fit it
        yield AttentionList(id="ci-attention")
        yield TailTable("waybill", id="ci-table", cursor_type="row", zebra_stripes=True)

    @staticmethod
    def _fields_class(width: int) -> str:
        return "-two-rows" if width < FIELDS_ONE_ROW_MIN else ""

    def on_resize(self) -> None:
        self.query_one("#ci-fields").set_class(self.size.width < FIELDS_ONE_ROW_MIN, "-two-rows")
        self._refresh_status()
        self.call_after_refresh(self.fit_message_box)  # the message at its new width, once laid out

    def on_mount(self) -> None:
        app: Any = self.app
        self.router = KeyRouter.from_settings(self, app.counter_settings)
        for field in self.query(WedgeInput):
            field.router = self.router
        self.writer.submit(self.writer.warm_up)
        self.watch(
            app, "station_settings", self._show_default_size
        )  # and when read again (changed elsewhere)
        self._set_up_table()
        self._refresh_status()
        self._show_current()
        self._skipped_reads: list[Callable[[], None]] = []
        self.set_interval(self.LABELS_EVERY, self._while_in_view(self._read_labels))
        self.refresh_batches()
        self.set_interval(self.BATCHES_EVERY, self._while_in_view(self.refresh_batches))  # other counters'
        self.query_one("#scan", Input).focus()  # the scan field has the focus by default

    def _show_default_size(self, settings: StationSettings | None) -> None:
        self.query_one("#size", Input).placeholder = (settings or self.station.settings()).default_size

    def _while_in_view(self, read: Callable[[], None]) -> Callable[[], None]:
        """A timer's re-read, skipped while another mode is shown: nobody sees this screen then, and
        each read is a query of the shared database every few seconds all day. One that was skipped
        is done as the screen comes back."""

        def tick() -> None:
            if self in self.app.screen_stack:  # in front, or under a dialog of its own
                read()
            elif read not in self._skipped_reads:
                self._skipped_reads.append(read)

        return tick

    def came_to_front(self) -> None:
        super().came_to_front()
        skipped, self._skipped_reads = self._skipped_reads, []
        for read in skipped:
            read()

    @on(KeyRouter.Scanned)
    def _scanned(self, event: KeyRouter.Scanned) -> None:
        event.stop()
        self.submit(event.code, key_time=event.key_time)

    @on(ScannerBridge.Scanned)
    def _device_scanned(self, event: ScannerBridge.Scanned) -> None:
        event.stop()
        self.submit(event.code, key_time=time.monotonic())

    @on(KeyRouter.Refused)
    def _partial(self, event: KeyRouter.Refused) -> None:
        """Scanner output that is not a whole code: loud, listed, stored nowhere."""
        event.stop()
        self.refused += 1
        checking = self._phone_to_check(event.taken_text)
        if not checking:
            self._settle_phone_field()  # a phone typed for the parcel shown goes to it ...
            self.current = None  # ... but one typed now must not (this scan may be the next parcel)
        self.last_scan_refused = True
        self.big_late = None  # a scan of the clerk's since the code landed: it was read
        self._big_refused()
        text, hint = event.shown(), _("Scan the parcel again · Ctrl+X dismiss")
        if checking:
            hint = _("Check the phone, then scan the parcel again · Ctrl+X dismiss")
        self._attention(
            Attention("partial", event.reason, text, hint, length=len(event.text), fragment=event.text)
        )
        self._show_current()
        self._refresh_status()
        self.query_one("#phone" if checking else "#scan", Input).focus()

    @on(Input.Submitted, "#scan")
    def _typed_waybill(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        event.input.value = ""
        if text:
            self.submit(text, key_time=time.monotonic())

    def submit(self, raw: str, *, key_time: float = 0.0) -> None:
        """One scan: the phone typed for the parcel before goes to it first, then this one checks in."""
        self._settle_scan_field()
        if self._scanned_again(raw, key_time):
            return  # the parcel in hand read again: the phone typed for it stays (checkin_twice.py)
        self.twice_parcel = None  # another parcel: Ctrl+Y reprints the last one's label no more
        self._big_moved_on()
        self._settle_phone_field()
        size_field = self.query_one("#size", Input)
        size = size_field.value.strip().upper() or None
        size_field.value = ""
        seq = next(self._seq)
        self._last_seq = seq
        request = ScanRequest(
            raw=raw,
            seq=seq,
            size=size,
            batch=self.batch_carrier,
            key_time=key_time,
            courier_batch=self.courier_batch,
            by=self.signed_in(),
        )
        self.current = Current(seq, raw)
        self.last_scan_refused = False
        self._show_current()
        if not self.quick:
            self.query_one("#phone", Input).focus()  # the clerk types this parcel's phone next
        self.writer.submit(self.writer.check_in, request, hold_label=not self.quick)

    def _settle_scan_field(self) -> None:
        """A scan arrived while a waybill was being typed: the scan wins; the typing is cleared, said."""
        field = self.query_one("#scan", Input)
        text, field.value = field.value.strip(), ""
        if text:
            self._attention(
                Attention(
                    "typed",
                    "typing_cleared",
                    # a phone left there (pasted behind a refused scan) is named masked, as everywhere
                    _("Scan field held {text}: cleared for the scan.", text=cut(mask_phones(text), 24)),
                    _("Type it again if it was a waybill · Ctrl+X dismiss"),
                )
            )

    @on(CheckinWriter.CheckedIn)
    def _checked_in(self, message: CheckinWriter.CheckedIn) -> None:
        request, result = message.request, message.result
        self._list_checked_in(result)
        self.checked_in_by[result.parcel_id] = request.by
        self._rescans.pop(request.seq, None)
        if request.item is not None:
            self.query_one(AttentionList).remove_item(request.item)
            # A question answered (Ctrl+Y, Ctrl+B) or a busy refusal tried again: the scan checked in
            # after all, so its refusal did not stand and is counted no more.
            self.refused -= 1
            self.show_refused()
        self.query_one(AttentionList).remove_waybill(result.waybill)
        # A scan of the parcel in hand read again checks in only if that parcel left the shelf meanwhile:
        # the new one is then the parcel in hand.
        is_current = self.current is not None and self.current.seq in (request.seq, request.again_of)
        if request.item is not None and request.seq == self._last_seq:
            is_current = True  # a question answered for the parcel still in hand
            self.current = Current(request.seq, request.raw)
            if not self.quick:
                self.query_one("#phone", Input).focus()
        if is_current:
            self.current = Current(request.seq, request.raw, result)
        self._show_big(result, earlier=not is_current)  # answered after a later scan: not the one in hand
        notes = [_("{carrier} {waybill} checked in.", carrier=result.carrier_name, waybill=result.waybill)]
        if result.redelivery:
            notes.append(_("Re-delivery: this waybill was here before."))
        if result.overflow:
            notes.append(_("The shelves are full: this parcel went to the overflow zone."))
        app: Any = self.app
        no_printer = not self._told_no_printer and not any_printer(app.counter_settings)
        if no_printer:  # said once: every label waits the same way, and the header says so all along
            self._told_no_printer = True
            notes.append(_("No printer here: labels wait until one is added in Settings > Printers (F8)."))
        notes += recipient_notes(result)  # a pre-alert's phone, or one typed with the scan, is theirs
        warn = result.overflow or result.redelivery or no_printer or result.consent_missing
        # Late: a refusal said while it was written stays first, this below it; the big code is its.
        self._answer(sentences(*notes), warn=warn)
        self.big_late = (sentences(*notes), warn) if not is_current else None
        self._show_current()
        if request.key_time:
            self.call_after_refresh(lambda: self.latencies.append(time.monotonic() - request.key_time))
        if self.quick or result.masked_phone is None:
            self._refresh_status()
        if self.courier_batch is not None:
            self.refresh_batches()

    def action_pick_batch(self) -> None:
        station = self.station  # the carrier table is cached, but read again after an edit: a worker
        # Keys typed right behind (Down, Enter) wait for the picker, not for the scan field.
        self.ask_after("batch_choices", lambda: carrier_choices(get_detector(station)))

    def done_batch_choices(self, choices: list[tuple[str, str]]) -> None:
        if not self.asked_by_clerk_now():  # read across a lock: the next clerk asked for no carrier
            return

        def chosen(code: str | None) -> None:
            if code is not None:
                self.batch_carrier = None if code == NO_BATCH else code
                self._refresh_status()

        open_over(self, BatchPicker(choices, self.batch_carrier), chosen)

    def action_missing_phones(self) -> None:
        def closed(done: int | None) -> None:
            self.phones_set_elsewhere()
            self.query_one("#scan", Input).focus()

        open_over(self, MissingPhones(self.station), closed)

    def action_clear(self) -> None:
        """Esc clears the message, as its key line says, and empties no field: a clerk presses it to
        silence a refusal, and a phone in its field (typed, or kept after a refused scan to be checked)
        still goes to the parcel beside it. Emptied here, that parcel went without its phone unnoticed.
        The cursor goes back to Scan, unless it is in Phone with a phone the clerk may be completing."""
        self._ready()
        phone = self.query_one("#phone", Input)
        if not (self.focused is phone and phone.value.strip()):
            self.query_one("#scan", Input).focus()

    def drop_clerks_lines(self, *, refusal_only: bool = False) -> None:
        super().drop_clerks_lines(refusal_only=refusal_only)
        self.fit_message_box()  # a box grown for the refusal shrinks back with it

    def clear_for_next_clerk(self) -> str:
        """A waybill, phone or size typed and not sent: the next clerk's first scan must not take
        them (a phone would go to the last clerk's parcel). Nor does the parcel the last scan waits a
        phone for pass: the next clerk does not know it. It stays checked in, its label prints now
        without the phone (as the next scan would print it), and its phone is added later (F9's list,
        which tells the customer). What was checked in stays listed."""
        typed = [field for field in self.query("#scan, #phone, #size").results(Input) if field.value]
        for field in typed:
            field.value = ""
        # The big code is the last clerk's parcel: the next one would take it for their own scan's
        # (and write it on the wrong box). Their parcels stay in the table, each on its own row.
        self._clear_big()
        self._ready()  # so does what the line read of them (a refusal dropped leaves the last read)
        # The needs-attention items stay (their parcels are still on the counter), saying whose they are.
        self.query_one(AttentionList).clerk_changed()
        current, self.current = self.current, None
        self.kept_pick = None  # the last clerk's person, for a parcel the next one does not know
        if current is None and not typed:
            return ""
        self.query_one("#scan", Input).focus()
        if current is None:
            return _("what was typed on Check-in")
        self.last_scan_refused = False
        self._show_current()
        if not self.quick:  # its label is held (or will be: its check-in may still be on its way)
            self.writer.submit(self.writer.let_label_go)
        result = current.result
        if result is None or not self._without_phone(result.parcel_id):
            return _("what was typed on Check-in") if typed else ""
        if typed:
            return _(
                "what was typed on Check-in, and {code} still without its phone (F9 adds it)",
                code=result.pickup_code,
            )
        return _("{code} on Check-in, still without its phone (F9 adds it)", code=result.pickup_code)
