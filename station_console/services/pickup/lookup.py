"""Pickup lookups: a customer's parcels on the shelves, in walking order, fast at 1M parcels.

One indexed query per query shape (plus one for the guessing lock-out count), on Core statements built
once; a lookup that finds nothing is counted against guessing (`guard`). A phone tail or a full phone
also finds the parcels of an active directory person with a phone ending in it or equal to it (a
parcel may have come with another of their phones), a code or a waybill brings its person's other
parcels as well as its phone's, and a person's parcels are one customer. A code a move replaced still
finds its parcel while it is on a shelf, shown as "moved to ..." and not counted as a failure. A waybill
or a single code that finds nothing on the shelves says when and how the last parcel with it left, however
long ago (still counted as a failure; the words are in `left_shelves.py`). The pickup itself, with its scan
checks and transaction, is in `handover.py`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, literal_column, or_, union
from sqlalchemy import select as columns
from sqlmodel import col

from db.models import (
    Carrier,
    CodeHold,
    Layer,
    Parcel,
    PickupMethod,
    Recipient,
    RecipientPhone,
    Shelf,
)
from station_console.errors import NotFound, Refused
from station_console.i18n import N_
from station_console.logs import mask_text
from station_console.phone_masking import mask
from station_console.safe_text import cut
from station_console.services.core.ageing import Policy, band_of_age
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.fees.rules import days_stored
from station_console.services.pickup import guard
from station_console.services.pickup.left_shelves import left_refusal
from station_console.services.pickup.query import ParsedQuery, parse_query

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
# What the clerk must check besides the query, per verification policy and query shape.
CHECK_LABELS = {
    "tail": N_("Ask for the last 4 digits of the phone"),
    "name": N_("Ask for the recipient's name"),
    "name_or_phone": N_("Check the customer's name or phone against the list"),
    "masked_phone": N_("Check the customer's phone against the masked number"),
    # No phone and no name on any parcel found: what is on the parcel instead (a waybill given whole
    # leaves the carrier only).
    "carrier_and_tail": N_("No phone or name on record: ask for the carrier and the waybill's last 4"),
    "carrier": N_("No phone or name on record: ask which carrier it came with"),
}


@dataclass(frozen=True)
class PickupRow:
    parcel_id: int
    waybill: str
    pickup_code: str
    shelf: str
    layer: str
    carrier: str
    carrier_name: str  # its short name (the label's), as every counter list names a carrier
    masked_phone: str | None
    checked_in_at: datetime
    days_on_shelf: int
    band: str  # "ok" | "amber" | "red" | "return"
    problem_kind: str | None
    recipient_name: str | None = None
    problem_at: datetime | None = field(default=None, compare=False)  # when it was flagged (a recall's date)
    walk: tuple[int, int, str] = field(default=(0, 0, ""), compare=False, repr=False)
    recipient_key: str = field(
        default="", compare=False, repr=False
    )  # full phone: grouping only, never shown
    phone_tail: str | None = field(default=None, compare=False, repr=False)
    out_for_delivery: bool = False  # with a delivery runner: on the books, not on the shelf
    recipient_id: int | None = field(default=None, compare=False, repr=False)

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
            "out_for_delivery": self.out_for_delivery,
        }


@dataclass(frozen=True)
class Lookup:
    query: str
    shape: str  # "code" | "codes" | "tail" | "phone" | "waybill"
    method: str  # PickupMethod
    rows: tuple[PickupRow, ...]  # walking order
    # One per customer (a phone, or a directory person), so two sharing a tail are shown apart.
    groups: tuple[tuple[PickupRow, ...], ...]
    needs_second_check: bool
    second_check: str | None = None  # key of CHECK_LABELS
    missing: tuple[str, ...] = ()  # codes of a multi-code query that found nothing
    moved: tuple[tuple[str, str], ...] = ()  # (old code, its parcel's code now) for codes a move replaced
    # The codes the customer gave that name a listed parcel (a moved one's by its code now): a proxy
    # collects these parcels by their codes, the recipient's others only if the recipient allows it.
    codes: tuple[str, ...] = ()
    # The customer's parcels left out of the list for a proxy (`for_proxy`): theirs, but not the proxy's
    # to collect without their own codes. A scan of one is said so, never with its code or place.
    withheld: tuple[PickupRow, ...] = ()

    def row_for_waybill(self, waybill: str) -> PickupRow | None:
        return next((r for r in self.rows if r.waybill == waybill), None)

    def for_proxy(self, parcel_ids: Collection[int]) -> Lookup:
        """The list as a proxy may see it: only `parcel_ids`, the parcels they may collect."""
        may = set(parcel_ids)
        groups = tuple(kept for g in self.groups if (kept := tuple(r for r in g if r.parcel_id in may)))
        return replace(
            self,
            rows=tuple(r for r in self.rows if r.parcel_id in may),
            groups=groups,
            withheld=self.withheld + tuple(r for r in self.rows if r.parcel_id not in may),
        )


def second_check_for(policy: str, shape: str) -> str | None:
    """What the clerk must check beyond the query; refuses a shape the policy does not accept."""
    phone_like = shape in ("tail", "phone")
    if policy in ("code", "code_and_tail") and phone_like:
        raise Refused(N_("This station hands out parcels on a pickup code only."), code="policy_needs_code")
    if policy == "code":
        return "masked_phone" if shape == "waybill" else None
    if policy == "code_and_tail":
        return "tail"
    if policy == "tail_and_name":
        return "name"
    return "name_or_phone" if phone_like or shape == "waybill" else None


def contact_on_record(rows: Sequence[PickupRow]) -> bool:
    """Whether a phone or a name is on any of `rows`: else the clerk checks the customer against what
    is on the parcel (its carrier, its waybill's last four)."""
    return any(r.masked_phone or (r.recipient_name or "").strip() for r in rows)


def check_on_record(check: str | None, shape: str, rows: Sequence[PickupRow]) -> str | None:
    """`check` if the parcels found carry what it asks for (a phone or a name on one of them), else what
    they do carry: asking for a phone or a name that is on none of them leaves the clerk checking "-"."""
    if check is None or contact_on_record(rows):
        return check
    return "carrier" if shape == "waybill" else "carrier_and_tail"


def _rows_select() -> Any:
    cols: list[Any] = [
        Parcel.id,
        Parcel.waybill,
        Parcel.pickup_code,
        Shelf.label,
        Layer.label,
        Carrier.code,
        Carrier.short_name,
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
        Parcel.delivery_run_id,
        Parcel.recipient_id,
        Parcel.problem_at,
    ]
    return (
        columns(*cols)
        .join(Carrier, col(Carrier.id) == Parcel.carrier_id)
        .outerjoin(Shelf, col(Shelf.id) == Parcel.shelf_id)
        .outerjoin(Layer, col(Layer.id) == Parcel.layer_id)
        .where(col(Parcel.status) == ON_SHELF)
    )


def _to_rows(result: Iterable[Any], now: datetime) -> list[PickupRow]:
    rows = []
    for (
        pid,
        waybill,
        code,
        shelf,
        layer,
        carrier,
        short_name,
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
        run,
        recipient,
        problem_at,
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
                carrier_name=short_name,
                masked_phone=masked,
                checked_in_at=at,
                days_on_shelf=days_stored(at, now, now.tzinfo or UTC),
                band=band_of_age(hours, Policy(amber, red, ret)),
                problem_kind=problem,
                recipient_name=name,
                walk=(shelf_walk or 0, layer_walk or 0, code or ""),
                recipient_key=full or (f"masked:{masked}" if masked else f"parcel:{pid}"),
                phone_tail=tail,
                out_for_delivery=run is not None,
                recipient_id=recipient,
                problem_at=problem_at,
            )
        )
    return rows


