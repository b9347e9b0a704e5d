"""HID POS barcode scanners (HID usage page 0x8C): the code arrives whole, not key by key.

In HID POS mode a scanner sends a "scanned data" input report: report ID, a length byte, the data,
and on the common 64-byte layout (Honeywell, Zebra, Datalogic) the AIM symbology id at bytes 58-60 and
a continuation flag in byte 63 for codes longer than one report.
"""

from __future__ import annotations

from dataclasses import dataclass

POS_USAGE_PAGE = 0x8C
SCANNED_DATA_REPORT_ID = 0x02


def usage_pages(report_descriptor: bytes) -> set[int]:
    """Every Usage Page a HID report descriptor declares (short items; long items skipped)."""
    pages: set[int] = set()
    i = 0
    while i < len(report_descriptor):
        prefix = report_descriptor[i]
        if prefix == 0xFE:  # long item: size in the next byte
            i += 3 + (report_descriptor[i + 1] if i + 1 < len(report_descriptor) else 0)
            continue
        size = (0, 1, 2, 4)[prefix & 0x03]
        value = int.from_bytes(report_descriptor[i + 1 : i + 1 + size], "little")
        if prefix & 0xFC == 0x04:  # global item, tag 0: Usage Page
            pages.add(value)
        i += 1 + size
    return pages


def is_pos_descriptor(report_descriptor: bytes) -> bool:
    return POS_USAGE_PAGE in usage_pages(report_descriptor)


@dataclass(frozen=True)
class PosChunk:
    data: bytes
    symbology: str | None
    more: bool  # the code continues in the next report


def parse_pos_report(report: bytes, report_id: int | None = SCANNED_DATA_REPORT_ID) -> PosChunk | None:
    """One scanned-data report; None for any other report (or one too short to hold a length)."""
    if report_id is not None:
        if not report or report[0] != report_id:
            return None
        body = report[1:]
    else:
        body = report
    if not body:
        return None
    length = min(body[0], len(body) - 1)
    data = bytes(body[1 : 1 + length])
    symbology: str | None = None
    more = False
    if report_id is not None and len(report) >= 64:
        symbology = report[58:61].rstrip(b"\0").decode("ascii", "replace") or None
        more = bool(report[63] & 0x01)
    return PosChunk(data, symbology, more)


class PosReportDecoder:
    """Joins continued reports into codes. A connection dropped mid-code loses the part (`reset`)."""

    def __init__(self, report_id: int | None = SCANNED_DATA_REPORT_ID) -> None:
        self.report_id = report_id
        self._parts: list[bytes] = []

    def feed(self, report: bytes) -> list[tuple[str, str | None]]:
        chunk = parse_pos_report(report, self.report_id)
        if chunk is None:
            return []
        self._parts.append(chunk.data)
        if chunk.more:
            return []
        raw = b"".join(self._parts)
        self._parts.clear()
        if not raw:
            return []
        try:
            code = raw.decode("utf-8")
        except UnicodeDecodeError:
            code = raw.decode("latin-1")
        return [(code, chunk.symbology)]

    def reset(self) -> None:
        self._parts.clear()
