"""Drain the outbox: claim, send, mark; retry with backoff; never send twice after a crash.

A pass (`run_once`) first queues the day's reminders, then recovers rows a crashed sender left behind,
then repeatedly claims a batch of due messages and sends them:

1. Claim (one committed transaction, before any send): due rows become `sending`, with `channel` set and
   `next_attempt_at` = now + `LEASE` (while `sending`, that column is the lease's end). Rows of one
   recipient and kind are grouped into one message: fresh check-in rows wait `notify_group_window_s`
   after check-in, then every fresh row of that recipient joins. The group's idempotency key (its first
   row's key) is stored in each row's payload (`group`), so a retry sends the same message with the same
   key. Rows whose parcel left the shelf are cancelled; rows with no address for the channel fail for good.
2. Send through the channel, outside any transaction.
3. Mark (one transaction per message): `sent` (+ a `notified` audit event per parcel), or `failed` with
   attempts+1, `last_error` and `next_attempt_at` = now + backoff (doubling), or failed for good
   (`next_attempt_at` NULL) after `notify_max_attempts` or a permanent refusal. A transient failure ends
   the pass; the rest of the batch goes back unclaimed, no attempt counted. So does a stop asked
   between messages (`should_continue`: the console quitting), the message in hand sent and marked.

Crash rule: a row still `sending` after its lease was cut off between claim and mark; it may or may not
have gone out. If its channel is idempotent (the webhook: the gateway drops a repeated key) it is sent
again with the same key. Otherwise (SMTP, file) it is failed for good with a note and never resent
automatically: a clerk who learns the customer got nothing presses resend. So no crash sends twice.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from db.models import (
    EventKind,
    Layer,
    Notification,
    NotificationStatus,
    Parcel,
    ParcelStatus,
    Recipient,
    Shelf,
)
from hardware.messages import Message as Note
from station_console.errors import NotFound, Refused
from station_console.i18n import N_, LaterText, shown
from station_console.logs import mask_text
from station_console.services.core import audit
from station_console.services.core.outbox_states import OUTBOX_STATE_LABELS
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.fees.ledger import quotes_in
from station_console.services.notify.channels import Channel, ChannelError, make_channel
from station_console.services.notify.listing import RETRYING, held_count
from station_console.services.notify.reminders import queue_reminders
from station_console.services.notify.templates import Choice, FeeNote, Item, Message, render
from station_console.stored_messages import to_store

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)  # longer than any channel timeout times a pass's first failure
BATCH = 50
BACKOFF_CAP = timedelta(hours=1)
INTERRUPTED_NOTE = N_(
    "Interrupted while sending: it may have gone out. Resend it if the customer got nothing."
)
NO_ADDRESS_NOTE = N_("No address for the {channel} channel")
# Stored as the message's last error (its words kept as they are: rows hold them); a resend refuses in a sentence.
LEFT_NOTE = N_("The parcel is no longer on the shelf")
RESENT_NOTE = N_("Interrupted while sending: sent again with the same key, so it goes out once")


@dataclass
class Group:
    """One message to send: its key, recipient, the outbox rows it settles and the parcels it lists."""

    key: str
    kind: str
    to: str
    ids: list[int]
    items: list[Item]
    parcel_ids: list[int]
    choice: Choice | None = None  # the recipient's directory entry says this about their choices


@dataclass
class PassResult:
    sent: list[int] = field(default_factory=list)  # outbox row ids
    messages: int = 0  # messages that went out (a group is one)
    failed: list[int] = field(default_factory=list)  # will be retried
    gave_up: list[int] = field(default_factory=list)  # failed for good
    cancelled: list[int] = field(default_factory=list)
    recovered: list[int] = field(default_factory=list)
    reminders: int = 0
    error: str | None = None  # the channel's error when a transient failure ended the pass
    off: bool = False  # notify_channel = none: nothing was tried
    held: int = (
        0  # with messages off, the rows that would be due to go out: none ever will until a channel is chosen
    )

    def as_json(self) -> dict[str, Any]:
        return {
            "off": self.off,
            "held": self.held,
            "sent": self.sent,
            "messages": self.messages,
            "failed": self.failed,
            "gave_up": self.gave_up,
            "cancelled": self.cancelled,
            "recovered": self.recovered,
            "reminders": self.reminders,
            "error": self.error,
        }


@dataclass
class _Plan:
    """What a claim does to the rows it found due: cancel those whose parcel left, give up those with no
    address for the channel, send the groups (each its rows, parcels and address)."""

    left: list[Notification] = field(default_factory=list)
    no_address: list[Notification] = field(default_factory=list)
    groups: list[list[tuple[Notification, Parcel, str]]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.left or self.no_address or self.groups)


def address_for(parcel: Parcel, channel: Channel) -> str | None:
    if channel.address == "email":
        return parcel.email
    if channel.address == "phone":
        return parcel.phone_full
    return parcel.phone_full or parcel.email


def _item(session: Session, station: Station, note: Notification, parcel: Parcel) -> Item:
    """The parcel as it is now (a move may have changed its code and place), else as queued; a
    reminder also says what storage costs (the fee so far, or the day it starts)."""
    payload = note.payload
    shelf = session.get(Shelf, parcel.shelf_id) if parcel.shelf_id else None
    layer = session.get(Layer, parcel.layer_id) if parcel.layer_id else None
    fee = quotes_in(session, station, [parcel]).get(parcel.id or 0) if note.kind == "reminder" else None
    return Item(
        pickup_code=parcel.pickup_code or payload.get("pickup_code", "?"),
        shelf=shelf.label if shelf else str(payload.get("shelf", "?")),
        layer=layer.label if layer else str(payload.get("layer", "?")),
        carrier=str(payload.get("carrier", "")),
        checked_in_at=parcel.checked_in_at,
        old_code=payload.get("old_code"),
        note=str(payload.get("reason", "")),
        fee=FeeNote(fee.owed_cents, fee.per_day_cents, fee.fee_starts) if fee and fee.per_day_cents else None,
    )


def _choice(session: Session, parcel: Parcel) -> Choice | None:
    """The recipient's delivery choice and language, when the parcel has a directory entry."""
    if parcel.recipient_id is None:
        return None
    entry = session.get(Recipient, parcel.recipient_id)
    if entry is None:
        return None
    return Choice(delivery_preference=entry.delivery_preference, language=entry.language)


