"""A parcel named short on screen, one way wherever a line or a question names it: its carrier's label
name and its waybill's end (SF…0123, the four characters its receipt prints), after its pickup code
where it has one (6-5-3002 · SF…0123). A clerk matches the last digits against the parcel in hand."""

from __future__ import annotations

from station_console.safe_text import cut

WAYBILL_END = 4  # the waybill's last characters a parcel is named by, as its receipt names it
CARRIER_CHARS = 8  # a carrier's label name (up to 16) cut to fit Check-in's big code line at 80 columns


def parcel_end(carrier_name: str, waybill: str) -> str:
    """The carrier and the waybill's end, one "…" between them for what is left out of either."""
    return f"{cut(carrier_name, CARRIER_CHARS).removesuffix('…')}…{waybill[-WAYBILL_END:]}"


def parcel_named(code: str | None, carrier_name: str, waybill: str) -> str:
    """The parcel by its pickup code, then `parcel_end` (a dash for a parcel without a code)."""
    return f"{code or '-'} · {parcel_end(carrier_name, waybill)}"
