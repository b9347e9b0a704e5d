"""What a reference given for a fee receipt's copy names: a receipt by its number, or a parcel by its
pickup code or waybill (that parcel's last receipt).

Here, above both, because the answer needs the fee ledger (`fees.receipts`) and the parcel search
(`shelves.search`), and whether a reference that could be either is refused is the station's rule,
not a command's.
"""

from __future__ import annotations

from dataclasses import dataclass

from station_console.errors import NotFound, Refused
from station_console.i18n import N_
from station_console.safe_text import cut
from station_console.services.core.station import Station
from station_console.services.fees.receipts import (
    REFUND,
    find_receipt,
    receipt_entry,
    receipt_number,
    refund_slip_entry,
    refund_slip_exists,
    refund_slip_refused,
)
from station_console.services.shelves.search import find_parcel_id

# A number that is both a paper's and a parcel's waybill is said with both meanings, one way: which one
# the clerk holds is not for the console to guess, and the pickup code names the parcel alone.
BOTH = N_(
    "{ref} is both fee receipt {number} and a parcel's waybill: give the pickup code of the "
    "parcel whose receipt you mean (its last receipt is copied)."
)
SLIP_AND_WAYBILL = N_(
    "{ref} is both refund slip {number} (refund slips are not printed again) and a parcel's waybill: "
    "give the pickup code of the parcel whose receipt you mean (its last receipt is copied)."
)


@dataclass(frozen=True)
class ReceiptRef:
    """A receipt by its number (`by_number`), else the parcel `parcel_id` whose last one is meant."""

    by_number: bool
    parcel_id: int = 0


def receipt_ref(station: Station, ref: str) -> ReceiptRef:
    """What `ref` names for a receipt's copy. One shaped as a refund slip's number (`FF` and digits)
    names the parcel whose waybill it is where no slip has that number, and is refused as the slip it
    is shaped as where no parcel has it (slips are not printed again); one shaped as a receipt's
    number (`FR` and digits) names that receipt or, where no receipt has that number, the parcel whose
    waybill it is (a DHL `FR1234567890`), and is refused as the receipt it is shaped as where neither
    has it. Where both a paper and a parcel have it, either shape is refused saying both (`BOTH`,
    `SLIP_AND_WAYBILL`). Anything else is a parcel's code or waybill."""
    if (slip := refund_slip_entry(ref)) is not None:
        try:
            parcel_id = find_parcel_id(station, ref)
        except NotFound:
            raise refund_slip_refused(ref) from None
        if not refund_slip_exists(station, ref):
            return ReceiptRef(by_number=False, parcel_id=parcel_id)
        raise _both(SLIP_AND_WAYBILL, ref, receipt_number(REFUND, slip))
    if receipt_entry(ref) is None:
        return ReceiptRef(by_number=False, parcel_id=find_parcel_id(station, ref))
    try:
        number = find_receipt(station, ref)
    except NotFound as no_receipt:
        try:
            return ReceiptRef(by_number=False, parcel_id=find_parcel_id(station, ref))
        except NotFound:
            raise no_receipt from None
    try:
        find_parcel_id(station, ref)
    except NotFound:
        return ReceiptRef(by_number=True)
    raise _both(BOTH, ref, number)


def _both(text: str, ref: str, number: str) -> Refused:
    return Refused(text, code="receipt_or_waybill", ref=cut(ref.strip(), 40), number=number)
