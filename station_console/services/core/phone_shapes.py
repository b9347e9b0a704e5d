"""Phone shapes every flow reads alike: check-in stores them, pickup and search look them up.

A virtual number (`17012345678-8462`, also typed with `,`, `#` or `转`) is a platform's relay number
and the extension the customer quotes; it is stored as `NUMBER-EXT`. `phone_digits` is the one reading
of a number as written (`+86 138 0013 8000`, `0086-138-0013-8000`, `138-0013-8000`): `parse_phone`
(check-in) builds on it, and every flow below check-in reads a phone through it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MOBILE = re.compile(r"^1[3-9]\d{9}$")  # a mainland mobile number, digits only
VIRTUAL = re.compile(r"^(1[3-9]\d{9})[-,#转](\d{3,5})$")  # a mainland mobile and its extension
MASKED = re.compile(r"^(\d{0,4})[*xX]{3,8}(\d{4})$")  # a privacy waybill's form, separators taken out
SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212().]")
# A mainland landline, separators out: 0, an area code of 2-3 more digits, a number of 7-8.
LANDLINE = re.compile(r"^0[1-9]\d{8,10}$")
# ...as people write one: its area code set apart (`010-12345678`, `(0755) 8888 8888`).
_AREA_SET_APART = re.compile(r"^(?:\(0[1-9]\d{1,2}\)|0[1-9]\d{1,2}[\s\-\u2010-\u2015\u2212])")


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


def landline_written(text: str) -> bool:
    """`text` is a mainland landline as people write one: its area code set apart, or after +86/0086.
    The same digits run together are left to be a waybill (FedEx's 12 digits and DHL's 10-11 may start
    with 0)."""
    raw = unicodedata.normalize("NFKC", text).strip()
    digits = phone_digits(raw)
    return digits.landline and (digits.country == "86" or bool(_AREA_SET_APART.match(raw)))
