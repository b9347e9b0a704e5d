"""Deliver the carrier outbox: claim, send, mark; retries with backoff; a dead-letter list; no event twice.

A pass (`run_once`):

1. Recover events a crashed sender left `sending` past their lease. Through the webhook they are sent
   again under the same idempotency key (the receiver keeps one); through the file channel they are
   marked sent if their line is in the file, else written again. So no event is delivered twice.
2. Claim (one committed transaction, before any send): each carrier's oldest unsent events, in order, as
   long as they are due; a carrier whose oldest event waits for its retry sends nothing newer meanwhile
   (a receiver that is down is asked again once per backoff, not once per event). An event whose
   parcel has an earlier event not gone out (dead-lettered, waiting for its retry, being sent) is not
   selected at all (`outbox.waiting_clause`, in the one query), so a receiver never sees a parcel's
   departure before its arrival, a dead letter's parcel included. Claimed events become `sending` with
   `next_attempt_at` = the lease's end.
3. Send each, outside any transaction, through the carrier's channel (`channels.py`).
4. Mark each in its own transaction: `sent`; or `failed` with attempts+1 and the next try after a
   doubling backoff; or `dead` after `carrier_event_max_attempts` or a permanent refusal (a 4xx). The
   backoff and the limit count the failures since the event's last retry (`attempts_since_retry`),
   `attempts` all of them, so a retried dead letter starts afresh and its total stays told. A
   transient failure stops that carrier for this pass (its other claimed events go back unclaimed, no
   attempt counted); the other carriers go on. A stop asked between events (`should_continue`: the
   console quitting) sends the rest back the same way, the event in hand sent and marked.

A carrier whose target cannot be used (a webhook without URL or secret) keeps its events queued and the
pass reports why (`errors`) and that it could not send at all (`unusable`); so does a file target whose
folder cannot be written at all (a file in its place, no permission: `EventChannelError.unusable`), its
event counted as tried and waiting for its retry.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as columns
from sqlmodel import Session, col, select

from db.models import Carrier, CarrierEvent, CarrierEventStatus
from station_console.i18n import N_, shown
from station_console.services.carrier_events import folders
from station_console.services.carrier_events.channels import (
    EventChannel,
    EventChannelError,
    FileChannel,
    body_of,
    channel_for,
    chosen_folder,
)
from station_console.services.carrier_events.outbox import target_for, waiting_clause
from station_console.services.core.station import Station
from station_console.stored_messages import to_store

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)  # longer than a webhook's timeout
BACKOFF_CAP = timedelta(hours=1)
BATCH = 200
UNSENT = (CarrierEventStatus.QUEUED, CarrierEventStatus.FAILED)
RESENT_NOTE = N_("Interrupted while sending: sent again with the same key, so the receiver keeps it once")


@dataclass
class Claimed:
    id: int
    key: str
    kind: str
    carrier: str
    body: bytes


@dataclass
class PassResult:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)  # will be retried
    dead: list[int] = field(default_factory=list)
    recovered: list[int] = field(default_factory=list)
    # carrier -> why its events did not go, in the language of whoever reads the pass
    errors: dict[str, str] = field(default_factory=dict)
    # carriers whose target cannot be used at all (no target, URL or secret; a folder not writable): unlike a receiver
    # that is down, no retry helps until someone fixes the settings, so a headless run says so
    unusable: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "failed": self.failed,
            "dead": self.dead,
            "recovered": self.recovered,
            "errors": self.errors,
            "unusable": self.unusable,
        }


def event_json(event: CarrierEvent, carrier: str) -> dict[str, Any]:
    """What the receiver gets: the event's id (its idempotency key), kind, parcel and where/when."""
    return {
        **event.payload,
        "event_id": event.idempotency_key,
        "kind": event.kind,
        "waybill": event.waybill,
        "carrier": carrier,
        "at": event.at.isoformat(),
    }


class Channels:
    """The channel of each carrier for one pass (built once; `overrides` for tests)."""

    def __init__(self, station: Station, overrides: dict[str, EventChannel] | None = None) -> None:
        self.station, self.overrides = station, overrides or {}
        self.built: dict[str, EventChannel | EventChannelError] = {}
        self.remembered: set[Path] = set()  # folders recorded as used in this pass

    def day_of(self, at: datetime) -> date:
        return self.station.business_day(at)

    def _once_used(self, folder: Path | None) -> bool:
        """Whether an event has gone out into this chosen folder: it was there then."""
        return folder is not None and self.station.finds(lambda s: folders.once_used(s, folder))

    def sent_through(self, channel: EventChannel) -> None:
        """An event went out through `channel`: a file's folder is remembered as used (once a pass)."""
        if isinstance(channel, FileChannel) and channel.folder not in self.remembered:
            folders.remember(self.station, channel.folder)
            self.remembered.add(channel.folder)

    def get(self, carrier: str) -> EventChannel:
        """The carrier's channel; raises `EventChannelError` when its target cannot be used."""
        if carrier not in self.built:
            if carrier in self.overrides:
                self.built[carrier] = self.overrides[carrier]
            else:
                target = target_for(self.station.settings(), carrier)
                try:
                    if target is None:
                        raise EventChannelError.failed(
                            N_("No event target for {carrier}"), permanent=True, carrier=carrier
                        )
                    once_used = self._once_used(chosen_folder(target))
                    self.built[carrier] = channel_for(target, carrier, self.day_of, once_used=once_used)
                except EventChannelError as exc:
                    self.built[carrier] = exc
        found = self.built[carrier]
        if isinstance(found, EventChannelError):
            raise found
        return found