# Built once: constructing a statement costs more than running it on an indexed column.
_BY_CODE = _rows_select().where(col(Parcel.pickup_code) == bindparam("value"))
_BY_CODES = _rows_select().where(col(Parcel.pickup_code).in_(bindparam("values", expanding=True)))
_BY_WAYBILL = _rows_select().where(col(Parcel.waybill) == bindparam("value"))
_BY_TAIL = _rows_select().where(col(Parcel.phone_tail) == bindparam("value"))
_BY_TAILS = _rows_select().where(col(Parcel.phone_tail).in_(bindparam("values", expanding=True)))


def _of_people(people: Any) -> Any:
    """The parcels linked to `people` (ids, or a subquery of them). `IS NOT NULL` written out: SQLite
    uses the partial index ix_parcel_recipient_status only when the query's WHERE visibly implies it."""
    return _rows_select().where(col(Parcel.recipient_id).is_not(None), col(Parcel.recipient_id).in_(people))


# A directory person's parcels by the tail of any of their phones: a parcel arrives with one of
# them, the customer may give the other.
_PEOPLE_BY_TAIL = (
    columns(col(RecipientPhone.recipient_id))
    .join(Recipient, col(Recipient.id) == RecipientPhone.recipient_id)
    .where(col(RecipientPhone.phone_tail) == bindparam("value"), col(Recipient.active))
)
_BY_PERSON_TAIL = _of_people(_PEOPLE_BY_TAIL)
# A customer's tail: parcels with that tail and those of the people with a phone ending in it, in
# one round trip; UNION lists a parcel found both ways once.
_BY_TAIL_OR_PERSON = union(_BY_TAIL, _BY_PERSON_TAIL)
# A full phone: the parcels that came with it (or, their full number purged or never given, with its
# masked form), on the tail's index, and those of the active people who have it (ix_recipient_phone_full).
_BY_PHONE = _rows_select().where(
    col(Parcel.phone_tail) == bindparam("value"),
    or_(
        col(Parcel.phone_full) == bindparam("full"),
        and_(col(Parcel.phone_full).is_(None), col(Parcel.masked_phone) == bindparam("masked")),
    ),
)
_PEOPLE_BY_PHONE = (
    columns(col(RecipientPhone.recipient_id))
    .join(Recipient, col(Recipient.id) == RecipientPhone.recipient_id)
    .where(col(RecipientPhone.phone_full) == bindparam("full"), col(Recipient.active))
)
_BY_PHONE_OR_PERSON = union(_BY_PHONE, _of_people(_PEOPLE_BY_PHONE))
# The other parcels of the active people a code's or a waybill's parcels are linked to. A join, not
# `IN (SELECT id FROM recipient WHERE ...)`: SQLite would read every active person for that.
_BY_ACTIVE_PEOPLE = (
    _of_people(bindparam("people", expanding=True))
    .join(Recipient, col(Recipient.id) == Parcel.recipient_id)
    .where(col(Recipient.active))
)


