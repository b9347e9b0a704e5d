"""The carrier outbox as the console shows it, and its dead-letter list: retry an event, or drop it.

Both are audited. A retry keeps the event's idempotency key (it is the same event: a receiver that did
get it keeps one); dropping is a manager's decision, with a reason. A listed event's state and kind are
read by their labels (`STATUS_LABELS`, `KIND_LABELS`: the screen and `station events` share them), its
`last_error` in the reader's language (`stored_messages`). A retry keeps the event's failures in all
(`attempts`, also in its audit event) and starts its backoff afresh (`attempts_since_retry`). A listed
event held back behind an earlier one of its parcel (`outbox.first_blocker`) names it
(`EventRow.waiting_behind`, `status_text`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as columns
from sqlmodel import Session, col

from db.models import Carrier, CarrierEvent, CarrierEventStatus, EventKind
from hardware.messages import Message
from station_console.errors import NotFound, Refused
from station_console.i18n import N_, LaterText, _, label_of
from station_console.services.carrier_events.outbox import first_blocker
from station_console.services.core import audit
from station_console.services.core.free_text import REASON
from station_console.services.core.outbox_states import OUTBOX_STATE_LABELS
from station_console.services.core.roles import require, require_manager
from station_console.services.core.station import Station
from station_console.stored_messages import stored_text

STATUSES = tuple(s.value for s in CarrierEventStatus)
RETRYABLE = (CarrierEventStatus.DEAD, CarrierEventStatus.FAILED)
DROPPABLE = (CarrierEventStatus.DEAD, CarrierEventStatus.FAILED, CarrierEventStatus.QUEUED)

STATUS_LABELS = OUTBOX_STATE_LABELS  # every state of an outgoing item is a carrier event's
WAITING_BEHIND = N_("waiting behind event {id}")
# Only an event the sender would send is held back; a dead one is the list's own business.
HELD_BACK = (CarrierEventStatus.QUEUED, CarrierEventStatus.FAILED)
KIND_LABELS = {
    "checked_in": N_("arrived"),
    "picked_up": N_("picked up"),
    "returned": N_("returned"),
    "door_delivered": N_("delivered to the door"),
    "checkin_undone": N_("arrival undone"),
    "pickup_undone": N_("pickup undone"),
    "door_delivery_undone": N_("door delivery undone"),
}


def status_label(status: str) -> LaterText:
    """An event's state as a refusal's parameter: its label, translated where the refusal is shown."""
    return LaterText(Message(STATUS_LABELS.get(status, status)))


@dataclass(frozen=True)
class EventRow:
    id: int
    carrier: str
    kind: str
    waybill: str
    status: str
    attempts: int
    at: datetime
    next_attempt_at: datetime | None
    last_error: str | None  # shown text, in the current language
    channel: str | None
    sent_at: datetime | None
    # the earliest event of the same parcel it waits for (dead, waiting for its retry, not yet sent)
    waiting_behind: int | None = None

    @property
    def tries(self) -> int:
        """The times it was sent, the one that went through too: `attempts` counts the failures (all of
        them, retries from the dead-letter list included), so a sent event read "Tries 0"."""
        return self.attempts + (1 if self.status == CarrierEventStatus.SENT else 0)

    def status_text(self) -> str:
        """Its state as the screen and `station events list` show it: a held-back event names the
        event it waits behind, in the reader's language."""
        if self.waiting_behind is not None:
            return _(WAITING_BEHIND, id=self.waiting_behind)
        return label_of(STATUS_LABELS, self.status)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


_COLUMNS: list[Any] = [
    CarrierEvent.id,
    Carrier.code,
    CarrierEvent.kind,
    CarrierEvent.waybill,
    CarrierEvent.status,
    CarrierEvent.attempts,
    CarrierEvent.at,
    CarrierEvent.next_attempt_at,
    CarrierEvent.last_error,
    CarrierEvent.channel,
    CarrierEvent.sent_at,
]


def _held_back_by(status: str, blocker: int | None) -> int | None:
    return blocker if status in HELD_BACK else None


