"""The print worker's pass: the jobs queued (`jobs.py`) claimed, sent and marked.

`process_queue` claims jobs (status "sending", committed) before touching the printer, marks each
"printed" after the printer took it, or "failed" (attempts+1, the error kept, retried with backoff) when
it did not. A failed send stops the pass and puts the rest back to "queued": one unplugged printer costs
one attempt, not fifty; a stop asked between jobs (the console quitting) puts the rest back the same way,
the job in hand sent and marked. A printer's queue drains oldest first, its oldest job's backoff holding
the rest, and a job the printer keeps refusing steps aside (`order.py`).

Crash rule: a job still "sending" after `STALE_SENDING` was cut off between the send and the mark; we
cannot know whether the sticker came out. It becomes "interrupted": never retried automatically (that
could print it twice), shown to the clerk, who reprints (`queue_view.reprint` or `queue_view.retry_job`) if the label is missing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, update
from sqlmodel import Session, col, select

from db.models import JobStatus, Parcel, PrintJob
from hardware.messages import Message
from hardware.printers.transports import PrinterError
from station_console.errors import NotFound, StationError
from station_console.i18n import N_, get_language
from station_console.phone_masking import mask_phones
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.printing.failed_sends import in_clerks_words
from station_console.services.printing.jobs import PENDING, hold_over
from station_console.services.printing.order import (
    REFUSALS_IN_A_ROW,
    goes_on_after,
    in_order,
    printed_after,
    set_aside,
)
from station_console.stored_messages import to_store

log = logging.getLogger(__name__)
__all__ = ["PRINTER_STATES", "QueueResult", "claim", "process_queue", "recover_stale"]

STALE_SENDING = timedelta(minutes=2)
INTERRUPTED_NOTE = N_("Interrupted while sending: check whether it printed; reprint it if not")
CANNOT_DRAW = N_("This job cannot be drawn: {reason}")
# A printer's state (a `PrinterError` code, "ready", "untried", "set_up_wrong" or "none"), as a person
# reads it: translate when shown.
PRINTER_STATES = {
    "ready": N_("ready"),
    "untried": N_("unknown: nothing was sent to it"),
    "offline": N_("offline"),
    "timeout": N_("not responding"),
    "permission": N_("no permission"),
    "misconfigured": N_("wrong target"),
    "set_up_wrong": N_("set up wrong"),  # its settings build no printer (`CounterPrinters.faults`)
    "unsupported": N_("error"),
    "error": N_("error"),
    "none": N_("none"),
}


@dataclass
class QueueResult:
    """One pass: job ids by outcome, and what the printer looked like (for the header)."""

    printed: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    interrupted: list[int] = field(default_factory=list)
    sent: list[int] = field(default_factory=list)  # the printer took them (printed, or not yet recorded)
    set_aside: list[int] = field(default_factory=list)  # refused, then the printer printed the next job
    error: str | None = None  # the printer's error (a `Message`, translated where shown), when a send failed
    error_code: str | None = None  # offline | timeout | permission | unsupported | error

    @property
    def printer_state(self) -> str:
        """What the pass's last send found: the printer's failure, or "ready" when it took the job (after
        refusing others before it too); "untried" when it was sent nothing (nothing was due, or no job
        could be drawn) or only set-aside jobs it refused again: such a pass says nothing of it."""
        return self.error_code or ("ready" if self.printed else "untried")


def recover_stale(station: Station) -> list[int]:
    """Mark this counter's jobs stuck in "sending" (a crash mid-send) as interrupted."""

    def stale_of(cutoff: datetime) -> Any:
        return select(PrintJob).where(
            PrintJob.counter == station.counter,
            PrintJob.status == JobStatus.SENDING,
            col(PrintJob.updated_at) < cutoff,
        )

    if not station.finds(lambda s: s.exec(stale_of(station.now() - STALE_SENDING).limit(1)).first()):
        return []  # a pass almost never finds one

    def work(session: Session) -> list[int]:
        stale = session.exec(stale_of(station.now() - STALE_SENDING)).all()
        for job in stale:
            job.status, job.updated_at = JobStatus.INTERRUPTED, station.now()
            job.last_error = INTERRUPTED_NOTE
            session.add(job)
        return [job.id for job in stale if job.id is not None]

    return station.run(work)


