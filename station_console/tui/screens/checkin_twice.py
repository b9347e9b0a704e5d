"""The parcel in hand scanned again (a scanner's double read, a hurried clerk scanning twice, two clerks at
one counter): not a new parcel, and not a mistake to put right.

The scan still goes to the writer, in its turn: the check-in's duplicate check refuses it and writes
nothing (or checks it in, if the parcel left the shelf meanwhile). Until the answer, nothing of the screen
moves: the parcel stays the current one, and the Phone field keeps what is typed in it (half a phone
too: a double read lands while the clerk types) and the focus. When the refusal names that very parcel,
the line says calmly that it was scanned twice, and what it still waits for, or that Ctrl+Y reprints its
label (the refusal it replaces offered that: a clerk who lost the label scans the parcel again). A scan of any other parcel
already on the shelf is refused loudly as before: the clerk holds a parcel the station already has.
"""

from __future__ import annotations

from station_console.i18n import _, sentences
from station_console.services.checkin.transaction import CheckinResult
from station_console.services.scan.waybill import clean_waybill
from station_console.tui.screens.checkin_state import Current
from station_console.tui.screens.checkin_writer import Refusal, ScanRequest


def same_parcel(raw: str, current: Current | None) -> bool:
    """`raw` reads as the scan of the parcel in hand, cleaned as the check-in cleans a scan (a wedge's
    suffix, spaces, full-width forms). The writer's answer still decides by parcel id."""
    if current is None:
        return False
    again = _clean(raw)
    if not again:
        return False
    shown = current.result.waybill if current.result is not None else None
    return again in (_clean(current.raw), (shown or "").upper())


def _clean(raw: str) -> str:
    waybill, _error = clean_waybill(raw.strip())
    return (waybill or "").upper()


def is_double_read(request: ScanRequest, refusal: Refusal, again_parcel: int | None) -> bool:
    """The scan was refused as a duplicate of the very parcel the scan it was sent again for checked in
    (`again_parcel`), whether that parcel is still in hand or the next one was scanned right behind."""
    return (
        request.again_of is not None
        and refusal.code == "duplicate"
        and again_parcel is not None
        and refusal.params.get("parcel_id") == again_parcel
    )


def rescan_in_hand(current: Current | None, rescans: dict[int, ScanRequest]) -> Current | None:
    """What is in hand once the parcel in hand is undone: its scan again, if one is on its way (it is
    checked in anew, and the phone typed now is its), else nothing."""
    if current is None:
        return None
    again = [request for request in rescans.values() if request.again_of == current.seq]
    return Current(again[-1].seq, again[-1].raw) if again else None


def twice_line(result: CheckinResult, *, waits_for_phone: bool) -> str:
    """The calm line; it offers the reprint (Ctrl+Y, `CheckinQuestions.twice_parcel`) once the label has
    printed: a clerk scanning a parcel again may be holding it because its label was lost. A label still
    held for the phone prints with it."""
    said = _(
        "Scanned twice: {waybill} is already checked in ({code}).",
        waybill=result.waybill,
        code=result.pickup_code,
    )
    return sentences(said, _("Type its phone.") if waits_for_phone else _("Ctrl+Y reprints its label."))
