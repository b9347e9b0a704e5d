"""Where a parcel goes, and the pickup code that says so.

Assignment policy (StationSettings; see README "Shelf assignment"):
1. A recipient with parcels on the shelves gets the same layer while it has room (one trip at pickup);
   the recipient is the directory entry when the parcel has one, else the phone.
2. Only layers that accept the size class and have free capacity in size units count.
3. Among those the least filled, ties broken by walking order; or, with `fill_in_order`, walking order.
4. Nothing has room: the overflow zone; overflow full too: refused. Never silently over capacity.

Capacity is claimed with one conditional UPDATE (`used_units + n <= capacity_units`), so two counters on one
PostgreSQL database can never overfill a layer, whatever they read before.

Pickup codes follow the template (default `{shelf}-{layer}-{seq}`); SEQ is next-fit from the layer's cursor,
skipping codes on the shelves and codes in cooldown, so a freed code is not reissued for N days.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, exists, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from db.fast import Hot
from db.models import CodeHold, Layer, Parcel, ParcelStatus, Shelf, Size
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.settings import StationSettings


@dataclass(frozen=True)
class Slot:
    layer_id: int
    shelf_id: int
    shelf_label: str
    layer_label: str
    zone: str
    accepts: str
    free_units: int
    fill: float
    walk: tuple[int, int]
    code_cursor: int | None = None  # the layer's cursor as its claim found it (the row locked since)


def size_letter(size: str) -> str:
    return "X" if size == Size.XL else size


def units_for(size: str, settings: StationSettings) -> int:
    return settings.size_units.get(size, settings.size_units.get("M", 2))


_SLOTS = Hot(
    sa_select(
        *(
            col(c)
            for c in (
                Layer.id,
                Shelf.id,
                Shelf.label,
                Layer.label,
                Shelf.zone,
                Layer.accepts_sizes,
                Layer.capacity_units,
                Layer.used_units,
                Shelf.walk_order,
                Layer.walk_order,
            )
        )
    )
    .join(Shelf, col(Shelf.id) == Layer.shelf_id)
    .where(col(Layer.retired_at).is_(None), col(Shelf.retired_at).is_(None))
)


def slots(session: Session) -> list[Slot]:
    """Every active layer with its shelf, free units and fill ratio."""
    return [_slot(row) for row in _SLOTS.rows(session)]


def _slot(row: Sequence[Any]) -> Slot:
    layer_id, shelf_id, shelf_label, layer_label, zone, accepts, capacity, used, shelf_walk, layer_walk = row
    return Slot(
        layer_id=layer_id or 0,
        shelf_id=shelf_id or 0,
        shelf_label=shelf_label,
        layer_label=layer_label,
        zone=zone,
        accepts=accepts,
        free_units=capacity - used,
        fill=used / capacity if capacity else 1.0,
        walk=(shelf_walk, layer_walk),
    )


def _layers_of(cond: Any) -> Hot:
    return Hot(
        sa_select(col(Parcel.layer_id)).where(
            cond, col(Parcel.status) == ParcelStatus.ON_SHELF, col(Parcel.layer_id).is_not(None)
        )
    )


# One statement per way of knowing the recipient; each uses its own index, (phone_tail, status) where
# the tail is known rather than every shelf row.
_BY_RECIPIENT = _layers_of(col(Parcel.recipient_id) == bindparam("key"))
_BY_PHONE = _layers_of(col(Parcel.phone_full) == bindparam("key"))
_BY_PHONE_TAIL = _layers_of(
    and_(col(Parcel.phone_full) == bindparam("key"), col(Parcel.phone_tail) == bindparam("tail"))
)
_BY_MASKED = _layers_of(col(Parcel.masked_phone) == bindparam("key"))
_BY_MASKED_TAIL = _layers_of(
    and_(col(Parcel.masked_phone) == bindparam("key"), col(Parcel.phone_tail) == bindparam("tail"))
)


def recipient_layers(
    session: Session,
    *,
    phone_full: str | None,
    masked_phone: str | None,
    phone_tail: str | None = None,
    recipient_id: int | None = None,
) -> list[int]:
    """Layers holding this recipient's parcels now, most parcels first: by directory entry when the
    parcel has one (whatever phone each parcel came with), else by phone."""
    if recipient_id is not None:
        rows = _BY_RECIPIENT.rows(session, key=recipient_id)  # (recipient_id, status) is the index here
    elif phone_full:
        query = _BY_PHONE_TAIL if phone_tail else _BY_PHONE
        rows = query.rows(session, key=phone_full, **({"tail": phone_tail} if phone_tail else {}))
    elif masked_phone:
        query = _BY_MASKED_TAIL if phone_tail else _BY_MASKED
        rows = query.rows(session, key=masked_phone, **({"tail": phone_tail} if phone_tail else {}))
    else:
        return []
    counts: dict[int, int] = {}
    for (layer_id,) in rows:
        if layer_id is not None:
            counts[layer_id] = counts.get(layer_id, 0) + 1
    return sorted(counts, key=lambda lid: -counts[lid])


def candidate_slots(
    session: Session, settings: StationSettings, size: str, *, prefer_layers: Sequence[int] = ()
) -> Iterator[Slot]:
    """Slots that could take a parcel of `size`, in the order the policy tries them."""
    # Ranked on the plain rows (id, shelf, shelf label, layer label, zone, accepts, capacity, used,
    # shelf walk, layer walk); a Slot is made only for the ones tried, usually the first.
    letter = size_letter(size)
    need = units_for(size, settings)
    fitting = [r for r in _SLOTS.rows(session) if letter in r[5] and r[6] - r[7] >= need]
    if size == Size.XL:
        fitting = [r for r in fitting if r[4] in (settings.xl_zone, settings.overflow_zone)]
    regular = [r for r in fitting if r[4] != settings.overflow_zone]
    overflow = [r for r in fitting if r[4] == settings.overflow_zone]

    def by_fill(r: Sequence[Any]) -> tuple[float, int, int]:
        return (round(r[7] / r[6] if r[6] else 1.0, 6), r[8], r[9])

    if settings.shelf_policy == "fill_in_order":
        regular.sort(key=lambda r: (r[8], r[9]))
    else:
        regular.sort(key=by_fill)
    overflow.sort(key=by_fill)
    preferred = (
        [r for lid in prefer_layers for r in regular if r[0] == lid] if settings.group_recipient else []
    )
    rest = [r for r in regular if r not in preferred]
    return (_slot(r) for r in (*preferred, *rest, *overflow))


_CLAIM = Hot(
    update(Layer)
    .where(
        col(Layer.id) == bindparam("layer_id"),
        col(Layer.used_units) + bindparam("units") <= col(Layer.capacity_units),
    )
    .values(used_units=Layer.used_units + bindparam("units"), parcel_count=Layer.parcel_count + 1)
    .returning(col(Layer.code_cursor))
)


def claim(session: Session, slot: Slot, units: int) -> bool:
    """Take `units` on the layer if it still has them; False when another counter got there first."""
    return _claim(session, slot, units) is not None


def _claim(session: Session, slot: Slot, units: int) -> int | None:
    """`claim`, giving the layer's code cursor (its row is locked now), or None."""
    row = _CLAIM.first(session, layer_id=slot.layer_id, units=units)
    return None if row is None else int(row[0])


