"""Parcels mode: find any parcel in the whole history, page through results, read its timeline.

Also the shared read model of a parcel (`ParcelRow`, with `problem_kind` so every list can flag
problem parcels) and `find_parcel`, the one way shelf work turns a scan into a parcel. How a location
is read is `locations.py`; who a parcel was handed to, for its timeline, `handed_to.py`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from db.models import (
    Carrier,
    Clerk,
    EventKind,
    Layer,
    Parcel,
    ParcelEvent,
    ParcelStatus,
    Shelf,
)
from hardware.messages import Message
from station_console.errors import NotFound, Refused
from station_console.i18n import N_, LaterText
from station_console.phone_masking import mask_phones
from station_console.safe_text import cut
from station_console.services.core.calendar_span import in_calendar
from station_console.services.core.paper_numbers import run_number
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.scan.carriers import short_names
from station_console.services.scan.waybill import normalise
from station_console.services.shelves.handed_to import handed_to
from station_console.services.shelves.locations import layer_ids_for
from station_console.services.shelves.text_match import CODE_SHAPE as _CODE
from station_console.services.shelves.text_match import DASHES as _DASHES
from station_console.services.shelves.text_match import (
    days_are_few,
    first_page_floor,
    normalise_code,
    older_candidates,
    text_match,
)

MAX_SEARCH = 100  # characters of a search field: longer is not a waybill, code or phone


@dataclass(frozen=True)
class ParcelRow:
    """A parcel as every list, search, timeline and command shows it (the one read model; pickup's
    lookup adds its own waiting figures in `PickupRow`). Never the full phone number."""

    id: int
    waybill: str
    carrier: str  # its code: what filters, commands and exports take
    carrier_name: str  # its short name (the label's), as every list on screen names a carrier
    status: str
    pickup_code: str | None
    location: str | None  # "6-5", None once it left the shelves
    size: str
    masked_phone: str | None
    checked_in_at: datetime
    business_day: date
    problem_kind: str | None = None
    problem_note: str | None = None
    picked_up_at: datetime | None = None
    returned_at: datetime | None = None
    return_batch_id: int | None = None
    redelivery: bool = False

    @property
    def flagged(self) -> bool:
        return self.problem_kind is not None

    @property
    def parcel_id(self) -> int:
        return self.id

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Page:
    rows: list[ParcelRow]
    next_before_id: int | None  # pass as `before_id` for the next (older) page; None on the last page
    # The page read only the shelves and recent parcels (`text_match`): older ones may match, the next
    # page reads them.
    recent_only: bool = False


@dataclass
class Query:
    """Search fields; all optional and combined with AND. `text` guesses its field from its shape."""

    text: str | None = None
    waybill: str | None = None
    code: str | None = None
    phone_tail: str | None = None
    carrier: str | None = None
    status: str | None = None
    since: date | None = None  # business day of check-in, inclusive
    until: date | None = None
    problems_only: bool = False
    shelf: str | None = None  # "6" or "6-5"


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    clerk: str | None
    counter: str
    details: dict[str, Any] = field(default_factory=dict)
    carrier_name: str | None = None  # the short name of the carrier the details name by its code


@dataclass(frozen=True)
class Timeline:
    parcel: ParcelRow
    events: list[TimelineEntry]

    def to_json(self) -> dict[str, Any]:
        return {"parcel": self.parcel.to_json(), "events": [asdict(e) for e in self.events]}

    def problem_marking(self) -> TimelineEntry | None:
        """The event that flagged the parcel's problem as it stands (its kind and note), if any: when,
        and by whom."""
        p = self.parcel
        if p.problem_kind is None:
            return None
        for e in reversed(self.events):
            if e.kind == EventKind.PROBLEM_MARKED and e.details.get("kind") == p.problem_kind:
                return e if (e.details.get("note") or None) == (p.problem_note or None) else None
        return None


def normalise_waybill(text: str) -> str:
    result = normalise(text)
    if result.waybill is None:
        raise result.error or NotFound(N_("Nothing was scanned."), code="empty")
    return result.waybill


def waybill_rows(session: Session, waybill: str) -> list[Parcel]:
    """The rows of a normalised waybill (re-deliveries give several), newest first, cancelled left out."""
    return list(
        session.exec(
            select(Parcel)
            .where(Parcel.waybill == waybill, Parcel.status != ParcelStatus.CANCELLED)
            .order_by(col(Parcel.id).desc())
        ).all()
    )


def by_waybill(session: Session, waybill: str) -> Parcel | None:
    """The row of a normalised waybill that counts: the one on the shelf, else the newest."""
    rows = waybill_rows(session, waybill)
    return next((p for p in rows if p.status == ParcelStatus.ON_SHELF), rows[0] if rows else None)


# A parcel's stored status as every screen, listing and refusal names it (short: a table cell);
# translate with `_()` or `label_of` when shown.
STATUS_LABELS = {
    "on_shelf": N_("on shelf"),
    "picked_up": N_("picked up"),
    "returned": N_("returned"),
    "written_off": N_("written off"),
    "cancelled": N_("undone"),  # the check-in was undone: never on a shelf (screens strike it through)
}


def status_text(status: str) -> LaterText:
    """A parcel's status as a refusal's parameter: its label, in the language the refusal is shown in."""
    return LaterText(Message(STATUS_LABELS.get(status, status)))


def require_on_shelf(parcel: Parcel) -> None:
    """Refuse a change to a parcel that has left the shelves (picked up, returned, written off), or
    is out with a delivery runner."""
    if parcel.status != ParcelStatus.ON_SHELF:
        raise Refused(
            N_("{waybill} is not on the shelves (status: {status})."),
            code="not_on_shelf",
            waybill=parcel.waybill,
            status=status_text(parcel.status),
        )
    if parcel.delivery_run_id is not None:
        raise Refused(
            N_("{waybill} is out for delivery on run {run}."),
            code="out_for_delivery",
            waybill=parcel.waybill,
            run=run_number(parcel.delivery_run_id),
        )


def parcel_candidates(session: Session, ref: str) -> tuple[str, list[Parcel]]:
    """The parcels a scanned or typed parcel reference may name, with the reference as typed (cleaned):
    the rows of its waybill (newest first, cancelled left out), else the parcel on the shelf holding
    that pickup code. Every field that takes "a parcel" reads it here, so a code read off a label works
    wherever a waybill does; text that is neither is refused, saying what the field takes.
    """
    text = unicodedata.normalize("NFKC", ref or "").strip()
    if not text:
        raise NotFound(N_("Nothing was scanned."), code="empty")
    result = normalise(text)
    if result.error is not None and result.error.code == "too_long":
        raise result.error  # a paste, not a parcel: said as check-in says it
    code_shaped = _CODE.match(_DASHES.sub("-", text)) is not None
    if result.waybill is None and not code_shaped:
        raise Refused(
            N_("{ref} is neither a waybill nor a pickup code: scan the waybill or type the code."),
            code="not_a_parcel_ref",
            ref=cut(mask_phones(text), 40),
        )
    candidates = waybill_rows(session, result.waybill) if result.waybill else []
    if not candidates and code_shaped:
        candidates = list(
            session.exec(
                select(Parcel).where(
                    Parcel.pickup_code == normalise_code(text), Parcel.status == ParcelStatus.ON_SHELF
                )
            ).all()
        )
    return text, candidates


def find_parcel(session: Session, ref: str, *, on_shelf: bool = False) -> Parcel:
    """The parcel a scan or typed reference names: waybill first, then pickup code.

    A waybill may have several rows (re-deliveries): the one on the shelf wins, else the newest.
    """
    text, candidates = parcel_candidates(session, ref)
    on = [p for p in candidates if p.status == ParcelStatus.ON_SHELF]
    if on:
        return on[0]
    if candidates and not on_shelf:
        return candidates[0]
    if candidates:
        raise NotFound(
            N_("{ref} is not on the shelves (status: {status})."),
            code="not_on_shelf",
            ref=cut(mask_phones(text), 40),
            status=status_text(candidates[0].status),
        )
    raise NotFound(N_("No parcel matches {ref}."), code="no_parcel", ref=cut(mask_phones(text), 40))


def find_parcel_id(station: Station, ref: str) -> int:
    """`find_parcel` in a read of its own, for a command that then acts on the parcel's id."""
    require(station, "view")
    with station.read() as session:
        return find_parcel(session, ref).id or 0