def _give_up(note: Notification, error: str) -> None:
    """Failed for good; `error` kept for the outbox (`stored_messages`: our notes by message id)."""
    note.status, note.next_attempt_at, note.last_error = NotificationStatus.FAILED, None, to_store(error)


def recover_stale(station: Station, channel: Channel) -> list[int]:
    """Settle rows left `sending` past their lease by a crashed sender (see the crash rule above)."""

    def stale_at(now: datetime) -> Any:
        return select(Notification).where(
            Notification.status == NotificationStatus.SENDING, col(Notification.next_attempt_at) < now
        )

    if not station.finds(lambda s: s.exec(stale_at(station.now()).limit(1)).first()):
        return []  # a pass almost never finds one

    def work(session: Session) -> list[int]:
        now = station.now()
        stale = session.exec(stale_at(now).with_for_update(skip_locked=True)).all()
        for note in stale:
            if note.channel == channel.name and channel.idempotent:
                note.status, note.next_attempt_at = NotificationStatus.FAILED, now
                note.attempts, note.last_error = note.attempts + 1, RESENT_NOTE
            else:
                _give_up(note, INTERRUPTED_NOTE)
            session.add(note)
        return [n.id for n in stale if n.id is not None]

    return station.run(work)


def claim(
    station: Station, channel: Channel, *, limit: int = BATCH, result: PassResult | None = None
) -> list[Group]:
    """Mark the due messages `sending` (committed before any send) and return them grouped.

    Rows settled on the way (cancelled, no address) are added to `result`."""
    settings = station.settings()
    window = timedelta(seconds=settings.notify_group_window_s)

    cancelled: list[int] = []
    gave_up: list[int] = []

    def due_at(now: datetime) -> Any:
        return (
            select(Notification, Parcel)
            .join(Parcel, col(Notification.parcel_id) == col(Parcel.id))
            .where(
                col(Notification.status).in_((NotificationStatus.QUEUED, NotificationStatus.FAILED)),
                col(Notification.next_attempt_at) <= now,
            )
            .order_by(col(Notification.id))
        )

    def plan(rows: Any, now: datetime) -> _Plan:
        """What the claim does to the due `rows` (notification, parcel), changing nothing yet."""
        found = _Plan()
        groups: dict[tuple[str, ...], list[tuple[Notification, Parcel, str]]] = defaultdict(list)
        for note, parcel in rows:
            if parcel.status != ParcelStatus.ON_SHELF:
                found.left.append(note)
                continue
            to = address_for(parcel, channel)
            if not to:
                found.no_address.append(note)
                continue
            stored = note.payload.get("group")
            key: tuple[str, ...] = ("g", str(stored)) if stored else ("fresh", note.kind, to)
            groups[key].append((note, parcel, to))
        for key, members in groups.items():
            if len(found.groups) >= limit:
                break
            fresh_checkin = key[:2] == ("fresh", "checkin")
            if fresh_checkin and not any(n.created_at + window <= now for n, _p, _t in members):
                continue  # wait for the window, so more of this recipient's parcels can join (reminders: no)
            found.groups.append(members)
        return found

    def anything_due(session: Session) -> bool:
        now = station.now()
        return bool(plan(session.exec(due_at(now)).all(), now))

    if not station.finds(anything_due):  # a pass's last claim, every pass while nothing is due
        return []

    def work(session: Session) -> list[Group]:
        now = station.now()
        cancelled.clear()
        gave_up.clear()
        # PostgreSQL: two senders never share a row
        rows = session.exec(due_at(now).with_for_update(skip_locked=True, of=Notification)).all()
        found = plan(rows, now)
        for note in found.left:
            note.status, note.next_attempt_at = NotificationStatus.CANCELLED, None
            note.last_error = LEFT_NOTE
            session.add(note)
            cancelled.append(note.id or 0)
        for note in found.no_address:
            _give_up(note, Note(NO_ADDRESS_NOTE, channel=channel.name))
            session.add(note)
            gave_up.append(note.id or 0)
        claimed: list[Group] = []
        for members in found.groups:
            first = members[0][0]
            group_key = str(first.payload.get("group") or first.idempotency_key)
            for note, _parcel, _to in members:
                note.status, note.channel = NotificationStatus.SENDING, channel.name
                note.next_attempt_at = now + LEASE
                note.payload = {**note.payload, "group": group_key}
                session.add(note)
            claimed.append(
                Group(
                    key=group_key,
                    kind=first.kind,
                    to=members[0][2],
                    ids=[n.id for n, _p, _t in members if n.id is not None],
                    items=[_item(session, station, n, p) for n, p, _t in members],
                    parcel_ids=[p.id for _n, p, _t in members if p.id is not None],
                    choice=_choice(session, members[0][1]),
                )
            )
        return claimed

    groups = station.run(work)
    if result is not None:
        result.cancelled.extend(cancelled)
        result.gave_up.extend(gave_up)
    return groups


