"""Where a parcel goes, and the pickup code that says so.

Assignment policy (StationSettings; see README "Shelf assignment"):
1. A recipient with parcels on the shelves gets the same layer while it has room (one trip at pickup);
   the recipient is the directory entry when the parcel has one, else the phone.
2. Only layers that accept the size class and have free capacity in size units count.
3. Among those the least filled, ties broken by walking order; or, with `fill_in_order`, walking order.
4. Nothing has room: the overflow zone; overflow full too: refused. Never silently over capacity.

A check-in's layer is chosen and claimed by one UPDATE (`assign`): the policy's order is a subquery, and
the claim is conditional (`used_units + n <= capacity_units`), so two counters on one PostgreSQL database
can never overfill a layer, whatever they read before; a counter passes over a layer another one is
claiming at that moment (SKIP LOCKED) rather than queue behind it.

Pickup codes follow the template (default `{shelf}-{layer}-{seq}`); SEQ is next-fit from the layer's cursor,
skipping codes on the shelves and codes in cooldown, so a freed code is not reissued for N days; past a
taken code the next ones are asked about a batch to a statement (`first_free_seq`). A code a
move replaced is held as long as its parcel stays on a shelf (it still finds it at pickup), then N days.
A check-in takes its layer and code through `placing.py`, where a layer with no code free gives way to
the policy's next.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, case, exists, func, literal_column, or_, union_all, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from db.fast import Hot, Tx
from db.models import CodeHold, Layer, Parcel, ParcelStatus, Shelf, Size
from db.models.shelves import LAYER_FILL
from station_console.errors import Refused
from station_console.i18n import N_, LaterList
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
    # Where the layer's next code starts, as its claim found it (the row locked since); the claim has
    # already moved the cursor past it, for the usual case where that code is free.
    code_cursor: int | None = None
    cursor_moved: bool = False


# Written into a statement, not bound: only a literal matches a partial index's WHERE (a bound status
# would scan every parcel on the shelves for a code).
_ON_SHELF: Any = literal_column(f"'{ParcelStatus.ON_SHELF.value}'")


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


def _slot(row: Sequence[Any], code_cursor: int | None = None) -> Slot:
    """The layer's slot; `code_cursor` where its claim found the layer's cursor (and moved it past)."""
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
        code_cursor=code_cursor,
        cursor_moved=code_cursor is not None,
    )


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
            .where(_recipient_condition(recipient), col(Parcel.status) == _ON_SHELF)
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
    """A layer as `_slot` reads it, then its code cursor."""
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


_CLAIM = Hot(
    update(Layer)
    .where(
        col(Layer.id) == bindparam("layer_id"),
        col(Layer.used_units) + bindparam("units") <= col(Layer.capacity_units),
    )
    .values(used_units=Layer.used_units + bindparam("units"), parcel_count=Layer.parcel_count + 1)
)


def claim(session: Tx, slot: Slot, units: int) -> bool:
    """Take `units` on the layer if it still has them; False when another counter got there first."""
    return _CLAIM.count(session, layer_id=slot.layer_id, units=units) == 1


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
            return _slot(before, code_cursor=low + (row[10] - low - 1) % span)
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
    row = _look_best(*policy, width).first(session, **params)
    if row is None:
        return None
    slot = _slot(row[:10])
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


# The releases are hot statements: a pickup runs them at every handover, and no caller reads a
# loaded Layer's units or a loaded CodeHold after them (an ORM UPDATE would search the Session for both).
_GIVE_BACK = Hot(
    update(Layer)
    .where(col(Layer.id) == bindparam("layer_id"))
    .values(used_units=Layer.used_units - bindparam("units"), parcel_count=Layer.parcel_count - 1)
)
# Codes a move replaced were held while their parcel stayed: from its leaving, the usual cooldown.
_HOLD_MOVED_FROM = Hot(
    update(CodeHold)
    .where(col(CodeHold.parcel_id) == bindparam("parcel_id"), col(CodeHold.until) < bindparam("until"))
    .values(until=bindparam("until"))
)


def _hold(insert: Any) -> Hot:
    """Hold a code in one statement, whether or not it was held before; a hold already running
    longer (a longer cooldown when it began) keeps its end, so a code is never freed sooner than
    promised."""
    row = insert(CodeHold).values(
        code=bindparam("code"),
        released_at=bindparam("now"),
        until=bindparam("until"),
        parcel_id=bindparam("parcel_id"),
    )
    new = row.excluded
    longer = case((col(CodeHold.until) > new.until, col(CodeHold.until)), else_=new.until)
    return Hot(
        row.on_conflict_do_update(
            index_elements=[col(CodeHold.code)],
            set_={"released_at": new.released_at, "until": longer, "parcel_id": new.parcel_id},
        )
    )


_HOLD = {"sqlite": _hold(sqlite_insert), "postgresql": _hold(postgresql_insert)}


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


def give_back(session: Tx, layer_id: int, units: int) -> None:
    """The layer has `units` and one parcel fewer."""
    _GIVE_BACK.count(session, layer_id=layer_id, units=units)


def release(
    session: Tx, parcel: Parcel, settings: StationSettings, now: datetime, *, moved: bool = False
) -> None:
    """The parcel leaves its layer: give back its units and hold its code for the cooldown.

    `moved`: it only moves to a new code; the old one keeps finding it while it is on a shelf."""
    if parcel.layer_id is not None:
        give_back(session, parcel.layer_id, units_for(parcel.size, settings))
    if parcel.pickup_code:
        hold_code(session, parcel.pickup_code, settings, now, parcel_id=parcel.id if moved else None)
    if not moved and parcel.id is not None:
        _HOLD_MOVED_FROM.count(session, parcel_id=parcel.id, until=now + _cooldown(settings))


def _cooldown(settings: StationSettings) -> timedelta:
    return timedelta(days=settings.code_cooldown_days)


def hold_code(
    session: Tx, code: str, settings: StationSettings, now: datetime, *, parcel_id: int | None = None
) -> None:
    """Hold `code` from `now` for the cooldown (or keep a longer hold it has), for `parcel_id` when a
    move replaced it."""
    upsert = _HOLD[session.get_bind().dialect.name]
    upsert.count(session, code=code, now=now, until=now + _cooldown(settings), parcel_id=parcel_id)


def _held(which: Any) -> Any:
    """Hold rows of the codes `which` picks that still hold their code back at `now`."""
    return and_(
        which,
        or_(
            col(CodeHold.until) > bindparam("now"),
            # A code a move replaced is held while its parcel is still on a shelf.
            exists().where(
                and_(col(Parcel.id) == CodeHold.parcel_id, col(Parcel.status) == ParcelStatus.ON_SHELF)
            ),
        ),
    )


_CODE_TAKEN = Hot(
    sa_select(
        exists().where(and_(col(Parcel.pickup_code) == bindparam("code"), col(Parcel.status) == _ON_SHELF)),
        exists().where(_held(col(CodeHold.code) == bindparam("code"))),
    )
)


@cache
def _taken_among(n: int, sqlite: bool) -> Hot:
    """Which of `n` codes (`c0`...) are on a parcel on the shelves or held back: one statement, each
    code looked up by the index that holds it (a code's layer is the template's, not a column)."""
    codes: list[Any] = [bindparam(f"c{i}") for i in range(n)]
    on_shelf: Any = col(Parcel.status) == _ON_SHELF
    if sqlite:
        # Still the partial index's own WHERE, but said to be nearly always true: SQLite without
        # statistics would otherwise read every parcel on the shelves by status for an IN list.
        on_shelf = func.likelihood(on_shelf, literal_column("0.9375"))
    parcels = sa_select(col(Parcel.pickup_code)).where(col(Parcel.pickup_code).in_(codes), on_shelf)
    held = sa_select(col(CodeHold.code)).where(_held(col(CodeHold.code).in_(codes)))
    return Hot(union_all(parcels, held))


# Codes asked about at once after the cursor's own: a few first (the next code or so is usually free
# once the cursor's is not), then more each time, up to what any driver binds in one statement
# (twice each: SQLite takes 32,766, PostgreSQL 65,535). 1001-9999 all taken: seven statements.
_BATCHES = (8, 64, 512, 4096)


_CURSOR = Hot(sa_select(col(Layer.code_cursor)).where(col(Layer.id) == bindparam("layer_id")))
_MOVE_CURSOR = Hot(
    update(Layer).where(col(Layer.id) == bindparam("layer_id")).values(code_cursor=bindparam("cursor"))
)


def code_is_free(session: Tx, code: str, now: datetime) -> bool:
    taken = _CODE_TAKEN.first(session, code=code, now=now)
    return taken is not None and not any(taken)


def allocate_code(session: Tx, settings: StationSettings, slot: Slot, now: datetime) -> str:
    """Next free code on the slot's layer, next-fit from its cursor (the layer row is locked by `claim`);
    refused when every code of the layer is on a parcel or held back."""
    code = free_code(session, settings, slot, now)
    if code is None:
        raise no_code_free([slot])
    return code


def free_code(session: Tx, settings: StationSettings, slot: Slot, now: datetime) -> str | None:
    """`allocate_code`'s code, or None (nothing written) when the layer has none free."""
    # The cursor as it is now: `claim` has just locked this row (and read it, when `slot` came from there).
    cursor = slot.code_cursor
    if cursor is None:
        cursor = int(_CURSOR.scalar(session, layer_id=slot.layer_id))
    low, high = settings.code_seq_min, settings.code_seq_max
    start = cursor if low <= cursor <= high else low
    seq = first_free_seq(session, settings, slot, start, now)
    if seq is None:
        return None
    if seq != start or not slot.cursor_moved:
        span = high - low + 1
        _MOVE_CURSOR.count(session, layer_id=slot.layer_id, cursor=low + (seq - low + 1) % span)
    return _code(settings, slot, seq)


