"""Barcode scanners: one `Scanner` interface, kinds chosen by `make_scanner` from the counter settings."""

from hardware.scanners.base import ScanEvent, Scanner, ScannerStatus
from hardware.scanners.factory import make_scanner

__all__ = ["ScanEvent", "Scanner", "ScannerStatus", "make_scanner"]
