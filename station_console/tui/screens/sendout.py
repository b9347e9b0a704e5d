"""The Send-out mode (寄件): accept a customer's parcel at the counter, and hand sends to couriers.

Fill the form top to bottom: the sender (Enter on the phone finds a returning one), the document for
real-name sending, the recipient, contents and the inspection checklist, carrier, weight (F8 reads the
scale; a typed weight is recorded as manual), the waybill (scan it anywhere on the screen, or F9 for
the next number from stock or the e-waybill service), payment. The quote and its working follow the
form; F10 accepts (the receipt prints), F11 refuses with the items found, F7 refunds (manager), F12 opens
the courier's handover. Every service call runs on a thread worker (calls.py).
"""

from __future__ import annotations

import unicodedata
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Checkbox, Input, Select

from station_console.errors import StationError
from station_console.i18n import N_, _, sentences
from station_console.services.checkin.carrier_choice import phone_not_waybill
from station_console.services.core.money import amount
from station_console.services.core.phone_shapes import phone_shaped
from station_console.services.printing.printers import takes
from station_console.services.scan.carriers import get_detector
from station_console.services.scan.waybill import normalise
from station_console.services.sendout import accept, listing, payments, quote
from station_console.services.sendout.payments import METHOD_LABELS
from station_console.tui.live_bridge import LiveBridge
from station_console.tui.role_keys import role_key
from station_console.tui.screens.base import ModeScreen, open_over
from station_console.tui.screens.calls import ServiceCalls
from station_console.tui.screens.scans import TakesScans
from station_console.tui.screens.sendout_dialogs import RefundDialog, refuse_form
from station_console.tui.screens.sendout_form import QUOTE_FIELDS, SendForm
from station_console.tui.screens.sendout_quote import quote_text
from station_console.tui.screens.sendout_sender import SenderLookup
from station_console.tui.screens.sendout_sends import SendsTable
from station_console.tui.screens.sendout_weighing import Weighing
from station_console.tui.screens.unsaved import KeepsEdits, LeaveUnsaved
from station_console.tui.widgets.plain import Label, Static
from station_console.tui.widgets.status_line import StatusLine
from station_console.tui.widgets.wedge import KeyRouter, WedgeInput

# Narrower than this, the quote, the message and the sends go in a band under the form: beside it,
# they left the form's fields a few cells each (the document type and number 6 at 80 columns).
SIDE_BY_SIDE_MIN = 120
SOURCES = ("entered", "stock", "provider")
READY = N_("Ready: ask for the sender's phone.")
SENDER_FIELDS = {"so-name", "so-idnum"}  # with the document type and its tick: what the lookup asks for
PHONE_FIELDS = ("so-phone", "so-to-phone")
SOURCE_TEXT = {
    "entered": N_("scan or type the number"),
    "stock": N_("next number from the station's stock"),
    "provider": N_("number from the e-waybill service"),
}


