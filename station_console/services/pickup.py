"""Pickup (出库): find a customer's parcels, check each fetched one by scan, hand them over.

`lookup` reads (one indexed query per shape, plus one for the lock-out count); a lookup that finds
nothing is counted against guessing (`guard`). `confirm_pickup` is one write transaction with
optimistic locking on `parcel.version`, so two counters never hand out one parcel.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, literal_column, update
from sqlalchemy import select as columns
from sqlmodel import Session, col, select

from db.models import Carrier, CodeHold, EventKind, Layer, Parcel, ParcelStatus, PickupMethod, Shelf
from station_console.errors import NotFound, Refused
from station_console.i18n import N_, get_language
from station_console.logs import mask_text
from station_console.services import audit, guard, shelving
from station_console.services.overdue import Policy, band_of_age
from station_console.services.phones import mask
from station_console.services.pickup_query import ParsedQuery, parse_query
from station_console.services.roles import require_manager
from station_console.services.station import Station
from station_console.services.waybill import normalise as normalise_waybill

# A literal, not a bound parameter: SQLite uses the partial index uq_parcel_code_on_shelf only when
# the query's WHERE visibly implies the index's `status = 'on_shelf'`.
ON_SHELF: Any = literal_column("'on_shelf'")
METHOD_OF_SHAPE = {
    "code": PickupMethod.CODE,
    "codes": PickupMethod.CODE,
    "tail": PickupMethod.PHONE,
    "phone": PickupMethod.PHONE,
    "waybill": PickupMethod.WAYBILL,
}
STATUS_LABELS = {
    "on_shelf": N_("on the shelf"),
    "picked_up": N_("picked up"),
    "returned": N_("returned"),
    "written_off": N_("written off"),
    "cancelled": N_("cancelled"),
}
# What the clerk must check besides the query, per verification policy and query shape.
CHECK_LABELS = {
    "tail": N_("Ask for the last 4 digits of the phone"),
    "name": N_("Ask for the recipient's name"),
    "name_or_phone": N_("Check the customer's name or phone against the list"),
    "masked_phone": N_("Check the customer's phone against the masked number"),
}


@dataclass(frozen=True)
class PickupRow:
    parcel_id: int
    waybill: str
    pickup_code: str
    shelf: str
    layer: str
    carrier: str
    carrier_name: str
    masked_phone: str | None
    checked_in_at: datetime
    days_on_shelf: int
    band: str  # "ok" | "amber" | "red" | "return"
    problem_kind: str | None
    recipient_name: str | None = None
    walk: tuple[int, int, str] = field(default=(0, 0, ""), compare=False, repr=False)
    recipient_key: str = field(
        default="", compare=False, repr=False
    )  # full phone: grouping only, never shown
    phone_tail: str | None = field(default=None, compare=False, repr=False)

    @property
    def location(self) -> str:
        return f"{self.shelf}-{self.layer}"

    def to_json(self) -> dict[str, Any]:
        return {
            "waybill": self.waybill,
            "pickup_code": self.pickup_code,
            "shelf": self.shelf,
            "layer": self.layer,
            "carrier": self.carrier,
            "masked_phone": self.masked_phone,
            "checked_in_at": self.checked_in_at.isoformat(),
            "days_on_shelf": self.days_on_shelf,
            "band": self.band,
            "problem_kind": self.problem_kind,
        }


@dataclass(frozen=True)
class Lookup:
    query: str
    shape: str  # "code" | "codes" | "tail" | "phone" | "waybill"
    method: str  # PickupMethod
    rows: tuple[PickupRow, ...]  # walking order
    groups: tuple[tuple[PickupRow, ...], ...]  # one per customer, so two sharing a tail are shown apart
    needs_second_check: bool
    second_check: str | None = None  # key of CHECK_LABELS
    missing: tuple[str, ...] = ()  # codes of a multi-code query that found nothing

    def row_for_waybill(self, waybill: str) -> PickupRow | None:
        return next((r for r in self.rows if r.waybill == waybill), None)


@dataclass(frozen=True)
class RecentPickup:
    parcel_id: int
    waybill: str
    pickup_code: str
    carrier: str
    masked_phone: str | None
    picked_up_at: datetime
    method: str
    clerk_id: int | None
    can_undo: bool


def second_check_for(policy: str, shape: str) -> str | None:
    """What the clerk must check beyond the query; refuses a shape the policy does not accept."""
    phone_like = shape in ("tail", "phone")
    if policy in ("code", "code_and_tail") and phone_like:
        raise Refused(N_("This station hands out parcels on a pickup code only"), code="policy_needs_code")
    if policy == "code":
        return "masked_phone" if shape == "waybill" else None
    if policy == "code_and_tail":
        return "tail"
    if policy == "tail_and_name":
        return "name"
    return "name_or_phone" if phone_like or shape == "waybill" else None


def _rows_select() -> Any:
    cols: list[Any] = [
        Parcel.id,
        Parcel.waybill,
        Parcel.pickup_code,
        Shelf.label,
        Layer.label,
        Carrier.code,
        Carrier.name_en,
        Carrier.name_zh,
        Parcel.masked_phone,
        Parcel.phone_full,
        Parcel.phone_tail,
        Parcel.checked_in_at,
        Parcel.problem_kind,
        Parcel.recipient_name,
        Shelf.walk_order,
        Layer.walk_order,
        Carrier.amber_hours,
        Carrier.red_hours,
        Carrier.return_after_days,
    ]
    return (
        columns(*cols)
        .join(Carrier, col(Carrier.id) == Parcel.carrier_id)
        .outerjoin(Shelf, col(Shelf.id) == Parcel.shelf_id)
        .outerjoin(Layer, col(Layer.id) == Parcel.layer_id)
        .where(col(Parcel.status) == ON_SHELF)
    )


def _to_rows(result: Iterable[Any], now: datetime) -> list[PickupRow]:
    zh = get_language() == "zh"
    rows = []
    for (
        pid,
        waybill,
        code,
        shelf,
        layer,
        carrier,
        name_en,
        name_zh,
        masked,
        full,
        tail,
        at,
        problem,
        name,
        shelf_walk,
        layer_walk,
        amber,
        red,
        ret,
    ) in result:
        hours = (now - at).total_seconds() / 3600
        rows.append(
            PickupRow(
                parcel_id=pid,
                waybill=waybill,
                pickup_code=code or "",
                shelf=shelf or "?",
                layer=layer or "?",
                carrier=carrier,
                carrier_name=name_zh if zh else name_en,
                masked_phone=masked,
                checked_in_at=at,
                days_on_shelf=max(0, int(hours // 24)),
                band=band_of_age(hours, Policy(amber, red, ret)),
                problem_kind=problem,
                recipient_name=name,
                walk=(shelf_walk or 0, layer_walk or 0, code or ""),
                recipient_key=full or (f"masked:{masked}" if masked else f"parcel:{pid}"),
                phone_tail=tail,
            )
        )
    return rows


# Built once: constructing a statement costs more than running it on an indexed column.
_BY_CODE = _rows_select().where(col(Parcel.pickup_code) == bindparam("value"))
_BY_CODES = _rows_select().where(col(Parcel.pickup_code).in_(bindparam("values", expanding=True)))
_BY_WAYBILL = _rows_select().where(col(Parcel.waybill) == bindparam("value"))
_BY_TAIL = _rows_select().where(col(Parcel.phone_tail) == bindparam("value"))
_BY_TAILS = _rows_select().where(col(Parcel.phone_tail).in_(bindparam("values", expanding=True)))


def _run(conn: Connection, stmt: Any, now: datetime, values: Sequence[str]) -> list[PickupRow]:
    params = {"value": values[0]} if len(values) == 1 else {"values": list(values)}
    return _to_rows(conn.execute(stmt if len(values) == 1 else _MANY[stmt], params), now)


_MANY = {_BY_CODE: _BY_CODES, _BY_TAIL: _BY_TAILS}


def _same_recipients(conn: Connection, found: list[PickupRow], now: datetime) -> list[PickupRow]:
    """The other parcels on the shelves of the recipients in `found`: same full phone, else same masked."""
    tails = sorted({r.phone_tail for r in found if r.phone_tail})
    if not tails:
        return found
    keys = {r.recipient_key for r in found}
    by_id = {r.parcel_id: r for r in found}
    for row in _run(conn, _BY_TAIL, now, tails):
        if row.recipient_key in keys:
            by_id.setdefault(row.parcel_id, row)
    return list(by_id.values())


def _query_rows(conn: Connection, parsed: ParsedQuery, now: datetime) -> list[PickupRow]:
    if parsed.shape in ("code", "codes", "waybill"):
        rows = _run(conn, _BY_WAYBILL if parsed.shape == "waybill" else _BY_CODE, now, parsed.values)
        return _same_recipients(conn, rows, now) if rows else rows
    number = parsed.values[0]
    rows = _run(conn, _BY_TAIL, now, [number[-4:]])
    if parsed.shape == "phone":
        rows = [r for r in rows if r.recipient_key in (number, f"masked:{mask(number)}")]
    return rows


def _group(rows: list[PickupRow]) -> tuple[tuple[PickupRow, ...], ...]:
    groups: dict[str, list[PickupRow]] = {}
    for row in rows:  # already in walking order, so groups are ordered by their first parcel
        groups.setdefault(row.recipient_key, []).append(row)
    return tuple(tuple(g) for g in groups.values())


def lookup(station: Station, query: str) -> Lookup:
    """Every parcel on the shelves of the customer(s) the query names, in walking order.

    Refuses a locked counter (`lookup_locked`), a shape the verification policy does not accept, and
    a query that finds nothing (`not_found`, counted against guessing).
    """
    settings = station.settings()
    parsed = parse_query(query, settings.code_template, (settings.code_seq_min, settings.code_seq_max))
    check = second_check_for(settings.verification_policy, parsed.shape)
    now = station.now()
    with station.engine.connect() as conn:  # Core, not the ORM: this path is timed at 1M parcels
        guard.refuse_if_locked(conn, station)
        rows = _query_rows(conn, parsed, now)
    rows.sort(key=lambda r: r.walk)
    found_codes = {r.pickup_code for r in rows}
    missing = tuple(c for c in parsed.values if c not in found_codes) if parsed.shape == "codes" else ()
    if not rows or missing:
        locked = guard.record_failures(station, parsed.shape, count=len(missing) or 1)
        if locked:
            raise Refused(
                N_(
                    "Nothing found for {query}. Too many failed lookups: this counter is locked for "
                    "{seconds} seconds"
                ),
                code="lookup_locked",
                query=mask_text(query.strip()[:40]),
                seconds=locked,
            )
        if not rows:
            raise NotFound(
                N_("No parcel on the shelves for {query}"),
                code="not_found",
                query=mask_text(query.strip()[:40]),
            )
    return Lookup(
        query=query,
        shape=parsed.shape,
        method=METHOD_OF_SHAPE[parsed.shape],
        rows=tuple(rows),
        groups=_group(rows),
        needs_second_check=check is not None,
        second_check=check,
        missing=missing,
    )


def _clean_waybill(text: str) -> str:
    result = normalise_waybill(text)
    if result.waybill is None:
        assert result.error is not None
        raise result.error
    return result.waybill


def whereabouts(session: Session, waybill: str) -> Refused:
    """Why a scanned parcel is not this customer's, naming where it belongs (or what became of it)."""
    parcel = session.exec(
        select(Parcel)
        .where(Parcel.waybill == waybill, Parcel.status != ParcelStatus.CANCELLED)
        .order_by(col(Parcel.id).desc())
    ).first()
    if parcel is None:
        return Refused(
            N_("Wrong parcel: {waybill} is not a parcel of this station"),
            code="wrong_parcel",
            waybill=waybill,
        )
    if parcel.status == ParcelStatus.ON_SHELF:
        shelf = session.get(Shelf, parcel.shelf_id) if parcel.shelf_id else None
        layer = session.get(Layer, parcel.layer_id) if parcel.layer_id else None
        return Refused(
            N_(
                "Wrong parcel: {waybill} is not this customer's. It belongs on {location}, code {pickup_code}"
            ),
            code="wrong_parcel",
            waybill=waybill,
            pickup_code=parcel.pickup_code,
            location=f"{shelf.label if shelf else '?'}-{layer.label if layer else '?'}",
            parcel_id=parcel.id,
        )
    return Refused(
        N_("Wrong parcel: {waybill} is not on the shelves, it was {status}"),
        code="wrong_parcel",
        waybill=waybill,
        status=_status_label(parcel.status),
        parcel_id=parcel.id,
    )