def _run(conn: Connection, stmt: Any, now: datetime, values: Sequence[str]) -> list[PickupRow]:
    params = {"value": values[0]} if len(values) == 1 else {"values": list(values)}
    return _to_rows(conn.execute(stmt if len(values) == 1 else _MANY[stmt], params), now)


_MANY = {_BY_CODE: _BY_CODES, _BY_TAIL: _BY_TAILS}
_MOVED = (
    columns(col(CodeHold.code), col(Parcel.pickup_code))
    .join(Parcel, col(Parcel.id) == CodeHold.parcel_id)
    .where(col(CodeHold.code).in_(bindparam("values", expanding=True)), col(Parcel.status) == ON_SHELF)
)


def _moved_codes(conn: Connection, codes: Sequence[str]) -> list[tuple[str, str]]:
    """(old, now) for each of `codes` that a move replaced while its parcel is still on a shelf."""
    if not codes:
        return []
    return [(old, now) for old, now in conn.execute(_MOVED, {"values": list(codes)}) if now]


def _same_recipients(conn: Connection, found: list[PickupRow], now: datetime) -> list[PickupRow]:
    """The other parcels on the shelves of the recipients in `found`: same full phone, else same masked,
    and those linked to the same active directory person, whichever of their phones they came with."""
    tails = sorted({r.phone_tail for r in found if r.phone_tail})
    people = sorted({r.recipient_id for r in found if r.recipient_id is not None})
    keys = {r.recipient_key for r in found}
    by_id = {r.parcel_id: r for r in found}
    for row in _run(conn, _BY_TAIL, now, tails) if tails else ():
        if row.recipient_key in keys:
            by_id.setdefault(row.parcel_id, row)
    # A second round trip only for parcels linked to someone: most are not.
    for row in _to_rows(conn.execute(_BY_ACTIVE_PEOPLE, {"people": people}), now) if people else ():
        by_id.setdefault(row.parcel_id, row)
    return list(by_id.values())


