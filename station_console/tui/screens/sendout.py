"""The Send-out mode (寄件): accept a customer's parcel at the counter, and hand sends to couriers.

Fill the form top to bottom: the sender (Enter on the phone finds a returning one), the document for
real-name sending, the recipient, contents and the inspection checklist, carrier, weight (F8 reads the
scale; a typed weight is recorded as manual), the waybill (scan it anywhere on the screen, or F9 for
the next number from stock or the e-waybill service; Enter in it empty stays there), payment. The quote and its working follow the
form; F10 accepts (the receipt prints), F11 refuses with the items found, F7 refunds (manager), F12 opens
the courier's handover. Every service call runs on a thread worker (calls.py).
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Select

from station_console.errors import StationError
from station_console.i18n import N_, _, listed, sentences
from station_console.services.core.money import amount
from station_console.services.printing.printers import receipt_waits
from station_console.services.sendout import accept, listing, payments
from station_console.services.sendout.payments import METHOD_LABELS
from station_console.tui.live_bridge import LiveBridge
from station_console.tui.role_keys import role_key
from station_console.tui.screens.base import ModeScreen, open_over
from station_console.tui.screens.calls import ServiceCalls
from station_console.tui.screens.scans import TakesScans
from station_console.tui.screens.sendout_at_fault import field_at_fault
from station_console.tui.screens.sendout_dialogs import BackToForm, RefundDialog, refuse_form
from station_console.tui.screens.sendout_form import QUOTE_FIELDS, Choice, SendForm
from station_console.tui.screens.sendout_quote import ASK_QUOTE, SIDE_BY_SIDE_MIN, Quoting
from station_console.tui.screens.sendout_sender import SenderLookup
from station_console.tui.screens.sendout_sends import SendsTable
from station_console.tui.screens.sendout_waybill import WaybillSource
from station_console.tui.screens.sendout_weighing import Weighing
from station_console.tui.screens.unsaved import KeepsEdits, LeaveUnsaved
from station_console.tui.widgets.plain import Label, Static
from station_console.tui.widgets.status_line import StatusLine
from station_console.tui.widgets.tick import Tick
from station_console.tui.widgets.wedge import KeyRouter, WedgeInput

READY = N_("Ready: ask for the sender's phone.")
NOT_TYPED = N_("{field} is chosen from its list, not typed: Space opens it ({options}).")
NOT_TYPED_EMPTY = N_("{field} is chosen from its list, not typed: Space opens it.")
BACK_TO_FORM = "refused_for_the_form"  # the keys held while F11's refusal puts the cursor in the form
SENDER_FIELDS = {"so-name", "so-idnum"}  # with the document type and its tick: what the lookup asks for


class SendoutScreen(
    Quoting, WaybillSource, SenderLookup, Weighing, TakesScans, KeepsEdits, ServiceCalls, ModeScreen
):
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
        Binding(
            "ctrl+y",
            "confirm_waybill",
            N_("Confirm waybill"),
            id="sendout.confirm_waybill",
            tooltip=N_("F10 refused a mobile-shaped number the carrier takes: it is its waybill"),
            show=False,
        ),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup: listing.CounterSetup | None = None
        self.busy = False
        self._cleared: tuple[object, ...] = ()  # what the form holds as the next sender comes
        self._live_seen = 0  # the live view's changes heard when the sends were last asked for
        # F11's ticks and reason as a refusal for a field of this form closed it: kept for this sender
        self._refusal_kept: BackToForm | None = None

    def compose_body(self) -> ComposeResult:
        stacked = self.app.size.width < SIDE_BY_SIDE_MIN
        with Horizontal(id="so-body", classes="-stacked" if stacked else ""):
            yield SendForm(id="so-form")
            with Vertical(id="so-side"):
                yield Static(_(ASK_QUOTE), id="so-quote")
                yield StatusLine(_(READY), id="so-message")
                with Vertical(id="so-sends-box"):
                    yield Label(
                        Text.assemble(_("Sends at this counter"), "   ", (_("* weight typed in"), "dim")),
                        id="so-sends-title",
                    )
                    yield SendsTable(id="so-sends")

    def on_resize(self) -> None:
        self.query_one("#so-body").set_class(self.size.width < SIDE_BY_SIDE_MIN, "-stacked")
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
        if event.input.id == "so-phone":
            return
        if event.input.id == "so-waybill" and self.waybill_wanted(event.value):
            return
        self.focus_next()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if event.input.id in SENDER_FIELDS:
            self.sender_filled()
        if event.input.id == "so-weight":
            self.weight_typed(event.value)
        if event.input.id == "so-waybill" and event.value.strip() and self.source != "entered":
            self.waybill_entered()  # a number typed over F9's choice is the parcel's: stock stays unused
        if event.input.id == "so-waybill":
            self.waybill_typed(event.value)
        if event.input.id in QUOTE_FIELDS:
            self.requote()

    @on(Select.Changed)
    def _chosen(self, event: Select.Changed) -> None:
        if event.select.id == "so-carrier" and self.setup is not None:
            self.form.show_packaging(self.setup.packaging.get(str(event.value), []))
        if event.select.id in QUOTE_FIELDS:
            self.requote()
        if event.select.id == "so-idtype":
            self.sender_filled()

    @on(Choice.Typed)
    def _typed_into_choice(self, event: Choice.Typed) -> None:
        field, options = _(event.choice.field), event.choice.option_labels()
        if options:
            self.say(_(NOT_TYPED, field=field, options=listed(options)), warn=True)
        else:
            self.say(_(NOT_TYPED_EMPTY, field=field), warn=True)

    @on(Tick.Typed)
    def _typed_into_tick(self, event: Tick.Typed) -> None:
        event.stop()
        self.say(event.said(), warn=True)

    @on(Checkbox.Changed, "#so-seen")
    def _seen(self) -> None:
        self.sender_filled()

    @on(Checkbox.Changed, "#so-insure")
    def _insure(self) -> None:
        self.requote()

    # -- actions --------------------------------------------------------------------------------

    def action_accept(self) -> None:
        self.accept_send()

    def accept_send(self, *, waybill_confirmed: bool = False) -> None:
        """F10 (or Ctrl+Y, `waybill_confirmed`: a mobile-shaped number is the carrier's waybill)."""
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
                kwargs["waybill_confirmed"] = waybill_confirmed
        except StationError as exc:
            self.refuse_text(exc.message())
            self._focus_at_fault(exc)
            return
        self.busy = True
        self.say(_("Recording the send..."))
        counter = app.counter_settings

        def accepted() -> tuple[accept.SendResult, StationError | None]:
            result = accept.accept(self.station, **kwargs)
            # Why its receipt waits, if it does, as Pickup's fee receipt says it: no printer takes
            # receipts, or the one that would is set up wrong (the printers load off the UI thread).
            try:
                return result, receipt_waits(counter)
            except Exception:  # the send is recorded: a printer's fault must not read as a failed send
                logging.getLogger("station.tui").exception("the receipt printers could not be read")
                return result, None

        # Keys typed right behind F10 wait for its answer: a refusal puts the cursor in the field to put
        # right, and they go there, not into the field F10 was pressed in.
        self.call("accept", accepted, holds_keys=True)

    def done_accept(self, answer: tuple[accept.SendResult, StationError | None]) -> None:
        result, waits = answer
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
        receipt = _("Receipt printing.") if waits is None else waits.message()
        self.say(sentences(accepted, receipt), ok=waits is None, warn=waits is not None)
        self.refresh_sends()

    def action_refuse(self) -> None:
        checklist = self.setup.checklist if self.setup else None
        dialog = refuse_form(
            self.station,
            checklist,
            self._refused_send,
            form_field=lambda exc: field_at_fault(exc, self.form.value("so-phone")),
            back=self.refused_for_the_form,
            kept=self._refusal_kept,
        )
        open_over(self, dialog, self.done_refuse)

    def _refused_send(self) -> dict[str, Any]:
        """What the form says of the parcel refused, as the refusal is sent (a bad field closes the
        dialog, to be said here with the cursor in it: `done_refuse`). The weight is kept if one was
        weighed or typed, the carrier if chosen for this send."""
        form = self.form
        weighed = self.scale_weight is not None or form.value("so-weight").strip()
        return {
            "party": form.party(),
            "recipient": form.recipient(),
            "parcel": form.parcel(),
            "carrier": form.chosen_carrier,
            "weight": self.form_weight() if weighed else None,
        }

    def refused_for_the_form(self, back: BackToForm) -> None:
        """F11 refused for a field of this form, its dialog closing: said here at once, and the keys typed
        behind its Enter wait for the cursor to be in that field (`done_refuse`); what was ticked comes
        back with the next F11."""
        self._refusal_kept = back
        self.refuse_text(back.error.message())
        self._hold_keys(BACK_TO_FORM)

    def done_refuse(self, result: accept.SendResult | BackToForm | None) -> None:
        if isinstance(result, BackToForm):
            self._focus_at_fault(result.error)
            # After the focus (queued on the app as well): the keys held reach the field, which has
            # selected what was in it first, as Tab leaves it.
            self.app.call_later(self._keys_go, BACK_TO_FORM)
            return
        if result is None:
            return
        self.clear_form()
        self.say(_("Refused and recorded as send {send}.", send=result.send_id), warn=True)
        self.refresh_sends()

    @role_key("sendout.refund")
    def action_refund(self) -> None:
        # Keys typed right behind wait for the refund form, not for the send form below it.
        self.ask_after("refund_offer", lambda: payments.newest_refundable(self.station))

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
        self._refusal_kept = None
        self.confirmable = None  # Ctrl+Y confirms a number refused for this sender only
        self.source, self.shown_total = "entered", None
        self.query_one("#so-waybill", Input).placeholder = _("scan the waybill, or F9 for the next number")
        self.show_quote(None, _(ASK_QUOTE))
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
        elif tag == "accept" and (
            offer := self.offer_confirm(exc, self.form.carrier, self.form.value("so-waybill").strip())
        ):
            self.failed(tag, offer)
        else:
            super().call_refused(tag, exc)
        if tag == "accept":
            self._focus_at_fault(exc)

    def _focus_at_fault(self, exc: StationError) -> None:
        """F10 (or F11) refused: the cursor goes to the field to put right (sendout_at_fault.py), if
        one is."""
        field = field_at_fault(exc, self.form.value("so-phone"))
        if field is None:
            return
        # No kind of ID chosen: the number is asked for, but the kind comes first.
        if field == "so-idnum" and not isinstance(self.query_one("#so-idtype", Select).value, str):
            field = "so-idtype"
        widget = self.query_one(f"#{field}")
        widget.focus()
        # Once laid out: a field already focused is not scrolled to by focus() again.
        self.call_after_refresh(widget.scroll_visible, animate=False, immediate=True)

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