def _status_label(status: str) -> str:
    from station_console.i18n import _

    return _(STATUS_LABELS.get(status, status))


def check_scan(lookup: Lookup, scanned_text: str, station: Station) -> PickupRow:
    """The row of `lookup` the scanned parcel is; a parcel not in the list is refused with its place."""
    waybill = _clean_waybill(scanned_text)
    row = lookup.row_for_waybill(waybill)
    if row is not None:
        return row
    with station.read() as session:
        raise whereabouts(session, waybill)


def confirm_pickup(
    station: Station,
    parcel_ids: Sequence[int],
    *,
    method: str,
    scanned: Sequence[str] = (),
    override_reason: str | None = None,
) -> list[int]:
    """Hand the parcels over: all of them in one transaction, or none.

    Each must be on the shelf and scanned (its waybill in `scanned`); an unscanned one needs a manager
    and `override_reason`. Optimistic locking: the update only lands on the version this transaction
    read, so a parcel handed out at another counter meanwhile refuses the whole pickup.
    """
    ids = list(dict.fromkeys(parcel_ids))
    if not ids:
        raise Refused(N_("Nothing to hand over: no parcel chosen"), code="nothing_chosen")
    if method not in set(PickupMethod):
        raise Refused(N_("Unknown pickup method {method}"), code="bad_method", method=method)
    seen = {_clean_waybill(s) for s in scanned if s.strip()}
    reason = (override_reason or "").strip()
    settings = station.settings()

    def work(session: Session) -> list[int]:
        now = station.now()
        parcels = {p.id: p for p in session.exec(select(Parcel).where(col(Parcel.id).in_(ids))).all()}
        unscanned = [parcels[i].waybill for i in ids if i in parcels and parcels[i].waybill not in seen]
        if unscanned and not reason:
            raise Refused(
                N_("Not scanned yet: {waybills}. Scan each parcel, or a manager overrides with a reason"),
                code="not_scanned",
                waybills=", ".join(unscanned),
            )
        if unscanned:
            require_manager(station, "override")
        for pid in ids:
            parcel = parcels.get(pid)
            if parcel is None:
                raise NotFound(N_("No parcel with id {id}"), code="no_parcel", id=pid)
            if parcel.status != ParcelStatus.ON_SHELF:
                raise Refused(
                    N_("{waybill} is not on the shelves, it was {status}. Nothing was handed over"),
                    code="not_on_shelf",
                    waybill=parcel.waybill,
                    status=_status_label(parcel.status),
                )
            was_scanned = parcel.waybill in seen
            result = session.execute(
                update(Parcel)
                .where(
                    col(Parcel.id) == pid,
                    col(Parcel.version) == parcel.version,
                    col(Parcel.status) == ON_SHELF,
                )
                .values(
                    status=ParcelStatus.PICKED_UP,
                    picked_up_at=now,
                    picked_up_by=station.clerk_id,
                    picked_up_counter=station.counter,
                    version=parcel.version + 1,
                    pickup_method=method if was_scanned else PickupMethod.OVERRIDE,
                    # The customer came before the courier took it back: it leaves the open return batch.
                    return_batch_id=None,
                )
                .execution_options(synchronize_session=False)
            )
            if not result.rowcount:  # type: ignore[attr-defined]
                raise Refused(
                    N_(
                        "{waybill} was changed at another counter just now. Nothing was handed over; "
                        "look it up again"
                    ),
                    code="version_conflict",
                    waybill=parcel.waybill,
                )
            shelving.release(session, parcel, settings, now)
            details: dict[str, Any] = {
                "waybill": parcel.waybill,
                "code": parcel.pickup_code,
                "method": method,
                "scanned": was_scanned,
            }
            if not was_scanned:
                details["override_reason"] = reason[:200]
            if parcel.return_batch_id is not None:
                details["left_return_batch"] = parcel.return_batch_id
            audit.record(session, station, EventKind.PICKED_UP, parcel_id=pid, at=now, details=details)
        return ids

    return station.run(work)


