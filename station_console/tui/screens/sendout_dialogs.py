"""Dialogs of the send-out counter: a refund (which send, why; then one confirmation naming the send,
its customer and the money) and a refusal at inspection (what was found, why). Both are pop-up forms
that wait for the service's answer: a refusal is said inside them, with what was typed and ticked
still there to correct; but a refusal at inspection refused for a field of the send form beneath (the
sender's document, a phone, the weight typed) closes its dialog, for the form to say it with the cursor
in that field, which the clerk could not reach under the dialog."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from station_console.errors import StationError
from station_console.i18n import N_, _, label_of
from station_console.services.core.free_text import REASON
from station_console.services.core.money import amount
from station_console.services.core.station import Station
from station_console.services.sendout import accept, payments
from station_console.services.sendout.inspection import Checklist
from station_console.tui.screens.confirm_dialog import ConfirmDialog, ask
from station_console.tui.screens.form_dialog import FormDialog, FormField
from station_console.tui.widgets.plain import plain

# The fields the service's refusals of a refund are about (an empty reason names its field itself).
REFUND_AT_FAULT = {"send_not_found": "send", "not_refundable": "send", "changed": "send"}


def ask_refund(station: Station, values: dict[str, Any]) -> Any:
    """The form's first answer, the send read for the question (`RefundDialog.done_submit`): typed
    `Any` because the form's own answer, once confirmed, is the `Refund`."""
    return payments.ask_refund(station, values["send"], values["reason"])


class RefundDialog(FormDialog[payments.Refund]):
    """Which send (its number or waybill) and why; the refund is the form's answer. The service finds
    the send itself, after its role check: a clerk is told who may refund, not whether it exists.

    Money goes out: the form's Enter only reads the send, and a question naming it, its customer and
    the amount comes first, No focused (a hurried Enter, or a send number typed as the reason, refunds
    nothing and leaves the form as typed); its Yes refunds that send as it was read."""

    START_FIELD = "reason"  # the send is filled in: the one chosen on the list, or the newest here

    def __init__(self, station: Station, send_ref: str) -> None:
        fields = [
            FormField("send", _("Send number or waybill"), send_ref, max_length=40),
            FormField("reason", _("Reason"), max_length=REASON.limit),
        ]
        super().__init__(
            _("Refund a send still at the counter (manager)"),
            fields,
            # Its answer is the send read for the question (`done_submit`), not yet the refund.
            submit=lambda values: ask_refund(station, values),
            at_fault=REFUND_AT_FAULT,
            what=N_("a refund"),
        )
        self.station = station
        if not send_ref:  # no send here can be refunded: the clerk types which
            self.START_FIELD = "send"

    def done_submit(self, result: Any) -> None:
        if not isinstance(result, payments.RefundAsked):
            super().done_submit(result)  # refunded: the form closes with it
            return
        self._working(False)
        asked = result
        total = amount(asked.refund_cents, asked.currency)
        body = "\n".join(
            [
                _("Customer: {name}", name=asked.sender_masked or "-"),
                _("Waybill: {waybill}", waybill=asked.waybill or "-"),
                _(
                    "Paid by {method}",
                    method=label_of(payments.METHOD_LABELS, asked.payment_method or "") or "-",
                ),
                _("Reason: {reason}", reason=asked.reason),
                "",
                _("The send is cancelled and its courier will not take it."),
            ]
        )
        question = _(
            "Refund {total} for send {send} ({name})?",
            total=total,
            send=asked.send_id,
            name=asked.sender_masked,
        )

        def refund() -> None:
            station, send_id, reason, version = self.station, asked.send_id, asked.reason, asked.version
            self._working(True)
            # The tag the form guards: a second Enter, or Esc, waits for this answer (it writes).
            self.call(
                "submit",
                lambda: payments.refund(station, send_id, reason, version=version),
                holds_keys=self.holds_keys,
            )

        ask(
            self,
            ConfirmDialog(question, body, what=N_("a refund"), weighty=True),
            refund,
            no=N_("Not refunded: correct the send or the reason, or Esc to close."),
            say=lambda text: self._say(plain(text, "yellow")),
        )


@dataclass(frozen=True)
class BackToForm:
    """A refusal at inspection refused for a field of the send form: what the form says, and the
    checklist items ticked (their ids) and the reason as they were, for the next F11 to open with."""

    error: StationError
    found: tuple[str, ...]
    reason: str


class RefuseDialog(FormDialog[accept.SendResult | BackToForm]):
    """The inspection checklist's items to tick as found, and a reason; `on_form` reads the send form
    under the dialog (the sender, recipient, parcel, carrier and weight) as the dialog is sent. A
    refusal of its own fields (nothing ticked, the reason) is said in it; one that `form_field` places
    on the send form beneath closes it with that (`BackToForm`), told to `back` first, as the refusal
    is answered. `kept`: the ticks and reason of a dialog such a refusal closed."""

    def __init__(
        self,
        station: Station,
        checklist: Checklist | None,
        on_form: Callable[[], dict[str, Any]],
        form_field: Callable[[StationError], str | None],
        back: Callable[[BackToForm], None],
        kept: BackToForm | None,
    ) -> None:
        items = tuple(checklist.items if checklist is not None else ())
        fields = [
            FormField(f"found{n}", item.text(), kept is not None and item.id in kept.found, switch=True)
            for n, item in enumerate(items)
        ]
        fields.append(FormField("reason", _("Reason"), kept.reason if kept else "", max_length=REASON.limit))
        super().__init__(
            _("Refuse this parcel at inspection"),
            fields,
            _("Tick what was found inside; the reason can say more (it is needed when nothing is ticked)."),
            check=self.refusal,
            submit=lambda kwargs: accept.refuse(station, **kwargs),
            at_fault={"nothing_found": fields[0].key, "bad_checklist": fields[0].key},
            what=N_("a refusal at inspection"),
        )
        self.items, self.on_form, self.form_field, self.back = items, on_form, form_field, back

    def found(self, values: dict[str, Any]) -> list[str]:
        """The ids of the checklist items ticked in `values`."""
        return [item.id for n, item in enumerate(self.items) if values[f"found{n}"]]

    def refusal(self, values: dict[str, Any]) -> dict[str, Any]:
        """What the service is sent: the send form as it is now, and what was found."""
        return {**self.on_form(), "found": self.found(values), "reason": values["reason"]}

    def _refused(self, exc: StationError) -> None:
        if self._field_at_fault(exc) is None and self.form_field(exc) is not None:
            values = self.values()
            to_form = BackToForm(exc, tuple(self.found(values)), values["reason"])
            self._answer = (to_form,)  # a second Enter queued behind sends nothing
            # Told now, not only in the close's callback: the keys typed behind the Enter go on once
            # this handler is done, and the form holds them until its cursor is in the field at fault.
            self.back(to_form)
            self.dismiss(to_form)
            return
        super()._refused(exc)


def refuse_form(
    station: Station,
    checklist: Checklist | None,
    on_form: Callable[[], dict[str, Any]],
    *,
    form_field: Callable[[StationError], str | None] = lambda _exc: None,
    back: Callable[[BackToForm], None] = lambda _back: None,
    kept: BackToForm | None = None,
) -> RefuseDialog:
    """The refusal at inspection for the send form `on_form` reads (`RefuseDialog`)."""
    return RefuseDialog(station, checklist, on_form, form_field, back, kept)
