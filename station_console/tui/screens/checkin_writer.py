"""The check-in screen's writes, in the order the clerk made them, off the UI thread.

Every service call of the screen (a check-in, a phone, a recipient, an undo, a reprint, a dismissal) is
a job run on one dedicated thread, so a burst of scans is never reordered and a phone always follows the check-in
it belongs to. Each job runs inside a short Textual worker that awaits it and posts the outcome to the
screen as one of the messages below; the UI thread never waits on the database. (One long-lived worker
would keep `App.workers` busy forever, and an `exclusive` group would cancel scans still waiting.)

A phone refers to its scan by the scan's sequence number, not a parcel id: the writer alone knows which
parcel each scan became, so a phone typed before its check-in has even returned still lands on it.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.widget import Widget

from station_console.errors import DEACTIVATED, NotFound, StationError
from station_console.i18n import N_
from station_console.services.checkin.dismissals import record_dismissal
from station_console.services.checkin.late_phone import let_held_label_go, set_phone_for
from station_console.services.checkin.phones import parse_phone
from station_console.services.checkin.transaction import CheckinResult, check_in, undo_last
from station_console.services.core.db_errors import PASSING_CODES
from station_console.services.core.station import Station
from station_console.services.printing.queue_view import reprint
from station_console.services.scan.carriers import get_detector
from station_console.tui.screens.base import report_unexpected

if TYPE_CHECKING:
    from station_console.tui.screens.checkin_recipient import Picked


def signed_in(station: Station, app: Any) -> tuple[int, str] | None:
    """The clerk signed in now (id and name), whose a scan sent or an item listed now is."""
    name = getattr(app, "clerk_name", None)
    return (station.clerk_id, name) if station.clerk_id is not None and name else None


@dataclass(frozen=True)
class ScanRequest:
    """One scan to check in. `carrier`: the clerk's answer to a carrier question; `item`: the
    needs-attention entry this request resolves (a retry keeps the rest as scanned, `seq` too, so a
    phone typed for the scan goes with it); `again_of`: see `checkin_twice.py`."""

    raw: str
    seq: int
    size: str | None = None
    batch: str | None = None
    carrier: str | None = None
    key_time: float = 0.0
    item: int | None = None
    courier_batch: int | None = None  # the courier's batch open on the screen
    # The scan of the parcel in hand read again (a double read): the seq of that parcel's own scan.
    again_of: int | None = None
    # The clerk signed in as it was sent (id and name): its refusal is listed as theirs, however long
    # it waited for the database (another clerk may have signed in by then).
    by: tuple[int, str] | None = None


@dataclass(frozen=True)
class Refusal:
    code: str
    text: str
    params: dict[str, Any] = field(default_factory=dict)
    reason: str = ""  # the text without the service's advice, for a row whose hint says what to do

    @classmethod
    def of(cls, exc: StationError) -> Refusal:
        return cls(exc.code, exc.message(), dict(exc.params), exc.reason())


class CheckinWriter:
    @dataclass
    class CheckedIn(Message):
        request: ScanRequest
        result: CheckinResult

    @dataclass
    class ScanRefused(Message):
        request: ScanRequest
        refusal: Refusal
        # A scan of the parcel in hand read again: the parcel its first scan checked in, if it did.
        again_parcel: int | None = None

    @dataclass
    class PhoneSaved(Message):
        seq: int
        parcel_id: int
        masked: str
        consent_missing: bool = False  # the phone is a directory person's who has not consented
        wants_door: bool = False
        consent: str | None = None  # what that person said (checkin.recipient.CONSENT_STATES)

    @dataclass
    class PhoneRefused(Message):
        seq: int
        refusal: Refusal
        masked: str = ""  # the phone not saved, masked: it is in no field any more
        parcel_id: int | None = None
        by: tuple[int, str] | None = None  # the clerk who sent it (ScanRequest.by)

    @dataclass
    class PhoneKept(Message):
        """A phone typed for a scan the busy database refused: it goes with that scan's retry."""

        seq: int
        masked: str

    @dataclass
    class RecipientRefused(Message):
        """The person picked for a scan, not saved: kept for the clerk to pick again."""

        seq: int
        picked: Picked
        refusal: Refusal
        by: tuple[int, str] | None = None  # the clerk who picked them (ScanRequest.by)

    @dataclass
    class RecipientSaved(Message):
        seq: int
        parcel_id: int
        who: str  # the person's name (and masked phone), or the typed name
        masked: str | None  # the parcel's phone now
        consent_missing: bool
        wants_door: bool
        consent: str | None = None  # what that person said; None: no directory entry

    @dataclass
    class Undone(Message):
        result: CheckinResult

    @dataclass
    class Reprinted(Message):
        item: int
        job_id: int

    @dataclass
    class LabelLetGo(Message):
        """The label held for the last parcel's phone prints without it (another clerk signed in)."""

    @dataclass
    class ActionRefused(Message):
        """An undo, reprint or dismissal the service refused."""

        refusal: Refusal
        item: int | None = None

    @dataclass
    class Crashed(Message):
        """A bug: logged; one calm line for the clerk."""

        text: str
        by: tuple[int, str] | None = None  # the clerk who sent the job (as `ScanRequest.by`)

    def __init__(self, screen: Widget, station: Station) -> None:
        self.screen = screen
        self.station = station
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="checkin")
        self._parcels: dict[int, int] = {}  # scan seq -> parcel id (writer thread only)
        # Scans a moment's wait may let in (the database busy or away): scan seq -> the phone typed
        # for it since, or None; a retry checks it in with that phone (writer thread only).
        self._retryable: dict[int, str | None] = {}
        # A double read's scan seq -> the seq of the scan it read again: one parcel in hand, whichever of
        # its scans checks it in (the first refused busy, its double read let through), so a phone typed
        # for one goes to the parcel, or waits with whichever of them is tried again (writer thread only).
        self._again: dict[int, int] = {}

    def submit(self, job: Any, *args: Any, **kwargs: Any) -> None:
        """Queue `job(*args)` behind every job before it, to run as the clerk signed in now (a scan
        queued before a lock is theirs); its message goes to the screen."""
        as_sent = self.station.as_now(partial(job, *args, **kwargs))
        turn = int(getattr(self.screen.app, "clerk_turns", 0))
        by = signed_in(self.station, self.screen.app)
        self.screen.run_worker(self._run(as_sent, turn, by), group="checkin", exit_on_error=False)

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    async def _run(self, job: Any, turn: int, by: tuple[int, str] | None) -> None:
        message = await asyncio.get_running_loop().run_in_executor(self._pool, self._guarded, job, by)
        refusal = getattr(message, "refusal", None)
        if isinstance(refusal, Refusal) and refusal.code == DEACTIVATED:
            # The console locks and its sign-in says why (ClerkSessionMixin.clerk_deactivated): the
            # scan is not the clerk's to put right, and the next clerk's list is not the place.
            app: Any = self.screen.app
            app.clerk_deactivated(refusal.text, turn)
        elif message is not None:
            self.screen.post_message(message)

    def _guarded(self, job: Any, by: tuple[int, str] | None) -> Message | None:
        try:
            result: Message | None = job()
        except Exception as exc:  # a bug must not end the console: logged, one line on screen
            # Its sender's, as a refusal is: another clerk may have signed in while it ran.
            return CheckinWriter.Crashed(report_unexpected(self.screen, exc), by)  # type: ignore[arg-type]
        return result

    # -- jobs (writer thread) ---------------------------------------------------------------------

    def warm_up(self) -> None:
        """Build the carrier detector now, not during the first scan burst."""
        get_detector(self.station)

    def _one_parcel(self, seq: int) -> list[int]:
        """`seq` and the other scans of the same parcel in hand: the scan it read again, its double reads."""

        def first(s: int) -> int:
            while s in self._again:
                s = self._again[s]
            return s

        root = first(seq)
        return [seq, *(s for s in (root, *self._again) if s != seq and first(s) == root)]

    def check_in(self, request: ScanRequest, *, hold_label: bool) -> Message:
        if request.again_of is not None:
            self._again[request.seq] = request.again_of
        scans = self._one_parcel(request.seq)
        # A phone kept for a scan of this parcel refused busy goes with whichever scan of it comes first.
        phone = self._retryable.pop(request.seq, None)
        if phone is None:
            phone = next((self._retryable[s] for s in scans if self._retryable.get(s)), None)
        try:
            result = check_in(
                self.station,
                request.raw,
                batch=request.batch,
                carrier=request.carrier,
                phone=phone,
                size=request.size,
                hold_label=hold_label,
                courier_batch=request.courier_batch,
            )
        except StationError as exc:
            if exc.code in PASSING_CODES:
                self._retryable[request.seq] = phone
            again = self._parcels.get(request.again_of) if request.again_of is not None else None
            return CheckinWriter.ScanRefused(request, Refusal.of(exc), again)
        self._parcels[request.seq] = result.parcel_id
        for seq in scans:  # its other scans are this parcel now: nothing of theirs is left to try again
            self._parcels.setdefault(seq, result.parcel_id)
            self._retryable.pop(seq, None)
        return CheckinWriter.CheckedIn(request, result)

    def set_phone(self, seq: int, phone: str, *, by: tuple[int, str] | None = None) -> Message:
        scans = self._one_parcel(seq)
        parcel_id = next((self._parcels[s] for s in scans if s in self._parcels), None)
        kept = next((s for s in scans if s in self._retryable), None)
        try:
            if parcel_id is None and kept is not None:
                self._retryable[kept] = phone
                return CheckinWriter.PhoneKept(seq, parse_phone(phone).masked)
            if parcel_id is None:
                raise NotFound(
                    N_("That scan was not checked in: scan the parcel again."), code="not_checked_in"
                )
            saved = set_phone_for(self.station, parcel_id, phone)
        except StationError as exc:
            return CheckinWriter.PhoneRefused(seq, Refusal.of(exc), _masked(phone), parcel_id, by)
        return CheckinWriter.PhoneSaved(
            seq, parcel_id, saved.masked, saved.consent_missing, saved.wants_door, saved.consent
        )

    def recipient(self, seq: int, picked: Picked, *, by: tuple[int, str] | None = None) -> Message:
        # On demand: the directory's matching loads when a recipient is first looked for.
        from station_console.services.recipients import matching

        parcel_id = self._parcels.get(seq)
        try:
            if parcel_id is None:
                raise NotFound(
                    N_("That scan was not checked in: scan the parcel again."), code="not_checked_in"
                )
            if picked.recipient_id is None:
                matching.name(self.station, parcel_id, picked.name)
                return CheckinWriter.RecipientSaved(seq, parcel_id, picked.describe(), None, False, False)
            linked = matching.link(self.station, parcel_id, picked.recipient_id)
        except StationError as exc:
            return CheckinWriter.RecipientRefused(seq, picked, Refusal.of(exc), by)
        return CheckinWriter.RecipientSaved(
            seq,
            parcel_id,
            picked.describe(),
            linked.masked_phone,
            linked.consent_missing,
            picked.wants_door,
            linked.consent,
        )

    def undo(self) -> Message:
        try:
            result = undo_last(self.station)
        except StationError as exc:
            return CheckinWriter.ActionRefused(Refusal.of(exc))
        self._parcels = {seq: pid for seq, pid in self._parcels.items() if pid != result.parcel_id}
        return CheckinWriter.Undone(result)

    def let_label_go(self) -> Message:
        try:
            let_held_label_go(self.station)
        except StationError as exc:
            return CheckinWriter.ActionRefused(Refusal.of(exc))
        return CheckinWriter.LabelLetGo()

    def reprint(self, item: int, parcel_id: int) -> Message:
        try:
            job = reprint(self.station, parcel_id)
        except StationError as exc:
            return CheckinWriter.ActionRefused(Refusal.of(exc), item)
        return CheckinWriter.Reprinted(item, job.id or 0)

    def dismiss(self, kind: str, code: str, waybill: str | None, length: int) -> Message | None:
        try:
            record_dismissal(self.station, kind=kind, code=code, waybill=waybill, length=length)
        except StationError as exc:
            return CheckinWriter.ActionRefused(Refusal.of(exc))
        return None


def _masked(phone: str) -> str:
    try:
        return parse_phone(phone).masked
    except StationError:
        return ""  # not a phone: the refusal says so