def assign(
    session: Session,
    settings: StationSettings,
    size: str,
    *,
    phone_full: str | None,
    masked_phone: str | None,
    phone_tail: str | None = None,
    recipient_id: int | None = None,
) -> Slot:
    """Choose and claim a slot for one parcel, or refuse with the reason."""
    prefer = recipient_layers(
        session,
        phone_full=phone_full,
        masked_phone=masked_phone,
        phone_tail=phone_tail,
        recipient_id=recipient_id,
    )
    units = units_for(size, settings)
    for slot in candidate_slots(session, settings, size, prefer_layers=prefer):
        cursor = _claim(session, slot, units)
        if cursor is not None:
            return replace(slot, code_cursor=cursor)
    raise Refused(
        N_(
            "No room for a size {size} parcel, not even in the overflow zone. "
            "Free a layer or add shelves, then scan again."
        ),
        code="no_room",
        size=size,
    )


def release(session: Session, parcel: Parcel, settings: StationSettings, now: datetime) -> None:
    """The parcel leaves its layer: give back its units and hold its code for the cooldown."""
    if parcel.layer_id is not None:
        units = units_for(parcel.size, settings)
        session.execute(
            update(Layer)
            .where(col(Layer.id) == parcel.layer_id)
            .values(used_units=Layer.used_units - units, parcel_count=Layer.parcel_count - 1)
        )
    if parcel.pickup_code:
        hold_code(session, parcel.pickup_code, settings, now)


def hold_code(session: Session, code: str, settings: StationSettings, now: datetime) -> None:
    until = now + timedelta(days=settings.code_cooldown_days)
    hold = session.get(CodeHold, code)
    if hold is None:
        session.add(CodeHold(code=code, released_at=now, until=until))
    else:
        hold.released_at, hold.until = now, until
        session.add(hold)


_CODE_TAKEN = Hot(
    sa_select(
        exists().where(
            and_(col(Parcel.pickup_code) == bindparam("code"), col(Parcel.status) == ParcelStatus.ON_SHELF)
        ),
        exists().where(and_(col(CodeHold.code) == bindparam("code"), col(CodeHold.until) > bindparam("now"))),
    )
)
_CURSOR = Hot(sa_select(col(Layer.code_cursor)).where(col(Layer.id) == bindparam("layer_id")))
_MOVE_CURSOR = Hot(
    update(Layer).where(col(Layer.id) == bindparam("layer_id")).values(code_cursor=bindparam("cursor"))
)


def code_is_free(session: Session, code: str, now: datetime) -> bool:
    taken = _CODE_TAKEN.first(session, code=code, now=now)
    return taken is not None and not any(taken)


def allocate_code(session: Session, settings: StationSettings, slot: Slot, now: datetime) -> str:
    """Next free code on the slot's layer, next-fit from its cursor (the layer row is locked by `claim`)."""
    # The cursor as it is now: `claim` has just locked this row (and read it, when `slot` came from there).
    cursor = slot.code_cursor
    if cursor is None:
        cursor = int(_CURSOR.scalar(session, layer_id=slot.layer_id))
    low, high = settings.code_seq_min, settings.code_seq_max
    span = high - low + 1
    start = cursor if low <= cursor <= high else low
    for step in range(span):
        seq = low + (start - low + step) % span
        code = settings.code_template.format(shelf=slot.shelf_label, layer=slot.layer_label, seq=seq)
        if code_is_free(session, code, now):
            _MOVE_CURSOR.count(session, layer_id=slot.layer_id, cursor=low + (seq - low + 1) % span)
            return code
    raise Refused(
        N_("Every pickup code of layer {shelf}-{layer} is in use or cooling down"),
        code="no_code",
        shelf=slot.shelf_label,
        layer=slot.layer_label,
    )
