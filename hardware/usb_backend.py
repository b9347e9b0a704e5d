"""The libusb that pyusb talks to real devices through: the one inside the libusb-package wheel.

It comes from the lock file like everything else, so USB scanners and printers (and `station devices`)
work on a machine without the system libusb. pyusb's documented hook: `get_backend(find_library=...)`.
Tests pass their own backend (hardware/fakeusb.py) instead.
"""

from __future__ import annotations

from typing import Any


def libusb_backend() -> Any:
    """pyusb's libusb 1.0 backend on the bundled library, or None when it does not load (pyusb then
    searches the system itself and raises NoBackendError if it finds nothing, which callers report)."""
    import usb.backend.libusb1

    try:
        import libusb_package
    except ImportError:  # installed without it: the system's libusb, if any
        return None
    return usb.backend.libusb1.get_backend(find_library=libusb_package.find_library)
