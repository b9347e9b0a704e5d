"""Which carrier a scan is checked in as when the clerk did not choose one, or why it is refused.

A detection with a fault (a check digit, no known format), a mobile number in the scan field (with
+86/0086 or not), a landline written as one (no text message reaches it), or a carrier other than the
batch the clerk is receiving is refused; the clerk confirms a carrier by hand
(`check_in(carrier=...)`).
"""

from __future__ import annotations

from station_console.errors import Refused, StationError
from station_console.i18n import N_
from station_console.services.checkin.phones import landline_refused
from station_console.services.core.phone_shapes import landline_written
from station_console.services.scan.detect import Detection

# The refusal of a phone is every flow's (`scan/phone_scans.py`): handed on for check-in's callers.
from station_console.services.scan.phone_scans import PHONE_FIELD as PHONE_FIELD
from station_console.services.scan.phone_scans import PHONE_NOT_WAYBILL as PHONE_NOT_WAYBILL
from station_console.services.scan.phone_scans import phone_not_waybill as phone_not_waybill
from station_console.services.scan.phone_scans import scanned_phone


def unreadable(detection: Detection) -> StationError:
    """Why a scan that gave no waybill is refused. A phone the cleaning refuses (a virtual number with
    its extension, a mobile typed with dashes) is refused as a phone, so the clerk is told where a phone
    goes, not to check the number's characters."""
    assert detection.error is not None
    phone = scanned_phone(detection.raw)
    if phone is not None:
        return phone_not_waybill(phone)
    return landline_refused(detection.raw) if landline_written(detection.raw) else detection.error


def chosen_carrier(detection: Detection, waybill: str, batch: str | None) -> str:
    """The detection's best carrier for `waybill`, or a `Refused` saying why it is not taken."""
    mobile = scanned_phone(detection.raw, waybill)
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
