"""Receipts, manifests and reports: titled tables of rows, printed by ESC/POS or as a PDF."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Table:
    """One table: a heading row (`columns`, may be empty) and its rows, already translated."""

    columns: list[str]
    rows: list[list[str]]
    widths: list[int] = field(default_factory=list)  # relative column widths; empty: all alike
    aligns: list[str] = field(default_factory=list)  # "L" or "R" per column; empty: all left
    heading: str = ""  # a line above it
    small: bool = False  # a wide table in smaller type


@dataclass(frozen=True)
class Document:
    """Already translated text. `kind`: "receipt" (roll paper), "manifest" (A4 with signatures) or
    "report" (A4). The one renderer of each printer language draws every kind (pdf.py, escpos.py)."""

    kind: str
    title: str
    meta: list[str] = field(default_factory=list)  # "Station: ...", "Time: ..."
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)  # totals, "Signature: ____"
    barcode: str | None = None  # e.g. the batch number, for the courier's scanner
    widths: list[int] = field(default_factory=list)  # relative column widths; empty: all alike
    aligns: list[str] = field(default_factory=list)  # "L" or "R" per column; empty: all left
    more: list[Table] = field(default_factory=list)  # further tables, after the first
    note: str = ""  # a small line under the meta (e.g. that Chinese could not be printed)

    def tables(self) -> list[Table]:
        """The first table and the further ones, leaving out any with neither headings nor rows."""
        first = Table(self.columns, self.rows, self.widths, self.aligns)
        return [t for t in (first, *self.more) if t.columns or t.rows]