def waiting(station: Station) -> int:
    """How many outbox rows wait for a retry (failed, with a next try to come): after a pass, those it
    tried and failed now, and those not due again yet. Queued rows not tried yet are not counted."""
    with station.read() as session:
        return int(session.exec(select(func.count()).select_from(Notification).where(RETRYING)).one())


def held(station: Station) -> int:
    """How many outbox rows would go out (queued, or failed with a next try to come, their parcel on
    the shelf): with messages off, the ones held back."""
    with station.read() as session:
        return held_count(session)


def backoff(settings: Any, attempts: int) -> timedelta:
    return min(BACKOFF_CAP, timedelta(seconds=settings.notify_backoff_s * 2 ** max(0, attempts - 1)))


def finish(station: Station, group: Group, error: ChannelError | None) -> bool:
    """Mark a claimed group sent or failed; False when it was given up for good."""
    settings = station.settings()

    def work(session: Session) -> bool:
        now, retry = station.now(), True
        for note_id in group.ids:
            note = session.get(Notification, note_id)
            if note is None or note.status != NotificationStatus.SENDING:
                continue  # recovered by another sender meanwhile: its rule applies
            if error is None:
                note.status, note.sent_at, note.last_error = NotificationStatus.SENT, now, None
                note.next_attempt_at = None
                audit.record(
                    session,
                    station,
                    EventKind.NOTIFIED,
                    parcel_id=note.parcel_id,
                    details={"notification": note_id, "kind": note.kind, "channel": note.channel},
                )
            else:
                note.attempts += 1
                if error.permanent or note.attempts >= settings.notify_max_attempts:
                    _give_up(note, error.message)
                    retry = False
                else:
                    note.status, note.last_error = (
                        NotificationStatus.FAILED,
                        to_store(error.said(retried=True)),
                    )
                    note.next_attempt_at = now + backoff(settings, note.attempts)
            session.add(note)
        return retry

    return station.run(work)


