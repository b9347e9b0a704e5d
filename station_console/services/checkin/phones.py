"""Recipient phone numbers as a clerk types them, and the masked forms everyone else sees.

Accepted: a full number (`13812345678`, `+86 138-1234-5678`, foreign numbers of 7-15 digits), the last
4 digits alone (`5678`), a privacy-waybill form (`138****5678`), and a virtual number with its extension
(`17012345678-8462`; the 4-digit extension is what the customer quotes, so it is the tail).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from station_console.errors import Refused
from station_console.i18n import N_
from station_console.services.core.phone_shapes import VIRTUAL

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212().]")
_MASKED = re.compile(r"^(\d{0,4})[*xX]{3,8}(\d{4})$")


@dataclass(frozen=True)
class Phone:
    tail: str  # last 4 digits the customer will quote
    masked: str  # what screens, labels and reports show
    full: str | None  # kept only for notifications; None when only a tail or a masked form was given


def mask(digits: str) -> str:
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    return f"****{digits[-4:]}"


def parse_phone(text: str) -> Phone:
    """Read what the clerk typed or the scanner gave; refuse anything that is not a phone."""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    if not raw:
        raise Refused(N_("No phone number given"), code="phone_empty")
    if m := VIRTUAL.match(raw.replace(" ", "")):
        number, ext = m.groups()
        return Phone(
            tail=ext[-4:].rjust(4, "0"), masked=f"{number[:3]}****{number[-4:]}-{ext}", full=f"{number}-{ext}"
        )
    compact = _SEPARATORS.sub("", raw)
    if m := _MASKED.match(compact):
        head, tail = m.groups()
        return Phone(tail=tail, masked=f"{head}****{tail}", full=None)
    if compact.startswith("+"):
        compact = compact[1:]
    if not compact.isdigit():
        raise Refused(N_("Not a phone number: {text}"), code="phone_invalid", text=raw[:20])
    if len(compact) == 4:
        return Phone(tail=compact, masked=f"****{compact}", full=None)
    if len(compact) == 13 and compact.startswith("861"):
        compact = compact[2:]
    if len(compact) == 11 and not compact.startswith("1"):
        raise Refused(N_("A Chinese mobile number starts with 1"), code="phone_invalid")
    if not 7 <= len(compact) <= 15:
        raise Refused(N_("A phone number has 4 digits (the tail) or 7 to 15 digits"), code="phone_invalid")
    return Phone(tail=compact[-4:], masked=mask(compact), full=compact)
