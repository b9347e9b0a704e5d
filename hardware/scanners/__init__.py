"""Barcode scanners: one `Scanner` interface, kinds chosen by `make_scanner` from the counter settings."""

from hardware.scanners.base import ScanEvent, Scanner, ScannerStatus

__all__ = ["ScanEvent", "Scanner", "ScannerStatus"]