def rows_for(session: Session, parcels: list[Parcel]) -> list[ParcelRow]:
    """Read models for parcels, with carrier codes and locations resolved in two queries."""
    carriers = {c.id: (c.code, c.short_name) for c in session.exec(select(Carrier)).all()}
    layer_ids = {p.layer_id for p in parcels if p.layer_id is not None}
    locations: dict[int, str] = {}
    if layer_ids:
        for layer, shelf in session.exec(
            select(Layer, Shelf)
            .join(Shelf, col(Shelf.id) == Layer.shelf_id)
            .where(col(Layer.id).in_(layer_ids))
        ).all():
            locations[layer.id or 0] = f"{shelf.label}-{layer.label}"
    return [
        to_row(p, *carriers.get(p.carrier_id, ("?", "?")), locations.get(p.layer_id or -1)) for p in parcels
    ]


def to_row(p: Parcel, carrier: str, carrier_name: str, location: str | None) -> ParcelRow:
    return ParcelRow(
        id=p.id or 0,
        waybill=p.waybill,
        carrier=carrier,
        carrier_name=carrier_name,
        status=p.status,
        pickup_code=p.pickup_code,
        location=location if p.status == ParcelStatus.ON_SHELF else None,
        size=p.size,
        masked_phone=p.masked_phone,
        checked_in_at=p.checked_in_at,
        business_day=p.business_day,
        problem_kind=p.problem_kind,
        problem_note=p.problem_note,
        picked_up_at=p.picked_up_at,
        returned_at=p.returned_at,
        return_batch_id=p.return_batch_id,
        redelivery=p.redelivery,
    )


