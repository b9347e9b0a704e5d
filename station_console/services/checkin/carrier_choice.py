"""Which carrier a scan is checked in as when the clerk did not choose one, or why it is refused.

A detection with a fault (a check digit, no known format), a mobile number in the scan field (with
+86/0086 or not), a landline written as one (no text message reaches it), or a carrier other than the
batch the clerk is receiving is refused; the clerk confirms a carrier by hand
(`check_in(carrier=...)`).
"""

from __future__ import annotations

from station_console.errors import Refused, StationError
from station_console.i18n import N_
from station_console.phone_masking import mask
from station_console.services.checkin.phones import landline_refused
from station_console.services.core.phone_shapes import MOBILE, landline_written, phone_digits, phone_shaped
from station_console.services.scan.detect import Detection

PHONE_NOT_WAYBILL = N_("{waybill} looks like a mobile number, not a waybill.")
# The advice on its own, so check-in's quick mode (no Phone field) can say its own instead.
PHONE_FIELD = N_("Type a phone in the phone field.")


def phone_not_waybill(phone: str, detected: str | None = None) -> Refused:
    """A phone scanned (or typed) where a waybill goes, refused: said masked, as screens show a phone.
    `detected`: a carrier the station uses whose valid waybills take this shape (DHL Express: 11
    digits, a mod-7 check digit), so the clerk holding one of its parcels can confirm it."""
    params = {"detected": detected} if detected else {}
    return Refused(
        PHONE_NOT_WAYBILL, code="phone_not_waybill", advice=PHONE_FIELD, waybill=mask(phone.strip()), **params
    )


def unreadable(detection: Detection) -> StationError:
    """Why a scan that gave no waybill is refused. A phone the cleaning refuses (a virtual number with
    its extension, a mobile typed with dashes) is refused as a phone, so the clerk is told where a phone
    goes, not to check the number's characters."""
    assert detection.error is not None
    if phone_shaped(detection.raw):
        return phone_not_waybill(phone_digits(detection.raw).mobile or detection.raw)
    return landline_refused(detection.raw) if landline_written(detection.raw) else detection.error


def chosen_carrier(detection: Detection, waybill: str, batch: str | None) -> str:
    """The detection's best carrier for `waybill`, or a `Refused` saying why it is not taken."""
    mobile = waybill if MOBILE.fullmatch(waybill) else phone_digits(detection.raw).mobile
    if mobile is not None:
        # At the counter an 11-digit number starting with 1 is a customer's mobile, whatever the batch:
        # one in seven passes DHL's check digit, and it became a parcel with the customer's number as
        # its waybill. Every one is the same refusal; one a carrier would take names that carrier, the
        # clerk's confirmation (`carrier=`) checks a real waybill of that shape in.
        valid = detection.best if detection.error is None else None
        raise phone_not_waybill(mobile, valid.carrier if valid is not None else None)
    if landline_written(detection.raw) and (detection.error is not None or detection.best is None):
        # A landline written with its area code set apart that no carrier takes (a FedEx number typed in
        # groups may look like one and pass its check digit: that stays a waybill). One that fails a
        # carrier's check digit is called a landline: at a Chinese counter `021 6666 7777` is far likelier
        # a customer's landline than a grouped FedEx number mistyped, and the check-digit error would
        # echo the customer's number whole.
        raise landline_refused(detection.raw)
    if detection.error is not None:
        raise detection.error
    best = detection.best
    if detection.conflict:
        raise Refused(
            N_("{waybill} looks like {detected}, but you are receiving {batch}. Confirm the carrier."),
            code="carrier_conflict",
            waybill=waybill,
            detected=best.carrier if best else "?",
            batch=batch or "?",
        )
    if best is None:
        raise Refused(N_("Unknown waybill format: {waybill}."), code="unknown_format", waybill=waybill)
    return best.carrier