def undo_pickup(station: Station, parcel_id: int) -> None:
    """Put a parcel handed out by mistake back on its layer under its old code (manager, within N minutes)."""
    require_manager(station, "undo_pickup")
    settings = station.settings()

    def work(session: Session) -> None:
        now = station.now()
        parcel = session.get(Parcel, parcel_id)
        if parcel is None or parcel.status != ParcelStatus.PICKED_UP or parcel.picked_up_at is None:
            raise NotFound(N_("That parcel has not been picked up"), code="not_picked_up")
        if now - parcel.picked_up_at > timedelta(minutes=settings.pickup_undo_minutes):
            raise Refused(
                N_("A pickup can only be undone within {minutes} minutes"),
                code="undo_too_late",
                minutes=settings.pickup_undo_minutes,
            )
        clash = session.exec(
            select(Parcel.id).where(
                col(Parcel.status) == ON_SHELF,
                (col(Parcel.waybill) == parcel.waybill) | (col(Parcel.pickup_code) == parcel.pickup_code),
            )
        ).first()
        units = shelving.units_for(parcel.size, settings)
        claimed = session.execute(
            update(Layer)
            .where(
                col(Layer.id) == parcel.layer_id, col(Layer.used_units) + units <= col(Layer.capacity_units)
            )
            .values(used_units=Layer.used_units + units, parcel_count=Layer.parcel_count + 1)
        )
        if clash is not None or not claimed.rowcount:  # type: ignore[attr-defined]
            raise Refused(N_("Its place is taken now: check it in again instead"), code="undo_blocked")
        hold = session.get(CodeHold, parcel.pickup_code) if parcel.pickup_code else None
        if hold is not None:
            session.delete(hold)
        details = {
            "waybill": parcel.waybill,
            "code": parcel.pickup_code,
            "picked_up_at": parcel.picked_up_at.isoformat(),
            "picked_up_by": parcel.picked_up_by,
        }
        parcel.status = ParcelStatus.ON_SHELF
        parcel.picked_up_at = parcel.picked_up_by = parcel.picked_up_counter = parcel.pickup_method = None
        parcel.version += 1
        session.add(parcel)
        audit.record(session, station, EventKind.PICKUP_UNDONE, parcel_id=parcel.id, at=now, details=details)

    station.run(work)