def release(station: Station, groups: list[Group]) -> None:
    """Claimed but not tried (the channel failed first): back to waiting, no attempt counted."""

    def work(session: Session) -> None:
        for group in groups:
            for note_id in group.ids:
                note = session.get(Notification, note_id)
                if note is not None and note.status == NotificationStatus.SENDING:
                    note.status = NotificationStatus.FAILED if note.attempts else NotificationStatus.QUEUED
                    note.next_attempt_at = station.now()
                    session.add(note)

    station.run(work)


def message_for(station: Station, group: Group) -> Message:
    return render(
        group.to,
        group.items,
        station.settings(),
        idempotency_key=group.key,
        kind=group.kind,
        choice=group.choice,
    )


def run_once(
    station: Station,
    channel: Channel | None = None,
    *,
    reminders: bool = True,
    limit: int = BATCH,
    should_continue: Callable[[], bool] = lambda: True,
) -> PassResult:
    """One pass: reminders, crash recovery, then everything due, batch by batch, until a transient error.

    `should_continue` is asked before each message: once it says no (the console quits), the message
    in hand has been sent and marked, and the rest of the batch goes back to waiting, no attempt counted."""
    result = PassResult()
    channel = channel or make_channel(station.settings())
    if channel is None:
        # notify_channel = none: messages stay queued and go out once a channel is chosen (those whose
        # parcel left meanwhile are withdrawn then); counted, so whoever reads the pass is told.
        result.off, result.held = True, held(station)
        return result
    if reminders:
        result.reminders = queue_reminders(station)
    result.recovered = recover_stale(station, channel)
    while should_continue():
        groups = claim(station, channel, limit=limit, result=result)
        if not groups:
            return result
        for n, group in enumerate(groups):
            if not should_continue():
                release(station, groups[n:])
                return result
            try:
                channel.send(message_for(station, group))
            except ChannelError as exc:
                log.warning("notification %s to %s failed: %s", group.key, mask_text(group.to), exc)
                retry = finish(station, group, exc)
                (result.failed if retry else result.gave_up).extend(group.ids)
                if not exc.permanent:
                    release(station, groups[n + 1 :])
                    result.error = shown(exc.said(retried=retry))  # in the language of whoever reads the pass
                    return result
                continue
            finish(station, group, None)
            result.sent.extend(group.ids)
            result.messages += 1
            log.info(
                "notification %s sent to %s (%d parcels)", group.key, mask_text(group.to), len(group.ids)
            )
    return result


def resend(station: Station, notification_id: int) -> Notification:
    """Queue a failed (or sent) message again, now, under a new key so a gateway does not drop it."""
    require(station, "notify")

    def work(session: Session) -> Notification:
        note = session.get(Notification, notification_id)
        if note is None:
            raise NotFound(N_("No message {id} in the outbox."), code="no_message", id=notification_id)
        if note.status not in (NotificationStatus.FAILED, NotificationStatus.SENT):
            raise Refused(
                N_("Message {id} is {status}: only failed or sent messages can be resent."),
                code="not_resendable",
                id=notification_id,
                status=LaterText(Note(OUTBOX_STATE_LABELS.get(note.status, note.status))),
            )
        parcel = session.get(Parcel, note.parcel_id) if note.parcel_id else None
        if parcel is None or parcel.status != ParcelStatus.ON_SHELF:
            raise Refused(N_("The parcel is no longer on the shelf."), code="parcel_left")
        note.status, note.attempts, note.last_error = NotificationStatus.QUEUED, 0, None
        note.next_attempt_at = station.now()  # created long ago: no grouping wait
        note.idempotency_key = uuid.uuid4().hex
        note.payload = {k: v for k, v in note.payload.items() if k != "group"}
        note.sent_at = None
        session.add(note)
        audit.record(
            session,
            station,
            EventKind.NOTIFIED,
            parcel_id=note.parcel_id,
            details={"notification": notification_id, "resend": True},
        )
        session.flush()
        session.refresh(note)
        session.expunge(note)
        return note

    return station.run(work)