def search(station: Station, query: Query, *, limit: int = 50, before_id: int | None = None) -> Page:
    """Newest first, `limit` a page, keyset paging on the parcel id (stable while new parcels arrive).

    Undone check-ins show only when asked for by their status."""
    require(station, "view")
    for typed in (query.text, query.waybill, query.code, query.phone_tail, query.carrier, query.shelf):
        if typed is not None and len(typed) > MAX_SEARCH:
            raise Refused(N_("A search is at most {max} characters."), code="query_too_long", max=MAX_SEARCH)
    for day in (query.since, query.until):  # one far off is mistyped: refused as every day is
        if day is not None:
            in_calendar(day)
    stmt = select(Parcel)
    if query.status != ParcelStatus.CANCELLED:
        stmt = stmt.where(Parcel.status != ParcelStatus.CANCELLED)
    match = None
    if query.text:
        match = text_match(query.text, cancelled=query.status == ParcelStatus.CANCELLED)
        stmt = stmt.where(match.condition)
    if query.waybill:
        stmt = stmt.where(Parcel.waybill == normalise_waybill(query.waybill))
    if query.code:
        stmt = stmt.where(Parcel.pickup_code == normalise_code(query.code))
    if query.phone_tail:
        stmt = stmt.where(Parcel.phone_tail == query.phone_tail.strip()[-4:])
    if query.status:
        stmt = stmt.where(Parcel.status == query.status)
    if query.since:
        stmt = stmt.where(col(Parcel.business_day) >= query.since)
    if query.until:
        stmt = stmt.where(col(Parcel.business_day) <= query.until)
    if query.problems_only:
        stmt = stmt.where(col(Parcel.problem_kind).is_not(None))
    if before_id is not None:
        stmt = stmt.where(col(Parcel.id) < before_id)
    with station.read() as session:
        if query.carrier:
            carrier_id = session.exec(select(Carrier.id).where(Carrier.code == query.carrier.upper())).first()
            stmt = stmt.where(Parcel.carrier_id == (carrier_id or -1))
        if query.shelf:
            stmt = stmt.where(col(Parcel.layer_id).in_(layer_ids_for(session, query.shelf)))
        floor = None
        if (
            match is not None
            and not match.indexed
            and before_id is None
            # Dates name the days to read: their own index bounds the page, however old they are.
            and not days_are_few(session, query.since, query.until)
        ):
            floor = first_page_floor(session, stmt, match)
        if floor is not None:
            stmt = stmt.where(col(Parcel.id) >= floor)
        if match is not None and before_id is not None:
            candidates = older_candidates(session, match, before_id)
            if candidates is not None:
                stmt = stmt.where(col(Parcel.id).in_(candidates))
        parcels = list(session.exec(stmt.order_by(col(Parcel.id).desc()).limit(limit + 1)).all())
        more = len(parcels) > limit
        parcels = parcels[:limit]
        rows = rows_for(session, parcels)
    if more and rows:
        return Page(rows=rows, next_before_id=rows[-1].id)
    # Every match down to the floor is on this page: the next one reads the history below it.
    return Page(rows=rows, next_before_id=floor, recent_only=floor is not None)


def timeline(station: Station, ref: str) -> Timeline:
    """The parcel a waybill or code names, with every event recorded about it, oldest first."""
    require(station, "view")
    with station.read() as session:
        parcel = find_parcel(session, ref)
        row = rows_for(session, [parcel])[0]
        clerks = {c.id: c.name for c in session.exec(select(Clerk)).all()}
        events = session.exec(
            select(ParcelEvent).where(ParcelEvent.parcel_id == parcel.id).order_by(col(ParcelEvent.id))
        ).all()
        people = handed_to(session, parcel.id or 0)
        names = short_names(session)
        entries = [
            TimelineEntry(
                at=e.at,
                kind=e.kind,
                clerk=clerks.get(e.clerk_id) if e.clerk_id else None,
                counter=e.counter,
                details={**e.details, **people.get(e.id or 0, {})},
                carrier_name=names.get(str(e.details.get("carrier"))),
            )
            for e in events
        ]
    return Timeline(parcel=row, events=entries)