def claim(
    station: Station,
    printer: Any,
    *,
    limit: int = 50,
    aside: set[int] | None = None,
    unassigned: frozenset[str] | None = None,
) -> list[int]:
    """Mark up to `limit` due jobs this printer can take as "sending", committed before any send; their
    ids in the order they print (`order.in_order`). `aside` gets those of them already set aside.

    The jobs named for this printer, and those named for none of the kinds in `unassigned`
    (`printers.unassigned_kinds`: each kind goes to one printer of the counter); None: of every kind."""

    anyones: ColumnElement[bool] = col(PrintJob.printer).is_(None)
    if unassigned is not None:
        anyones = anyones & col(PrintJob.kind).in_(sorted(unassigned))
    this_printer = anyones | (PrintJob.printer == printer.name)
    pending = (
        select(PrintJob)
        .where(PrintJob.counter == station.counter, col(PrintJob.status).in_(PENDING))
        .where(this_printer)
        .order_by(col(PrintJob.id))
    )

    def held_over(now: datetime) -> ColumnElement[bool]:
        """Labels held for their phone past the wait: they print without it."""
        return (
            (col(PrintJob.counter) == station.counter)
            & (col(PrintJob.status) == JobStatus.HELD)
            & (col(PrintJob.created_at) <= hold_over(station, now))
        )

    def due_now(session: Session, query: Any, now: datetime) -> tuple[list[PrintJob], set[int]]:
        """The jobs this pass sends, in order (`limit` of them), and those of the queue set aside."""
        queue = [job for job in session.exec(query).all() if printer.can_print(job.kind)]
        printed = printed_after(session, queue, (PrintJob.counter == station.counter) & this_printer)
        stepped_aside = set_aside(queue, printed)
        return in_order(queue, stepped_aside, now)[:limit], stepped_aside

    def anything_due(session: Session) -> bool:
        now = station.now()
        waited = session.exec(select(PrintJob.id).where(held_over(now)).limit(1)).first()
        return waited is not None or bool(due_now(session, pending, now)[0])

    if not station.finds(anything_due):  # the idle tick, the one more after a check-in
        return []

    def work(session: Session) -> list[int]:
        now = station.now()
        session.execute(
            update(PrintJob)
            .where(held_over(now))
            .values(status=JobStatus.QUEUED)
            .execution_options(synchronize_session=False)
        )
        # PostgreSQL: two workers never claim one job
        claimed, stepped_aside = due_now(session, pending.with_for_update(skip_locked=True), now)
        for job in claimed:
            job.status, job.updated_at = JobStatus.SENDING, now
            session.add(job)
        if aside is not None:
            aside.update(job.id for job in claimed if job.id in stepped_aside)
        return [job.id for job in claimed if job.id is not None]

    return station.run(work)


def _finish(station: Station, job_id: int, *, error: Message | None, printer: str = "") -> None:
    """Mark a sent job printed by `printer` (named on it: whose queue it went through, `order.py`), or
    failed with `error` kept for later (`stored_messages`: shown in the language of whoever reads the
    queue then)."""

    def work(session: Session) -> None:
        job = session.get(PrintJob, job_id)
        if job is None or job.status != JobStatus.SENDING:
            return
        job.updated_at = station.now()
        if error is None:
            job.status, job.printed_at, job.last_error = JobStatus.PRINTED, station.now(), None
            job.printer = job.printer or printer or None
        else:
            job.status, job.attempts, job.last_error = JobStatus.FAILED, job.attempts + 1, to_store(error)
        session.add(job)

    station.run(work)


def _release(station: Station, job_ids: list[int]) -> None:
    """Claimed but not tried (the printer failed first): back to waiting, no attempt counted."""

    def work(session: Session) -> None:
        for job_id in job_ids:
            job = session.get(PrintJob, job_id)
            if job is not None and job.status == JobStatus.SENDING:
                job.status = JobStatus.FAILED if job.attempts else JobStatus.QUEUED
                session.add(job)

    station.run(work)


def job_about(session: Session, job: PrintJob) -> tuple[str, str]:
    """What a job is for, as its file is named in a file printer's folder: its counter, and its
    parcel's waybill (its pickup code where it has none) or else its kind (`test`, `manifest`); never
    the phone, nor a waybill of a mobile's shape whole (a DHL one taken on the clerk's word may well be
    the customer's number): masked, as the log writes it."""
    parcel = session.get(Parcel, job.parcel_id) if job.parcel_id is not None else None
    what = mask_phones(parcel.waybill or parcel.pickup_code or "") if parcel is not None else ""
    return job.counter, what or job.kind