def _query_rows(conn: Connection, parsed: ParsedQuery, now: datetime) -> list[PickupRow]:
    if parsed.shape in ("code", "codes", "waybill"):
        rows = _run(conn, _BY_WAYBILL if parsed.shape == "waybill" else _BY_CODE, now, parsed.values)
        return _same_recipients(conn, rows, now) if rows else rows
    number = parsed.values[0]
    if parsed.shape == "tail":
        return _run(conn, _BY_TAIL_OR_PERSON, now, [number])
    params = {"value": number[-4:], "full": number, "masked": mask(number)}
    return _to_rows(conn.execute(_BY_PHONE_OR_PERSON, params), now)


def _group(rows: list[PickupRow]) -> tuple[tuple[PickupRow, ...], ...]:
    """One group per customer: parcels sharing a phone, or a directory person (whose parcels may
    have come with different phones of theirs), are one customer's."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for row in rows:
        if row.recipient_id is not None:
            parent[root(f"person:{row.recipient_id}")] = root(row.recipient_key)
    groups: dict[str, list[PickupRow]] = {}
    for row in rows:  # already in walking order, so groups are ordered by their first parcel
        groups.setdefault(root(row.recipient_key), []).append(row)
    return tuple(tuple(g) for g in groups.values())


def lookup(station: Station, query: str, *, counted: bool = True) -> Lookup:
    """Every parcel on the shelves of the customer(s) the query names, in walking order.

    Refuses a locked counter (`lookup_locked`), a shape the verification policy does not accept, and
    a query that finds nothing (`not_found`, counted against guessing unless not `counted`: the same
    customer's list read again after their parcels changed at another counter is no guess).
    """
    require(station, "pickup")
    settings = station.settings()
    parsed = parse_query(query, settings.code_template, (settings.code_seq_min, settings.code_seq_max))
    check = second_check_for(settings.verification_policy, parsed.shape)
    now = station.now().astimezone(station.zone())  # a row's Days are the station's days, as its fee's
    moved: list[tuple[str, str]] = []
    with station.connect() as conn:  # Core, not the ORM: this path is timed at 1M parcels
        guard.refuse_if_locked(conn, station)
        rows = []
        if parsed.as_stored is not None:  # a code as stored on a shelf labelled beyond A-Z, if there is one
            as_stored = ParsedQuery("code", (parsed.as_stored,))
            rows = _query_rows(conn, as_stored, now)
            parsed = as_stored if rows else parsed
        rows = rows or _query_rows(conn, parsed, now)
        if parsed.shape in ("code", "codes"):
            found_codes = {r.pickup_code for r in rows}
            moved = _moved_codes(conn, [c for c in parsed.values if c not in found_codes])
            if moved:
                more = _same_recipients(conn, _run(conn, _BY_CODE, now, [new for _old, new in moved]), now)
                rows += [r for r in more if r.parcel_id not in {x.parcel_id for x in rows}]
        gone = left_refusal(conn, station, parsed) if not rows else None
    rows.sort(key=lambda r: r.walk)
    answered = {r.pickup_code for r in rows} | {old for old, _new in moved}
    missing = tuple(c for c in parsed.values if c not in answered) if parsed.shape == "codes" else ()
    listed = {r.pickup_code for r in rows}
    given = [*parsed.values, *(new for _old, new in moved)] if parsed.shape in ("code", "codes") else []
    codes = tuple(dict.fromkeys(c for c in given if c in listed))
    if (not rows or missing) and counted:
        lock = guard.record_failures(station, parsed.shape, count=len(missing) or 1)
        if lock is not None:
            raise guard.locked_refusal(station, lock, query=cut(mask_text(query.strip()), 40))
    if gone is not None:
        raise gone  # a waybill or a code names a parcel, not a person: shown unmasked
    check = check_on_record(check, parsed.shape, rows)
    if not rows:
        raise NotFound(
            N_("No parcel on the shelves for {query}."),
            code="not_found",
            query=cut(mask_text(query.strip()), 40),
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
        moved=tuple(moved),
        codes=codes,
    )
