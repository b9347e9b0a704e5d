"""A check-in's place: the layer the policy gives and a pickup code on it, in the caller's transaction.

A layer can have room and no code: each SEQ of the range is on a parcel or held back for its cooldown.
Such a layer is given back (units, count, cursor as they were) and the policy's next layer taken
instead, so a parcel another layer of its size can take is shelved; "no pickup code free" is said only
when every layer with room for it has none. The usual check-in, whose first layer has a code, runs the
same statements as `layer_pick.assign` then `slots.allocate_code`.

A layer the caller wants (`wanted_layer`: a stocktake's put-back stays on the layer it was found on)
is taken first when it takes the size and has room and a code free; otherwise the policy's, as always.
It is looked at before it is claimed, as the policy's next layers are (below), and one found out of
codes is passed over by the policy as they are.

The layer given back stays locked to the end of the transaction (PostgreSQL keeps a row's lock), so the
next ones are looked at before they are claimed, and only one with a code free is claimed (and waited
for, when another counter is claiming it): two counters that each hold a layer out of codes never wait
for each other's, which PostgreSQL would break as a deadlock after a second and the check-in be tried
again.
"""

from __future__ import annotations

from datetime import datetime

from db.fast import Tx
from station_console.services.shelves import layer_pick, slots
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
    wanted_layer: int | None = None,
) -> tuple[Slot, str]:
    """Claim a slot for one parcel and its pickup code, or refuse with the reason (`layer_pick.assign`)."""
    units = slots.units_for(size, settings)
    out_of_codes: list[Slot] = []
    wanted = None if wanted_layer is None else layer_pick.look_at(session, settings, size, wanted_layer, now)
    if wanted is not None and (placed := _take(session, settings, units, now, *wanted, out_of_codes)):
        return placed
    if not out_of_codes:  # (a wanted layer found out of codes goes straight to the looks: never claimed)
        slot = layer_pick.assign(
            session,
            settings,
            size,
            phone_full=phone_full,
            masked_phone=masked_phone,
            phone_tail=phone_tail,
            recipient_id=recipient_id,
        )
        code = slots.free_code(session, settings, slot, now)
        if code is not None:
            return slot, code
        layer_pick.unclaim(session, slot, units)
        out_of_codes.append(slot)
    while True:
        # Each pass leaves out the layers found out of codes before it: at most one pass a layer.
        ahead = layer_pick.look_ahead(
            session,
            settings,
            size,
            now,
            phone_full=phone_full,
            masked_phone=masked_phone,
            phone_tail=phone_tail,
            recipient_id=recipient_id,
            passed=out_of_codes,
        )
        if ahead is None:
            # Those layers have room, but no code: freeing a layer would not help, a wider SEQ range would.
            raise slots.no_code_free(out_of_codes)
        if placed := _take(session, settings, units, now, *ahead, out_of_codes):
            return placed


def _take(
    session: Tx,
    settings: StationSettings,
    units: int,
    now: datetime,
    slot: Slot,
    has_code: bool,
    out_of_codes: list[Slot],
) -> tuple[Slot, str] | None:
    """A layer looked at (`layer_pick.look_ahead`, `look_at`) claimed, with its code, when it had one
    free; else None, and the layer added to `out_of_codes` when it has none (not when another counter
    filled it since: the policy's next, as it is now, is looked at as for any layer without room)."""
    if not has_code:
        out_of_codes.append(slot)  # not claimed: its row stays free for the other counters
        return None
    if not slots.claim(session, slot, units):
        return None
    # Under the claim's lock now: another counter may have taken its last code since.
    code = slots.free_code(session, settings, slot, now)
    if code is not None:
        return slot, code
    slots.give_back(session, slot.layer_id, units)
    out_of_codes.append(slot)
    return None
