"""Phone shapes every flow reads alike: check-in stores them, pickup and search look them up.

A virtual number (`17012345678-8462`, also typed with `,`, `#` or `转`) is a platform's relay number
and the extension the customer quotes; it is stored as `NUMBER-EXT`. `phone_digits` (from
`station_console/phone_reading.py`, which the log's masking reads by too) is the one reading of a number as written (`+86 138 0013 8000`, `0086-138-0013-8000`, `138-0013-8000`): `parse_phone`
(check-in) builds on it, and every flow below check-in reads a phone through it.
"""

from __future__ import annotations

import re
import unicodedata

# Handed on: every flow reads them here.
from station_console.phone_reading import LANDLINE as LANDLINE
from station_console.phone_reading import MOBILE as MOBILE
from station_console.phone_reading import SEPARATORS as SEPARATORS
from station_console.phone_reading import PhoneDigits as PhoneDigits
from station_console.phone_reading import landline_written as landline_written
from station_console.phone_reading import phone_digits as phone_digits

VIRTUAL = re.compile(r"^(1[3-9]\d{9})[-,#转](\d{3,5})$")  # a mainland mobile and its extension
MASKED = re.compile(r"^(\d{0,4})[*xX]{3,8}(\d{4})$")  # a privacy waybill's form, separators taken out


def virtual_number(text: str) -> str | None:
    """`NUMBER-EXT` when `text` (spaces aside) is a virtual number with its extension, else None."""
    m = VIRTUAL.match(text.replace(" ", ""))
    return f"{m.group(1)}-{m.group(2)}" if m else None


def phone_shaped(text: str) -> bool:
    """`text` (a scan, say) is a mobile number, with or without +86/0086, or one of its privacy forms
    (`138****5678`, a virtual number with its extension): a phone, whatever else it might pass for."""
    raw = unicodedata.normalize("NFKC", text).strip()
    if VIRTUAL.match(raw.replace(" ", "")):
        return True
    return phone_digits(raw).mobile is not None or bool(MASKED.match(SEPARATORS.sub("", raw)))
