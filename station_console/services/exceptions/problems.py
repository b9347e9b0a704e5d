"""Problem parcels: damaged, refused, wrong address, unreadable label; missing, also from a stocktake;
put back, only from a stocktake (a clerk cannot flag it by hand).

A problem parcel stays `on_shelf` and keeps counting on its layer; `problem_kind` flags it on every
list. It is resolved (flag cleared) or written off by a manager with a reason (`written_off`, its slot
released, its pending messages withdrawn).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from db.models import EventKind, Parcel, ParcelStatus
from db.models.parcels import LEFT_STATUSES  # the ways off the shelves, one list for every flow
from station_console.errors import Refused
from station_console.field_labels import Choices
from station_console.i18n import N_
from station_console.services.core import audit
from station_console.services.core.free_text import REASON, NoteRule
from station_console.services.core.recalls import is_recalled
from station_console.services.core.roles import refusal, require, require_manager
from station_console.services.core.station import Station
from station_console.services.exceptions.problem_kinds import HAND_KINDS, KIND_LABELS, KINDS, STOCKTAKE_KINDS
from station_console.services.shelves.leaving import leave_shelf
from station_console.services.shelves.search import (
    ParcelRow,
    find_parcel,
    parcel_candidates,
    require_on_shelf,
    rows_for,
    status_text,
)

PROBLEM_NOTE = NoteRule(N_("Note"), 500)  # what is wrong: the problem_note column's length
RESOLVE_NOTE = NoteRule(N_("Note"), 500, required=False)
# A 'found after it left' flag on a parcel that is not on the shelves (set aside at a stocktake, not put
# back) is resolved by saying where it went: no other record of it will.
WHERE_IT_WENT = NoteRule(N_("Note"), 500)


def mark_in_session(
    session: Session,
    station: Station,
    parcel: Parcel,
    kind: str,
    note: str,
    *,
    rule: NoteRule = PROBLEM_NOTE,
    **details: Any,
) -> None:
    """Flag a parcel on the shelves inside the caller's transaction (`rule`: how its note is read;
    `details` join the event's). A stocktake's kind may flag a parcel recorded as having left: found on
    the shelf and not put back, its own row carries the flag to the manager (`stocktake_close`)."""
    if kind not in KINDS:
        raise Refused(N_("Problem kind: use {kinds}."), code="bad_kind", kinds=Choices(KINDS, KIND_LABELS))
    found_after_left = kind in STOCKTAKE_KINDS and parcel.status in LEFT_STATUSES  # flagged on its own row
    if not found_after_left and (not is_recalled(kind) or parcel.status != ParcelStatus.ON_SHELF):
        # A recall may come while a runner has it: flagged, the runner brings it back (delivery/recalled.py).
        require_on_shelf(parcel)
    note = rule.read(note)
    now = station.now()
    previous, previous_note = parcel.problem_kind, parcel.problem_note  # kept in the trail, not lost
    parcel.problem_kind, parcel.problem_note, parcel.problem_at = kind, note, now
    session.add(parcel)
    session.flush()  # the version check before the audit chain is locked
    audit.record(
        session,
        station,
        EventKind.PROBLEM_MARKED,
        parcel_id=parcel.id,
        at=now,
        details={
            "waybill": parcel.waybill,
            "kind": kind,
            "note": note,
            "previous": previous,
            "previous_note": previous_note,
            **details,
        },
    )


def mark(station: Station, ref: str, kind: str, note: str) -> ParcelRow:
    """Flag the parcel a waybill or code names by hand; a note saying what is wrong is required. A
    stocktake's kinds (`STOCKTAKE_KINDS`) are not a clerk's to pick."""
    require(station, "problems")
    if kind in STOCKTAKE_KINDS:
        raise Refused(
            N_("Only a stocktake flags {kind}, as it puts the parcel back; by hand, use {kinds}."),
            code="stocktake_kind",
            kind=Choices((kind,), KIND_LABELS),
            kinds=Choices(HAND_KINDS, KIND_LABELS),
        )
    if kind not in HAND_KINDS:
        raise Refused(
            N_("Problem kind: use {kinds}."), code="bad_kind", kinds=Choices(HAND_KINDS, KIND_LABELS)
        )

    def work(session: Session) -> ParcelRow:
        parcel = find_parcel(session, ref, on_shelf=True)
        if parcel.problem_kind in STOCKTAKE_KINDS:
            # A hand flag would replace the put-back's kind and note (when and by whom it left, the
            # clue to a parcel handed to the wrong person): its check is resolved first, with a note,
            # and only a manager resolves it, so a clerk is told to ask one (not to try and be refused).
            if refusal(station, "resolve_put_back") is not None:
                raise Refused(
                    N_(
                        "{waybill} is flagged {kind}: a manager must resolve that first. "
                        "Ask a manager to sign in, then flag it again."
                    ),
                    code="put_back_flagged",
                    waybill=parcel.waybill,
                    kind=Choices((parcel.problem_kind,), KIND_LABELS),
                )
            raise Refused(
                N_(
                    "{waybill} is flagged {kind}: resolve that first, saying what was found, then flag it again."
                ),
                code="put_back_flagged",
                waybill=parcel.waybill,
                kind=Choices((parcel.problem_kind,), KIND_LABELS),
            )
        mark_in_session(session, station, parcel, kind, note)
        return rows_for(session, [parcel])[0]

    return station.run(work)


def resolve_in_session(
    session: Session, station: Station, parcel: Parcel, *, at: datetime | None = None, **details: Any
) -> None:
    """Clear a parcel's problem flag inside the caller's transaction, with its event (`details` join
    the waybill and the kind that was cleared)."""
    kind = parcel.problem_kind
    parcel.problem_kind = parcel.problem_note = parcel.problem_at = None
    session.add(parcel)
    audit.record(
        session,
        station,
        EventKind.PROBLEM_RESOLVED,
        parcel_id=parcel.id,
        at=at,
        details={"waybill": parcel.waybill, "kind": kind, **details},
    )


def resolve(station: Station, ref: str, note: str = "") -> ParcelRow:
    """Clear the flag: the problem is sorted out and the parcel waits for pickup as usual. A stocktake's
    put-back flag is a manager's to clear (`resolve_put_back`)."""
    require(station, "problems")

    def work(session: Session) -> ParcelRow:
        parcel = _flagged_after_left(session, ref) or find_parcel(session, ref, on_shelf=True)
        if parcel.problem_kind is None:
            raise Refused(
                N_("{waybill} is not flagged as a problem."), code="no_problem", waybill=parcel.waybill
            )
        if parcel.problem_kind in STOCKTAKE_KINDS:
            require_manager(station, "resolve_put_back")
        said = _where_it_went(parcel, note) if parcel.status in LEFT_STATUSES else RESOLVE_NOTE.read(note)
        resolve_in_session(session, station, parcel, note=said)
        return rows_for(session, [parcel])[0]

    return station.run(work)


