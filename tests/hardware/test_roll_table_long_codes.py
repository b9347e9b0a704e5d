"""A code longer than a receipt roll's line (a 40-character waybill on a 58 mm roll's 32 columns) is broken
into equal pieces, as the label's number is, not into a full line and a stray few characters."""

from __future__ import annotations

from hardware.printers.roll_table import roll_table
from hardware.printers.textfit import columns

WAYBILL = "GM" + ("9E44608A27984866BA2D" * 2)[:38]  # 40 characters, the longest the carrier table allows


def test_a_waybill_longer_than_the_roll_is_cut_in_equal_halves() -> None:
    lines = roll_table(["Waybill", "Note"], [[WAYBILL, "missing"]], ["L", "L"], 32)
    pieces = [line.strip() for line in lines if set(line.strip()) <= set(WAYBILL)]
    assert "".join(pieces) == WAYBILL, lines
    assert [len(p) for p in pieces] == [20, 20], lines
    assert all(columns(line) <= 32 for line in lines), lines
