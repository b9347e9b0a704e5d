"""Finished print jobs and customer messages deleted at the day close, `finished_job_keep_days` on.

A station queues a label and a message for every parcel; kept for ever, the two tables and their indexes
grow by years. The close (day/close.py) deletes, in its own transaction, those that are done with:

- a print job that printed, or was withdrawn with its cause or cancelled by a clerk; never one held,
  queued, sending, failed (the worker retries it) or interrupted (the print queue lists it for the
  clerk). A printed job behind a job of its counter that has failed stays while that one waits: the
  printer printing past a job is what sets it aside (`printing/order.py`, `printed_after`).
- a message that was sent, withdrawn, or failed for good (no next attempt); never one queued, sending
  or failed and still to be tried.

Each only once its parcel left the station (picked up, returned, written off, check-in undone) that
long ago: what a parcel on the shelf had printed and been told is still read (its label's state on
the lists, whether its customer holds a code for a "code changed" message, a reprint after an undone
pickup). A job for no parcel (a receipt, a manifest, a test print) goes by its own age, but for a
storage-fee receipt: kept, its copy is printed from it. No row points at
a print job or a message (a courier batch's `receipt_job_id` is a number kept for its record).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, false, func, or_
from sqlmodel import Session, col, select

from db.models import JobStatus, Notification, NotificationStatus, Parcel, PrintJob
from station_console.services.core.station import Station
from station_console.services.fees.receipts import FLOW, RECEIPT
from station_console.services.people.privacy import LEFT, left_at
from station_console.services.printing.order import has_failed_sql

DONE_JOBS = (JobStatus.PRINTED, JobStatus.CANCELLED, JobStatus.DISCARDED)


@dataclass(frozen=True)
class Housekept:
    print_jobs: int  # print jobs deleted
    messages: int  # customer messages deleted
    cutoff: datetime
    days: int


def _gone_by(parcel_id: Any, cutoff: datetime) -> Any:
    """The row is for no parcel, or for one that left the station at or before `cutoff`."""
    gone = exists().where(col(Parcel.id) == parcel_id, col(Parcel.status).in_(LEFT), left_at() <= cutoff)
    return or_(parcel_id.is_(None), gone)


def _behind_a_failed_job(session: Session) -> Any:
    """Jobs behind a counter's oldest job that has failed and still waits (`order.has_failed`, its own rule)."""
    firsts = session.exec(
        select(PrintJob.counter, func.min(PrintJob.id))
        .where(has_failed_sql())
        .group_by(col(PrintJob.counter))
    ).all()
    return or_(false(), *((col(PrintJob.counter) == c) & (col(PrintJob.id) > first) for c, first in firsts))


def _fee_receipt() -> Any:
    """A storage-fee receipt's job: its copy (`fees receipt`) is printed from its snapshot, which holds
    what the ledger does not (the rule's free days, rate and cap as they were paid by). One a payment:
    few. Not a copy: a copy is drawn from the receipt, never from another copy, and goes by its age."""
    payload = col(PrintJob.payload)
    return and_(
        col(PrintJob.kind) == "receipt",
        func.coalesce(payload["flow"].as_string(), "") == FLOW,
        func.coalesce(payload["paper"].as_string(), "") == RECEIPT,
        func.coalesce(payload["copy"].as_boolean(), false()) == false(),
    )


def _delete_jobs(session: Session, cutoff: datetime) -> int:
    result = session.execute(
        delete(PrintJob)
        .where(
            col(PrintJob.status).in_(DONE_JOBS),
            ~_fee_receipt(),
            col(PrintJob.created_at) <= cutoff,
            _gone_by(col(PrintJob.parcel_id), cutoff),
            or_(col(PrintJob.status) != JobStatus.PRINTED, ~_behind_a_failed_job(session)),
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _delete_messages(session: Session, cutoff: datetime) -> int:
    finished = or_(
        col(Notification.status).in_((NotificationStatus.SENT, NotificationStatus.CANCELLED)),
        and_(
            col(Notification.status) == NotificationStatus.FAILED, col(Notification.next_attempt_at).is_(None)
        ),
    )
    result = session.execute(
        delete(Notification)
        .where(
            finished, col(Notification.created_at) <= cutoff, _gone_by(col(Notification.parcel_id), cutoff)
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def purge_finished_in(session: Session, station: Station, now: datetime) -> Housekept:
    """Delete the print jobs and messages done with `finished_job_keep_days` ago; the caller's
    transaction (the close's, whose audit event counts them)."""
    days = station.settings().finished_job_keep_days
    cutoff = now - timedelta(days=days)
    return Housekept(
        print_jobs=_delete_jobs(session, cutoff),
        messages=_delete_messages(session, cutoff),
        cutoff=cutoff,
        days=days,
    )
