"""Which person a parcel is for: matches as the clerk types, the "who is this?" list, linking.

At check-in the clerk types a name, its pinyin initials (`zs` for 张三), a unit or room (`3-502`), an
external id or a phone tail; `match` offers the directory's people, best first. Choosing one gives the
check-in its `recipient_id` (the phone and name then come from the directory). A parcel checked in with
a typed name and no match waits in `unmatched` ("who is this?") until a clerk `link`s it; so does one
whose full phone two active people share, which check-in and the directory's writes leave to a clerk.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, and_, case, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col, select

from db.models import Carrier, EventKind, Layer, Parcel, ParcelStatus, Recipient, RecipientPhone, Shelf
from station_console import name_limit
from station_console.errors import NotFound, Refused
from station_console.i18n import N_
from station_console.services.checkin.recipient import consent_missing, consent_state
from station_console.services.core import audit
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.recipients.directory import find_row, masked_phones
from station_console.services.recipients.linking import Linked, gone_from_shelf, link_in
from station_console.services.recipients.names import MAX_LENGTH, has_han, normalise

FETCH = 60  # rows read per query; ranked here, the best `limit` kept


@dataclass(frozen=True)
class Match:
    id: int
    name: str
    external_id: str | None
    location: str
    phone: str | None  # masked
    consent: str | None
    delivery_preference: str | None
    rank: int  # 0 a whole token matched, 1 a token's start, 2 anywhere
    consent_recorded: bool = False  # an answer was recorded once (no consent now: withdrawn)
    active: bool = True  # False only where deactivated people are asked for (the directory's search)

    @property
    def consent_missing(self) -> bool:
        return consent_missing(self.consent)

    @property
    def consent_state(self) -> str:
        return consent_state(self.consent, recorded=self.consent_recorded)

    def to_json(self) -> dict[str, Any]:
        shown = {k: v for k, v in asdict(self).items() if k not in ("consent_recorded", "active")}
        return {**shown, "consent_missing": self.consent_missing, "consent_state": self.consent_state}


class _position(FunctionElement[int]):
    """Where `needle` starts in `haystack` (1-based, 0 when absent): `instr` on SQLite, `strpos` on
    PostgreSQL (SQLAlchemy has no portable spelling)."""

    type = Integer()
    inherit_cache = True
    name = "position"


@compiles(_position)
def _instr(element: _position, compiler: Any, **kw: Any) -> str:
    return f"instr({compiler.process(element.clauses, **kw)})"


@compiles(_position, "postgresql")
def _strpos(element: _position, compiler: Any, **kw: Any) -> str:
    return f"strpos({compiler.process(element.clauses, **kw)})"


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _rank(key: str, query: str) -> int:
    padded = f"{key} "
    if f" {query} " in padded:
        return 0
    return 1 if f" {query}" in padded else 2


def match(station: Station, text: str, *, limit: int = 8, include_inactive: bool = False) -> list[Match]:
    """Active people whose name, pinyin, initials, address, id or phone tail fits `text`, best first;
    `include_inactive`: deactivated people too (the directory's own search, where a manager finds
    someone who came back to bring them back or edit them, as its whole list shows them)."""
    require(station, "view")
    query = normalise(text)[:40]
    if not query:
        return []
    pattern = f"%{_like(query)}%" if has_han(query) or "-" in query else f"% {_like(query)}%"
    cond: Any = col(Recipient.search_name).like(pattern, escape="\\")
    if len(query) == 4 and query.isdigit():
        tails = select(RecipientPhone.recipient_id).where(RecipientPhone.phone_tail == query)
        cond = or_(cond, col(Recipient.id).in_(tails))
    # Earliest in the key first: a key lists the name, then its likeliest reading's pinyin and initials,
    # then the rarer readings, so 张伟 (`zw`) comes before 丁伟 read zheng-wei, even among thousands.
    where = _position(col(Recipient.search_name), query if has_han(query) or "-" in query else f" {query}")
    with station.read() as session:
        rows = session.exec(
            select(Recipient)
            .where(cond if include_inactive else and_(col(Recipient.active), cond))
            .order_by(
                case((where == 0, MAX_LENGTH + 1), else_=where),  # 0: found by a phone tail alone
                func.length(Recipient.name),
                col(Recipient.name),
                col(Recipient.id),
            )
            .limit(FETCH)
        ).all()
        phones = masked_phones(session, [r.id for r in rows if r.id is not None])
    found = [
        Match(
            id=r.id or 0,
            name=r.name if not r.preferred_name else f"{r.name} ({r.preferred_name})",
            external_id=r.external_id,
            location="-".join(p for p in (r.building, r.unit, r.room) if p) or (r.department or ""),
            phone=(phones.get(r.id or 0) or (None,))[0],
            consent=r.consent,
            delivery_preference=r.delivery_preference,
            rank=_rank(r.search_name, query),
            consent_recorded=r.consent_at is not None,
            active=r.active,
        )
        for r in rows
    ]
    found.sort(key=lambda m: m.rank)  # stable: the query's order within a rank
    return found[:limit]


# -- parcels with a name and no directory entry ("who is this?") ----------------------------------------


@dataclass(frozen=True)
class Unmatched:
    parcel_id: int
    pickup_code: str
    location: str
    carrier: str
    carrier_name: str  # its short name (the label's), as every counter list names a carrier
    waybill: str
    name: str  # as typed at check-in ("" for a parcel listed for its shared phone alone)
    masked_phone: str | None
    checked_in_at: datetime
    shared_phone: bool = False  # its full phone is two or more active people's: nobody was guessed
    search: str = ""  # what the dialog searches the directory for first: the name, else the phone's tail

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _shared_phones() -> Any:
    """The full phones two or more active people share (check-in links none of them)."""
    return (
        sa_select(col(RecipientPhone.phone_full))
        .join(Recipient, col(Recipient.id) == RecipientPhone.recipient_id)
        .where(col(Recipient.active), col(RecipientPhone.phone_full).is_not(None))
        .group_by(col(RecipientPhone.phone_full))
        .having(func.count(func.distinct(RecipientPhone.recipient_id)) > 1)
    )


def unmatched(station: Station, *, limit: int = 500) -> list[Unmatched]:
    """Parcels on the shelves matched to no one, oldest first: checked in with a name that matched
    nobody, or with a full phone two active people share."""
    require(station, "view")
    with station.read() as session:
        named = and_(col(Parcel.recipient_name).is_not(None), col(Parcel.recipient_name) != "")
        # Selected as well as filtered on: a named parcel may have a shared phone too, said in its row.
        shared = col(Parcel.phone_full).in_(_shared_phones())
        rows = session.execute(
            sa_select(
                Parcel, col(Carrier.code), col(Carrier.short_name), col(Shelf.label), col(Layer.label), shared
            )
            .join(Carrier, col(Carrier.id) == Parcel.carrier_id)
            .outerjoin(Shelf, col(Shelf.id) == Parcel.shelf_id)
            .outerjoin(Layer, col(Layer.id) == Parcel.layer_id)
            .where(
                col(Parcel.status) == ParcelStatus.ON_SHELF,
                col(Parcel.recipient_id).is_(None),
                or_(named, shared),
            )
            .order_by(col(Parcel.checked_in_at), col(Parcel.id))
            .limit(limit)
        ).all()
    return [
        Unmatched(
            parcel_id=p.id or 0,
            pickup_code=p.pickup_code or "",
            location=f"{shelf or '?'}-{layer or '?'}",
            carrier=carrier,
            carrier_name=carrier_name,
            waybill=p.waybill,
            name=p.recipient_name or "",
            masked_phone=p.masked_phone,
            checked_in_at=p.checked_in_at,
            shared_phone=bool(is_shared),
            search=p.recipient_name or p.phone_tail or "",
        )
        for p, carrier, carrier_name, shelf, layer, is_shared in rows
    ]


def link(station: Station, parcel_id: int, recipient: str | int) -> Linked:
    """The clerk says who a parcel on the shelf is for (from the "who is this?" list, or any parcel)."""
    require(station, "link_recipient")

    def work(session: Session) -> Linked:
        parcel = session.get(Parcel, parcel_id)
        if parcel is None:
            raise NotFound(N_("No parcel with id {id}."), code="no_parcel", id=parcel_id)
        return link_in(session, station, parcel, find_row(session, recipient))

    return station.run(work)


def name(station: Station, parcel_id: int, text: str) -> str:
    """The clerk typed who a parcel on the shelf is for and nobody in the directory matched: the name
    is kept (shown, not markup) and the parcel waits in the "who is this?" list."""
    require(station, "link_recipient")
    given = " ".join(text.split())[: name_limit.NAME_MAX]
    if not given:
        raise Refused(N_("Type the recipient's name."), code="name_needed")

    def work(session: Session) -> str:
        parcel = session.get(Parcel, parcel_id)
        if parcel is None:
            raise Refused(N_("That parcel is not on the shelf."), code="not_on_shelf")
        if parcel.status != ParcelStatus.ON_SHELF:
            raise gone_from_shelf(parcel)
        parcel.recipient_name = given
        session.add(parcel)
        audit.record(
            session,
            station,
            EventKind.RECIPIENT_NAMED,
            parcel_id=parcel.id,
            details={"code": parcel.pickup_code},
        )
        return given

    return station.run(work)
