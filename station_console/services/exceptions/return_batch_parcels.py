"""Putting parcels into a return batch and taking them out: a scan, several at once (all or none), a
recall flagged as the parcel goes in, and what is refused (another carrier's parcel, one in a batch
already, one out for delivery, a fresh one with no reason to go back: `return_reasons.py`).

Each holds the batch's row shared to its commit (`held_open_batch`); the close (`returns.close`)
holds it alone, so a scan during a close waits and finds the batch closed, and the close waits for
the scans under way. Every parcel put in or taken out is an audit event of its own.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import Session

from db.models import Carrier, EventKind, Parcel, ReturnBatch
from station_console.errors import NotFound, Refused
from station_console.i18n import N_
from station_console.services.core import audit
from station_console.services.core.paper_numbers import return_batch_number
from station_console.services.core.recalls import RECALLED
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.exceptions import problems, return_reasons
from station_console.services.exceptions.problem_kinds import STOCKTAKE_KINDS
from station_console.services.exceptions.recall_while_out import refuse_recall_while_out
from station_console.services.shelves.search import ParcelRow, find_parcel, require_on_shelf, rows_for


def held_open_batch(session: Session, batch_id: int, *, closing: bool = False) -> ReturnBatch:
    """The open batch `batch_id`, its row held to the commit; refused when there is none, or it was
    merged or closed."""
    # The batch's row held to the commit (PostgreSQL): a parcel put in or taken out shares it, the close
    # takes it alone, so a close waits for a scan at another counter and returns that parcel too (or the
    # scan waits and finds the batch closed), never closing a batch over a parcel left on its shelf.
    batch = session.get(ReturnBatch, batch_id, with_for_update=True if closing else {"read": True})
    if batch is None:
        raise NotFound(
            N_("There is no return batch {batch}."), code="no_batch", batch=return_batch_number(batch_id)
        )
    if batch.status == "merged":
        raise Refused(
            N_("Return batch {batch} was merged into {into}: its parcels are there."),
            code="batch_merged",
            batch=return_batch_number(batch_id),
            into=return_batch_number(batch.merged_into) if batch.merged_into else "?",
        )
    if batch.status != "open":
        raise Refused(
            N_("Return batch {batch} is already closed."),
            code="batch_closed",
            batch=return_batch_number(batch_id),
        )
    return batch


def add(station: Station, batch_id: int, ref: str, *, recalled: bool = False, note: str = "") -> ParcelRow:
    """Scan a parcel into the batch: it must be this carrier's, on the shelves, in no other batch, and
    have a reason to go back. `recalled`: its carrier or sender asked for it back, recorded as its
    problem (with `note`) as it goes in, so a fresh parcel may go back deliberately; one already in
    this batch for its age or another problem is flagged recalled where it is."""
    require(station, "returns")
    note = return_reasons.RECALL_NOTE.read(note) if recalled else ""

    def work(session: Session) -> ParcelRow:
        batch = held_open_batch(session, batch_id)
        parcel = find_parcel(session, ref, on_shelf=True)
        _check_add(session, station, batch, parcel, recalled=recalled)
        _put_in(session, station, parcel, batch, recalled=recalled, note=note)
        return rows_for(session, [parcel])[0]

    return station.run(work)


def add_many(
    station: Station, batch_id: int, refs: list[str], *, recalled: bool = False, note: str = ""
) -> list[ParcelRow]:
    """Add several parcels (e.g. the overdue return candidates) in one transaction: all, or none."""
    require(station, "returns")
    note = return_reasons.RECALL_NOTE.read(note) if recalled else ""
    return station.run(
        lambda session: put_many_in(session, station, batch_id, refs, recalled=recalled, note=note)
    )


def put_many_in(
    session: Session,
    station: Station,
    batch_id: int,
    refs: list[str],
    *,
    recalled: bool = False,
    note: str = "",
    recalled_refs: Collection[str] | None = None,
) -> list[ParcelRow]:
    """`refs` put in the open batch `batch_id` in the caller's transaction (`add_many`, and a batch
    opened with them: `returns.open_batch_with`)."""
    batch = held_open_batch(session, batch_id)
    added: list[Parcel] = []
    for ref in refs:
        parcel = find_parcel(session, ref, on_shelf=True)
        this_recalled = recalled and (recalled_refs is None or ref in recalled_refs)
        if parcel.return_batch_id != batch.id:  # a repeated scan in one list is harmless
            _check_add(session, station, batch, parcel, recalled=this_recalled)
            _put_in(session, station, parcel, batch, recalled=this_recalled, note=note)
        elif this_recalled:  # in it already (for its age): flagged recalled now
            _put_in(session, station, parcel, batch, recalled=True, note=note)
        added.append(parcel)
    return rows_for(session, added)


def _put_in(
    session: Session, station: Station, parcel: Parcel, batch: ReturnBatch, *, recalled: bool, note: str
) -> None:
    """Into the batch; a recalled one is flagged `recalled` first, so pickup and door delivery refuse
    it, whatever other reason it had to go back: a hand-flagged problem (wrong address...) is replaced,
    its kind and note carried into the recall's note (and the audit's), since a parcel has one problem
    kind and the clerk must read "recalled", not the other note; one past its return threshold says
    its days on the shelf in the note, so the manifest and the Problems list still show how long it
    waited (the manifest prints a problem's reason instead of its age). A stocktake's put-back stays
    (only a manager resolves it)."""
    if recalled and return_reasons.recall_flags(parcel):
        if parcel.problem_kind is not None:
            note = return_reasons.with_replaced(parcel, note)
        elif return_reasons.not_due(session, station, parcel) is None:
            note = return_reasons.with_age(station, parcel, note)
        problems.mark_in_session(session, station, parcel, RECALLED, note, rule=return_reasons.RECALL_NOTE)
    if parcel.return_batch_id != batch.id:  # one already in it (due, then recalled) is only flagged
        _mark(session, station, parcel, batch, EventKind.RETURN_BATCH_ADDED)


def _mark(session: Session, station: Station, parcel: Parcel, batch: ReturnBatch, kind: EventKind) -> None:
    """Put the parcel in the batch or take it out, with its event in the same transaction."""
    parcel.return_batch_id = batch.id if kind == EventKind.RETURN_BATCH_ADDED else None
    session.add(parcel)
    audit.record(
        session,
        station,
        kind,
        parcel_id=parcel.id,
        details={"batch": batch.id, "code": parcel.pickup_code, "waybill": parcel.waybill},
    )


def _check_add(
    session: Session, station: Station, batch: ReturnBatch, parcel: Parcel, *, recalled: bool = False
) -> None:
    """Refuse a parcel of another carrier, one already in a batch (in this one, unless `recalled` flags
    it now), one out for delivery, or one with no reason to go back (unless `recalled`)."""
    if recalled:  # said with how to flag it while it is out
        refuse_recall_while_out(parcel)
    require_on_shelf(parcel)
    if parcel.carrier_id != batch.carrier_id:
        carrier = session.get(Carrier, parcel.carrier_id)
        mine = session.get(Carrier, batch.carrier_id)
        raise Refused(
            N_("{waybill} is a {carrier} parcel; this batch goes back to {batch_carrier}."),
            code="wrong_carrier",
            waybill=parcel.waybill,
            carrier=carrier.short_name if carrier else "?",  # as every counter list names a carrier
            batch_carrier=mine.short_name if mine else "?",
        )
    if parcel.return_batch_id == batch.id and not (recalled and return_reasons.recall_flags(parcel)):
        raise Refused(_why_in_batch(parcel, recalled), code="already_in_batch", waybill=parcel.waybill)
    if parcel.return_batch_id not in (None, batch.id):
        raise Refused(
            N_("{waybill} is already in return batch {batch}."),
            code="in_other_batch",
            waybill=parcel.waybill,
            batch=return_batch_number(parcel.return_batch_id),
        )
    if not recalled:
        return_reasons.check_due(session, station, parcel)


def _why_in_batch(parcel: Parcel, recalled: bool) -> str:
    """A parcel already in the batch, returned as recalled: why nothing more is done (a put-back keeps
    its flag, so it is not flagged recalled; a recalled one is already), and what is left to do."""
    if recalled and parcel.problem_kind in STOCKTAKE_KINDS:
        return N_(
            "{waybill} is already in this batch; it keeps its stocktake put-back flag (only a manager "
            "resolves it), so it is not flagged recalled. Nothing to do: it goes back with the batch "
            "(remove it from the batch if it should stay)."
        )
    if recalled:
        return N_("{waybill} is already in this batch, flagged recalled: nothing to do.")
    return N_("{waybill} is already in this batch.")


def remove(station: Station, batch_id: int, ref: str) -> ParcelRow:
    """Take a parcel out of an open batch; it stays on the shelf."""
    require(station, "returns")

    def work(session: Session) -> ParcelRow:
        batch = held_open_batch(session, batch_id)
        parcel = find_parcel(session, ref, on_shelf=True)
        if parcel.return_batch_id != batch.id:
            raise Refused(N_("{waybill} is not in this batch."), code="not_in_batch", waybill=parcel.waybill)
        _mark(session, station, parcel, batch, EventKind.RETURN_BATCH_REMOVED)
        return rows_for(session, [parcel])[0]

    return station.run(work)
