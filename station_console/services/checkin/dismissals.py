"""A refused scan the clerk dismissed from the check-in screen's "needs attention" list, in the audit trail.

Refusals write nothing (that is the point of refusing), so the list on screen is the only trace of them
while they wait; once the clerk dismisses one, an event says who let which refusal go, and why it was
refused. A fragment of a split scan is never stored: only its length; a phone number, only masked.
"""

from __future__ import annotations

from sqlmodel import Session

from db.models import EventKind
from station_console.i18n import N_
from station_console.phone_masking import mask_phones
from station_console.services.core import audit
from station_console.services.core.roles import require
from station_console.services.core.station import Station

# The kinds of refusal as a clerk reads them: the check-in screen's "needs attention" list and the audit
# trail's details say the same words (short: they fill a table cell).
KIND_LABELS = {
    "partial": N_("partial scan"),
    "refused": N_("not checked in"),
    "conflict": N_("carrier conflict"),
    "duplicate": N_("already checked in"),
    "send": N_("outgoing send"),
    "no_room": N_("shelves full"),
    "no_code": N_("no pickup code free"),
    "no_layer": N_("no layer for size"),
    "phone": N_("phone missing"),
    "recipient": N_("recipient not saved"),
    "typed": N_("typed by hand"),
    "error": N_("error"),
}
KINDS = tuple(KIND_LABELS)


def record_dismissal(station: Station, *, kind: str, code: str, waybill: str | None, length: int = 0) -> None:
    """One `refusal_dismissed` event: the kind of refusal, its code, the waybill when it was a whole one."""
    require(station, "checkin")
    details: dict[str, str | int] = {
        "kind": kind if kind in KINDS else "refused",
        "code": code[:40],
        # A customer's number typed where the waybill goes is refused like any bad scan: kept masked.
        "waybill": "" if kind == "partial" else mask_phones((waybill or "")[:40]),
    }
    if kind == "partial":
        details["length"] = length

    def work(session: Session) -> None:
        audit.record(session, station, EventKind.REFUSAL_DISMISSED, details=details)

    station.run(work)
