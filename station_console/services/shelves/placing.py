"""A check-in's place: the layer the policy gives and a pickup code on it, in the caller's transaction.

A layer can have room and no code: each SEQ of the range is on a parcel or held back for its cooldown.
Such a layer is given back (units, count, cursor as they were) and the policy's next layer claimed
instead, so a parcel another layer of its size can take is shelved; "no pickup code free" is said only
when every layer with room for it has none. The usual check-in, whose first layer has a code, runs the
same statements as `assign` then `allocate_code`.
"""

from __future__ import annotations

from datetime import datetime

from db.fast import Tx
from station_console.services.shelves import slots
from station_console.services.shelves.slots import Slot
from station_console.settings import StationSettings


def place(
    session: Tx,
    settings: StationSettings,
    size: str,
    now: datetime,
    *,
    phone_full: str | None,
    masked_phone: str | None,
    phone_tail: str | None = None,
    recipient_id: int | None = None,
) -> tuple[Slot, str]:
    """Claim a slot for one parcel and its pickup code, or refuse with the reason (`slots.assign`)."""
    out_of_codes: list[Slot] = []
    while True:
        # Each pass leaves out the layers given back before it: at most one pass a layer.
        slot = slots.assign(
            session,
            settings,
            size,
            phone_full=phone_full,
            masked_phone=masked_phone,
            phone_tail=phone_tail,
            recipient_id=recipient_id,
            passed=out_of_codes,
        )
        code = slots.free_code(session, settings, slot, now)
        if code is not None:
            return slot, code
        slots.unclaim(session, slot, slots.units_for(size, settings))
        out_of_codes.append(slot)
