"""Closing a stocktake (盘库) with the fixes the clerk accepts, all in one transaction with the
`stocktake_closed` event: relocate (a move to where it was found; not of a parcel moved since its scan,
`_moved_since`), mark missing (problem kind `missing`; not of a parcel moved, checked in or back (a
pickup undone, a failed door delivery) onto its layer since that layer was last counted, `_moved_in`);
a missing-flagged parcel that was found again is cleared. Checking in an extra the station has no
record of is a full check-in (new code, label, message), in that same transaction, with the
stocktake's row locked: a close at another counter meanwhile waits, and is refused, leaving none of its
parcels checked in. An
extra whose record says it left (picked up, returned, written off) is no new arrival: someone may have
been handed the wrong parcel. It is only put back (`put_back`: the same customer's parcel, its phone and
recipient kept (`put_back_row.py`); new code and label, no message to the customer or carrier), never
re-checked-in as new, and flagged a problem (kind `put_back`, saying when and by whom it left) in
the put-back's own transaction, so the manager finds it on Problems. The result is stored in
`Stocktake.result` for the day's report. A fix that cannot be applied is kept with why, in the reader's
language (`stored_messages`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from db.models import (
    Clerk,
    EventKind,
    Parcel,
    ParcelEvent,
    ParcelStatus,
    ProblemKind,
    Stocktake,
    StocktakeScan,
)
from station_console.errors import Refused, StationError
from station_console.i18n import N_, _
from station_console.services.checkin.transaction import check_in
from station_console.services.core import audit
from station_console.services.core.local_times import short_when
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.exceptions import problems, put_back_row
from station_console.services.exceptions.stocktake import view
from station_console.services.exceptions.stocktake_view import CLASSES, Item, View, stocktake_in, view_in
from station_console.services.shelves import moves, slots
from station_console.services.shelves.locations import is_layer
from station_console.stored_messages import to_store


def close(
    station: Station,
    stocktake_id: int,
    *,
    relocate: Iterable[str] = (),
    mark_missing: Iterable[str] = (),
    recheck_in: Iterable[str] = (),
    put_back: Iterable[str] = (),
) -> View:
    """Close with the fixes the clerk accepted (waybills per fix; see `all_fixes`)."""
    require(station, "stocktake")
    relocate, mark_missing, recheck_in = set(relocate), set(mark_missing), set(recheck_in)
    put_back = set(put_back)
    if put_back:
        require(station, "put_back")
    if view(station, stocktake_id).status == "closed":
        raise Refused(N_("Stocktake {id} is already closed."), code="stocktake_closed", id=stocktake_id)
    settings = station.settings()

    def work(session: Session) -> None:
        take = _locked(session, stocktake_id, station.zone(), station.now())
        before = view_in(session, take, zone=station.zone())  # what is fixed: as it reads under the lock
        failed: list[dict[str, str]] = []
        rechecked, put = _recheck(session, station, before, recheck_in, put_back, failed)
        current = view_in(session, take, zone=station.zone())
        now = station.now()
        fixes: dict[str, Any] = {
            "relocated": [],
            "marked_missing": [],
            "rechecked": rechecked,
            "put_back": put,
            "flagged_left": _flag_not_put_back(session, station, before, {p["waybill"] for p in put}, now),
            "found_again": [],
        }
        for record in session.exec(select(StocktakeScan).where(StocktakeScan.stocktake_id == take.id)).all():
            parcel = session.get(Parcel, record.parcel_id) if record.parcel_id else None
            if parcel is None or parcel.status != ParcelStatus.ON_SHELF:
                continue
            if parcel.problem_kind == ProblemKind.MISSING:
                problems.resolve_in_session(session, station, parcel, at=now, stocktake=take.id)
                fixes["found_again"].append(parcel.waybill)
            if record.waybill in relocate and record.classification in ("wrong_layer", "wrong_shelf"):
                _relocate(session, station, settings, parcel, record, now, fixes, failed)
        for item in current.items["missing"]:
            if item.waybill in mark_missing:
                parcel = session.exec(
                    select(Parcel).where(
                        Parcel.waybill == item.waybill, Parcel.status == ParcelStatus.ON_SHELF
                    )
                ).first()
                if parcel is not None and (since := _moved_in(session, station, take, parcel, now)):
                    failed.append(_failure(item.waybill, "mark_missing", since))
                elif parcel is not None:
                    # A note like one a clerk types: in the language of whoever closed the stocktake
                    # ("stocktake 1" read as English in a Chinese list).
                    note = _("Not found at stocktake {id}", id=take.id)
                    problems.mark_in_session(session, station, parcel, ProblemKind.MISSING, note)
                    fixes["marked_missing"].append(item.waybill)
        fixes["failed"] = failed
        result = {
            "scope": current.scope,
            "counts": current.counts,
            **{c: [asdict(i) for i in current.items[c]] for c in CLASSES if c != "match"},
            "matched": [i.waybill for i in current.items["match"]],
            "fixes": fixes,
        }
        take.status, take.closed_at, take.closed_by = "closed", now, station.clerk_id
        take.business_day = station.business_day(now, session=session)  # counted on the day it closed
        take.result = result
        session.add(take)
        audit.record(
            session,
            station,
            EventKind.STOCKTAKE_CLOSED,
            at=now,
            details={
                "stocktake": take.id,
                "scope": current.scope,
                "counts": current.counts,
                "fixes": {k: len(v) for k, v in fixes.items()},
            },
        )

    station.run(work)
    return view(station, stocktake_id)


def _locked(session: Session, stocktake_id: int, zone: tzinfo, now: datetime) -> Stocktake:
    """The stocktake's row, locked until the commit (PostgreSQL; SQLite's write transaction holds the
    file): a close at another counter waits, then reads it closed and is refused, changing nothing.
    A scan into it share-locks the row (`stocktake._scanning`): the close waits for the scans under
    way, so its result has them, and a scan arriving during the close waits for it and is refused."""
    query = (
        select(Stocktake)
        .where(Stocktake.id == stocktake_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    take = session.exec(query).first()
    if take is None:
        return stocktake_in(session, stocktake_id)  # refused: there is none
    if take.status == "closed":
        clerk = session.get(Clerk, take.closed_by) if take.closed_by else None
        raise Refused(
            N_(
                "Stocktake {id} was closed by {clerk} at {at} while this close was being made: "
                "nothing was changed. Its result shows what that close fixed."
            ),
            code="stocktake_closed",
            id=stocktake_id,
            clerk=clerk.name if clerk else "?",
            at=short_when(take.closed_at, zone, now) if take.closed_at else "?",
        )
    return take


def _relocate(
    session: Session,
    station: Station,
    settings: Any,
    parcel: Parcel,
    record: StocktakeScan,
    now: datetime,
    fixes: dict[str, Any],
    failed: list[dict[str, str]],
) -> None:
    if record.found_layer_id is None:
        failed.append(
            _failure(parcel.waybill, "relocate", N_("The layer it was found on was not given at the scan"))
        )
        return
    if (since := _moved_since(session, station, parcel, record, now)) is not None:
        failed.append(_failure(parcel.waybill, "relocate", since))
        return
    slot = next((s for s in slots.slots(session) if s.layer_id == record.found_layer_id), None)
    if slot is None:
        failed.append(_failure(parcel.waybill, "relocate", N_("The layer it was found on is retired")))
        return
    try:
        with session.begin_nested():  # a refused move leaves nothing half-done
            moved = moves.move_in_session(session, station, settings, parcel, slot, now, reason="stocktake")
    except StationError as exc:
        failed.append(_failure(parcel.waybill, "relocate", exc))
        return
    fixes["relocated"].append(moved.to_json())


def _moved_since(
    session: Session, station: Station, parcel: Parcel, record: StocktakeScan, now: datetime
) -> Refused | None:
    """Why a parcel moved (at another counter, by a clerk) since it was scanned here is not moved back:
    that move is newer than the scan, so the close would undo it on the strength of an older look (its
    new code and label lost again, the record naming a layer it may no longer stand on)."""
    return _arrived_after(
        session,
        station,
        parcel,
        (record.scanned_at, record.seen_event_id),
        now,
        {EventKind.MOVED: N_("Moved to {to} at {at}, after it was scanned here: not moved back.")},
        "moved_since_scan",
    )


# How a parcel came onto its layer after that layer was last counted, by its event: why it is not
# marked missing.
_ARRIVED_SINCE_COUNT: dict[str, str] = {
    EventKind.MOVED: N_("Moved to {to} at {at}, after that layer was last counted here: not marked missing."),
    EventKind.CHECKED_IN: N_(
        "Checked in onto {to} at {at}, after that layer was last counted here: not marked missing."
    ),
    EventKind.PICKUP_UNDONE: N_(
        "Back on {to} at {at}, its pickup undone after that layer was last counted here: not marked missing."
    ),
    EventKind.DELIVERY_FAILED: N_(
        "Back on {to} at {at} from a door run, after that layer was last counted here: not marked missing."
    ),
}


def _moved_in(
    session: Session, station: Station, take: Stocktake, parcel: Parcel, now: datetime
) -> Refused | None:
    """Why a parcel moved, checked in or back (its pickup undone, a door run's delivery failed) onto its
    layer after this stocktake last looked there is not marked missing: nobody has counted that layer
    since it arrived, so not having scanned it says nothing. The last look is the latest scan found on
    that layer (or on a layer not said), else the stocktake's start: the latest written, as the
    counters' clocks may disagree."""
    looked = session.exec(
        select(StocktakeScan.scanned_at, StocktakeScan.seen_event_id)
        .where(
            StocktakeScan.stocktake_id == take.id,
            or_(
                col(StocktakeScan.found_layer_id) == parcel.layer_id,
                col(StocktakeScan.found_layer_id).is_(None),
            ),
        )
        .order_by(col(StocktakeScan.id).desc())
    ).first()
    look = (looked[0], looked[1]) if looked else (take.started_at, take.seen_event_id)
    return _arrived_after(session, station, parcel, look, now, _ARRIVED_SINCE_COUNT, "moved_in_since_count")


def _arrived_after(
    session: Session,
    station: Station,
    parcel: Parcel,
    look: tuple[datetime, int | None],
    now: datetime,
    why: dict[str, str],
    code: str,
) -> Refused | None:
    """The refusal `why[kind]` naming where and when the parcel's latest event of those kinds after the
    look (its time, and the newest event id it saw: `moves.last_moves`) put it, if there was one."""
    since, seen = look
    arrived = moves.last_moves(session, [parcel.id or 0], since, after_event=seen, kinds=tuple(why)).get(
        parcel.id or 0
    )
    if arrived is None:
        return None
    return Refused(
        why[arrived.kind],
        code=code,
        to=_where_it_arrived(session, parcel, arrived),
        at=short_when(arrived.at, station.zone(), now),
    )


def _where_it_arrived(session: Session, parcel: Parcel, event: ParcelEvent) -> str:
    """The place `event` put the parcel: a move's and a check-in's say it; one back on the layer it left
    (a pickup undone, a door delivery failed) does not, and it is where the parcel stands now."""
    if event.kind == EventKind.MOVED:
        return str(event.details.get("to", "?"))
    if event.kind == EventKind.CHECKED_IN:
        return f"{event.details.get('shelf', '?')}-{event.details.get('layer', '?')}"
    return moves.location_of(session, parcel)


def _failure(waybill: str, fix: str, why: StationError | str) -> dict[str, str]:
    """A fix that could not be applied: why in English (the stored result, JSON) and as a stored
    message, which `stored_messages.stored_text` shows in the language of whoever reads it."""
    english = why.message("en") if isinstance(why, StationError) else why
    return {"waybill": waybill, "fix": fix, "reason": english, "message": to_store(why)}


def _recheck(
    session: Session,
    station: Station,
    before: View,
    waybills: set[str],
    put_back: set[str],
    failed: list[dict[str, str]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Extras checked in (unknown here: never "again") and put back (recorded as having left), in the
    close's transaction; one refused is kept with why, and leaves nothing half-done."""
    rechecked: list[dict[str, Any]] = []
    put: list[dict[str, Any]] = []
    for item in before.items["extra"]:
        fix = "put_back" if item.left else "recheck_in"
        if item.waybill not in (put_back if item.left else waybills):
            if item.left and item.waybill in waybills:  # as if new, with a message: never
                failed.append(_failure(item.waybill, "recheck_in", _left_refusal(item)))
            continue
        earlier, found_on = put_back_row.earlier_row(session, before.id, item.waybill)
        # A put-back is the same customer's parcel: its phone, recipient, name and size go back on with
        # it. A stray's earlier row, if it has one (a cancelled check-in), is no one's to keep.
        kept = put_back_row.kept(session, earlier) if item.left else {}
        try:
            with session.begin_nested():
                result = check_in(
                    station,
                    item.waybill,
                    carrier=item.carrier,
                    put_back_at_stocktake=before.id if item.left else None,
                    put_back_note=_put_back_note(item, before.id) if item.left else "",
                    session=session,
                    # It stays on the layer it was found on, when that layer takes its size and has
                    # room: a put-back and a stray alike; else the usual assignment.
                    wanted_layer=found_on,
                    **kept,
                )
        except StationError as exc:
            failed.append(_failure(item.waybill, fix, exc))
            continue
        if item.left:
            _cleared_when_put_back(session, station, earlier, before.id)
        done = {
            "waybill": item.waybill,
            "pickup_code": result.pickup_code,
            "location": result.location,
            "stays": result.location == item.found,  # the clerk need not move it
        }
        if item.left:  # the day report finds its row, and its carrier's fee leaves it out (day/put_backs.py)
            put.append({**done, "parcel_id": result.parcel_id, "carrier": result.carrier})
        else:
            rechecked.append(done)
    return rechecked, put


def _flag_not_put_back(
    session: Session, station: Station, before: View, put: set[str], now: datetime
) -> list[str]:
    """Each extra recorded as having left that this close did not put back (a clerk may not; a manager
    may choose not to, or its put-back failed) is flagged 'found after it left' on the row that says it
    left, so the manager finds it on Problems: a wrong parcel may have been handed out. The flag is
    resolved by saying where it went, or by putting it back at a stocktake (which clears it)."""
    flagged: list[str] = []
    for item in before.items["extra"]:
        if not item.left or item.waybill in put:
            continue
        earlier, _layer = put_back_row.earlier_row(session, before.id, item.waybill)
        if earlier is None or earlier.status == ParcelStatus.ON_SHELF:
            continue  # back on the shelves meanwhile (a pickup undone): nothing gone to flag
        if earlier.problem_kind != ProblemKind.PUT_BACK:  # an earlier stocktake's flag still waits: kept
            note = _put_back_note(item, before.id) + _(". Not put back: set aside for a manager")
            problems.mark_in_session(
                session, station, earlier, ProblemKind.PUT_BACK, note, stocktake=before.id
            )
        flagged.append(item.waybill)
    return flagged


def _cleared_when_put_back(
    session: Session, station: Station, earlier: Parcel | None, stocktake_id: int
) -> None:
    """A put-back clears the flag an earlier close left on the row that said it left: the put-back's
    own row carries the check on from here."""
    if (
        earlier is not None
        and earlier.problem_kind == ProblemKind.PUT_BACK
        and earlier.status != ParcelStatus.ON_SHELF
    ):
        problems.resolve_in_session(
            session,
            station,
            earlier,
            stocktake=stocktake_id,
            note=_("Put back at stocktake {id}", id=stocktake_id),
        )


def _put_back_note(item: Item, stocktake_id: int) -> str:
    """The put-back's problem note, in the language of whoever closed the stocktake (as a typed note):
    when and by whom it left, and who found it at which counter (a scan from before these were kept
    names no one)."""
    at, by = item.left_at or "?", item.left_by or "?"
    if item.scanned_by is not None:
        return _(
            _found_by_words(item.status),
            id=stocktake_id,
            at=at,
            clerk=by,
            finder=item.scanned_by,
            counter=item.scanned_counter or "?",
        )
    if item.status == ParcelStatus.RETURNED:
        words = N_(
            "Found on the shelf at stocktake {id} after it was recorded as returned to the courier on {at} by {clerk}"
        )
    elif item.status == ParcelStatus.WRITTEN_OFF:
        words = N_(
            "Found on the shelf at stocktake {id} after it was recorded as written off on {at} by {clerk}"
        )
    else:
        words = N_(
            "Found on the shelf at stocktake {id} after it was recorded as picked up on {at} by {clerk}"
        )
    return _(words, id=stocktake_id, at=at, clerk=by)


def _found_by_words(status: str | None) -> str:
    if status == ParcelStatus.RETURNED:
        return N_(
            "Found on the shelf at stocktake {id} by {finder} at {counter} after it was recorded as "
            "returned to the courier on {at} by {clerk}"
        )
    if status == ParcelStatus.WRITTEN_OFF:
        return N_(
            "Found on the shelf at stocktake {id} by {finder} at {counter} after it was recorded as "
            "written off on {at} by {clerk}"
        )
    return N_(
        "Found on the shelf at stocktake {id} by {finder} at {counter} after it was recorded as "
        "picked up on {at} by {clerk}"
    )


def _left_refusal(item: Item) -> Refused:
    return Refused(
        N_(
            "{waybill} is recorded as having left the station on {at}: it is not checked in as new. "
            "Put it back (no message to the customer) or set it aside for the manager."
        ),
        code="recorded_as_left",
        waybill=item.waybill,
        at=item.left_at or "?",
    )


def all_fixes(current: View) -> dict[str, list[str]]:
    """Every fix the stocktake offers, for a clerk who accepts them all."""
    return {
        "relocate": [
            i.waybill
            for c in ("wrong_layer", "wrong_shelf")
            for i in current.items[c]
            if i.found and is_layer(i.found)
        ],
        "mark_missing": [i.waybill for i in current.items["missing"]],
        "recheck_in": [
            i.waybill
            for i in current.items["extra"]
            if not i.outgoing_send and not i.left and not i.out_on_run
        ],
        "put_back": [i.waybill for i in current.items["extra"] if i.left],
    }
