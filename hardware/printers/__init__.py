"""Label and receipt printers: one layout, five languages, six transports, chosen by `make_printer`."""

from hardware.printers.document import Document
from hardware.printers.factory import LANGUAGES, Printer, make_printer
from hardware.printers.label import Captions, LabelData, LabelLayout, LabelSize, layout_for
from hardware.printers.transports import DummyTransport, PrinterError, Transport

__all__ = [
    "LANGUAGES",
    "Captions",
    "Document",
    "DummyTransport",
    "LabelData",
    "LabelLayout",
    "LabelSize",
    "Printer",
    "PrinterError",
    "Transport",
    "layout_for",
    "make_printer",
]