def list_events(station: Station, *, status: str | None = None, limit: int = 200) -> list[EventRow]:
    """Newest first; `status="dead"` is the dead-letter list."""
    require(station, "view")
    query = (
        columns(*_COLUMNS, first_blocker())
        .join(Carrier, col(Carrier.id) == col(CarrierEvent.carrier_id))
        .order_by(col(CarrierEvent.id).desc())
        .limit(limit)
    )
    if status:
        query = query.where(col(CarrierEvent.status) == status)
    with station.read() as session:
        rows = session.execute(query).all()
    return [
        EventRow(
            id=row[0],
            carrier=row[1],
            kind=row[2],
            waybill=row[3],
            status=row[4],
            attempts=row[5],
            at=row[6],
            next_attempt_at=row[7],
            last_error=stored_text(row[8]) or None,
            channel=row[9],
            sent_at=row[10],
            waiting_behind=_held_back_by(row[4], row[11]),
        )
        for row in rows
    ]


def counts(station: Station) -> dict[str, int]:
    require(station, "view")
    with station.read() as session:
        rows = session.execute(
            columns(col(CarrierEvent.status), func.count()).group_by(col(CarrierEvent.status))
        ).all()
    return {str(status): int(n) for status, n in rows}


def _event(session: Session, event_id: int) -> CarrierEvent:
    """The event a clerk retries or drops, locked as read (PostgreSQL): the sender's claim passes over
    it, and a second clerk's step waits and reads what this one made of it."""
    event = session.get(CarrierEvent, event_id, with_for_update=True)
    if event is None:
        raise NotFound(N_("There is no carrier event {id}."), code="no_event", id=event_id)
    return event


def _row(session: Session, event: CarrierEvent) -> EventRow:
    carrier = session.get(Carrier, event.carrier_id)
    blocker = session.execute(
        columns(first_blocker()).select_from(CarrierEvent).where(col(CarrierEvent.id) == event.id)
    ).scalar()
    return EventRow(
        id=event.id or 0,
        carrier=carrier.code if carrier else "?",
        kind=event.kind,
        waybill=event.waybill,
        status=event.status,
        attempts=event.attempts,
        at=event.at,
        next_attempt_at=event.next_attempt_at,
        last_error=stored_text(event.last_error) or None,
        channel=event.channel,
        sent_at=event.sent_at,
        waiting_behind=_held_back_by(event.status, blocker),
    )


def retry(station: Station, event_id: int) -> EventRow:
    """Send a dead (or failed) event again at the next pass: its backoff and give-up limit start afresh
    (`attempts_since_retry`), its failures in all (`attempts`) are kept and written in the trail."""
    require(station, "carrier_events")

    def work(session: Session) -> EventRow:
        event = _event(session, event_id)
        if event.status not in RETRYABLE:
            raise Refused(
                N_("Carrier event {id} is {status}: only dead or failed events can be retried."),
                code="not_retryable",
                id=event_id,
                status=status_label(event.status),
            )
        previous = event.status
        event.status, event.next_attempt_at = CarrierEventStatus.QUEUED, station.now()
        event.attempts_since_retry = 0
        session.add(event)
        audit.record(
            session,
            station,
            EventKind.CARRIER_EVENT_RETRIED,
            parcel_id=event.parcel_id,
            details={
                "event": event_id,
                "kind": event.kind,
                "waybill": event.waybill,
                "was": previous,
                "attempts": event.attempts,
            },
        )
        return _row(session, event)

    return station.run(work)


def drop(station: Station, event_id: int, reason: str) -> EventRow:
    """Manager: give up on an event for good (it is kept, marked dropped), with a reason."""
    require_manager(station, "drop_event")
    reason = REASON.read(reason)

    def work(session: Session) -> EventRow:
        event = _event(session, event_id)
        if event.status not in DROPPABLE:
            raise Refused(
                N_("Carrier event {id} is {status}: it cannot be dropped."),
                code="not_droppable",
                id=event_id,
                status=status_label(event.status),
            )
        previous = event.status
        event.status, event.next_attempt_at = CarrierEventStatus.DROPPED, None
        session.add(event)
        audit.record(
            session,
            station,
            EventKind.CARRIER_EVENT_DROPPED,
            parcel_id=event.parcel_id,
            details={
                "event": event_id,
                "kind": event.kind,
                "waybill": event.waybill,
                "was": previous,
                "reason": reason,
            },
        )
        return _row(session, event)

    return station.run(work)
