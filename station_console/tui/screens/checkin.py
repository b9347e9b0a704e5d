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
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Digits, Input

from station_console.errors import StationError
from station_console.i18n import N_, _
from station_console.services.checkin.phones import parse_phone
from station_console.services.checkin.transaction import CheckinResult
from station_console.services.scan.carriers import get_detector
from station_console.services.shelves.lists import LABEL_LABELS, label_status, missing_phone_count
from station_console.tui.scanner_bridge import ScannerBridge
from station_console.tui.screens.base import report_unexpected
from station_console.tui.screens.checkin_attention import Attention, AttentionList
from station_console.tui.screens.checkin_batch import BINDINGS as COURIER_BINDINGS
from station_console.tui.screens.checkin_batch import CourierBatchScreen
from station_console.tui.screens.checkin_dialogs import NO_BATCH, BatchPicker, MissingPhones, carrier_choices
from station_console.tui.screens.checkin_writer import CheckinWriter, Refusal, ScanRequest
from station_console.tui.widgets.plain import Label, Static, Table
from station_console.tui.widgets.wedge import KeyRouter, WedgeInput

if TYPE_CHECKING:
    from station_console.tui.screens.checkin_recipient import Picked

TABLE_ROWS = 200  # this session's newest check-ins kept on screen
DIGITS_CHARS = set("0123456789-ABCDEF")
PHONE_CHARS = r"[0-9+*xX#,()\s\-转]*"
UNDONE = "strike dim"
PARTIAL_TEXT = {
    "split": N_("Partial scan ({text}): it arrived in pieces."),
    "short": N_("Not a parcel barcode ({text}): too short."),
    "framing": N_("Not a whole scan ({text}): the scanner's prefix or suffix is missing."),
    "garbled": N_("Partial scan ({text}): a key broke into it."),
}
# Refusal code -> needs-attention kind (anything else is "refused").
KIND_OF = {
    "carrier_conflict": "conflict",
    "duplicate": "duplicate",
    "no_room": "no_room",
    "no_code": "no_room",
}


@dataclass
class Current:
    """The parcel a typed phone goes to: the latest scan; `result` once it is checked in."""

    seq: int
    raw: str
    result: CheckinResult | None = None


