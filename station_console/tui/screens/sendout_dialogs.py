"""Dialogs of the send-out counter: a refund (which send, why; then one confirmation naming the send,
its customer and the money) and a refusal at inspection (what was found, why). Both are pop-up forms
that wait for the service's answer: a refusal is said inside them, with what was typed and ticked
still there to correct."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


def refuse_form(
    station: Station, checklist: Checklist | None, on_form: Callable[[], dict[str, Any]]
) -> FormDialog[accept.SendResult]:
    """The inspection checklist's items to tick as found, and a reason; `on_form` reads the send form
    under the dialog (the sender, recipient, parcel, carrier and weight) as the dialog is sent."""
    items = checklist.items if checklist is not None else ()
    fields = [FormField(f"found{n}", item.text(), False, switch=True) for n, item in enumerate(items)]
    fields.append(FormField("reason", _("Reason"), max_length=REASON.limit))

    def check(values: dict[str, Any]) -> dict[str, Any]:
        found = [item.id for n, item in enumerate(items) if values[f"found{n}"]]
        return {**on_form(), "found": found, "reason": values["reason"]}

    return FormDialog(
        _("Refuse this parcel at inspection"),
        fields,
        _("Tick what was found inside; the reason can say more (it is needed when nothing is ticked)."),
        check=check,
        submit=lambda kwargs: accept.refuse(station, **kwargs),
        at_fault={"nothing_found": fields[0].key, "bad_checklist": fields[0].key},
        what=N_("a refusal at inspection"),
    )