def _print_one(
    station: Station, printer: Any, job_id: int, lang: str, render: Any, result: QueueResult
) -> tuple[str, PrinterError | None]:
    """Draw and send one claimed job: "printed", "undrawable", "refused" (the printer refused this job
    and the next is to be tried, `order.goes_on_after`) or "stop" (the printer failed: the rest waits),
    with the printer's error when it failed."""
    with station.read() as session:
        job = session.get(PrintJob, job_id)
        assert job is not None  # claimed rows are never deleted
        # Read only for a printer whose jobs have names: a label's parcel is read again by its render.
        about = job_about(session, job) if getattr(printer, "names_jobs", False) else ()
    try:
        data = render(station, job, printer, lang)
    except (NotFound, ValueError, KeyError, TypeError, PrinterError) as exc:
        # This job cannot be drawn (parcel gone, bad payload); the printer is fine: go on.
        reason: Any = exc if isinstance(exc, StationError) else getattr(exc, "message", None)
        if not isinstance(reason, Message | StationError):
            reason = str(exc)  # a bug or a library's own refusal: its English, as data
        _finish(station, job_id, error=Message(CANNOT_DRAW, reason=reason))
        result.failed.append(job_id)
        return "undrawable", None
    try:
        printer.send(data, about)
    except PrinterError as refused:
        said = in_clerks_words(refused)
        _finish(station, job_id, error=said.message)
        result.failed.append(job_id)
        return ("refused" if goes_on_after(said.code, job.attempts + 1) else "stop"), said
    result.sent.append(job_id)
    _finish(station, job_id, error=None, printer=printer.name)
    result.printed.append(job_id)
    return "printed", None


def process_queue(
    station: Station,
    printer: Any,
    *,
    limit: int = 50,
    lang: str | None = None,
    unassigned: frozenset[str] | None = None,
    should_continue: Callable[[], bool] = lambda: True,
) -> QueueResult:
    """One pass over this counter's queue with `printer` (a hardware.printers.Printer); `unassigned`:
    the kinds of the jobs named for no printer it takes (`claim`). `should_continue` is asked before
    each job: once it says no (the console quits), the job in hand has been sent and marked, and the
    rest go back to waiting, no attempt counted."""
    # Imported here: the drawing (fonts, label layouts, PDF) is the print thread's, and queueing a job
    # (every check-in) does not need it (start-up time of the console and the CLI).
    from station_console.services.printing.render import render_job as render

    require(station, "background")
    lang = lang or get_language()
    result = QueueResult(interrupted=recover_stale(station))
    aside: set[int] = set()
    ids = claim(station, printer, limit=limit, aside=aside, unassigned=unassigned)
    n = 0
    try:
        refused: list[int] = []  # the jobs refused one after another just before this one
        for n, job_id in enumerate(ids):
            if not should_continue():
                _release(station, ids[n:])
                break
            outcome, failure = _print_one(station, printer, job_id, lang, render, result)
            if outcome == "printed":
                # The printer took the latest job: it works, whatever it refused earlier in this pass,
                # and the jobs it refused just before this one are set aside.
                result.error = result.error_code = None
                result.set_aside.extend(refused)
                refused = []
                continue
            if failure is None or (outcome == "refused" and job_id in aside):
                # Never sent (it could not be drawn), or set aside already and refused again (the printer
                # printed since): nothing of the printer, no part of a run and no end of one (set-aside
                # jobs come due together).
                continue
            result.error, result.error_code = failure.message, failure.code
            refused.append(job_id)
            # A refusal lets the next job try; a run of them says the printer, not the jobs: the rest waits.
            if outcome == "stop" or len(refused) >= REFUSALS_IN_A_ROW:
                _release(station, ids[n + 1 :])
                break
    except BaseException:
        # Claimed and not finished: back to waiting, not stuck as sending. A job the printer took whose
        # record failed stays sending (interrupted once stale): waiting again would print it twice.
        _release(station, [job_id for job_id in ids[n:] if job_id not in result.sent])
        raise
    return result
