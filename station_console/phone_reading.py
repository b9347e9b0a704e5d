"""A phone number as written, read one way (`phone_digits`) by every flow and by the log's masking.

It sits outside the layers because both sides use it: the services read phones through it
(`services/core/phone_shapes.py` hands it on) and the log (`logs.py`) masks every number it reads.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MOBILE = re.compile(r"^1[3-9]\d{9}$")  # a mainland mobile number, digits only
SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212().]")
# A mainland landline, separators out: 0, an area code of 2-3 more digits, a number of 7-8.
LANDLINE = re.compile(r"^0[1-9]\d{8,10}$")
# ...as people write one: its area code set apart (`010-12345678`, `(0755) 8888 8888`), then a local
# number, which never starts with 0 (DPD's `0998 0000 0200 34D` is no landline).
_AREA_SET_APART = re.compile(r"^(?:\(0[1-9]\d{1,2}\)\s*|0[1-9]\d{1,2}[\s\-\u2010-\u2015\u2212.])[1-9]")


@dataclass(frozen=True)
class PhoneDigits:
    """A number as written, separators out and a mainland country code taken off."""

    number: str  # what is left: digits, unless the text was no number
    country: str  # "" none written, "86" (+86 or 0086, taken off), "+" another (kept in `number`)

    @property
    def mobile(self) -> str | None:
        """The mainland mobile number, when it is one."""
        return self.number if self.country != "+" and MOBILE.fullmatch(self.number) else None

    @property
    def landline(self) -> bool:
        """A mainland landline (`010-12345678`; `+86 10 1234 5678` without its trunk 0): no SMS reaches it."""
        if self.country == "+" or self.mobile is not None:
            return False
        number = self.number if self.country == "" else f"0{self.number}"
        return bool(LANDLINE.fullmatch(number))


def phone_digits(text: str) -> PhoneDigits:
    """`text` (full-width forms, spaces, dashes, dots, brackets) read as a number: `+86 138-0013-8000`,
    `0086 13800138000`, `+86 (0)138 0013 8000` and `13800138000` are the same mobile."""
    compact = SEPARATORS.sub("", unicodedata.normalize("NFKC", text or "").strip())
    if not compact.startswith(("+", "00")):
        return PhoneDigits(compact, "")
    rest = compact[1:] if compact.startswith("+") else compact[2:]
    if not rest.startswith("86"):
        return PhoneDigits(rest, "+")
    # The trunk 0 some write after the country code (`+86 (0)10 ...`) is never dialled from abroad.
    return PhoneDigits(rest[3:] if rest.startswith("860") else rest[2:], "86")


def landline_written(text: str) -> bool:
    """`text` is a mainland landline as people write one: its area code set apart (by a space, a dash,
    a dot or brackets), or after +86/0086.
    The same digits run together are left to be a waybill (FedEx's 12 digits and DHL's 10-11 may start
    with 0)."""
    raw = unicodedata.normalize("NFKC", text).strip()
    digits = phone_digits(raw)
    return digits.landline and (digits.country == "86" or bool(_AREA_SET_APART.match(raw)))