def _codes(session: Session) -> dict[int, str]:
    return {int(i): str(c) for i, c in session.execute(columns(col(Carrier.id), col(Carrier.code))).all()}


def recover_stale(station: Station, channels: Channels, result: PassResult) -> None:
    def stale_at(now: datetime) -> Any:
        return select(CarrierEvent).where(
            CarrierEvent.status == CarrierEventStatus.SENDING, col(CarrierEvent.next_attempt_at) < now
        )

    if not station.finds(lambda s: s.exec(stale_at(station.now()).limit(1)).first()):
        return  # a pass almost never finds one

    def work(session: Session) -> list[int]:
        now = station.now()
        stale = session.exec(stale_at(now).with_for_update(skip_locked=True)).all()
        codes = _codes(session) if stale else {}
        for event in stale:
            carrier = codes.get(event.carrier_id, "?")
            try:
                channel = channels.get(carrier)
            except EventChannelError:
                channel = None
            if isinstance(channel, FileChannel) and channel.holds(
                event.idempotency_key, body_of(event_json(event, carrier))
            ):
                event.status, event.sent_at, event.next_attempt_at = CarrierEventStatus.SENT, now, None
            else:  # the webhook drops a repeated key; a file without the line never got it
                event.status, event.next_attempt_at = CarrierEventStatus.FAILED, now
                event.last_error = to_store(RESENT_NOTE)
            session.add(event)
        return [e.id for e in stale if e.id is not None]

    result.recovered.extend(station.run(work))


def claim(station: Station, channels: Channels, result: PassResult, *, limit: int = BATCH) -> list[Claimed]:
    """Mark each carrier's due events, oldest first, `sending` (committed before any send)."""

    unsent = (
        select(CarrierEvent)
        .where(col(CarrierEvent.status).in_(UNSENT), ~waiting_clause())
        .order_by(col(CarrierEvent.id))
        .limit(limit * 5)
    )

    def plan(
        session: Session, rows: Sequence[CarrierEvent], now: datetime
    ) -> list[tuple[CarrierEvent, str, str]]:
        """The events of `rows` to claim, with their carrier and channel's name, in order; a carrier whose
        target cannot be used is told in `result` (the same each time it is asked)."""
        codes = _codes(session) if rows else {}
        by_carrier: dict[str, list[CarrierEvent]] = defaultdict(list)
        for event in rows:
            by_carrier[codes.get(event.carrier_id, "?")].append(event)
        chosen: list[tuple[CarrierEvent, str, str]] = []
        for carrier, events in by_carrier.items():
            if carrier in result.errors:
                continue  # failed earlier in this pass
            try:
                channel = channels.get(carrier)
            except EventChannelError as exc:
                result.errors[carrier] = shown(exc.message)
                result.unusable.append(carrier)
                continue
            for event in events:
                due = event.next_attempt_at is None or event.next_attempt_at <= now
                if not due or len(chosen) >= limit:
                    break  # keep the carrier's order: nothing newer goes before this one
                chosen.append((event, carrier, channel.name))
        return chosen

    # A pass's last claim, and every pass while events wait for their retry, finds nothing to send.
    if not station.finds(lambda s: plan(s, s.exec(unsent).all(), station.now())):
        return []

    def work(session: Session) -> list[Claimed]:
        now = station.now()
        # PostgreSQL: two senders never share an event
        rows = session.exec(unsent.with_for_update(skip_locked=True)).all()
        claimed: list[Claimed] = []
        for event, carrier, channel in plan(session, rows, now):
            event.status, event.next_attempt_at = CarrierEventStatus.SENDING, now + LEASE
            event.channel = channel
            session.add(event)
            claimed.append(
                Claimed(
                    id=event.id or 0,
                    key=event.idempotency_key,
                    kind=event.kind,
                    carrier=carrier,
                    body=body_of(event_json(event, carrier)),
                )
            )
        return claimed

    return station.run(work)


