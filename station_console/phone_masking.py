"""Phone numbers in text masked the way screens show a phone (`138****5678`, `****5678`), one rule for
what a clerk types into a note (`services/core/free_text.py`) and for what the log writes (`logs.py`).

It sits outside the layers because both sides use it: services store notes through it and import the
log, and the log masks every line through it.

The rule (`mask_phones`). A run is a phone when nothing but its own digits touches it (no ASCII letter
or digit right before or after it: `SF13812345678` is a waybill, `客户13812345678来电` holds a phone),
or a word that introduces a phone comes right before it (`tel13812345678`, `Mobile13812345678`: tel,
tele, telephone, phone, cellphone, mobile, mob, cell, call, fax; `hotel13812345678` stays), or a
scanner's AIM prefix (`]C113812345678`):
- a mainland mobile: 11 digits `1[3-9]…`, whole or grouped 3-4-4 / 3-8 / 7-4 by spaces or dashes (or
  3-4-4 by dots: `138.1234.5678`), with or without `+86`, `0086` or `86` in front (`+86 138-1234-5678`
  -> `138****5678`); a virtual number's extension after it stays (`170****5678-8462`, as check-in
  shows it);
- a landline with its area code: `010`/`02x` and 8 digits, `0xxx` and 7 or 8 digits, whole or after a
  space, a dash or brackets (`010-12345678`, `(0755)1234 5678` -> `****5678`);
- a number with its country code: `+` or `00`, then 8 to 15 digits in groups of two or more;
- a local number alone: 8 digits starting 2-8 that are not a date (`87654321`; `20261201` stays).
Waybills (longer runs, or letters around), pickup codes (`3-4-1037`), amounts and other decimals (a
run with `.` and a digit before or after it: `12.50`, `23456789.50`), dates
(`2026-12-01`) and times stay as typed. Full-width digits (from a Chinese input method) count as
digits and full-width letters as letters; the rest of the text is kept as typed.
"""

from __future__ import annotations

import re
from datetime import date

from station_console.safe_text import ascii_forms

_EDGE = "0-9A-Za-z"
# Dots group a mobile only 3-4-4: `139.11112222` or `1391111.2222` reads as a decimal number.
_MOBILE = (
    r"(?P<cc>(?:\+|00)86[ \-]?|86-?)?"
    r"(?P<mobile>1[3-9][0-9](?:[ \-]?[0-9]{4}[ \-]?|\.[0-9]{4}\.)[0-9]{4})"
)
_LANDLINE = (
    r"\(?0(?:10|2[0-9])\)?[ \-]?[1-9][0-9]{3}[ \-]?[0-9]{4}"
    r"|\(?0[3-9][0-9]{2}\)?[ \-]?[1-9][0-9]{2,3}[ \-]?[0-9]{4}"
)
# Groups after a space, a dash or a bracket, never two ways to split one run of digits.
_INTERNATIONAL = r"(?P<intl>(?:\+|00)[1-9][0-9]*(?:(?:[ \-]\(?|\()[0-9]{2,}\)?)*)"
_LOCAL = r"(?P<local>[2-8][0-9]{7})"
# A run with `.` and a digit on either side is part of a decimal number (`23456789.50`, `0.23456789`).
_DECIMAL_BEFORE, _DECIMAL_AFTER = r"(?<![0-9][.])", r"(?![.][0-9])"
# Words that introduce a phone may touch it (`tel13812345678`, `mobile13812345678`). None is a
# carrier's prefix (the carrier table, the public tracking_number_data formats); `ph` is left out, as an
# EMS waybill is `P`, a letter and 11 digits (`PH13812345678`), and `ph.`/`ph:` need no word.
INTRO_WORDS = ("tel", "tele", "telephone", "phone", "cellphone", "mobile", "mob", "cell", "call", "fax")
# A scanner's AIM symbology prefix (`]C1`, as `scan/waybill.py` strips it) is no part of the number:
# `]C113812345678` is a phone scanned, masked as `13812345678` is (and `]C1SF…` is a waybill as `SF…` is).
_AIM_PREFIX = r"(?<=\][A-Za-z][0-9])"
_START = "|".join([f"(?<![{_EDGE}])", _AIM_PREFIX, *(f"(?<=(?<![A-Za-z]){word})" for word in INTRO_WORDS)])
_PHONE_LIKE = re.compile(
    rf"(?:{_START}){_DECIMAL_BEFORE}(?:{_MOBILE}|{_INTERNATIONAL}|{_LANDLINE}|{_LOCAL})"
    rf"(?![{_EDGE}]){_DECIMAL_AFTER}",
    re.IGNORECASE,
)
# The other dashes read as ASCII's; full-width digits, letters (a waybill typed with an input method is
# still one) and signs as theirs (`ascii_forms`). One character for one, so a match's place in the read
# copy is its place in the text as typed.
_DASHES = str.maketrans({code: "-" for code in (*range(0x2010, 0x2016), 0x2212)})


def mask(digits: str) -> str:
    """A number's masked form, the one screens, labels and reports show: `138****5678` for a mainland
    mobile, else `****` and the last 4 digits."""
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    return f"****{digits[-4:]}"


def _masked(match: re.Match[str]) -> str:
    if match["mobile"]:
        return mask(re.sub(r"\D", "", match["mobile"]))
    digits = re.sub(r"\D", "", match.group())
    if match["intl"] and not 8 <= len(digits) - (2 if match["intl"].startswith("00") else 0) <= 15:
        return match.group()
    if match["local"] and _is_date(digits):
        return match.group()
    return mask(digits)


def _is_date(digits: str) -> bool:
    try:
        return 1900 <= date(int(digits[:4]), int(digits[4:6]), int(digits[6:])).year < 2100
    except ValueError:
        return False


def mask_phones(text: str) -> str:
    """`text` with every run that looks like a phone number masked (the rule is the module's)."""
    read = ascii_forms(text).translate(_DASHES)
    out, last = [], 0
    for match in _PHONE_LIKE.finditer(read):
        masked = _masked(match)
        if masked != match.group():
            out += [text[last : match.start()], masked]
            last = match.end()
    return "".join(out) + text[last:] if out else text
