"""Label and receipt printers: one layout, five languages, six transports, chosen by `make_printer`.

Names are loaded on first use: the print queue imports this package on every check-in, while the
renderers (python-escpos, fpdf2, Pillow) take about a second to import and only the worker needs them.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "LANGUAGES": "factory",
    "Printer": "factory",
    "make_printer": "factory",
    "Document": "document",
    "Captions": "label",
    "LabelData": "label",
    "LabelLayout": "label",
    "LabelSize": "label",
    "Media": "label",
    "layout_for": "label",
    "DummyTransport": "transports",
    "PrinterError": "transports",
    "Transport": "transports",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