def _where_it_went(parcel: Parcel, note: str) -> str:
    """The note resolving a parcel that left: none is refused asking where the parcel went (the
    manager sees a waybill without a code or a place, and "Note is empty." says nothing of why)."""
    try:
        return WHERE_IT_WENT.read(note)
    except Refused as refused:
        if refused.code != "missing":
            raise
        raise Refused(
            N_("{waybill} is recorded as {status}: say in the note where the parcel went, then resolve it."),
            code="missing",
            waybill=parcel.waybill,
            status=status_text(parcel.status),
        ) from None


def _flagged_after_left(session: Session, ref: str) -> Parcel | None:
    """The row of a parcel recorded as having left and flagged by a stocktake that found it (not put
    back), when none of its waybill's rows on the shelves is flagged: the flag the Problems list shows
    it by. A re-delivery of the waybill on the shelves, unflagged, does not hide it."""
    _text, candidates = parcel_candidates(session, ref)
    if any(p.status == ParcelStatus.ON_SHELF and p.problem_kind is not None for p in candidates):
        return None
    return next(
        (p for p in candidates if p.problem_kind in STOCKTAKE_KINDS and p.status in LEFT_STATUSES), None
    )


def write_off_preview(station: Station, ref: str, reason: str) -> tuple[ParcelRow, str]:
    """The parcel `write_off` would write off and the reason as it would record it (a phone in it
    masked), refused as it would refuse (a clerk, a reason empty or too long, no such parcel on the
    shelf), writing nothing: the console asks about them first, as a write-off cannot be undone."""
    require_manager(station, "write_off")
    recorded = REASON.read(reason)
    with station.read() as session:
        return rows_for(session, [find_parcel(session, ref, on_shelf=True)])[0], recorded


def write_off(station: Station, ref: str, reason: str) -> ParcelRow:
    """Manager only: the parcel is lost or destroyed. Status `written_off`, slot and code released."""
    require_manager(station, "write_off")
    reason = REASON.read(reason)
    settings = station.settings()

    def work(session: Session) -> ParcelRow:
        parcel = find_parcel(session, ref, on_shelf=True)
        now = station.now()
        row_before = rows_for(session, [parcel])[0]
        leave_shelf(
            session,
            station,
            parcel,
            ParcelStatus.WRITTEN_OFF,
            EventKind.WRITTEN_OFF,
            now=now,
            settings=settings,
            details={
                "waybill": parcel.waybill,
                "reason": reason,
                "location": row_before.location,
                "code": parcel.pickup_code,
                "problem": parcel.problem_kind,
            },
        )
        return rows_for(session, [parcel])[0]

    return station.run(work)


def list_problems(station: Station) -> list[ParcelRow]:
    """Flagged parcels on the shelves, and those a stocktake found after they left and did not put back
    (set aside for the manager), oldest flag first."""
    require(station, "view")
    with station.read() as session:
        parcels = list(
            session.exec(
                select(Parcel)
                .where(
                    or_(
                        and_(
                            col(Parcel.status) == ParcelStatus.ON_SHELF, col(Parcel.problem_kind).is_not(None)
                        ),
                        # found at a stocktake after it left, set aside and not put back
                        and_(
                            col(Parcel.status).in_(LEFT_STATUSES),
                            col(Parcel.problem_kind).in_(STOCKTAKE_KINDS),
                        ),
                    )
                )
                .order_by(col(Parcel.problem_at))
            ).all()
        )
        return rows_for(session, parcels)
