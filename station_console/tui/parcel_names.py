"""A parcel named short on screen, one way wherever a line or a question names it: its carrier's label
name and its waybill's end (SF…0123, the four characters its receipt prints), after its pickup code
where it has one (6-5-3002 · SF…0123). A clerk matches the last digits against the parcel in hand."""

from __future__ import annotations

from rich.cells import cell_len, get_character_cell_size

WAYBILL_END = 4  # the waybill's last characters a parcel is named by, as its receipt names it
CARRIER_CELLS = 8  # a carrier's label name (up to 16) cut to fit Check-in's big code line at 80 columns


def _carrier_shown(carrier_name: str) -> str:
    """The carrier's name whole if it fits `CARRIER_CELLS` columns, else its start in one column
    fewer (the "…" after it stands for the rest): columns, not characters, a Chinese character
    takes two."""
    if cell_len(carrier_name) <= CARRIER_CELLS:
        return carrier_name
    shown, width = "", 0
    for char in carrier_name:
        width += get_character_cell_size(char)
        if width > CARRIER_CELLS - 1:
            break
        shown += char
    return shown


def parcel_end(carrier_name: str, waybill: str) -> str:
    """The carrier and the waybill's end, one "…" between them for what is left out of either."""
    return f"{_carrier_shown(carrier_name)}…{waybill[-WAYBILL_END:]}"


def parcel_named(code: str | None, carrier_name: str, waybill: str) -> str:
    """The parcel by its pickup code, then `parcel_end` (a dash for a parcel without a code)."""
    return f"{code or '-'} · {parcel_end(carrier_name, waybill)}"
