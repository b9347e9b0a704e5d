"""A check-in's place: the layer the policy gives and a pickup code on it, in the caller's transaction.

A layer can have room and no code: each SEQ of the range is on a parcel or held back for its cooldown.
Such a layer is given back (units, count, cursor as they were) and the policy's next layer taken
instead, so a parcel another layer of its size can take is shelved; "no pickup code free" is said only
when every layer with room for it has none. The usual check-in, whose first layer has a code, runs the
same statements as `layer_pick.assign` then `slots.allocate_code`.

A layer the caller wants (`wanted_layer`: a stocktake's put-back stays on the layer it was found on)
is taken first when it takes the size and has room and a code free; otherwise the policy's, as always.

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
    if wanted_layer is not None and (wanted := _on_wanted(session, settings, size, units, wanted_layer, now)):
        return wanted
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
    out_of_codes = [slot]
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
        slot, has_code = ahead
        if not has_code:
            out_of_codes.append(slot)
            continue
        if not slots.claim(session, slot, units):
            continue  # another counter filled it since: the policy's next, as it is now
        # Under the claim's lock now: another counter may have taken its last code since.
        code = slots.free_code(session, settings, slot, now)
        if code is not None:
            return slot, code
        slots.give_back(session, slot.layer_id, units)
        out_of_codes.append(slot)


def _on_wanted(
    session: Tx, settings: StationSettings, size: str, units: int, layer_id: int, now: datetime
) -> tuple[Slot, str] | None:
    """The wanted layer claimed with a code on it, or None (nothing written) when it is retired, does
    not take the size, or has no room or no code free."""
    slot = slots.slot(session, layer_id)
    if slot is None or slots.size_letter(size) not in slot.accepts or not slots.claim(session, slot, units):
        return None
    code = slots.free_code(session, settings, slot, now)
    if code is None:
        slots.give_back(session, slot.layer_id, units)
        return None
    return slot, code
