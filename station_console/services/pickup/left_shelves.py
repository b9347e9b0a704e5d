"""Pickup lookups that find nothing on the shelves: how and when the parcel left.

A waybill or a single code that names no parcel on the shelves says when and how the last parcel
with it left (picked up, and how; returned; written off), however long ago, never by whom. Each
query is on an index of its own (`ix_parcel_code_left`, `uq_parcel_waybill_on_shelf`); the lookup
itself is in `lookup.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, literal_column
from sqlalchemy import select as columns
from sqlmodel import col

from db.models import CodeHold, Parcel, ParcelStatus, PickupMethod, ProxyPickup
from db.models.parcels import LEFT_STATUSES
from station_console.errors import NotFound
from station_console.i18n import N_, Later, get_language, translate
from station_console.safe_text import cut
from station_console.services.core.station import Station
from station_console.services.pickup.query import ParsedQuery

# How a parcel left, as the clerk reads it (never who: nothing personal). Not the pickup methods'
# labels (event_detail_labels.PICKUP_METHOD_LABELS): these codes are ways off the shelves, returns and
# write-offs among them, each said as what happened to the parcel, a clause of the refusal's sentence.
HOW_IT_LEFT: dict[str, str] = {
    PickupMethod.CODE: N_("picked up with its pickup code"),
    PickupMethod.PHONE: N_("picked up with the recipient's phone"),
    PickupMethod.WAYBILL: N_("picked up by its waybill number"),
    PickupMethod.OVERRIDE: N_("handed out by a clerk's override"),
    PickupMethod.DOOR: N_("delivered to the recipient's door"),
    PickupMethod.PROXY: N_("picked up by a proxy"),
    ParcelStatus.RETURNED: N_("returned to the carrier"),
    ParcelStatus.WRITTEN_OFF: N_("written off"),
}


@dataclass(frozen=True)
class _Words(Later):
    """A catalogue entry as a refusal's parameter, in the language the refusal is shown in."""

    msgid: str

    def message(self, lang: str | None = None) -> str:
        return translate(self.msgid, lang or get_language())


_LEFT_COLUMNS = (
    col(Parcel.id),
    col(Parcel.status),
    col(Parcel.pickup_method),
    col(Parcel.picked_up_at),
    col(Parcel.returned_at),
    col(Parcel.written_off_at),
)
# Written as the partial index ix_parcel_code_left writes it: SQLite uses that index only then.
_LEFT = col(Parcel.status).in_([literal_column(f"'{s.value}'") for s in LEFT_STATUSES])


def _newest_left(column: Any) -> Any:
    """The newest parcel that left with `column` equal to :value (a waybill or a code can recur)."""
    return (
        columns(*_LEFT_COLUMNS)
        .where(column == bindparam("value"), _LEFT)
        .order_by(col(Parcel.id).desc())
        .limit(1)
    )


_LEFT_BY_WAYBILL = _newest_left(col(Parcel.waybill))  # on uq_parcel_waybill_on_shelf, led by the waybill
_LEFT_BY_CODE = _newest_left(col(Parcel.pickup_code))  # on ix_parcel_code_left
# A code a move replaced names its parcel in its hold: that parcel no longer carries the code.
_MOVED_FROM = columns(col(CodeHold.parcel_id)).where(col(CodeHold.code) == bindparam("code"))
_LEFT_BY_ID = columns(*_LEFT_COLUMNS).where(col(Parcel.id) == bindparam("parcel_id"), _LEFT)
# The proxy record of its last pickup: one older than it is of a pickup undone since (proxy.collectors).
_BY_PROXY = (
    columns(col(ProxyPickup.id))
    .where(col(ProxyPickup.parcel_id) == bindparam("parcel_id"), col(ProxyPickup.at) >= bindparam("at"))
    .limit(1)
)


def _last_left(conn: Connection, parsed: ParsedQuery) -> Any:
    """The parcel a waybill or a single code last named, when it has left the shelves; None otherwise.

    Asked only when no parcel on the shelves answers the query: a code given to a new parcel finds
    that one, never the last customer's.
    """
    if parsed.shape == "waybill":
        return conn.execute(_LEFT_BY_WAYBILL, {"value": parsed.values[0]}).first()
    if parsed.shape != "code":
        return None
    code = parsed.values[0]
    # A later release of the code (an exit, a move, an undone check-in) rewrites its hold, so a hold
    # that still names a moved parcel names the last one that had the code.
    moved_from = conn.execute(_MOVED_FROM, {"code": code}).scalar()
    found = conn.execute(_LEFT_BY_ID, {"parcel_id": moved_from}).first() if moved_from is not None else None
    return found if found is not None else conn.execute(_LEFT_BY_CODE, {"value": code}).first()


def left_refusal(conn: Connection, station: Station, parsed: ParsedQuery) -> NotFound | None:
    """The refusal that says how and when the parcel a waybill or a single code last named left the
    shelves; None when it names none that left. Asked only when nothing on the shelves answered."""
    found = _last_left(conn, parsed)
    if found is None:
        return None
    query = parsed.values[0]
    parcel_id, status, method, picked_up_at, returned_at, written_off_at = found
    if status == ParcelStatus.PICKED_UP:
        proxy = (
            method != PickupMethod.DOOR
            and conn.execute(_BY_PROXY, {"parcel_id": parcel_id, "at": picked_up_at}).first()
        )
        how, at = ("proxy" if proxy else method), picked_up_at
    else:
        how, at = status, returned_at if status == ParcelStatus.RETURNED else written_off_at
    return NotFound(
        N_("{query} is no longer on the shelves: {how}, {when}."),
        code="left",
        query=cut(query, 40),
        how=_Words(HOW_IT_LEFT.get(how, N_("left the shelves"))),
        when=at.astimezone(station.zone()).strftime("%Y-%m-%d %H:%M") if at else "?",
    )
