"""What a clerk types for a send, read strictly: weights in kg, sides in cm, counts. Full-width digits
and, in a weight or a side, a comma for the decimal point are accepted. Money is read by
`core.money.parse_cents`, which refuses a comma (1,500 is a thousands separator to some)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from station_console.errors import Refused
from station_console.i18n import N_
from station_console.safe_text import cut
from station_console.services.sendout.quote import check_weight
from station_console.services.sendout.regions import folded

_NUMBER = re.compile(r"^\d{1,7}(\.\d{1,3})?$")
_DIMS = re.compile(r"^(\d{1,4}(?:\.\d)?)[x*×X](\d{1,4}(?:\.\d)?)[x*×X](\d{1,4}(?:\.\d)?)$")


def _decimal(text: str) -> Decimal | None:
    raw = folded(text).replace(",", ".").replace(" ", "")
    raw = raw.removesuffix("kg").removesuffix("KG")
    if not _NUMBER.match(raw):
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def grams_from_kg(text: str) -> int:
    """`1.2` (kg) -> 1200 g; more than gram precision is refused, not rounded silently. A number out of
    range (`0`, `500`) gets the range's message: it is a weight, only not one a send can have."""
    value = _decimal(text)
    if value is None or value * 1000 != int(value * 1000):
        raise Refused(N_("Weight in kg, e.g. 1.25: {text}."), code="bad_weight", text=cut(folded(text), 20))
    grams = int(value * 1000)
    check_weight(grams, None)
    return grams


def dims_mm(text: str) -> tuple[int, int, int]:
    """`30x20x10` (cm, also `30*20*10`, `30×20×10`, one decimal allowed, after a point or a comma)
    -> millimetres."""
    raw = folded(text).replace(",", ".").replace(" ", "").removesuffix("cm")  # `1,5` as a weight's
    match = _DIMS.match(raw)
    if not match:
        raise Refused(
            N_("Sides in cm as LxWxH, e.g. 30x20x10: {text}."), code="bad_dims", text=cut(folded(text), 20)
        )
    sides = tuple(int(Decimal(side) * 10) for side in match.groups())
    if not all(sides):
        raise Refused(
            N_("Sides in cm as LxWxH, e.g. 30x20x10: {text}."), code="bad_dims", text=cut(folded(text), 20)
        )
    return sides[0], sides[1], sides[2]


def count(text: str) -> int:
    raw = folded(text)
    if not raw.isdigit() or not 1 <= int(raw) <= 999:
        raise Refused(N_("A count from 1 to 999: {text}."), code="bad_count", text=cut(raw, 20))
    return int(raw)
