"""What a stocktake's finding means, in the clerk's words: the line the close gives a parcel recorded as
having left the station."""

from __future__ import annotations

from station_console.i18n import _
from station_console.services.exceptions.stocktake_view import Item


def left_words(item: Item) -> str:
    """An extra whose record says it left: when and by whom, and that it was found here."""
    by = item.left_by or "?"
    if item.status == "returned":
        return _(
            "recorded as returned to the courier on {at} by {clerk}; found on the shelf",
            at=item.left_at,
            clerk=by,
        )
    if item.status == "written_off":
        return _("recorded as written off on {at} by {clerk}; found on the shelf", at=item.left_at, clerk=by)
    return _("recorded as picked up on {at} by {clerk}; found on the shelf", at=item.left_at, clerk=by)
