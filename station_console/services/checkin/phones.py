"""Recipient phone numbers as a clerk types them, and the masked forms everyone else sees.

Accepted: a mainland mobile number (11 digits, 13x-19x: `13812345678`, `+86 138-1234-5678`), a foreign
number with its country code (`+49 151 23456789`, or `0049...`), the last 4 digits alone (`5678`), a
privacy-waybill form (`138****5678`), and a virtual number with its extension (`17012345678-8462`; the
4-digit extension is what the customer quotes, so it is the tail). Nothing else: a run of digits that
is none of these (the head of a split scan, `7739100`) is refused, so no message ever goes to it, and
so is a mainland landline (`010-12345678`), which no text message reaches.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from station_console.errors import Refused
from station_console.i18n import N_
from station_console.logs import mask_text
from station_console.phone_masking import mask
from station_console.safe_text import cut
from station_console.services.core.phone_shapes import MASKED, MOBILE, SEPARATORS, VIRTUAL, phone_digits

SHAPES = N_("A phone is its last 4 digits, an 11-digit mobile number, or + country code and number.")
LANDLINE = N_("{phone} is a landline: a mobile number is needed, for the pickup text message.")


@dataclass(frozen=True)
class Phone:
    tail: str  # last 4 digits the customer will quote
    masked: str  # what screens, labels and reports show
    full: str | None  # kept only for notifications; None when only a tail or a masked form was given


def parse_phone(text: str) -> Phone:
    """Read what the clerk typed or the scanner gave; refuse anything that is not a phone."""
    # Most directory cells and most typing: a plain mobile number, without the normalising below.
    if text and len(text) == 11 and text.isascii() and MOBILE.fullmatch(text):
        return Phone(tail=text[-4:], masked=mask(text), full=text)
    raw = unicodedata.normalize("NFKC", text or "").strip()
    if not raw:
        raise Refused(N_("No phone number given."), code="phone_empty")
    if m := VIRTUAL.match(raw.replace(" ", "")):
        number, ext = m.groups()
        return Phone(
            tail=ext[-4:].rjust(4, "0"), masked=f"{number[:3]}****{number[-4:]}-{ext}", full=f"{number}-{ext}"
        )
    compact = SEPARATORS.sub("", raw)
    if m := MASKED.match(compact):
        head, tail = m.groups()
        return Phone(tail=tail, masked=f"{head}****{tail}", full=None)
    if len(compact) == 4 and compact.isdigit():
        return Phone(tail=compact, masked=f"****{compact}", full=None)
    digits = phone_digits(compact)
    if digits.mobile is not None:
        return Phone(tail=digits.number[-4:], masked=mask(digits.number), full=digits.number)
    if not digits.number.isdigit():
        raise Refused(N_("Not a phone number: {text}."), code="phone_invalid", text=cut(mask_text(raw), 20))
    if digits.landline:
        raise landline_refused(raw)
    compact, international = digits.number, digits.country == "+"
    if international:
        if not 8 <= len(compact) <= 15 or compact.startswith("0"):
            raise Refused(SHAPES, code="phone_invalid")
        return Phone(tail=compact[-4:], masked=mask(compact), full=f"+{compact}")
    if len(compact) == 11 and not compact.startswith("1"):
        raise Refused(N_("A Chinese mobile number starts with 1."), code="phone_invalid")
    raise Refused(SHAPES, code="phone_invalid")  # a mainland mobile was taken above, by `digits.mobile`


def landline_refused(text: str) -> Refused:
    """A mainland landline given for a parcel: no text message reaches it, so a mobile is asked for
    (in the Phone field and in the Scan field alike, never taken as a waybill). Said masked, by its
    last 4 digits: the log's masking of free text misses some ways of writing one (`021.6666.7777`)."""
    masked = f"****{phone_digits(text).number[-4:]}"
    # `waybill` too: a refused scan's row names it by that, and would name it unmasked otherwise.
    return Refused(LANDLINE, code="phone_invalid", phone=masked, waybill=masked)
