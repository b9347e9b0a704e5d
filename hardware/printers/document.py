"""Receipts and manifests: a titled table of rows, printed by ESC/POS or as a PDF."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """Already translated text; `kind` is "receipt" (roll paper) or "manifest" (A4 with signatures)."""

    kind: str
    title: str
    meta: list[str] = field(default_factory=list)  # "Station: ...", "Time: ..."
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)  # totals, "Signature: ____"
    barcode: str | None = None  # e.g. the batch number, for the courier's scanner
    widths: list[int] = field(default_factory=list)  # relative column widths; empty: all alike
