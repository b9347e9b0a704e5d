"""What the clerk typed in the pickup box, read as one of five shapes.

Normalised first: NFKC (full-width digits and dashes), dash variants (`－—–‐`) to `-`, spaces around
separators, leading zeros of each numeric code part. Then, in order:
4 digits = a phone tail; 11 digits starting 1 = a Chinese mobile (with `-EXT`: a virtual number, as
check-in stored it); one or more pickup codes of the
station's template anywhere in the text (a pasted message); 8+ letters and digits = a waybill.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from station_console.errors import Refused
from station_console.i18n import N_
from station_console.logs import mask_text
from station_console.safe_text import cut
from station_console.services.core.phone_shapes import phone_digits, virtual_number
from station_console.services.scan.waybill import normalise as normalise_waybill

MAX_CODES = 10  # more than this in one box is not a customer's message; it is bulk guessing
MAX_QUERY = 500  # characters: room for a pasted text message with its codes
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u2E3A\u2E3B\u30FC\uFE58\uFE63\uFF0D\u002D]")
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
_PART = r"[0-9A-Za-z]+"


@dataclass(frozen=True)
class ParsedQuery:
    shape: str  # "code" | "codes" | "tail" | "phone" | "waybill"
    values: tuple[str, ...]  # codes (normalised), the tail, the 11 digits, or the waybill
    # The whole query read as one code with letters beyond A-Z (冷1-1-1001, a shelf labelled before
    # labels were A-Z or digits): looked up first, as `values` reads only its A-Z part (1-1-1001).
    as_stored: str | None = None


def normalise_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = _DASHES.sub("-", text)
    return "".join(c for c in text if unicodedata.category(c)[0] != "C" or c in "\n\t").strip()


@lru_cache(maxsize=8)
def _code_pattern(template: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """A regex finding codes of `template` in free text, and the placeholder names in order."""
    names: list[str] = []
    out: list[str] = []
    for literal, field in _split_template(template):
        for char in literal:
            out.append(r"\s*-\s*" if char == "-" else r"\s*" + re.escape(char) + r"\s*")
        if field:
            names.append(field)
            out.append(r"(\d+)" if field == "seq" else f"({_PART})")
    # Not glued to other letters or digits, so `16-5-30021` is not read as `6-5-3002`.
    body = "".join(out)
    return re.compile(rf"(?<![0-9A-Za-z\-]){body}(?![0-9A-Za-z]|-[0-9A-Za-z])"), tuple(names)


@lru_cache(maxsize=8)
def _stored_code_pattern(template: str) -> re.Pattern[str]:
    """A whole query that is one code of `template` whose parts are any letters or digits: the codes
    of a shelf labelled before labels were A-Z or digits (冷-1-1001), still on their parcels and in
    the customers' messages. The whole query only, and found only if stored: a message pasted whole
    (您的取件码6-5-3002) reads as this too, its code found by `find_codes`."""
    out: list[str] = []
    for literal, field in _split_template(template):
        out.extend(r"\s*-\s*" if char == "-" else r"\s*" + re.escape(char) + r"\s*" for char in literal)
        if field:
            out.append(rf"(?P<{field}>\d+)" if field == "seq" else rf"(?P<{field}>[^\W_]+)")
    return re.compile("".join(out))


def _stored_code(text: str, template: str) -> str | None:
    m = _stored_code_pattern(template).fullmatch(text)
    if m is None or m.group(0).isascii():  # an ASCII code is `find_codes`' to read, range and all
        return None
    return template.format(**{name: _strip_zeros(value) for name, value in m.groupdict().items()})


def _split_template(template: str) -> list[tuple[str, str]]:
    parts: list[tuple[str, str]] = []
    for m in re.finditer(r"([^{]*)(?:\{(\w+)\})?", template):
        if m.group(0):
            parts.append((m.group(1), m.group(2) or ""))
    return parts


def _strip_zeros(part: str) -> str:
    return (part.lstrip("0") or "0") if part.isdigit() else part.upper()


def find_codes(text: str, template: str, seq_range: tuple[int, int] | None = None) -> list[str]:
    """Every pickup code of `template` in `text`, normalised, in order, without repeats.

    With `seq_range`, a SEQ outside it is not a code (a date `2026-11-25` in a pasted message).
    """
    pattern, names = _code_pattern(template)
    found: list[str] = []
    for m in pattern.finditer(text):
        parts = {name: _strip_zeros(value) for name, value in zip(names, m.groups(), strict=True)}
        if seq_range and "seq" in parts and not seq_range[0] <= int(parts["seq"]) <= seq_range[1]:
            continue
        code = template.format(**parts)
        if code not in found:
            found.append(code)
    return found


def parse_query(text: str, template: str, seq_range: tuple[int, int] | None = None) -> ParsedQuery:
    """Read the query's shape, or refuse with what the box accepts."""
    if len(text or "") > MAX_QUERY:
        raise Refused(N_("A pickup query is at most {max} characters."), code="query_too_long", max=MAX_QUERY)
    clean = normalise_text(text)
    if not clean:
        raise Refused(
            N_("Type a pickup code, a phone number or its last 4 digits, or a waybill."), code="empty_query"
        )
    virtual = virtual_number(clean)
    if virtual is not None:  # before the separators go: its dash is part of the number
        return ParsedQuery("phone", (virtual,))
    number = phone_digits(clean)  # +86 138 0013 8000 and 0086-138-0013-8000 are 13800138000
    compact = number.number if number.country == "86" else _PHONE_SEPARATORS.sub("", clean)
    digits = compact.isdigit() and compact.isascii()
    # A phone before codes: `138-1234-5678` also fits the default code template.
    if digits and len(compact) == 11 and compact.startswith("1"):
        return ParsedQuery("phone", (compact,))
    codes = find_codes(clean, template, seq_range)
    if len(codes) > MAX_CODES:
        raise Refused(N_("At most {n} pickup codes at once."), code="too_many_codes", n=MAX_CODES)
    stored = _stored_code(clean, template)
    if codes:
        return ParsedQuery("codes" if len(codes) > 1 else "code", tuple(codes), as_stored=stored)
    if stored is not None:
        return ParsedQuery("code", (stored,))
    if digits and len(compact) == 4:
        return ParsedQuery("tail", (compact,))
    read = normalise_waybill(clean)
    waybill = read.waybill
    if waybill is not None and len(waybill) >= 8 and sum(c.isdigit() for c in waybill) >= 6:
        return ParsedQuery("waybill", (waybill,))
    if read.error is not None and read.error.code == "too_long" and clean.isascii() and clean.isalnum():
        raise read.error  # one run of letters and digits past any waybill: a paste, said as check-in does
    raise Refused(
        N_("Not a pickup code, phone number or waybill: {text}."),
        code="bad_query",
        text=cut(mask_text(clean), 30),
    )
