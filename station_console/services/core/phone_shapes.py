"""Phone shapes every flow reads alike: check-in stores them, pickup and search look them up.

A virtual number (`17012345678-8462`, also typed with `,`, `#` or `转`) is a platform's relay number
and the extension the customer quotes; it is stored as `NUMBER-EXT`.
"""

from __future__ import annotations

import re
import unicodedata

MOBILE = re.compile(r"^1[3-9]\d{9}$")  # a mainland mobile number, digits only
VIRTUAL = re.compile(r"^(1[3-9]\d{9})[-,#转](\d{3,5})$")  # a mainland mobile and its extension
MASKED = re.compile(r"^(\d{0,4})[*xX]{3,8}(\d{4})$")  # a privacy waybill's form, separators taken out
SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212().]")


def virtual_number(text: str) -> str | None:
    """`NUMBER-EXT` when `text` (spaces aside) is a virtual number with its extension, else None."""
    m = VIRTUAL.match(text.replace(" ", ""))
    return f"{m.group(1)}-{m.group(2)}" if m else None


def phone_shaped(text: str) -> bool:
    """`text` (a scan, say) is a mobile number or one of its privacy forms (`138****5678`, a virtual
    number with its extension): a phone, whatever else it might pass for."""
    raw = unicodedata.normalize("NFKC", text).strip()
    if MOBILE.fullmatch(raw.replace(" ", "")) or VIRTUAL.match(raw.replace(" ", "")):
        return True
    compact = SEPARATORS.sub("", raw)
    return bool(MOBILE.fullmatch(compact) or MASKED.match(compact))
