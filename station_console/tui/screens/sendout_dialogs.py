"""Dialogs of the send-out counter: a refund (which send, why) and a refusal at inspection (what was
found, why). Both are pop-up forms that wait for the service's answer: a refusal is said inside them,
with what was typed and ticked still there to correct."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from station_console.i18n import N_, _
from station_console.services.core.free_text import REASON
from station_console.services.core.station import Station
from station_console.services.sendout import accept, payments
from station_console.services.sendout.inspection import Checklist
from station_console.tui.screens.form_dialog import FormDialog, FormField

# The fields the service's refusals of a refund are about (an empty reason names its field itself).
REFUND_AT_FAULT = {"send_not_found": "send", "not_refundable": "send", "changed": "send"}


class RefundDialog(FormDialog[payments.Refund]):
    """Which send (its number or waybill) and why; the refund is the form's answer. The service finds
    the send itself, after its role check: a clerk is told who may refund, not whether it exists."""

    START_FIELD = "reason"  # the send is filled in: the one chosen on the list, or the newest here

    def __init__(self, station: Station, send_ref: str) -> None:
        fields = [
            FormField("send", _("Send number or waybill"), send_ref, max_length=40),
            FormField("reason", _("Reason"), max_length=REASON.limit),
        ]
        super().__init__(
            _("Refund a send still at the counter (manager)"),
            fields,
            submit=lambda values: payments.refund(station, values["send"], values["reason"]),
            at_fault=REFUND_AT_FAULT,
            what=N_("a refund"),
        )
        if not send_ref:  # no send here can be refunded: the clerk types which
            self.START_FIELD = "send"


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
        holds_keys=True,  # the next sender's phone typed right behind its Enter reaches the cleared form
    )
