"""What a stocktake's finding means, in the clerk's words: the sentence under the counts after a scan,
and the line the close gives a parcel recorded as having left the station."""

from __future__ import annotations

from station_console.i18n import _
from station_console.services.exceptions.stocktake_view import Item


def left_words(item: Item, *, finder: bool = False) -> str:
    """An extra whose record says it left: when and by whom, and that it was found here; `finder`: and
    who found it at which counter (known for the scans made since they are kept)."""
    by = item.left_by or "?"
    if finder and item.scanned_by is not None:
        return _found_by(item, by)
    if item.status == "returned":
        return _(
            "recorded as returned to the courier on {at} by {clerk}; found on the shelf",
            at=item.left_at,
            clerk=by,
        )
    if item.status == "written_off":
        return _("recorded as written off on {at} by {clerk}; found on the shelf", at=item.left_at, clerk=by)
    return _("recorded as picked up on {at} by {clerk}; found on the shelf", at=item.left_at, clerk=by)


def _found_by(item: Item, by: str) -> str:
    fields = {
        "at": item.left_at,
        "clerk": by,
        "finder": item.scanned_by,
        "counter": item.scanned_counter or "?",
    }
    if item.status == "returned":
        return _(
            "recorded as returned to the courier on {at} by {clerk}; found on the shelf by {finder} at {counter}",
            **fields,
        )
    if item.status == "written_off":
        return _(
            "recorded as written off on {at} by {clerk}; found on the shelf by {finder} at {counter}",
            **fields,
        )
    return _(
        "recorded as picked up on {at} by {clerk}; found on the shelf by {finder} at {counter}", **fields
    )


def gone_line(item: Item) -> str:
    """The close dialog's line for an extra recorded as having left, under its put-back offer: who found
    it and where is said here, as the clerk closing may not be the one who found it."""
    return _("{waybill}: {left}.", waybill=item.waybill, left=left_words(item, finder=True))


def finding_words(item: Item, *, may_put_back: bool = False) -> str:
    """The finding of one scan as a sentence, after its class label. `may_put_back`: the clerk signed in
    puts a parcel back (a manager), so one recorded as having left is not for them to hand on."""
    cls, waybill = item.classification, item.waybill
    if cls == "match":
        words = _("{waybill}: on record here, where it belongs.", waybill=waybill)
    elif cls == "missing":
        words = _(
            "{waybill}: on record at {location}, not scanned yet.", waybill=waybill, location=item.recorded
        )
    elif cls == "wrong_layer":
        words = _(
            "{waybill}: on record on layer {location} of this shelf: put it there, or relocate it at the close.",
            waybill=waybill,
            location=item.recorded,
        )
    elif cls == "wrong_shelf":
        words = _(
            "{waybill}: on record on another shelf, at {location}: put it there, or relocate it at the close.",
            waybill=waybill,
            location=item.recorded,
        )
    elif item.left and may_put_back:
        words = _("{waybill}: {left}. Put it back at the close.", waybill=waybill, left=left_words(item))
    elif item.left:
        words = _("{waybill}: {left}. Set it aside for the manager.", waybill=waybill, left=left_words(item))
    else:
        words = _(
            "{waybill}: not on record at this station. Set it aside; it can be checked in at the close.",
            waybill=waybill,
        )
    if item.duplicate and item.scanned_by is not None:  # perhaps at another counter
        return words + _(
            " (scanned before by {clerk} at {counter})",
            clerk=item.scanned_by,
            counter=item.scanned_counter or "?",
        )
    return words + (_(" (scanned before)") if item.duplicate else "")
