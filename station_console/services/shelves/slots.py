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
skipping codes on the shelves and codes in cooldown, so a freed code is not reissued for N days. A code a
move replaced is held as long as its parcel stays on a shelf (it still finds it at pickup), then N days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

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


def size_letter(size: str) -> str:
    return "X" if size == Size.XL else size


def units_for(size: str, settings: StationSettings) -> int:
    return settings.size_units.get(size, settings.size_units.get("M", 2))


def slots(session: Session) -> list[Slot]:
    """Every active layer with its shelf, free units and fill ratio."""
    # Plain columns on the connection, not ORM objects: this runs on every check-in.
    rows: Sequence[Any] = (
        session.connection()
        .execute(
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
        .all()
    )
    return [
        Slot(
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
        for layer_id, shelf_id, shelf_label, layer_label, zone, accepts, capacity, used, shelf_walk, layer_walk in rows
    ]


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
        cond = col(Parcel.recipient_id) == recipient_id
        phone_tail = None  # (recipient_id, status) is the index here
    elif phone_full:
        cond = col(Parcel.phone_full) == phone_full
    elif masked_phone:
        cond = col(Parcel.masked_phone) == masked_phone
    else:
        return []
    if phone_tail:
        cond = and_(
            cond, col(Parcel.phone_tail) == phone_tail
        )  # uses (phone_tail, status), not every shelf row
    rows = (
        session.connection()
        .execute(
            sa_select(col(Parcel.layer_id)).where(
                cond, col(Parcel.status) == ParcelStatus.ON_SHELF, col(Parcel.layer_id).is_not(None)
            )
        )
        .scalars()
        .all()
    )
    counts: dict[int, int] = {}
    for layer_id in rows:
        if layer_id is not None:
            counts[layer_id] = counts.get(layer_id, 0) + 1
    return sorted(counts, key=lambda lid: -counts[lid])


def candidate_slots(
    session: Session, settings: StationSettings, size: str, *, prefer_layers: Sequence[int] = ()
) -> list[Slot]:
    """Slots that could take a parcel of `size`, in the order the policy tries them."""
    letter = size_letter(size)
    need = units_for(size, settings)
    fitting = [s for s in slots(session) if letter in s.accepts and s.free_units >= need]
    if size == Size.XL:
        fitting = [s for s in fitting if s.zone in (settings.xl_zone, settings.overflow_zone)]
    regular = [s for s in fitting if s.zone != settings.overflow_zone]
    overflow = [s for s in fitting if s.zone == settings.overflow_zone]
    if settings.shelf_policy == "fill_in_order":
        regular.sort(key=lambda s: s.walk)
    else:
        regular.sort(key=lambda s: (round(s.fill, 6), s.walk))
    overflow.sort(key=lambda s: (round(s.fill, 6), s.walk))
    preferred = (
        [s for lid in prefer_layers for s in regular if s.layer_id == lid] if settings.group_recipient else []
    )
    rest = [s for s in regular if s not in preferred]
    return preferred + rest + overflow


def claim(session: Session, slot: Slot, units: int) -> bool:
    """Take `units` on the layer if it still has them; False when another counter got there first."""
    result = session.connection().execute(
        update(Layer)
        .where(col(Layer.id) == slot.layer_id, col(Layer.used_units) + units <= col(Layer.capacity_units))
        .values(used_units=Layer.used_units + units, parcel_count=Layer.parcel_count + 1)
        .execution_options(synchronize_session=False)  # no Layer objects to sync; skips ORM bookkeeping
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


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
        if claim(session, slot, units):
            return slot
    raise Refused(
        N_(
            "No room for a size {size} parcel, not even in the overflow zone. "
            "Free a layer or add shelves, then scan again."
        ),
        code="no_room",
        size=size,
    )


def release(
    session: Session, parcel: Parcel, settings: StationSettings, now: datetime, *, moved: bool = False
) -> None:
    """The parcel leaves its layer: give back its units and hold its code for the cooldown.

    `moved`: it only moves to a new code; the old one keeps finding it while it is on a shelf."""
    if parcel.layer_id is not None:
        units = units_for(parcel.size, settings)
        session.execute(
            update(Layer)
            .where(col(Layer.id) == parcel.layer_id)
            .values(used_units=Layer.used_units - units, parcel_count=Layer.parcel_count - 1)
        )
    if parcel.pickup_code:
        hold_code(session, parcel.pickup_code, settings, now, parcel_id=parcel.id if moved else None)
    if not moved and parcel.id is not None:
        # Codes it had before a move were held while it stayed: from its leaving, the usual cooldown.
        session.execute(
            update(CodeHold)
            .where(col(CodeHold.parcel_id) == parcel.id, col(CodeHold.until) < now + _cooldown(settings))
            .values(until=now + _cooldown(settings))
            .execution_options(synchronize_session=False)
        )


def _cooldown(settings: StationSettings) -> timedelta:
    return timedelta(days=settings.code_cooldown_days)


def hold_code(
    session: Session, code: str, settings: StationSettings, now: datetime, *, parcel_id: int | None = None
) -> None:
    until = now + _cooldown(settings)
    hold = session.get(CodeHold, code)
    if hold is None:
        session.add(CodeHold(code=code, released_at=now, until=until, parcel_id=parcel_id))
    else:
        hold.released_at, hold.until, hold.parcel_id = now, until, parcel_id
        session.add(hold)


def code_is_free(session: Session, code: str, now: datetime) -> bool:
    moved_parcel_waits = exists().where(
        and_(col(Parcel.id) == CodeHold.parcel_id, col(Parcel.status) == ParcelStatus.ON_SHELF)
    )
    taken = (
        session.connection()
        .execute(
            sa_select(
                exists().where(
                    and_(col(Parcel.pickup_code) == code, col(Parcel.status) == ParcelStatus.ON_SHELF)
                ),
                exists().where(
                    and_(col(CodeHold.code) == code, or_(col(CodeHold.until) > now, moved_parcel_waits))
                ),
            )
        )
        .one()
    )
    return not any(taken)


def allocate_code(session: Session, settings: StationSettings, slot: Slot, now: datetime) -> str:
    """Next free code on the slot's layer, next-fit from its cursor (the layer row is locked by `claim`)."""
    # The cursor as it is now: `claim` has just locked this row.
    cursor = (
        session.connection()
        .execute(sa_select(col(Layer.code_cursor)).where(col(Layer.id) == slot.layer_id))
        .scalar_one()
    )
    low, high = settings.code_seq_min, settings.code_seq_max
    span = high - low + 1
    start = cursor if low <= cursor <= high else low
    for step in range(span):
        seq = low + (start - low + step) % span
        code = settings.code_template.format(shelf=slot.shelf_label, layer=slot.layer_label, seq=seq)
        if code_is_free(session, code, now):
            session.connection().execute(
                update(Layer)
                .where(col(Layer.id) == slot.layer_id)
                .values(code_cursor=low + (seq - low + 1) % span)
                .execution_options(synchronize_session=False)
            )
            return code
    raise Refused(
        N_("Every pickup code of layer {shelf}-{layer} is in use or cooling down"),
        code="no_code",
        shelf=slot.shelf_label,
        layer=slot.layer_label,
    )
