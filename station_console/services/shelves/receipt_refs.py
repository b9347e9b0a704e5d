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
    find_receipt,
    receipt_entry,
    refund_slip_entry,
    refund_slip_exists,
    refund_slip_refused,
)
from station_console.services.shelves.search import find_parcel_id

BOTH = N_(
    "{ref} is both fee receipt {number} and a parcel's waybill: give the pickup code of the "
    "parcel whose receipt you mean (its last receipt is copied)."
)


@dataclass(frozen=True)
class ReceiptRef:
    """A receipt by its number (`by_number`), else the parcel `parcel_id` whose last one is meant."""

    by_number: bool
    parcel_id: int = 0


def receipt_ref(station: Station, ref: str) -> ReceiptRef:
    """What `ref` names for a receipt's copy. A refund slip's number is refused (slips are not printed
    again), unless no slip has it and it is a parcel's waybill (shaped `FF` and digits); one shaped as
    a receipt's number (`FR` and digits) names that receipt or, where no receipt has that number, the
    parcel whose waybill it is (a DHL `FR1234567890`); refused where it names both (which one the clerk
    holds is not for the console to guess) or neither, said as the receipt it is shaped as. Anything
    else is a parcel's code or waybill."""
    if refund_slip_entry(ref) is not None:
        if not refund_slip_exists(station, ref):
            try:
                return ReceiptRef(by_number=False, parcel_id=find_parcel_id(station, ref))
            except NotFound:
                pass  # said as the refund slip it is shaped as
        raise refund_slip_refused(ref)
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
    raise Refused(BOTH, code="receipt_or_waybill", ref=cut(ref.strip(), 40), number=number)