class CheckinScreen(CourierBatchScreen):
    MODE_TITLE = N_("Check-in")
    CSS_PATH = "checkin.tcss"

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

    @dataclass
    class Counts(Message):
        missing: int

    @dataclass
    class Labels(Message):
        statuses: dict[int, str]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.batch_carrier: str | None = None
        self.quick = False
        self.count = 0
        self.refused = 0  # scans of this session that did not check in
        self.results: list[CheckinResult] = []
        self.undone: set[int] = set()
        self.latencies: list[float] = []  # scan (terminator key) to row on screen, seconds
        self.current: Current | None = None
        self._held_row: int | None = None  # the parcel whose label waits for its phone
        self._seq = itertools.count(1)
        self._last_seq = 0
        self.router: KeyRouter | None = None
        self._writer: CheckinWriter | None = None

    @property
    def writer(self) -> CheckinWriter:
        if self._writer is None:
            self._writer = CheckinWriter(self, self.station)
        return self._writer

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="ci-status"):
            yield Static(id="ci-batch")
            yield Static(id="ci-quick")
            yield Static(id="ci-missing")
            yield Static(id="ci-refused")
        yield from self.compose_batch_panel()
        with Horizontal(id="ci-fields"):
            yield Label(_("Scan"), classes="field-label")
            yield WedgeInput(placeholder=_("scan, or type a waybill and Enter"), id="scan")
            yield Label(_("Phone"), id="ci-phone-for", classes="field-label phone", markup=False)
            yield WedgeInput(
                placeholder=_("last 4 digits or full"),
                id="phone",
                classes="phone",
                max_length=24,
                restrict=PHONE_CHARS,  # letters of a split scan never land here
            )
            yield Label(_("Size (next scan)"), classes="field-label")
            yield WedgeInput(id="size", max_length=2, restrict=r"[SMLXsmlx]*")
        with Horizontal(id="ci-last"):
            with Vertical(id="ci-big"):
                yield Digits("", id="ci-code")
                yield Static("", id="ci-where")
            yield Static(_("Ready: scan a parcel."), id="ci-message")
        yield AttentionList(id="ci-attention")
        yield Table(id="ci-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        app: Any = self.app
        self.router = KeyRouter.from_settings(self, app.counter_settings)
        for field in self.query(WedgeInput):
            field.router = self.router
        self.writer.submit(self.writer.warm_up)
        self.query_one("#size", Input).placeholder = self.station.settings().default_size
        table = self.query_one("#ci-table", DataTable)
        table.can_focus = False  # focus stays in the fields; the table only shows
        # Phone and label change after the row is added: sized up front, so no change re-lays the table.
        for key, title, width in (
            ("n", "#", None),
            ("code", _("Code"), None),
            ("where", _("Location"), None),
            ("carrier", _("Carrier"), None),
            ("waybill", _("Waybill"), None),
            ("phone", _("Phone"), 18),
            ("label", _("Label"), 18),
        ):
            table.add_column(title, key=key, width=width)
        self._refresh_status()
        self._show_current()
        self.set_interval(3.0, self._read_labels)
        self.refresh_batches()
        self.set_interval(5.0, self.refresh_batches)  # other counters' couriers
        self.query_one("#scan", Input).focus()  # the scan field has the focus by default

    def on_unmount(self) -> None:
        if self._writer is not None:
            self._writer.close()

    # -- scans ---------------------------------------------------------------------------------

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
        self._settle_phone_field()  # a phone typed for the parcel shown goes to it ...
        self.current = None  # ... but one typed now must not (this scan may be the next parcel)
        shown = event.text if len(event.text) <= 24 else f"{event.text[:20]}…"
        text = _(PARTIAL_TEXT.get(event.reason, PARTIAL_TEXT["split"]), text=shown)
        self._attention(
            Attention(
                "partial",
                event.reason,
                text,
                _("Scan the parcel again · Ctrl+X dismiss"),
                length=len(event.text),
            )
        )
        self._show_current()
        self._refresh_status()
        self.query_one("#scan", Input).focus()

    @on(Input.Submitted, "#scan")
    def _typed_waybill(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        event.input.value = ""
        if text:
            self.submit(text, key_time=time.monotonic())

    def submit(self, raw: str, *, key_time: float = 0.0) -> None:
        """One scan: the phone typed for the parcel before goes to it first, then this one checks in."""
        self._settle_scan_field()
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
        )
        self.current = Current(seq, raw)
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
                    _("Scan field held {text}: cleared for the scan.", text=text[:24]),
                    _("Type it again if it was a waybill · Ctrl+X dismiss"),
                )
            )

    def _settle_phone_field(self) -> None:
        """A scan arrived while the Phone field holds something: a valid phone goes to the parcel it
        was typed for; anything else is cleared, with a warning (never kept for the next parcel)."""
        field = self.query_one("#phone", Input)
        text = field.value.strip()
        field.value = ""
        if not text or self.quick:
            return
        try:
            parse_phone(text)
        except StationError:
            why = _("Phone field held {text}: not a phone, cleared.", text=text[:24])
            self._attention(
                Attention("phone", "phone_invalid", why, _("Type the phone again · Ctrl+X dismiss"))
            )
            return
        if self.current is None:
            why = _("Phone {text} had no parcel: cleared.", text=text[:24])
            self._attention(
                Attention("phone", "no_parcel", why, _("Type it after its scan · Ctrl+X dismiss"))
            )
            return
        self._send_phone(text)

    @on(CheckinWriter.CheckedIn)
    def _checked_in(self, message: CheckinWriter.CheckedIn) -> None:
        request, result = message.request, message.result
        self.count += 1
        self.results.append(result)
        table = self.query_one("#ci-table", DataTable)
        held = result.masked_phone is None and not self.quick
        if self._held_row is not None and str(self._held_row) in table.rows:
            table.update_cell(str(self._held_row), "label", _(LABEL_LABELS["queued"]))  # this scan printed it
        self._held_row = result.parcel_id if held else None
        table.add_row(
            *self._cells(result, _(LABEL_LABELS["held" if held else "queued"])),
            key=str(result.parcel_id),
        )
        table.sort("n", reverse=True)
        if table.row_count > TABLE_ROWS:
            table.remove_row(str(self.results[-TABLE_ROWS - 1].parcel_id))
        if request.item is not None:
            self.query_one(AttentionList).remove_item(request.item)
        self.query_one(AttentionList).remove_waybill(result.waybill)
        is_current = self.current is not None and self.current.seq == request.seq
        if request.item is not None and request.seq == self._last_seq:
            is_current = True  # a question answered for the parcel still in hand
            self.current = Current(request.seq, request.raw)
            if not self.quick:
                self.query_one("#phone", Input).focus()
        if is_current and self.current is not None:
            self.current.result = result
        self._show_big(result)
        notes = [_("{carrier} {waybill} checked in.", carrier=result.carrier, waybill=result.waybill)]
        if result.redelivery:
            notes.append(_("Re-delivery: this waybill was here before."))
        if result.overflow:
            notes.append(_("The shelves are full: this parcel went to the overflow zone."))
        self._say(" ".join(notes), warn=result.overflow or result.redelivery)
        self._show_current()
        if request.key_time:
            self.call_after_refresh(lambda: self.latencies.append(time.monotonic() - request.key_time))
        if self.quick or result.masked_phone is None:
            self._refresh_status()
        if self.courier_batch is not None:
            self.refresh_batches()

    @on(CheckinWriter.ScanRefused)
    def _scan_refused(self, message: CheckinWriter.ScanRefused) -> None:
        request, refusal = message.request, message.refusal
        if self.current is not None and self.current.seq == request.seq:
            self.current = None
            self._show_current()
            self.query_one("#scan", Input).focus()
        if request.item is None:
            self.refused += 1
        if refusal.code in ("courier_batch_closed", "no_courier_batch"):
            self.courier_batch = None  # closed at another counter: scans go on without it
            self.refresh_batches()
        kind = KIND_OF.get(refusal.code, "refused")
        waybill = str(refusal.params.get("waybill") or request.raw)[:40]
        item = Attention(
            kind,
            refusal.code,
            refusal.text,
            self._hint(kind, refusal, request),
            waybill=waybill,
            request=request,
        )
        if kind == "conflict":
            item.detected = str(refusal.params.get("detected") or "")
        elif kind == "duplicate":
            item.parcel_id = refusal.params.get("parcel_id")
        if request.item is not None:
            self.query_one(AttentionList).remove_item(request.item)
        self._attention(item)
        self._refresh_status()

    def _hint(self, kind: str, refusal: Refusal, request: ScanRequest) -> str:
        if kind == "conflict":
            return _(
                "Ctrl+Y: use {detected} · Ctrl+B: keep {batch}",
                detected=refusal.params.get("detected", "?"),
                batch=request.batch or "?",
            )
        if kind == "duplicate":
            return _("Ctrl+Y: reprint its label · Ctrl+X dismiss")
        if kind == "no_room":
            return _("Free a layer, then Ctrl+Y: try again · Ctrl+X dismiss")
        return _("Check the number, or type it into the scan field · Ctrl+X dismiss")

    # -- phones --------------------------------------------------------------------------------

    @on(Input.Submitted, "#phone")
    def _phone_entered(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return  # Enter on an empty field answers nothing (a stray Enter must not resolve a question)
        if event.input.value.strip() != text:
            return  # a scan came first and took this phone to its parcel: never a second parcel
        if self.current is None:
            self._refuse_text(_("Scan the parcel first: a phone goes to the parcel just scanned."))
            return
        try:
            parse_phone(text)
        except StationError as exc:
            self._refuse_text(exc.message())  # kept in the field to correct
            return
        event.input.value = ""
        self._send_phone(text)
        self.query_one("#scan", Input).focus()

    def _send_phone(self, text: str) -> None:
        if self.current is not None:
            self.writer.submit(self.writer.set_phone, self.current.seq, text)

    @on(CheckinWriter.PhoneSaved)
    def _phone_saved(self, message: CheckinWriter.PhoneSaved) -> None:
        table = self.query_one("#ci-table", DataTable)
        if str(message.parcel_id) in table.rows:
            table.update_cell(str(message.parcel_id), "phone", Text(message.masked))
            table.update_cell(str(message.parcel_id), "label", _(LABEL_LABELS["queued"]))
        code = next((r.pickup_code for r in reversed(self.results) if r.parcel_id == message.parcel_id), "")
        self._say(_("Phone {masked} saved for {code}.", masked=message.masked, code=code))
        self._refresh_status()

    # -- recipients ----------------------------------------------------------------------------

    def action_pick_recipient(self) -> None:
        """Like a phone, the person a parcel is for goes to the parcel shown (the one just scanned)."""
        current = self.current
        if current is None:
            self._refuse_text(_("Scan the parcel first: a recipient goes to the parcel just scanned."))
            return
        # On demand: the finder (and the directory's matching) load when a recipient is first looked for.
        from station_console.tui.screens.checkin_recipient import RecipientPicker

        def chosen(picked: Picked | None) -> None:
            self.query_one("#scan" if self.quick else "#phone", Input).focus()
            if picked is not None:
                self.writer.submit(self.writer.recipient, current.seq, picked)

        self.app.push_screen(RecipientPicker(), chosen)

    @on(CheckinWriter.RecipientSaved)
    def _recipient_saved(self, message: CheckinWriter.RecipientSaved) -> None:
        table = self.query_one("#ci-table", DataTable)
        if message.masked and str(message.parcel_id) in table.rows:
            table.update_cell(str(message.parcel_id), "phone", Text(message.masked))
        code = next((r.pickup_code for r in reversed(self.results) if r.parcel_id == message.parcel_id), "")
        notes = [_("{code} is for {who}.", code=code, who=message.who)]
        if message.consent_missing:
            notes.append(_("No consent on record to hold parcels at the station: ask the recipient."))
        if message.wants_door:
            notes.append(_("The recipient chose door delivery: it goes on the next run."))
        self._say(" ".join(notes), warn=message.consent_missing)
        self._refresh_status()

    def action_who_is_this(self) -> None:
        # On demand: the dialog module loads when it is first asked for.
        from station_console.tui.screens.recipient_dialogs import WhoIsThisDialog

        self.app.push_screen(WhoIsThisDialog(), lambda _done: self._refresh_status())

    @on(CheckinWriter.PhoneRefused)
    def _phone_refused(self, message: CheckinWriter.PhoneRefused) -> None:
        self._attention(Attention("phone", message.refusal.code, message.refusal.text, _("Ctrl+X dismiss")))

    # -- needs attention -----------------------------------------------------------------------

    def _attention(self, item: Attention) -> None:
        item.at = self.station.now().astimezone(self.station.zone()).strftime("%H:%M:%S")
        self.query_one(AttentionList).add(item)
        self.app.bell()
        self._say(f"{item.text}\n{item.hint}", error=True)

    def action_move_item(self, delta: int) -> None:
        self.query_one(AttentionList).move(delta)

    def action_resolve(self) -> None:
        item = self.query_one(AttentionList).selected()
        if item is None:
            return
        if item.kind == "conflict" and item.request is not None:
            self._retry(item, carrier=item.detected or None)
        elif item.kind == "no_room" and item.request is not None:
            self._retry(item, carrier=item.request.carrier)
        elif item.kind == "duplicate" and item.parcel_id is not None:
            self.writer.submit(self.writer.reprint, item.id, item.parcel_id)
        else:
            self._say(_("Nothing to do for this one but dismiss it (Ctrl+X) once it is handled."), warn=True)

    def action_keep_batch(self) -> None:
        item = self.query_one(AttentionList).selected()
        if item is not None and item.kind == "conflict" and item.request is not None:
            self._retry(item, carrier=item.request.batch)

    def _retry(self, item: Attention, *, carrier: str | None) -> None:
        request = item.request
        if request is None:
            return
        again = ScanRequest(
            raw=request.raw,
            seq=request.seq,
            size=request.size,
            batch=request.batch,
            carrier=carrier,
            key_time=0.0,
            item=item.id,
            courier_batch=request.courier_batch,
        )
        self.writer.submit(self.writer.check_in, again, hold_label=not self.quick)

    def action_dismiss_item(self) -> None:
        attention = self.query_one(AttentionList)
        item = attention.selected()
        if item is None:
            return
        attention.remove_item(item.id)
        self.writer.submit(self.writer.dismiss, item.kind, item.code, item.waybill, item.length)
        self._say(_("Dismissed; it stays in the audit trail."))

    @on(CheckinWriter.Reprinted)
    def _reprinted(self, message: CheckinWriter.Reprinted) -> None:
        self.query_one(AttentionList).remove_item(message.item)
        self._say(_("Label queued again (job {job}).", job=message.job_id))

    @on(CheckinWriter.ActionRefused)
    def _action_refused(self, message: CheckinWriter.ActionRefused) -> None:
        self.app.bell()
        self._say(message.refusal.text, error=True)

    @on(CheckinWriter.Crashed)
    def _crashed(self, message: CheckinWriter.Crashed) -> None:
        self._attention(Attention("error", "unexpected", message.text, _("Ctrl+X dismiss")))

    # -- other actions -------------------------------------------------------------------------

    def action_undo(self) -> None:
        self.writer.submit(self.writer.undo)

    @on(CheckinWriter.Undone)
    def _undone(self, message: CheckinWriter.Undone) -> None:
        result = message.result
        self.undone.add(result.parcel_id)
        table = self.query_one("#ci-table", DataTable)
        if str(result.parcel_id) in table.rows:
            row = table.get_row(str(result.parcel_id))
            for key, cell in zip(("n", "code", "where", "carrier", "waybill", "phone"), row, strict=False):
                table.update_cell(str(result.parcel_id), key, Text(str(cell), style=UNDONE))
            table.update_cell(str(result.parcel_id), "label", Text(_("undone"), style="bold"))
        shown = self.current.result if self.current is not None else None
        if shown is not None and shown.parcel_id == result.parcel_id:
            self.current = None
            self._show_current()
        self.query_one("#ci-code", Digits).update("")
        self.query_one("#ci-where", Static).update("", layout=False)
        self._say(
            _(
                "Undone: {waybill} ({code}) is no longer checked in.",
                waybill=result.waybill,
                code=result.pickup_code,
            ),
            warn=True,
        )
        self._refresh_status()

    def action_pick_batch(self) -> None:
        def chosen(code: str | None) -> None:
            if code is not None:
                self.batch_carrier = None if code == NO_BATCH else code
                self._refresh_status()

        self.app.push_screen(
            BatchPicker(carrier_choices(get_detector(self.station)), self.batch_carrier), chosen
        )

    def action_toggle_quick(self) -> None:
        self.quick = not self.quick
        self.query_one("#phone", Input).disabled = self.quick
        self.set_class(self.quick, "-quick")
        self.query_one("#scan", Input).focus()
        self._refresh_status()

    def action_missing_phones(self) -> None:
        def closed(done: int | None) -> None:
            self._refresh_status()
            self.query_one("#scan", Input).focus()

        self.app.push_screen(MissingPhones(self.station), closed)

    def action_clear(self) -> None:
        self.query_one("#phone", Input).value = ""
        self._say(_("Ready: scan a parcel."))
        self.query_one("#scan", Input).focus()

    # -- display -------------------------------------------------------------------------------

    def _cells(self, result: CheckinResult, label: str) -> tuple[Any, ...]:
        return (
            self.count,
            Text(result.pickup_code),
            Text(result.location),
            Text(result.carrier),
            Text(result.waybill),
            Text(result.masked_phone or "-"),
            label,
        )

    def _show_big(self, result: CheckinResult) -> None:
        code = result.pickup_code.upper()
        self.query_one("#ci-code", Digits).update(code if set(code) <= DIGITS_CHARS else "")
        where = _(
            "{code}   shelf {shelf} · layer {layer}",
            code=result.pickup_code,
            shelf=result.shelf,
            layer=result.layer,
        )
        self.query_one("#ci-where", Static).update(where, layout=False)

    def _show_current(self) -> None:
        """Beside the Phone field: which parcel a phone typed now goes to."""
        label = self.query_one("#ci-phone-for", Label)
        current = self.current
        if current is None:
            label.update(_("Phone (scan first)"), layout=False)
        elif current.result is None:
            label.update(_("Phone for {waybill}", waybill=_tail(current.raw)), layout=False)
        else:
            r = current.result
            label.update(
                _(
                    "Phone for {code} · {waybill}",
                    code=r.pickup_code,
                    waybill=f"{r.carrier}…{r.waybill[-4:]}",
                ),
                layout=False,
            )
        label.set_class(current is not None, "-current")

    def _refuse_text(self, text: str) -> None:
        self.app.bell()
        self._say(text, error=True)

    def _say(self, text: str, *, error: bool = False, warn: bool = False) -> None:
        message = self.query_one("#ci-message", Static)
        message.update(text, layout=False)
        message.set_class(error, "-error")
        message.set_class(warn and not error, "-warn")

    def on_live_bridge_changed(self, message: object) -> None:
        self._refresh_status()  # another counter's work changes the counts shown here
        self.refresh_batches()

    def batch_changed(self) -> None:
        self._refresh_status()

    def say_batch(self, text: str, *, error: bool = False) -> None:
        if error:
            self.app.bell()
        self._say(text, error=error)

    def _refresh_status(self) -> None:
        batch = self.batch_carrier or _("any")
        self.query_one("#ci-batch", Static).update(_("Batch: {batch}  [F7]", batch=batch), layout=False)
        state = _("on") if self.quick else _("off")
        self.query_one("#ci-quick", Static).update(_("Quick mode: {state}  [F8]", state=state), layout=False)
        refused = self.query_one("#ci-refused", Static)
        refused.update(_("Refused this session: {n}", n=self.refused), layout=False)
        refused.set_class(self.refused > 0, "-some")
        self._count_missing()

    @work(thread=True, exclusive=True, exit_on_error=False, group="checkin-status")
    def _count_missing(self) -> None:
        try:
            self.post_message(self.Counts(missing_phone_count(self.station)))
        except StationError:
            pass  # a busy database: the next refresh tries again
        except Exception as exc:  # a bug: logged; the count is only a count
            report_unexpected(self, exc)

    @on(Counts)
    def _counts(self, message: Counts) -> None:
        self.query_one("#ci-missing", Static).update(
            _("Without phone: {n}  [F9]", n=message.missing), layout=False
        )

    def _read_labels(self) -> None:
        ids = [r.parcel_id for r in self.results[-TABLE_ROWS:] if r.parcel_id not in self.undone]
        if ids:
            self._label_statuses(ids)

    @work(thread=True, exclusive=True, exit_on_error=False, group="checkin-labels")
    def _label_statuses(self, ids: list[int]) -> None:
        try:
            self.post_message(self.Labels(label_status(self.station, ids)))
        except Exception:
            return  # a busy database: try again on the next tick

    @on(Labels)
    def _labels(self, message: Labels) -> None:
        table = self.query_one("#ci-table", DataTable)
        for pid, status in message.statuses.items():
            if str(pid) in table.rows and pid not in self.undone:
                table.update_cell(str(pid), "label", _(LABEL_LABELS.get(status, status)))


def _tail(raw: str) -> str:
    text = raw.strip()
    return text if len(text) <= 8 else f"…{text[-6:]}"
