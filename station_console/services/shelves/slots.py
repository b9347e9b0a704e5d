"""Where a parcel goes, and the pickup code that says so: a layer's slot, its capacity, its codes.

Which layer a check-in gets is `layer_pick.py` (the assignment policy, chosen and claimed in one
statement); a layer chosen some other way (a move) takes its units with `claim`, never over capacity.

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
ON_SHELF: Any = literal_column(f"'{ParcelStatus.ON_SHELF.value}'")


def size_letter(size: str) -> str:
    return "X" if size == Size.XL else size


def units_for(size: str, settings: StationSettings) -> int:
    return settings.size_units.get(size, settings.size_units.get("M", 2))


_SLOT_ROWS = (
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
_SLOTS = Hot(_SLOT_ROWS)


def slots(session: Session) -> list[Slot]:
    """Every active layer with its shelf, free units and fill ratio."""
    return [slot_of(row) for row in _SLOTS.rows(session)]


def slot_of(row: Sequence[Any], code_cursor: int | None = None) -> Slot:
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
        exists().where(and_(col(Parcel.pickup_code) == bindparam("code"), col(Parcel.status) == ON_SHELF)),
        exists().where(_held(col(CodeHold.code) == bindparam("code"))),
    )
)


@cache
def _taken_among(n: int, sqlite: bool) -> Hot:
    """Which of `n` codes (`c0`...) are on a parcel on the shelves or held back: one statement, each
    code looked up by the index that holds it (a code's layer is the template's, not a column)."""
    codes: list[Any] = [bindparam(f"c{i}") for i in range(n)]
    on_shelf: Any = col(Parcel.status) == ON_SHELF
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
