"""The order a printer's queue drains in: oldest first, one wait for the whole queue.

Clerks stick labels on parcels in the order they come out, so a counter's jobs for one printer come out
oldest first, after an outage too. A failed job waits 5 s, 10 s, 20 s ... a minute before its next try,
but only the oldest waiting job's wait counts: while it is not due nothing behind it is sent, and when
it is, every job behind it follows in order (their own waits would let a later label out first).

A job the printer refuses for its own reason must not hold the queue forever. When a send fails for a
reason other than the printer being out of reach (`UNREACHABLE`: then every job would fail alike) and
that job has failed `REFUSED_AFTER` times, the pass goes on to the next job instead of stopping; if
that one prints, the printer works and the refused job is *set aside* (a job behind it printed): it no
longer holds the queue, is retried on its own wait, and is listed for the clerk to retry or cancel
(`queue_view.py`). A job that could not be drawn (parcel gone, bad payload) never stopped a pass and
is set aside the same way. Several refused jobs in a row (a run of labels with the same bad data) go
aside together once a job behind them prints; only `REFUSALS_IN_A_ROW` of them in one pass stop it, as
a printer that refuses everything would (its queue then waits, as for a printer that is away). A job
already set aside and refused again is not one of them: set-aside jobs come due together. A set-aside
job the clerk retries (queued again, its failures kept: `has_failed`) is still aside: it goes at once,
and refused again it says nothing new of the printer either.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from db.models import JobStatus, PrintJob

BACKOFF_CAP_S = 60
# Failures in a row (about 15 s) before a refusal is taken to be the job's own. Not at the first: no
# transport tells a job's own refusal from the printer's (raw USB, TCP and device printers take bytes
# or not, and an "error" is as often a paused CUPS queue, a USB reset or a full disk), and a job set
# aside at a passing fault would let the label behind it out first.
REFUSED_AFTER = 3
REFUSALS_IN_A_ROW = 5  # jobs refused one after another in one pass before it stops for the printer
# `PrinterError` codes: no job would print.
UNREACHABLE = frozenset({"offline", "timeout", "permission", "misconfigured"})


def due(job: PrintJob, now: datetime) -> bool:
    """A failed job waits 5 s, 10 s, 20 s ... up to a minute before the next attempt."""
    if job.status != JobStatus.FAILED or job.updated_at is None:
        return True
    wait = min(BACKOFF_CAP_S, 5 * 2 ** max(0, job.attempts - 1))
    return job.updated_at + timedelta(seconds=wait) <= now


def _failed_and_waiting(status: Any, attempts: Any) -> Any:
    """The rule, stated once over a job's values or its columns (`|` and `&` are or and and to both)."""
    return (status == JobStatus.FAILED) | ((status == JobStatus.QUEUED) & (attempts > 0))


def has_failed(job: PrintJob) -> bool:
    """Failed and waiting: for its next try, or queued again by the clerk (`queue_view.retry_job` keeps
    its failures; nothing else queues a job that has failed)."""
    return bool(_failed_and_waiting(job.status, job.attempts))


def has_failed_sql() -> Any:
    """`has_failed` as a SQL condition on `PrintJob`'s rows, for a query that weighs them in the database."""
    return _failed_and_waiting(col(PrintJob.status), col(PrintJob.attempts))


def printed_after(session: Session, queue: list[PrintJob], same_queue: Any) -> list[int]:
    """Ids of the jobs matching `same_queue` (a counter's, for one printer) printed behind the oldest
    failed job of `queue`: what `set_aside` weighs."""
    oldest = min((j.id for j in queue if has_failed(j) and j.id is not None), default=None)
    if oldest is None:
        return []
    rows = session.exec(
        select(PrintJob.id).where(same_queue, PrintJob.status == JobStatus.PRINTED, col(PrintJob.id) > oldest)
    ).all()
    return [job_id for job_id in rows if job_id is not None]


def set_aside(queue: Iterable[PrintJob], printed: Iterable[int]) -> set[int]:
    """The failed jobs of `queue` behind which a job printed. Only a job refused `REFUSED_AFTER` times
    (or one that cannot be drawn) lets the jobs behind it go, so a job behind it printed says it was
    passed by: it stays aside when it is retried alone and refused again (else it would hold the queue
    once more, and read as an ordinary failure), and when the clerk retries it."""
    latest = max(printed, default=None)
    return {
        job.id
        for job in queue
        if job.id is not None and has_failed(job) and latest is not None and latest > job.id
    }


def set_aside_in(session: Session, counter: str) -> set[int]:
    """The counter's failed jobs set aside now, for the clerk to see: each weighed against the jobs
    printed behind it on its printer (a printed job names the printer that printed it) or, for a job
    no printer was named for, the jobs of its kind (each kind's unassigned jobs go to one printer)."""
    failed = list(
        session.exec(
            select(PrintJob)
            .where(PrintJob.counter == counter, PrintJob.status == JobStatus.FAILED)
            .order_by(col(PrintJob.id))
        ).all()
    )
    aside: set[int] = set()
    for name, kind in {(job.printer, None if job.printer else job.kind) for job in failed}:  # one queue each
        queue = [job for job in failed if job.printer == name and (name is not None or job.kind == kind)]
        same = PrintJob.counter == counter
        same = same & ((PrintJob.printer == name) if name is not None else (PrintJob.kind == kind))
        aside |= set_aside(queue, printed_after(session, queue, same))
    return aside


def in_order(queue: list[PrintJob], aside: set[int], now: datetime) -> list[PrintJob]:
    """The jobs of a printer's queue (oldest first) that go in this pass, in the order they print: every
    one held in the queue when its oldest is due (none when it is not), and set-aside ones that are due."""
    holding = [job for job in queue if job.id not in aside]
    go = {job.id for job in holding} if holding and due(holding[0], now) else set()
    return [job for job in queue if job.id in go or (job.id in aside and due(job, now))]


def goes_on_after(code: str, attempts: int) -> bool:
    """After a failed send (`code`, the job's failures so far), whether the pass tries the next job."""
    return code not in UNREACHABLE and attempts >= REFUSED_AFTER
