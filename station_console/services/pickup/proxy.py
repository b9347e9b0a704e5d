"""Proxy pickup (代取): someone collects a parcel for its recipient.

Allowed, parcel by parcel, when that parcel's pickup code was presented (whoever has the code may
collect it, as at any station), or, without its code, only when its recipient allows proxies in the
directory (their choice `proxy`, or proxies allowed). One code releases its own parcel, not the
person's others: a code is the secret the recipient passed on for that parcel, and their other
parcels (and the other phones they came with) are theirs to share. The clerk records the proxy's name and phone tail, and the last four of
their ID card where the station's policy says (`proxy_id_check`). The record is its own row (the
purge blanks the name after the keep period), referenced from the `picked_up` event, and shown in the
parcel's timeline.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from db import fast
from db.models import Parcel, ProxyPickup, Recipient
from station_console import name_limit
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.safe_text import printable
from station_console.services.checkin.phones import parse_phone
from station_console.services.core.free_text import says_something
from station_console.services.core.name_masking import mask_name
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.settings import StationSettings

PHONE_SHAPES = N_(
    "The proxy's phone: its last 4 digits, or their whole mobile number (11 digits, or + country code)."
)
_ID_LAST4 = re.compile(r"^[0-9]{3}[0-9X]$")


@dataclass(frozen=True)
class Proxy:
    name: str
    phone_tail: str
    id_last4: str | None = None


def checked(proxy: Proxy, settings: StationSettings) -> Proxy:
    """The proxy as it will be recorded; refuses a missing or malformed part."""
    name = printable(proxy.name)
    if not says_something(name):  # `[/]` names nobody, and lists would mask it as itself
        raise Refused(N_("Type the proxy's name."), code="proxy_name_required")
    name_limit.within_limit(name)
    tail = phone_tail(proxy.phone_tail)
    id_last4 = (proxy.id_last4 or "").strip().upper() or None
    if id_last4 is not None and not _ID_LAST4.match(id_last4):
        raise Refused(
            N_("The last 4 of an ID card are 4 digits, or 3 digits and X."), code="proxy_id_invalid"
        )
    if id_last4 is None and settings.proxy_id_check == "always":
        raise Refused(
            N_("This station records the last 4 of the proxy's ID card: type them."),
            code="proxy_id_required",
        )
    return Proxy(name=name, phone_tail=tail, id_last4=id_last4)


def phone_tail(typed: str | None) -> str:
    """The proxy's phone tail: 4 digits as typed, or the tail of their whole number, read as the house
    reads a phone (`parse_phone`). Anything else is refused: `12345` was kept as `2345`, a tail cut from
    a number that is no phone. A virtual number's tail is its extension, as Pickup's tail search reads
    it: 4 digits, never one of 3 padded (`-846` was kept as `0846`) nor one of 5 cut."""
    text = (typed or "").strip()
    if not text:
        raise Refused(N_("Type the last 4 digits of the proxy's phone."), code="proxy_tail_required")
    try:
        phone = parse_phone(text)
    except Refused:
        raise Refused(PHONE_SHAPES, code="proxy_phone_invalid") from None
    extension = (phone.full or "").partition("-")[2]  # a virtual number's, stored `NUMBER-EXT`
    if extension and len(extension) != 4:
        raise Refused(PHONE_SHAPES, code="proxy_phone_invalid")
    return phone.tail


def collectable(session: Session, parcels: Iterable[Parcel], codes: Collection[str]) -> list[Parcel]:
    """The `parcels` a proxy may collect: those whose pickup code was presented (`codes`), and those
    whose recipient allows proxies."""
    parcels = list(parcels)
    ids = {p.recipient_id for p in parcels if p.recipient_id is not None and p.pickup_code not in codes}
    allowing = (
        {
            r.id
            for r in session.exec(select(Recipient).where(col(Recipient.id).in_(ids))).all()
            if r.proxy_allowed or r.delivery_preference == "proxy"
        }
        if ids
        else set()
    )
    return [p for p in parcels if p.pickup_code in codes or p.recipient_id in allowing]


def check_allowed(session: Session, parcels: Iterable[Parcel], *, codes: Collection[str]) -> None:
    """Refuse a proxy for a parcel whose code was not presented and whose recipient does not allow
    proxies."""
    parcels = list(parcels)
    may = {p.id for p in collectable(session, parcels, codes)}
    refused = [p.waybill for p in parcels if p.id not in may]
    if refused:
        raise Refused(
            N_(
                "A proxy may collect {waybills} only with the pickup code: the recipient has not "
                "allowed proxies."
            ),
            code="proxy_not_allowed",
            waybills=", ".join(refused),
        )


@dataclass(frozen=True)
class Allowed:
    """A proxy checked at the counter, and which of the listed parcels they may collect."""

    proxy: Proxy
    parcel_ids: tuple[int, ...]


def check_for(
    station: Station, proxy: Proxy, customers: Sequence[Sequence[int]], *, codes: Collection[str]
) -> Allowed:
    """The proxy as the handover will record it, checked while they are at the counter, with the
    parcels of the `customers` (each a recipient's parcel ids) they may collect: those whose code was
    presented (`codes`) and those whose recipient allows proxies. Refused as the handover would refuse
    it when there are none. The handover checks the parcels again, in its own transaction."""
    require(station, "pickup")
    proxy = checked(proxy, station.settings())
    wanted = [i for ids in customers for i in ids]
    with station.read() as session:
        found = session.exec(select(Parcel).where(col(Parcel.id).in_(wanted))).all()
        may = {p.id for p in collectable(session, found, codes)}
        if not may:
            check_allowed(session, found, codes=codes)  # none may: refused, naming them
    return Allowed(proxy, tuple(i for i in wanted if i in may))


def record_in(session: Session, station: Station, parcel_id: int, proxy: Proxy, *, by_code: bool) -> int:
    """The proxy's record for one parcel, in the pickup's transaction; returns its id."""
    return fast.insert(
        session,
        ProxyPickup(
            parcel_id=parcel_id,
            name=proxy.name,
            phone_tail=proxy.phone_tail,
            id_last4=proxy.id_last4,
            by_code=by_code,
            at=station.now(),
            clerk_id=station.clerk_id,
            counter=station.counter,
        ),
    )


def collectors(session: Session, picked_up: Mapping[int, datetime]) -> dict[int, str]:
    """Who collected each parcel for its recipient in its last pickup (parcel id -> when), masked as lists
    show a person (`张** ****5678`; a purged name leaves the tail). A record older than the pickup is
    of one undone since."""
    if not picked_up:
        return {}
    rows = session.exec(
        select(ProxyPickup)
        .where(col(ProxyPickup.parcel_id).in_(list(picked_up)))
        .order_by(col(ProxyPickup.at), col(ProxyPickup.id))
    ).all()
    found: dict[int, str] = {}
    for row in rows:  # oldest first: the last record of a pickup wins
        if row.at >= picked_up[row.parcel_id]:
            found[row.parcel_id] = " ".join(
                part for part in (mask_name(row.name), f"****{row.phone_tail}") if part
            )
    return found
