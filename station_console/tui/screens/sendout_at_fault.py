"""Which field of the send form a refusal of F10 (or of F11's dialog, which then closes) is about, so the
cursor goes where it is put right, as a form dialog's refusals put it (form_dialog.py `at_fault`).

Every refusal code the accept service and what it calls can raise is decided here: about one field
(`FIELD_AT_FAULT`), about one of several told apart by what the refusal names (`BY_LABEL`, the phones),
or about no one field (`FIELD_LESS`: the cursor stays where the clerk was). A test holds every code of
those services to one of them, so a new code must be decided.
"""

from __future__ import annotations

from typing import Any

from station_console.errors import StationError
from station_console.i18n import N_, _, get_language, shown_params
from station_console.services.sendout.senders import sender_phone

FIELD_AT_FAULT = {
    # the sender's document
    "id_required": "so-idnum",
    "bad_id": "so-idnum",
    "id_type_missing": "so-idtype",
    "bad_id_type": "so-idtype",
    "id_not_seen": "so-seen",
    # the parcel
    "bad_count": "so-count",
    "bad_value": "so-value",
    "bad_amount": "so-value",  # the declared value is the form's one amount
    "inspection_incomplete": "so-check",
    "unknown_destination": "so-dest",
    "unknown_packaging": "so-pack",
    # carrier, weight and size
    "no_carrier": "so-carrier",
    "unknown_carrier": "so-carrier",
    "no_tariff": "so-carrier",  # another carrier is what the counter can do about it
    "bad_weight": "so-weight",
    "not_stable": "so-weight",
    "bad_dims": "so-dims",
    # the waybill number
    "no_waybill": "so-waybill",
    "waybill_used": "so-waybill",
    "carrier_conflict": "so-waybill",
    "stock_empty": "so-waybill",  # scan a pre-printed one
    "check_digit": "so-waybill",
    "unknown_format": "so-waybill",
    "too_short": "so-waybill",
    "bad_characters": "so-waybill",
    "empty": "so-waybill",
    # payment
    "bad_payment": "so-pay",
    "account_required": "so-ref",
}

# A free-text field refused names its label (`text_field`'s `field`); without one, `too_long` is the
# waybill's (the scan check's), `missing` nobody's.
BY_LABEL = {"missing": None, "too_long": "so-waybill"}
LABELS = {
    N_("Sender's name"): "so-name",
    N_("Recipient's name"): "so-to-name",
    N_("Address"): "so-address",
    N_("Contents"): "so-contents",
    N_("Destination"): "so-dest",
}

# The sender's phone is checked before the recipient's: refused, it is the one at fault.
PHONE_CODES = frozenset({"phone_empty", "phone_invalid", "phone_incomplete"})

# About no one field: the clerk's or the station's standing, a price or number that changed under the
# form (F10 again), a device or service, or a refusal F10 never meets (imports, refunds, handover,
# F11's own dialog, whose form puts its cursor itself). Met under F11's dialog, they stay in it.
FIELD_LESS = frozenset(
    {
        "error",
        "refused",
        "not_found",
        "permission_denied",
        "not_signed_in",
        "manager_only",
        "database_unavailable",
        "price_changed",
        "stock_race",
        "bad_origin",
        "provider_failed",
        "no_scale",
        "scale_too_heavy",
        "nothing_found",
        "bad_checklist",
        "bad_file",
        "checklist_saved_meanwhile",
        "bad_tariff",
        "tariff_saved_meanwhile",
        "unchanged",
        "too_many",
        "bad_lines",
        "duplicate_lines",
        "send_not_found",
        "not_refundable",
        "changed",
        "no_printer",
    }
)


def field_at_fault(exc: StationError, sender_phone_typed: str) -> str | None:
    """The id of the send form's field `exc` is about; None: no one field (the cursor stays)."""
    code = exc.code
    if code in FIELD_AT_FAULT:
        return FIELD_AT_FAULT[code]
    if code in BY_LABEL:
        named: Any = shown_params(exc.params, get_language()).get("field")
        by_label = {_(label): field for label, field in LABELS.items()}
        return by_label.get(named, BY_LABEL[code]) if isinstance(named, str) else BY_LABEL[code]
    if code in PHONE_CODES:
        try:
            sender_phone(sender_phone_typed)
        except StationError:
            return "so-phone"
        return "so-to-phone"
    return None