def _code(settings: StationSettings, slot: Slot, seq: int) -> str:
    return settings.code_template.format(shelf=slot.shelf_label, layer=slot.layer_label, seq=seq)


def first_free_seq(
    session: Tx, settings: StationSettings, slot: Slot, start: int, now: datetime
) -> int | None:
    """The slot's first SEQ from `start` on (wrapping round the range) whose code is free, or None;
    reads only. The usual check-in asks about `start`'s code alone, in one statement; past it, the
    codes are asked about in batches (`_BATCHES`), a statement each."""
    if code_is_free(session, _code(settings, slot, start), now):
        return start
    low, high = settings.code_seq_min, settings.code_seq_max
    span = high - low + 1
    step, batches = 1, iter(_BATCHES)
    sqlite = session.get_bind().dialect.name == "sqlite"
    size = next(batches)
    while step < span:
        seqs = [low + (start - low + n) % span for n in range(step, min(step + size, span))]
        codes = [_code(settings, slot, seq) for seq in seqs]
        # A short last batch repeats its last code: one statement text for each batch size.
        asked = {f"c{i}": codes[min(i, len(codes) - 1)] for i in range(size)}
        taken = {row[0] for row in _taken_among(size, sqlite).rows(session, now=now, **asked)}
        for seq, code in zip(seqs, codes, strict=True):
            if code not in taken:
                return seq
        step += len(seqs)
        size = next(batches, size)
    return None


# Why, and what a manager does about it: check-in's list says it in the row's hint instead.
_RAISE_LAST_SEQ = N_(
    "Each code is on a parcel or held back after its parcel left: a manager raises the Last SEQ number "
    "in Settings (Ctrl+S), Pickup codes; then scan again."
)


def no_code_free(layers: Sequence[Slot]) -> Refused:
    """The refusal for layers with room but no pickup code free (each is on a parcel or held back)."""
    if len(layers) == 1:
        slot = layers[0]
        return Refused(
            N_("No pickup code is free on layer {shelf}-{layer}."),
            code="no_code",
            advice=_RAISE_LAST_SEQ,
            shelf=slot.shelf_label,
            layer=slot.layer_label,
        )
    names = tuple(f"{s.shelf_label}-{s.layer_label}" for s in layers)
    return Refused(
        N_("No pickup code is free on layers {layers}, the ones with room."),
        code="no_code",
        advice=_RAISE_LAST_SEQ,
        # The first few: a station short of codes everywhere needs a wider range, not a long list.
        layers=LaterList(names, at_most=4),
    )
