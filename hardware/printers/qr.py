"""QR codes for waybills too long for Code 128 on the sticker: how much room one needs, and its modules.

Printers encode the QR themselves (TSPL `QRCODE`, ZPL `^BQ`, ESC/POS `GS ( k`), each in its own automatic
mode, so the layout reserves room for the largest symbol any of them can make: the whole waybill in byte
mode at error correction M. A smarter printer makes a smaller symbol, which only widens the quiet zone.
PNG and PDF draw the symbol from the `qrcode` library's matrix.
"""

from __future__ import annotations

from qrcode import QRCode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import BIT_LIMIT_TABLE, MODE_8BIT_BYTE, length_in_bits

ECC = "M"  # 15% of the symbol can be lost (a scuffed sticker) and it still reads
QUIET = 4  # modules of white around the symbol (ISO/IEC 18004)
MAX_VERSION = 40


def version(data: str) -> int:
    """The smallest QR version that holds `data` as bytes at level M."""
    size = len(data.encode("utf-8"))
    for v in range(1, MAX_VERSION + 1):
        if 4 + length_in_bits(MODE_8BIT_BYTE, v) + 8 * size <= BIT_LIMIT_TABLE[ERROR_CORRECT_M][v]:
            return v
    raise ValueError(f"{len(data)} characters are too many for a QR code")


def side(data: str) -> int:
    """Modules across the largest symbol a printer may make for `data` (no quiet zone)."""
    return 17 + 4 * version(data)


def matrix(data: str) -> list[list[bool]]:
    """The symbol's modules, row by row (True = dark), without its quiet zone."""
    code = QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]
