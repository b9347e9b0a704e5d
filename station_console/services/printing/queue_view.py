"""The print queue as the clerk reads and works it: the counter's jobs, the ones set aside (the printer
refused them three times and printed the jobs after them: each needs the clerk, who retries or cancels
it), and those two actions, each audited (`print_job_retried`, `print_job_cancelled`): who threw a label
away, or sent it again, is in the trail."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from db.models import EventKind, JobStatus, Parcel, ParcelStatus, PrintJob
from hardware.messages import Message
from station_console.errors import NotFound, Refused
from station_console.i18n import N_, LaterText
from station_console.services.core import audit
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.printing import jobs
from station_console.services.printing.order import set_aside_in
from station_console.services.printing.printers import check_printable

# A print job's stored status as the print queue and the check-in's label column name it (short: a
# table cell); translate with `_()` or `label_of` when shown.
LABEL_LABELS = {
    "held": N_("waiting for phone"),
    "queued": N_("queued"),
    "sending": N_("sending"),
    "printed": N_("printed"),
    "failed": N_("failed"),
    "cancelled": N_("withdrawn"),  # with its cause: check-in undone, parcel gone, replaced by a reprint
    "discarded": N_("cancelled"),  # a clerk cancelled it here (`cancel_job`)
    "interrupted": N_("interrupted"),
}
SET_ASIDE = N_("set aside")  # a failed job's state as the clerk reads it, once the printer printed past it
# Why a job is set aside and what to do, where a listing explains it.
SET_ASIDE_HINT = N_(
    "Set aside: the printer refused it and printed the jobs after it. Retry it once the cause is fixed "
    "(paper, label size), or cancel it and reprint the parcel's label."
)
RETRYABLE = (JobStatus.FAILED, JobStatus.INTERRUPTED)
CANCELLABLE = (JobStatus.HELD, *RETRYABLE, JobStatus.QUEUED)


def list_jobs(
    station: Station, *, statuses: list[str] | None = None, all_counters: bool = False, limit: int = 100
) -> list[PrintJob]:
    """Newest first: this counter's jobs (or every counter's)."""
    require(station, "view")
    query = select(PrintJob).order_by(col(PrintJob.id).desc()).limit(limit)
    if not all_counters:
        query = query.where(PrintJob.counter == station.counter)
    if statuses:
        query = query.where(col(PrintJob.status).in_(statuses))
    with station.read() as session:
        return list(session.exec(query).all())


def pickup_codes(station: Station, parcel_ids: list[int | None]) -> dict[int, str]:
    """The pickup codes of the parcels jobs print for, by parcel id: how a clerk tells labels apart."""
    require(station, "view")
    wanted = [p for p in parcel_ids if p]
    if not wanted:
        return {}
    with station.read() as session:
        rows = session.exec(select(Parcel.id, Parcel.pickup_code).where(col(Parcel.id).in_(wanted))).all()
    return {pid: code or "" for pid, code in rows if pid is not None}


def set_aside_jobs(station: Station) -> set[int]:
    """This counter's jobs set aside now (`order.set_aside_in`): failed, and still needing the clerk."""
    require(station, "view")
    with station.read() as session:
        return set_aside_in(session, station.counter)


def reprint(station: Station, parcel_id: int, *, printer: str | None = None) -> PrintJob:
    """Queue a new label for a parcel on the shelf; its unsent label jobs are cancelled (one sticker)."""
    require(station, "reprint")

    def work(session: Session) -> PrintJob:
        parcel = session.get(Parcel, parcel_id)
        if parcel is None:
            raise NotFound(N_("Parcel {parcel} not found."), parcel=parcel_id)
        if parcel.status != ParcelStatus.ON_SHELF:
            raise Refused(
                N_("{waybill} is not on the shelf: no label to print."),
                code="not_on_shelf",
                waybill=parcel.waybill,
            )
        cancelled = jobs.cancel_jobs_for_parcel(session, parcel_id)
        job = jobs.queue_label(session, station, parcel, printer=printer)
        audit.record(
            session,
            station,
            EventKind.LABEL_REPRINTED,
            parcel_id=parcel_id,
            details={"job_id": job.id, "code": parcel.pickup_code, "cancelled_jobs": cancelled},
        )
        return job

    return station.run(work)


def queue_test_print(station: Station, counter_settings: Any, *, printer: str | None = None) -> PrintJob:
    """A sample label, to check a printer's setup from Settings (refused if no printer would take it)."""
    require(station, "test_print")
    check_printable(counter_settings, "test", printer=printer)
    return station.run(lambda session: jobs.queue_document(session, station, "test", {}, printer=printer))


def retry_job(station: Station, job_id: int) -> PrintJob:
    """Send a failed or interrupted job again now."""
    require(station, "reprint")

    def work(session: Session) -> PrintJob:
        job = _clerk_step(session, station, job_id, EventKind.PRINT_JOB_RETRIED)
        job.status, job.updated_at = JobStatus.QUEUED, None
        session.add(job)
        return job

    return station.run(work)


def cancel_job(station: Station, job_id: int) -> PrintJob:
    """Take a job that has not printed out of the queue (a parcel's label is then reprinted from it): it
    reads "cancelled", not "withdrawn" as a label withdrawn with its cause does."""
    require(station, "reprint")

    def work(session: Session) -> PrintJob:
        job = _clerk_step(session, station, job_id, EventKind.PRINT_JOB_CANCELLED)
        job.status, job.updated_at = JobStatus.DISCARDED, station.now()
        session.add(job)
        return job

    return station.run(work)


# What each of the clerk's steps takes a job from, and its refusal when the job is not in one of those.
_STEPS = {
    EventKind.PRINT_JOB_RETRIED: (
        RETRYABLE,
        N_("Print job {job} is {status}: nothing to retry"),
        "not_retryable",
    ),
    EventKind.PRINT_JOB_CANCELLED: (
        CANCELLABLE,
        N_("Print job {job} is {status}: nothing to cancel"),
        "not_cancellable",
    ),
}


def _clerk_step(session: Session, station: Station, job_id: int, event: EventKind) -> PrintJob:
    """The job a clerk retries or cancels, refused unless it can be, its event recorded (as it stood
    before) in the caller's transaction: the caller then changes it."""
    # Locked as read (PostgreSQL): the print worker's claim passes over it, and a second clerk's step
    # waits and reads what this one made of it, instead of each writing over the other.
    job = session.get(PrintJob, job_id, with_for_update=True)
    if job is None:
        raise NotFound(N_("Print job {job} not found."), job=job_id)
    allowed, refusal, code = _STEPS[event]
    if job.status not in allowed:
        raise Refused(refusal, code=code, job=job_id, status=_status(job))
    audit.record(session, station, event, parcel_id=job.parcel_id, details=_trace(session, job))
    return job


def _trace(session: Session, job: PrintJob) -> dict[str, Any]:
    """What the trail keeps of a job a clerk retries or cancels, as it was before: the status the clerk
    saw (set aside, if it was) first, as a cut line shows it; which job, what it printed (for which
    pickup code) and where."""
    parcel = session.get(Parcel, job.parcel_id) if job.parcel_id is not None else None
    return {
        "code": parcel.pickup_code if parcel is not None else None,
        "was": job.status,
        "set_aside": job.status == JobStatus.FAILED and job.id in set_aside_in(session, job.counter),
        "job": job.id,
        "kind": job.kind,
        "printer": job.printer,
        "counter": job.counter,
    }


def _status(job: PrintJob) -> LaterText:
    """The job's status as the queue lists it, in the language its refusal is shown in."""
    return LaterText(Message(LABEL_LABELS.get(job.status, job.status)))
