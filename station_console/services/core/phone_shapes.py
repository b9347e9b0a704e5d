"""Phone shapes every flow reads alike: check-in stores them, pickup and search look them up.

A virtual number (`17012345678-8462`, also typed with `,`, `#` or `转`) is a platform's relay number
and the extension the customer quotes; it is stored as `NUMBER-EXT`.
"""

from __future__ import annotations

import re

MOBILE = re.compile(r"^1[3-9]\d{9}$")  # a mainland mobile number, digits only
VIRTUAL = re.compile(r"^(1[3-9]\d{9})[-,#转](\d{3,5})$")  # a mainland mobile and its extension


def virtual_number(text: str) -> str | None:
    """`NUMBER-EXT` when `text` (spaces aside) is a virtual number with its extension, else None."""
    m = VIRTUAL.match(text.replace(" ", ""))
    return f"{m.group(1)}-{m.group(2)}" if m else None