def backoff(station: Station, attempts: int) -> timedelta:
    first = station.settings().carrier_event_backoff_s
    return min(BACKOFF_CAP, timedelta(seconds=first * 2 ** max(0, attempts - 1)))


def finish(station: Station, item: Claimed, error: EventChannelError | None) -> str:
    """Mark a claimed event sent, failed (to retry) or dead; returns its new status."""
    max_attempts = station.settings().carrier_event_max_attempts

    def work(session: Session) -> str:
        event = session.get(CarrierEvent, item.id)
        if event is None or event.status != CarrierEventStatus.SENDING:
            return event.status if event else "gone"  # recovered by another sender meanwhile
        now = station.now()
        if error is None:
            event.status, event.sent_at, event.next_attempt_at = CarrierEventStatus.SENT, now, None
            event.last_error = None
        else:
            event.attempts += 1
            event.attempts_since_retry += 1
            event.last_error = to_store(error.message)  # read back in the reader's language
            if error.permanent or event.attempts_since_retry >= max_attempts:
                event.status, event.next_attempt_at = CarrierEventStatus.DEAD, None
            else:
                event.status = CarrierEventStatus.FAILED
                event.next_attempt_at = now + backoff(station, event.attempts_since_retry)
        session.add(event)
        return event.status

    return station.run(work)


def release(station: Station, ids: list[int]) -> None:
    """Claimed but not tried (its carrier failed first): back to waiting, no attempt counted."""
    if not ids:
        return

    def work(session: Session) -> None:
        for event in session.exec(select(CarrierEvent).where(col(CarrierEvent.id).in_(ids))).all():
            if event.status == CarrierEventStatus.SENDING:
                failed_since_retry = event.attempts_since_retry > 0
                event.status = CarrierEventStatus.FAILED if failed_since_retry else CarrierEventStatus.QUEUED
                event.next_attempt_at = station.now()
                session.add(event)

    station.run(work)


def waiting(station: Station) -> int:
    """How many events wait in the outbox to be sent (queued, or failed with a retry to come): after a
    pass, those it did not deliver, whether tried now or not due again yet."""
    with station.read() as session:
        return int(
            session.exec(
                select(func.count()).select_from(CarrierEvent).where(col(CarrierEvent.status).in_(UNSENT))
            ).one()
        )


def stranded(station: Station) -> dict[str, int]:
    """Events still to send, by carrier, whose carrier has no usable target (removed from the settings,
    a webhook without URL or secret): no retry sends them, only dropping them or setting the target
    again does. A pass with no target at all claims nothing, so they are counted here, not by a pass."""
    with station.read() as session:
        counts = session.execute(
            columns(col(CarrierEvent.carrier_id), func.count())
            .where(col(CarrierEvent.status).in_(UNSENT))
            .group_by(col(CarrierEvent.carrier_id))
        ).all()
        codes = _codes(session) if counts else {}
    channels = Channels(station)
    found: dict[str, int] = {}
    for carrier_id, count in counts:
        carrier = codes.get(carrier_id, "?")
        try:
            channels.get(carrier)
        except EventChannelError:
            found[carrier] = int(count)
    return found


def run_once(
    station: Station,
    *,
    channels: dict[str, EventChannel] | None = None,
    limit: int = BATCH,
    should_continue: Callable[[], bool] = lambda: True,
) -> PassResult:
    """One pass over the carrier outbox (see the module docstring). `should_continue` is asked before
    each event: once it says no (the console quits), the event in hand has been sent and marked, and
    the rest claimed go back to waiting, no attempt counted."""
    result = PassResult()
    if not station.settings().carrier_event_targets and not channels:
        return result
    pass_channels = Channels(station, channels)
    recover_stale(station, pass_channels, result)
    while should_continue():
        claimed = claim(station, pass_channels, result, limit=limit)
        if not claimed:
            return result
        unsent: list[int] = []  # its carrier failed earlier in this pass, or the pass was stopped
        for item in claimed:
            if item.carrier in result.errors or not should_continue():
                unsent.append(item.id)
                continue
            try:
                channel = pass_channels.get(item.carrier)
                channel.send(item.key, item.kind, item.body)
            except EventChannelError as exc:
                log.warning("carrier event %s (%s) to %s failed: %s", item.key, item.kind, item.carrier, exc)
                status = finish(station, item, exc)
                (result.dead if status == CarrierEventStatus.DEAD else result.failed).append(item.id)
                if not exc.permanent:
                    result.errors[item.carrier] = shown(exc.message)
                if exc.unusable and item.carrier not in result.unusable:
                    result.unusable.append(item.carrier)
                continue
            finish(station, item, None)
            pass_channels.sent_through(channel)
            result.sent.append(item.id)
        release(station, unsent)
    return result