def picked_up_parcel(station: Station, waybill: str) -> int:
    """Id of the newest picked-up parcel with this waybill (for `station undo-pickup WAYBILL`)."""
    number = _clean_waybill(waybill)
    with station.read() as session:
        pid = session.exec(
            select(Parcel.id)
            .where(Parcel.waybill == number, Parcel.status == ParcelStatus.PICKED_UP)
            .order_by(col(Parcel.picked_up_at).desc())
        ).first()
    if pid is None:
        raise NotFound(N_("{waybill} has not been picked up"), code="not_picked_up", waybill=number)
    return pid


_RECENT_COLUMNS: list[Any] = [
    Parcel.id,
    Parcel.waybill,
    Parcel.pickup_code,
    Carrier.code,
    Parcel.masked_phone,
    Parcel.picked_up_at,
    Parcel.pickup_method,
    Parcel.picked_up_by,
]


def recent_pickups(station: Station, *, limit: int = 50) -> list[RecentPickup]:
    """This counter's pickups of the current business day, newest first."""
    settings, now = station.settings(), station.now()
    day_start = datetime.combine(station.business_day(now), datetime.min.time(), station.zone())
    undo_after = now - timedelta(minutes=settings.pickup_undo_minutes)
    with station.read() as session:
        result = session.execute(
            columns(*_RECENT_COLUMNS)
            .join(Carrier, col(Carrier.id) == Parcel.carrier_id)
            .where(
                col(Parcel.picked_up_at) >= day_start,
                col(Parcel.picked_up_counter) == station.counter,
                col(Parcel.status) == ParcelStatus.PICKED_UP,
            )
            .order_by(col(Parcel.picked_up_at).desc(), col(Parcel.id).desc())
            .limit(limit)
        ).all()
    return [
        RecentPickup(
            parcel_id=pid,
            waybill=wb,
            pickup_code=code or "",
            carrier=carrier,
            masked_phone=masked,
            picked_up_at=at,
            method=method or "",
            clerk_id=clerk,
            can_undo=at >= undo_after,
        )
        for pid, wb, code, carrier, masked, at, method, clerk in result
    ]
