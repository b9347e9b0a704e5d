"""A check-in's layer: the one the assignment policy gives, chosen and claimed in one statement.

Assignment policy (StationSettings; see README "Shelf assignment"):
1. A recipient with parcels on the shelves gets the same layer while it has room (one trip at pickup);
   the recipient is the directory entry when the parcel has one, else the phone.
2. Only layers that accept the size class and have free capacity in size units count.
3. Among those the least filled, ties broken by walking order; or, with `fill_in_order`, walking order.
4. Nothing has room: the overflow zone; overflow full too: refused. Never silently over capacity.

A check-in's layer is chosen and claimed by one UPDATE (`assign`): the policy's order is a subquery, and
the claim is conditional (`used_units + n <= capacity_units`), so two counters on one PostgreSQL database
can never overfill a layer, whatever they read before; a counter passes over a layer another one is
claiming at that moment (SKIP LOCKED) rather than queue behind it. The claim also moves the layer's code
cursor (`slots.py` allocates the code), and `look_ahead` reads the policy's next layer without claiming
it (`look_at` a layer the caller names), for `placing.py`, where a layer with no code free gives way to
the policy's next.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, case, exists, func, literal_column, update
from sqlalchemy import select as sa_select
from sqlmodel import col

from db.fast import Hot, Tx
from db.models import Layer, Parcel, Shelf, Size
from db.models.shelves import LAYER_FILL
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.services.shelves.slots import (
    ON_SHELF,
    Slot,
    first_free_seq,
    size_letter,
    slot_of,
    units_for,
)
from station_console.settings import StationSettings


def _recipient_condition(kind: str) -> Any:
    """The recipient's parcels, by the one way the check-in knows them (each with its own index;
    (phone_tail, status) where the tail is known rather than every shelf row)."""
    key: Any = bindparam("key")
    tail: Any = bindparam("tail")
    return {
        "recipient": col(Parcel.recipient_id) == key,
        "phone": col(Parcel.phone_full) == key,
        "phone_tail": and_(col(Parcel.phone_full) == key, col(Parcel.phone_tail) == tail),
        "masked": col(Parcel.masked_phone) == key,
        "masked_tail": and_(col(Parcel.masked_phone) == key, col(Parcel.phone_tail) == tail),
    }[kind]


def _picks(recipient: str | None, fill_in_order: bool, xl: bool, skip_locked: bool, passed: int) -> list[Any]:
    """The policy's picks, each a subquery giving one layer id or none: the first that gives one wins.

    They read the layer table alone (each layer carries its shelf's zone and walking order): the
    recipient's layers outside the overflow zone (most of their parcels first), then the other layers
    outside it by fill (or walking order), then the overflow zone by fill; ties by walking order. The
    picks by fill walk `ix_layer_pick`, so the usual pick reads one or two index entries instead of
    sorting every layer. With `skip_locked` (PostgreSQL) a layer another counter is claiming right now
    is passed over rather than waited for. `passed`: how many layers (`passed0`, ...) they leave out.
    """
    units: Any = bindparam("units")
    overflow: Any = bindparam("overflow")
    # The very expression `ix_layer_pick` is on (written out, not bound: an index on an expression
    # serves only that expression).
    fill: Any = literal_column(LAYER_FILL)
    fits = and_(
        col(Layer.retired_at).is_(None),
        col(Layer.accepts_sizes).contains(bindparam("letter")),  # one of "SMLX"
        col(Layer.capacity_units) - col(Layer.used_units) >= units,
    )
    if xl:
        fits = and_(fits, col(Layer.zone).in_([bindparam("xl_zone"), overflow]))
    if passed:
        fits = and_(fits, col(Layer.id).not_in([bindparam(f"passed{n}") for n in range(passed)]))
    walk = (col(Layer.shelf_walk), col(Layer.walk_order))
    by_fill = (fill, *walk)

    def first(query: Any, where: Any, order: Sequence[Any]) -> Any:
        pick = query.where(fits, where).order_by(*order).limit(1)
        if skip_locked:
            pick = pick.with_for_update(of=Layer, skip_locked=True)
        return pick.scalar_subquery()

    layers = sa_select(col(Layer.id))
    picks = []
    if recipient is not None:
        mine = (
            sa_select(col(Parcel.layer_id).label("layer_id"), func.count().label("n"))
            .where(_recipient_condition(recipient), col(Parcel.status) == ON_SHELF)
            .group_by(col(Parcel.layer_id))
            .subquery()
        )
        theirs = layers.join(mine, mine.c.layer_id == Layer.id)
        picks.append(
            first(
                theirs, col(Layer.zone) != overflow, (mine.c.n.desc(), *(walk if fill_in_order else by_fill))
            )
        )
    picks.append(first(layers, col(Layer.zone) != overflow, walk if fill_in_order else by_fill))
    picks.append(first(layers, col(Layer.zone) == overflow, by_fill))
    return picks


def _slot_columns() -> tuple[Any, ...]:
    """A layer as `slot_of` reads it, then its code cursor."""
    return (
        col(Layer.id),
        col(Layer.shelf_id),
        sa_select(col(Shelf.label)).where(col(Shelf.id) == Layer.shelf_id).scalar_subquery(),
        col(Layer.label),
        col(Layer.zone),
        col(Layer.accepts_sizes),
        col(Layer.capacity_units),
        col(Layer.used_units),
        col(Layer.shelf_walk),
        col(Layer.walk_order),
        col(Layer.code_cursor),
    )


@cache
def _claim_best(recipient: str | None, fill_in_order: bool, xl: bool, skip_locked: bool) -> Hot:
    """One UPDATE that picks the layer the policy wants (`_picks`) and claims its units, returning the
    slot. The claim re-checks the capacity on the row it updates, so a counter that lost a race gets no
    row and picks again."""
    units: Any = bindparam("units")
    return Hot(
        update(Layer)
        .where(
            col(Layer.id) == func.coalesce(*_picks(recipient, fill_in_order, xl, skip_locked, 0)),
            col(Layer.used_units) + units <= col(Layer.capacity_units),
        )
        .values(
            used_units=Layer.used_units + units,
            parcel_count=Layer.parcel_count + 1,
            code_cursor=_advanced(col(Layer.code_cursor)),
        )
        .returning(*_slot_columns())
    )


@cache
def _look_best(recipient: str | None, fill_in_order: bool, xl: bool, passed: int) -> Hot:
    """The layer the policy wants next, leaving out `passed` (`passed0`, ...): read, not claimed."""
    picks = _picks(recipient, fill_in_order, xl, False, passed)
    return Hot(sa_select(*_slot_columns()).where(col(Layer.id) == func.coalesce(*picks)))


def _advanced(cursor: Any) -> Any:
    """The cursor one past where the next code starts (SEQ `low`..`high`, wrapping): allocate_code's
    step, taken by the claim so that the usual check-in, whose first code is free, writes the layer once."""
    low: Any = bindparam("low")
    span: Any = bindparam("span")
    start = case((and_(cursor >= low, cursor <= bindparam("high")), cursor), else_=low)
    return low + (start - low + 1) % span


def _recipient(
    phone_full: str | None, masked_phone: str | None, phone_tail: str | None, recipient_id: int | None
) -> tuple[str | None, dict[str, Any]]:
    """How the recipient is known (a key of `_recipient_condition`) and its parameters."""
    if recipient_id is not None:
        return "recipient", {"key": recipient_id}  # (recipient_id, status) is the index here
    for kind, key in (("phone", phone_full), ("masked", masked_phone)):
        if key:
            return (f"{kind}_tail", {"key": key, "tail": phone_tail}) if phone_tail else (kind, {"key": key})
    return None, {}


def _policy(
    settings: StationSettings,
    size: str,
    phone_full: str | None,
    masked_phone: str | None,
    phone_tail: str | None,
    recipient_id: int | None,
) -> tuple[tuple[str | None, bool, bool], dict[str, Any]]:
    """The policy's statement key (`_claim_best`, `_look_best`) and its parameters for this parcel."""
    recipient, params = _recipient(phone_full, masked_phone, phone_tail, recipient_id)
    if not settings.group_recipient:
        recipient, params = None, {}
    params.update(
        low=settings.code_seq_min,
        high=settings.code_seq_max,
        span=settings.code_seq_max - settings.code_seq_min + 1,
        units=units_for(size, settings),
        letter=size_letter(size),
        overflow=settings.overflow_zone,
        **({"xl_zone": settings.xl_zone} if size == Size.XL else {}),
    )
    return (recipient, settings.shelf_policy == "fill_in_order", size == Size.XL), params


def assign(
    session: Tx,
    settings: StationSettings,
    size: str,
    *,
    phone_full: str | None,
    masked_phone: str | None,
    phone_tail: str | None = None,
    recipient_id: int | None = None,
) -> Slot:
    """Choose and claim a slot for one parcel in one statement, or refuse with the reason."""
    policy, params = _policy(settings, size, phone_full, masked_phone, phone_tail, recipient_id)
    # SQLite's write lock makes the first pick exact. On PostgreSQL: first a layer nobody is claiming,
    # then (every fitting layer busy) waiting for one; a pick whose layer filled up meanwhile picks again.
    tries = [True, False, False, False] if session.get_bind().dialect.name == "postgresql" else [False]
    for skip_locked in tries:
        row = _claim_best(*policy, skip_locked).first(session, **params)
        if row is not None:
            units, low, span = params["units"], params["low"], params["span"]
            # As the layer was before this claim (RETURNING gives it after), and where its next code
            # starts: `_advanced` moved the cursor one past it.
            before = (*row[:7], row[7] - units, *row[8:10])
            return slot_of(before, code_cursor=low + (row[10] - low - 1) % span)
    if not _any_layer_takes(session, params):
        # A new station, or shelves set up for other sizes: "full" would send the clerk to free a
        # layer that does not exist. A code of its own, so check-in's list says so too; Ctrl+Y tries
        # again once a manager added one.
        raise Refused(
            N_("No shelf layer takes a size {size} parcel."),
            code="no_layer",
            advice=N_("A manager adds one in Shelves (F4, then F12), then scan again."),
            size=size,
        )
    # What to do is advice of its own: check-in's list says it in the row's hint instead.
    raise Refused(
        N_("No room for a size {size} parcel, not even in the overflow zone."),
        code="no_room",
        advice=N_("Free a layer or add shelves, then scan again."),
        size=size,
    )


def look_ahead(
    session: Tx,
    settings: StationSettings,
    size: str,
    now: datetime,
    *,
    phone_full: str | None,
    masked_phone: str | None,
    phone_tail: str | None = None,
    recipient_id: int | None = None,
    passed: Sequence[Slot],
) -> tuple[Slot, bool] | None:
    """The layer the policy gives next, leaving out `passed`, as committed, and whether it has a code
    free: read, neither claimed nor locked (so a counter holding a layer out of codes never waits for
    one another counter holds for the same reason). None when no other layer has room."""
    policy, params = _policy(settings, size, phone_full, masked_phone, phone_tail, recipient_id)
    # Padded to a power of two with 0, an id no layer has: a few statements cover any number passed.
    width = 1 << (len(passed) - 1).bit_length() if passed else 0
    for n in range(width):
        params[f"passed{n}"] = passed[n].layer_id if n < len(passed) else 0
    return _looked(session, settings, _look_best(*policy, width).first(session, **params), now)


# One layer as `_look_best` reads a layer, when it is active, takes the size and has room for it.
_LOOK_AT = Hot(
    sa_select(*_slot_columns()).where(
        col(Layer.id) == bindparam("layer_id"),
        col(Layer.retired_at).is_(None),  # retiring a shelf retires its layers
        col(Layer.accepts_sizes).contains(bindparam("letter")),
        col(Layer.capacity_units) - col(Layer.used_units) >= bindparam("units"),
    )
)


def look_at(
    session: Tx, settings: StationSettings, size: str, layer_id: int, now: datetime
) -> tuple[Slot, bool] | None:
    """`look_ahead`'s look at one given layer: as committed, and whether it has a code free; read,
    neither claimed nor locked. None when it is retired, does not take the size or has no room for it."""
    row = _LOOK_AT.first(
        session, layer_id=layer_id, letter=size_letter(size), units=units_for(size, settings)
    )
    return _looked(session, settings, row, now)


def _looked(
    session: Tx, settings: StationSettings, row: Sequence[Any] | None, now: datetime
) -> tuple[Slot, bool] | None:
    """A layer read with `_slot_columns` as its slot, and whether a code is free on it from its cursor."""
    if row is None:
        return None
    slot = slot_of(row[:10])
    low, high = settings.code_seq_min, settings.code_seq_max
    start = row[10] if low <= row[10] <= high else low
    return slot, first_free_seq(session, settings, slot, start, now) is not None


def _layer_takes(xl: bool) -> Hot:
    """Whether any active layer would take the parcel were it empty: read only once none had room."""
    takes = and_(
        col(Layer.retired_at).is_(None),
        col(Layer.accepts_sizes).contains(bindparam("letter")),
        col(Layer.capacity_units) >= bindparam("units"),
    )
    if xl:
        takes = and_(takes, col(Layer.zone).in_([bindparam("xl_zone"), bindparam("overflow")]))
    return Hot(sa_select(exists().where(takes)))


_LAYER_TAKES = {xl: _layer_takes(xl) for xl in (False, True)}


def _any_layer_takes(session: Tx, params: dict[str, Any]) -> bool:
    return bool(_LAYER_TAKES["xl_zone" in params].scalar(session, **params))


# A claim given back in the transaction that made it: units, count and cursor as they were (its row
# is still this transaction's, locked since the claim).
_UNCLAIM = Hot(
    update(Layer)
    .where(col(Layer.id) == bindparam("layer_id"))
    .values(
        used_units=Layer.used_units - bindparam("units"),
        parcel_count=Layer.parcel_count - 1,
        code_cursor=bindparam("cursor"),
    )
)


def unclaim(session: Tx, slot: Slot, units: int) -> None:
    """Undo `assign`'s claim of `slot` (`units` it took), its code cursor back where the claim found it."""
    assert slot.code_cursor is not None, "a slot `assign` claimed knows where its cursor was"
    _UNCLAIM.count(session, layer_id=slot.layer_id, units=units, cursor=slot.code_cursor)