class SendoutScreen(SenderLookup, Weighing, TakesScans, KeepsEdits, ServiceCalls, ModeScreen):
    MODE_TITLE = N_("Send-out")
    # The send is the record: a form typed and not sent is dropped or kept, never saved. Another mode
    # leaves it as typed; quitting asks.
    SAVES = False
    KEPT_ACROSS_MODES = True
    CSS_PATH = "sendout.tcss"
    # The list is this counter's sends, and `station sendout` on this PC (or a console named the same)
    # makes them under this counter's name: changes made here are heard too, not only other counters'.
    HEARS_OWN_COUNTER = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f7", "refund", N_("Refund"), id="sendout.refund", tooltip=N_("Manager: refund a send still here")
        ),
        Binding(
            "f8", "weigh", N_("Weigh"), id="sendout.weigh", tooltip=N_("Read a stable weight from the scale")
        ),
        Binding(
            "f9", "number", N_("Number"), id="sendout.number", tooltip=N_("Scanned, from stock, or e-waybill")
        ),
        Binding("f10", "accept", N_("Accept"), id="sendout.accept", tooltip=N_("Record the send and print")),
        Binding("f11", "refuse", N_("Refuse"), id="sendout.refuse", tooltip=N_("Refused at inspection")),
        Binding(
            "f12", "handover", N_("Courier"), id="sendout.handover", tooltip=N_("Hand sends to a courier")
        ),
        Binding("escape", "clear", N_("Next sender"), id="sendout.clear", tooltip=N_("Clear the form")),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup: listing.CounterSetup | None = None
        self.source = "entered"
        self.shown_total: int | None = None  # the price the customer was shown
        self.busy = False
        self._quote_seq = 0
        self._cleared: tuple[object, ...] = ()  # what the form holds as the next sender comes
        self._quote_shown: quote.Quote | None = None
        self._live_seen = 0  # the live view's changes heard when the sends were last asked for

    def compose_body(self) -> ComposeResult:
        stacked = self.app.size.width < SIDE_BY_SIDE_MIN
        with Horizontal(id="so-body", classes="-stacked" if stacked else ""):
            yield SendForm(id="so-form")
            with Vertical(id="so-side"):
                yield Static(_("Quote: choose the carrier, the destination and the weight."), id="so-quote")
                yield StatusLine(_(READY), id="so-message")
                with Vertical(id="so-sends-box"):
                    yield Label(
                        Text.assemble(_("Sends at this counter"), "   ", (_("* weight typed in"), "dim")),
                        id="so-sends-title",
                    )
                    yield SendsTable(id="so-sends")

    def on_resize(self) -> None:
        self.query_one("#so-body").set_class(self.size.width < SIDE_BY_SIDE_MIN, "-stacked")
        self.call_after_refresh(self.query_one(SendsTable).lay_out)  # once the table has its new width
        if self._quote_shown is not None:  # its words for the box's new width, once it has it
            self.call_after_refresh(self.show_quote, self._quote_shown, None)

    def on_mount(self) -> None:
        super().on_mount()
        app: Any = self.app
        router = KeyRouter.from_settings(self, app.counter_settings)
        for field in self.query(WedgeInput):
            field.router = router
        for widget in self.query("#so-form Choice, #so-form CheckList, #so-form Tick"):
            widget.router = router  # type: ignore[attr-defined]
        self.call("setup", lambda: listing.counter_setup(self.station))
        self.refresh_sends()
        self._cleared = self.form.held()
        self.query_one("#so-phone", Input).focus()

    @property
    def form(self) -> SendForm:
        return self.query_one(SendForm)

    # -- what the clerk types -------------------------------------------------------------------

    @on(Input.Submitted, "#so-phone")
    def _find_sender(self, event: Input.Submitted) -> None:
        self.find_sender(event.value)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        if event.input.id != "so-phone":
            self.focus_next()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if event.input.id in SENDER_FIELDS:
            self.sender_filled()
        if event.input.id == "so-weight":
            self.weight_typed(event.value)
        if event.input.id == "so-waybill" and event.value.strip() and self.source != "entered":
            self.waybill_entered()  # a number typed over F9's choice is the parcel's: stock stays unused
        if event.input.id in QUOTE_FIELDS:
            self.requote()

    def waybill_entered(self) -> None:
        """The waybill is the number in the field (scanned or typed), not one F9 chose to take."""
        self.source = "entered"
        self.query_one("#so-waybill", Input).placeholder = _(SOURCE_TEXT["entered"])

    @on(Select.Changed)
    def _chosen(self, event: Select.Changed) -> None:
        if event.select.id == "so-carrier" and self.setup is not None:
            self.form.show_packaging(self.setup.packaging.get(str(event.value), []))
        if event.select.id in QUOTE_FIELDS:
            self.requote()
        if event.select.id == "so-idtype":
            self.sender_filled()

    @on(Checkbox.Changed, "#so-seen")
    def _seen(self) -> None:
        self.sender_filled()

    @on(Checkbox.Changed, "#so-insure")
    def _insure(self) -> None:
        self.requote()

    def take_scan(self, code: str) -> None:
        """A scan anywhere on this screen is the waybill being stuck on the parcel; a phone is not."""
        if phone_shaped(code):
            self.scanned_phone(code)
            return
        result = normalise(code)
        if result.waybill is None:
            self.refuse_text(result.error.message() if result.error else _("That scan is not a waybill."))
            return
        self.waybill_entered()
        self.form.set_value("so-waybill", result.waybill)
        self.say(_("Waybill {waybill} scanned.", waybill=result.waybill), ok=True)
        if self.form.carrier is None:  # a pre-printed waybill names its carrier: offer it
            waybill = result.waybill
            self.call("detected", lambda: get_detector(self.station).detect(waybill), for_form=True)

    def scanned_phone(self, code: str) -> None:
        """A phone typed at a scanner's speed, or a scanned phone barcode: into the phone field that has
        the focus, as if typed there and Enter pressed; anywhere else it is refused, never a waybill."""
        field = self.focused
        if not isinstance(field, Input) or field.id not in PHONE_FIELDS:
            self.refuse_text(phone_not_waybill(code).message())
            return
        self.form.set_value(field.id, unicodedata.normalize("NFKC", code).strip())
        if field.id == "so-phone":
            self.find_sender(field.value)
        else:
            self.focus_next()

    def done_detected(self, detection: Any) -> None:
        offered = {code for code, _name in self.setup.carriers} if self.setup else set()
        best = detection.best
        if self.form.carrier is None and best is not None and best.carrier in offered:
            self.query_one("#so-carrier", Select).value = best.carrier

    # -- the quote ------------------------------------------------------------------------------

    def requote(self) -> None:
        try:
            wanted = self.form.quote_inputs()
        except StationError as exc:
            self.show_quote(None, exc.message())
            return
        if wanted is None:
            self.show_quote(None, _("Quote: choose the carrier, the destination and the weight."))
            return
        self._quote_seq += 1
        seq = self._quote_seq
        carrier = wanted.pop("carrier")
        self.call("quote", lambda: (seq, quote.quote(self.station, carrier, **wanted)), exclusive=True)

    def done_quote(self, result: tuple[int, quote.Quote]) -> None:
        seq, got = result
        if seq == self._quote_seq:  # an older answer than the form: dropped
            self.show_quote(got, None)

    def show_quote(self, got: quote.Quote | None, note: str | None) -> None:
        panel = self.query_one("#so-quote", Static)
        self._quote_shown = got  # shown again in the other form after a resize
        self.shown_total = got.total_cents if got else None
        if got is None:
            panel.update(Content(note or ""))
            panel.set_class(
                bool(note) and note != _("Quote: choose the carrier, the destination and the weight."),
                "-warn",
            )
            return
        panel.set_class(False, "-warn")
        room = panel.content_region.width or 16
        panel.update(Content(quote_text(got, short=self.size.width < SIDE_BY_SIDE_MIN, room=room)))

    # -- actions --------------------------------------------------------------------------------

    def action_number(self) -> None:
        app: Any = self.app
        offered = [s for s in SOURCES if s != "provider" or app.counter_settings.ewaybill]
        self.source = (
            offered[(offered.index(self.source) + 1) % len(offered)] if self.source in offered else "entered"
        )
        if self.source != "entered":
            self.form.set_value("so-waybill", "")
        self.query_one("#so-waybill", Input).placeholder = _(SOURCE_TEXT[self.source])
        self.say(_("Waybill: {source}.", source=_(SOURCE_TEXT[self.source])))

    def action_accept(self) -> None:
        if self.busy:
            self.say(_("Still recording the last send..."), warn=True)
            return
        app: Any = self.app
        form = self.form
        try:
            if not form.carrier:
                raise StationError(N_("Choose the carrier."), code="no_carrier")
            kwargs: dict[str, Any] = {
                "carrier": form.carrier,
                "party": form.party(),
                "recipient": form.recipient(),
                "parcel": form.parcel(),
                "checked": form.checked(),
                "weight": self.form_weight(),
                "payment": form.payment(),
                "expected_total_cents": self.shown_total,
                "label_printer": app.counter_settings.waybill_printer or None,
            }
            waybill = form.value("so-waybill").strip()
            if self.source == "stock":
                kwargs["from_stock"] = True
            elif self.source == "provider":
                from station_console.services.sendout.providers import make_provider

                kwargs["provider"] = make_provider(app.counter_settings.ewaybill)
            else:
                kwargs["waybill"] = waybill or None
        except StationError as exc:
            self.refuse_text(exc.message())
            return
        self.busy = True
        self.say(_("Recording the send..."))
        counter = app.counter_settings

        def accepted() -> tuple[accept.SendResult, bool]:
            result = accept.accept(self.station, **kwargs)
            try:  # whether its receipt prints here (the printers load off the UI thread)
                return result, takes(counter, "receipt")
            except Exception:  # the send is recorded: a printer's fault must not read as a failed send
                return result, True

        self.call("accept", accepted)

    def done_accept(self, answer: tuple[accept.SendResult, bool]) -> None:
        result, printing = answer
        self.busy = False
        self.clear_form()
        accepted = _(
            "Send {send} accepted: {carrier} {waybill}, {total} by {method}.",
            send=result.send_id,
            carrier=result.carrier,
            waybill=result.waybill,
            total=amount(result.price_cents, result.currency),
            method=_(METHOD_LABELS.get(result.payment_method or "", "-")),
        )
        receipt = (
            _("Receipt printing.")
            if printing
            else _("No printer here takes receipts: it waits until one is added in Settings > Printers (F8).")
        )
        self.say(sentences(accepted, receipt), ok=printing, warn=not printing)
        self.refresh_sends()

    def action_refuse(self) -> None:
        checklist = self.setup.checklist if self.setup else None
        open_over(self, refuse_form(self.station, checklist, self._refused_send), self.done_refuse)

    def _refused_send(self) -> dict[str, Any]:
        """What the form says of the parcel refused, as the refusal is sent (a bad field is said in
        the dialog). The weight is kept if one was weighed or typed, the carrier if chosen for this send."""
        form = self.form
        weighed = self.scale_weight is not None or form.value("so-weight").strip()
        return {
            "party": form.party(),
            "recipient": form.recipient(),
            "parcel": form.parcel(),
            "carrier": form.chosen_carrier,
            "weight": self.form_weight() if weighed else None,
        }

    def done_refuse(self, result: accept.SendResult | None) -> None:
        if result is None:
            return
        self.clear_form()
        self.say(_("Refused and recorded as send {send}.", send=result.send_id), warn=True)
        self.refresh_sends()

    @role_key("sendout.refund")
    def action_refund(self) -> None:
        # Keys typed right behind wait for the refund form, not for the send form below it.
        self.call("refund_offer", lambda: payments.newest_refundable(self.station), holds_keys=True)

    def done_refund_offer(self, newest: int | None) -> None:
        """The send a clerk chose on the list if it can be refunded, else this counter's newest that can."""
        if self.asked_by_clerk_now():  # a lock came between: the next clerk pressed no F7
            ref = self.query_one(SendsTable).chosen_refundable() or str(newest or "")
            open_over(self, RefundDialog(self.station, ref), self.done_refund)

    def done_refund(self, done: payments.Refund | None) -> None:
        if done is None:
            return
        self.say(
            _(
                "Refunded {total} for send {send}.",
                total=amount(done.refund_cents, done.currency),
                send=done.send_id,
            ),
            warn=True,
        )
        self.refresh_sends()

    def action_handover(self) -> None:
        from station_console.tui.screens.sendout_handover import HandoverScreen

        open_over(self, HandoverScreen(), lambda _result: self.refresh_sends())

    def action_clear(self) -> None:
        """Esc, the next sender: a form with anything typed is cleared only once the clerk says so (a
        stray key dropped a minute of typing); an empty one, or one just sent, clears at once."""
        if self.busy:  # its answer clears the form, or says why not with everything still in it
            self.say(_("Still recording the last send..."), warn=True)
            return
        if not self.unsaved_edits():
            self.next_sender()
            return

        def answered(answer: str | None) -> None:
            if answer == "discard":
                self.next_sender()

        open_over(self, LeaveUnsaved(_(self.MODE_TITLE), saves=False), answered)

    def clear_for_next_clerk(self) -> str:
        """A sender's form half typed (names, phones, a document number, an address): cleared without
        the "discard?" question, as its owner is gone. A send on its way clears it with its answer."""
        if self.busy or not self.unsaved_edits():
            return ""
        self.next_sender()
        return _("the half-filled form on Send-out")

    def unsaved_edits(self) -> bool:
        """Something typed since the form was last cleared (a send accepted clears it)."""
        return self.form.held() != self._cleared

    def discard_edits(self) -> None:
        self.clear_form()

    def next_sender(self) -> None:
        self.clear_form()

    def clear_form(self) -> None:
        self.new_form()  # what was asked for the last sender (their lookup, a carrier, the scale) goes nowhere
        self.form.clear()
        self._cleared = self.form.held()
        self.forget_weighing()
        self._asks_for_sender = False
        self.source, self.shown_total = "entered", None
        self.query_one("#so-waybill", Input).placeholder = _("scan the waybill, or F9 for the next number")
        self.show_quote(None, _("Quote: choose the carrier, the destination and the weight."))
        self.query_one("#so-phone", Input).focus()
        # What was read for the last sender (their lookup, the scale) goes with the form: the line's
        # first words are what a refusal dropped for the next clerk leaves.
        self.message.show_read(_(READY))

    # -- answers ---------------------------------------------------------------------------------

    def done_setup(self, setup: listing.CounterSetup) -> None:
        self.setup = setup
        self.form.currency = setup.currency
        self.form.show_checklist(setup.checklist)
        self.form.show_carriers([(name, code) for code, name in setup.carriers], [])

    def came_to_front(self) -> None:
        super().came_to_front()
        if self._heard() != self._live_seen:  # changes heard while another mode or a dialog was in front
            self.refresh_sends()

    def _heard(self) -> int:
        bridge = getattr(self.app, "live_bridge", None)
        return bridge.delivered + bridge.own_heard if bridge is not None else 0

    def refresh_sends(self) -> None:
        # This counter's sends, as the list's heading says: the customer at this counter asks after one
        # taken here, and F7 offers the one chosen on this list (else this counter's newest).
        self._live_seen = self._heard()
        here = self.station.counter
        self.call("sends", lambda: listing.list_sends(self.station, counter=here, limit=50), exclusive=True)

    def done_sends(self, rows: list[listing.SendSummary]) -> None:
        self.query_one(SendsTable).show(rows, self.station.zone(), self.station.now())

    def call_refused(self, tag: str, exc: StationError) -> None:
        if exc.code == "stock_empty":  # the service's "import more" said where, at this console
            text = _(
                "No {carrier} waybill numbers left in stock: scan a pre-printed one, or a manager imports "
                "more in Settings (Ctrl+S) > Send-out rules (Ctrl+F) > F12.",
                carrier=exc.params.get("carrier", ""),
            )
            self.failed(tag, text)
            return
        super().call_refused(tag, exc)

    def failed(self, tag: str, text: str) -> None:
        if tag == "accept":
            self.busy = False
        if tag in ("quote", "setup"):
            self.show_quote(None, text)
            return
        if tag == "sends":
            return  # the list catches up on the next change
        self.refuse_text(text)

    def on_live_bridge_changed(self, message: LiveBridge.Changed) -> None:
        self.refresh_sends()

    # -- saying things ---------------------------------------------------------------------------

    def refuse_text(self, text: str) -> None:
        self.app.bell()
        self.say(text, error=True)

    @property
    def message(self) -> StatusLine:
        return self.query_one("#so-message", StatusLine)

    def say(self, text: str, *, error: bool = False, warn: bool = False, ok: bool = False) -> None:
        self.message.say(text, error=error, warn=warn, ok=ok)  # a str: names and scans are data, never markup
