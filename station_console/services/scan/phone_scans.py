"""A phone scanned (or typed) where a waybill goes: refused, said masked, stored nowhere.

One rule for every flow that takes a waybill from a person or a scanner: check-in, a stocktake's
extras, send-out's waybills and handover, pre-alert and carrier-event files, `station detect`. A
recipient's phone barcode on a label scans as readily as the waybill's, and a phone taken for a
waybill would be kept whole (an extra's waybill, a pre-alert's row) and shown to every clerk.

A phone is a mainland mobile (with or without +86/0086, grouped or not, after the scanner's own
prefixes) or one of its privacy forms (`138****5678`, a virtual number with its extension). A
carrier whose waybills take a mobile's shape (DHL Express: 11 digits and a mod-7 check digit) gets
such a number only when it was named deliberately: a clerk's confirmation at check-in or send-out
(Ctrl+Y, `station checkin --carrier DHL` / `station sendout new --confirm-waybill`), or a stock or
pre-alert file whose carrier (its column, or the import's carrier) says so. Everywhere else a phone is refused.
"""

from __future__ import annotations

import unicodedata

from station_console.errors import Refused
from station_console.i18n import N_
from station_console.phone_masking import mask
from station_console.services.core.phone_shapes import MOBILE, phone_digits, phone_shaped
from station_console.services.scan.detect import Detection

PHONE_NOT_WAYBILL = N_("{waybill} looks like a mobile number, not a waybill.")
# The advice on its own, so check-in's quick mode (no Phone field) can say its own instead.
PHONE_FIELD = N_("Type a phone in the phone field.")
# A number a carrier named for it takes (a DHL Express waybill) that is shaped as a mobile: what it looks
# like, and how the clerk takes it anyway, in one sentence at check-in and at send-out, the console's and
# the commands'; `key` is the screen's key or the command's option (CONSOLE_KEY: both screens' Ctrl+Y).
CONFIRM_CARRIER_WAYBILL = N_(
    "{waybill} looks like a mobile number; if it is a {detected} waybill, {key} takes it."
)
CONSOLE_KEY = "Ctrl+Y"
# Where no phone is asked for (a stocktake, a courier's handover): the waybill's barcode is.
SCAN_WAYBILL = N_("Scan the waybill's barcode, not the phone's.")


def phone_not_waybill(
    phone: str, detected: str | None = None, *, advice: str | None = PHONE_FIELD
) -> Refused:
    """A phone scanned (or typed) where a waybill goes, refused: said masked, as screens show a phone.
    `detected`: a carrier the station uses whose valid waybills take this shape (DHL Express: 11
    digits, a mod-7 check digit), so the clerk holding one of its parcels can confirm it."""
    if detected:
        return unconfirmed_waybill(phone, detected, advice=advice)
    return Refused(PHONE_NOT_WAYBILL, code="phone_not_waybill", advice=advice, waybill=mask(phone.strip()))


def unconfirmed_waybill(
    waybill: str, carrier: str, *, key: str = CONSOLE_KEY, advice: str | None = PHONE_FIELD
) -> Refused:
    """A mobile-shaped number `carrier` takes, not yet confirmed as its waybill: refused naming the
    carrier and `key` (a command sets its option in `params["key"]`), said masked (a phone it may well
    be), coded as a phone is (the form's cursor goes alike)."""
    return Refused(
        CONFIRM_CARRIER_WAYBILL,
        code="phone_not_waybill",
        advice=advice,
        waybill=mask(waybill.strip()),
        detected=carrier,
        key=key,
    )


def scanned_phone(raw: str, waybill: str | None = None) -> str | None:
    """The phone `raw` is, when it is one (the mobile's digits, else the text as given), else None.
    `waybill`: what the scan cleaned to, when it did (`]C113812345678` is a mobile after its prefix)."""
    if waybill is not None and MOBILE.fullmatch(waybill):
        return waybill
    mobile = phone_digits(raw).mobile
    if mobile is not None:
        return mobile
    return unicodedata.normalize("NFKC", raw).strip() if phone_shaped(raw) else None


def mobile_shaped_waybill(detection: Detection, carrier: str | None) -> str | None:
    """The waybill `carrier` takes that has a mobile's shape (a DHL Express number: 11 digits starting
    13-19, its check digit right), when the detection read one; else None. Whether to take it is the
    caller's: only a carrier named deliberately (a confirmation, a file's carrier) may."""
    waybill = detection.waybill
    if carrier is None or waybill is None or detection.error is not None or not MOBILE.fullmatch(waybill):
        return None
    return waybill if carrier in {c.carrier for c in detection.candidates} else None


def refuse_phone(raw: str, waybill: str | None = None, *, advice: str | None = SCAN_WAYBILL) -> None:
    """Raise the check-in's refusal when `raw` (cleaned to `waybill`) is a phone; nothing else.
    `advice`: what the clerk does instead (None: nothing to add, as in a file's row)."""
    phone = scanned_phone(raw, waybill)
    if phone is not None:
        raise phone_not_waybill(phone, advice=advice)
