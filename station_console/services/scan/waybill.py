"""Turn what a scanner typed into a clean waybill number.

Scanners add noise: CR/LF/TAB suffixes, GS (0x1D) separators, AIM symbology prefixes (`]C1`),
full-width characters from a Chinese input method, spaces from a number typed as printed in groups.
Two barcodes carry more than the tracking number: a USPS IMpb may start with `420` + the ZIP code,
and FedEx 34-digit (and legacy 32-digit ASTRA) barcodes embed the 12-digit tracking number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from station_console.errors import Refused, StationError
from station_console.i18n import N_
from station_console.phone_masking import mask_phones
from station_console.safe_text import ascii_forms, cut
from station_console.services.scan.checksums import fedex12, fedex14, gs1_mod10, usps_legacy20

# Longer than any barcode a carrier prints (34 digits); past this it is not one scan.
MAX_RAW_LENGTH = 64
MAX_WAYBILL = 40  # the waybill column's width: a longer one could not be stored on PostgreSQL

# Said without a count: a paste reaches a field cut (its first line) or in pieces (a terminal sending it
# as keys), so the count of what arrived was not the paste's.
TOO_LONG = N_("That is too long to be one waybill.")

_AIM_PREFIX = re.compile(r"\][A-Za-z][0-9]")
_USPS = re.compile(r"9[1-5][0-9]{20}|9[2-5][0-9]{24}|94[0-9]{28}|[0-9]{20}")


@dataclass(frozen=True, slots=True)
class Normalised:
    raw: str  # the text as scanned, for the audit record
    waybill: str | None  # clean number, or None when rejected
    error: StationError | None


def _is_usps(number: str) -> bool:
    if _USPS.fullmatch(number) is None:
        return False
    return gs1_mod10(number) or (len(number) == 20 and usps_legacy20(number))


def _unwrap(text: str) -> str:
    """The tracking number inside a USPS routing barcode or a long FedEx barcode, else `text`."""
    size = len(text)
    if size < 28 or not text.isdigit():
        return text
    if text.startswith("420"):
        # ZIP+4 first: `420` + 9 + 22 digits is read that way by USPS; then the 5-digit ZIP.
        for zip_len in (9, 5):
            rest = text[3 + zip_len :]
            if _is_usps(rest):
                return rest
    # FedEx Express 34 starts 0-8, FedEx Ground GSN starts 96; both end in serial + check digit.
    if size == 34 and (text[0] != "9" or text[1] == "6") and fedex14(text[20:]):
        return text[22:]
    if size == 32 and text[0] == "3" and fedex12(text[16:28]):
        return text[16:28]
    return text


def _clean(raw: str) -> str:
    text = raw
    if not text.isascii():
        text = ascii_forms(text)
        # Drop control and format characters (zero-width spaces, BOMs); keep letters for the check.
        text = "".join(c for c in text if unicodedata.category(c)[0] != "C")
    text = "".join(text.split())  # spaces inside: numbers are often typed as printed, in groups
    text = "".join(c for c in text if c >= " " and c != "\x7f") if not text.isprintable() else text
    if text[:1] == "]" and _AIM_PREFIX.match(text):
        text = text[3:]
    return text


def as_typed(raw: str, waybill: str) -> str:
    """`waybill` as the clerk typed it, for a refusal to quote: cleaned, not upper-cased (`chen`, not
    `CHEN`). A barcode unwrapped to its tracking number is quoted as the number looked up."""
    typed = _clean(raw) if raw else raw
    return typed if typed.upper() == waybill else waybill


def normalise(raw: str) -> Normalised:
    """Clean `raw`; on a refusal `waybill` is None and `error` says why (nothing is raised)."""
    waybill, error = clean_waybill(raw)
    return Normalised(raw, waybill, error)


def clean_waybill(raw: str) -> tuple[str | None, StationError | None]:
    """`normalise` without its record, for the scan path: the clean number, or None and why not."""
    if len(raw) > MAX_RAW_LENGTH * 4:
        return None, Refused(TOO_LONG, code="too_long")
    if raw.isascii() and raw.isalnum():
        text = raw  # most scans: nothing to clean and nothing to refuse
    else:
        text = _clean(raw)
        if not text:
            return None, Refused(N_("Nothing was scanned."), code="empty")
        if not (text.isascii() and text.isalnum()):
            bad = "".join(sorted({c for c in text if not (c.isascii() and c.isalnum())}))
            return None, Refused(
                N_("{waybill} has characters no carrier uses: {chars}."),
                code="bad_characters",
                waybill=cut(mask_phones(text), 40),  # a phone typed with dashes: masked
                chars=cut(bad, 10),
            )
    text = _unwrap(text.upper())
    if len(text) > MAX_WAYBILL:
        return None, Refused(TOO_LONG, code="too_long")
    return text, None
