"""Personal data: purge full phones after parcels leave, delete one person's on request (their export:
person_export.py).

The full phone number exists only for notifications. `purge_phones` clears it N days (setting
`phone_purge_days`) after a parcel left the station (picked up, returned, written off or cancelled);
`purge_phones_in` runs inside a caller's transaction, and `station privacy purge` runs it alone. The
masked form stays: it is what screens and labels show and identifies no one by itself.

The same keep period rules the rest of what names a person: a recipient directory entry deactivated N
days ago loses its full phones, e-mail, name and consent notes (recipients/directory_privacy.py), and a
proxy's name and ID digits, and who received a door delivery (with the signature name and photo
reference), go N days after the pickup or delivery. A person's export and deletion cover their directory entries too.

Pre-alerts (预到货) carry phones too, by the same rules: a pre-alert's full number is only there to fill
its check-in, so it goes once its parcel has been checked in (the parcel carries it from then on), and
a pre-alert whose parcel never came keeps it `phone_purge_days` after it was closed or imported.

Send-out (寄件) has its own keep period, `send_record_keep_days` (default a year): real-name sending
(实名收寄) obliges the station to keep who sent what, to whom. The same purge then blanks a send's
names, address and ID digits and takes senders unseen that long off the sender list; which column goes
and why is in sendout/retention.py. Export and deletion find a person's sends by their full number (as
sender, or as addressee while the carrier still needs it); deletion cannot shorten the real-name
period, so it says how many sends it had to keep.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, or_, update
from sqlmodel import Session, col, select

from db.models import (
    DeliveryItem,
    EventKind,
    Notification,
    NotificationStatus,
    Parcel,
    ParcelStatus,
    PreAlert,
    ProxyPickup,
    Recipient,
)
from station_console.errors import NotFound, Refused
from station_console.i18n import N_
from station_console.services.checkin.phones import parse_phone
from station_console.services.core import audit
from station_console.services.core.roles import require_manager
from station_console.services.core.station import Station
from station_console.services.recipients import directory, directory_privacy
from station_console.services.sendout import retention

LEFT = (ParcelStatus.PICKED_UP, ParcelStatus.RETURNED, ParcelStatus.WRITTEN_OFF, ParcelStatus.CANCELLED)


@dataclass(frozen=True)
class PurgeResult:
    purged: int
    cutoff: datetime
    days: int
    recipients: int = 0  # directory entries deactivated before the cutoff
    proxies: int = 0  # proxy pickup records
    receipts: int = 0  # door deliveries' receivers
    prealerts: int = 0  # pre-alerts' full numbers
    sends: int = 0  # send records past `send_record_keep_days`
    senders: int = 0  # senders with no send inside it, taken off the sender list
    send_days: int = 0
    send_cutoff: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "purged": self.purged,
            "cutoff": self.cutoff.isoformat(),
            "days": self.days,
            "recipients": self.recipients,
            "proxies": self.proxies,
            "receipts": self.receipts,
            "prealerts": self.prealerts,
            "sends": self.sends,
            "senders": self.senders,
            "send_days": self.send_days,
            "send_cutoff": self.send_cutoff.isoformat() if self.send_cutoff else None,
        }


def left_at() -> Any:
    """When the parcel left the station, whichever way it left."""
    return func.coalesce(Parcel.picked_up_at, Parcel.returned_at, Parcel.written_off_at, Parcel.cancelled_at)


def purge_phones_in(session: Session, station: Station, now: datetime | None = None) -> PurgeResult:
    """Clear full phones of parcels that left `phone_purge_days` ago or more, and send records past
    `send_record_keep_days`; the caller owns the transaction.

    One audit event per run (with the counts), not one per parcel: `phone_purged_at` on each parcel
    (`purged_at` on a send or sender) says when its number went.
    """
    now = now or station.now()
    days = station.settings().phone_purge_days
    cutoff = now - timedelta(days=days)
    result = session.execute(
        update(Parcel)
        .where(col(Parcel.phone_full).is_not(None), col(Parcel.status).in_(LEFT), left_at() <= cutoff)
        .values(phone_full=None, phone_purged_at=now, version=Parcel.version + 1)
        .execution_options(synchronize_session=False)
    )
    purged = int(result.rowcount)  # type: ignore[attr-defined]
    recipients = directory_privacy.purge_in(session, station, now)
    proxies = _blank_proxies(session, now, col(ProxyPickup.at) <= cutoff)
    receipts = _blank_receipts(session, now, col(DeliveryItem.done_at) <= cutoff)
    prealerts = _purge_prealerts(session, now, cutoff)
    sent = retention.purge_in(session, now, station.settings().send_record_keep_days)
    if purged or recipients or proxies or receipts or prealerts or sent.sends or sent.senders:
        audit.record(
            session,
            station,
            EventKind.PHONE_PURGED,
            at=now,
            details={
                "count": purged,
                "days": days,
                "cutoff": cutoff.isoformat(),
                "recipients": recipients,
                "proxies": proxies,
                "receipts": receipts,
                "prealerts": prealerts,
                "sends": sent.sends,
                "senders": sent.senders,
                "send_cutoff": sent.cutoff.isoformat(),
            },
        )
    return PurgeResult(
        purged=purged,
        cutoff=cutoff,
        days=days,
        recipients=recipients,
        proxies=proxies,
        receipts=receipts,
        prealerts=prealerts,
        sends=sent.sends,
        senders=sent.senders,
        send_days=sent.days,
        send_cutoff=sent.cutoff,
    )


def _rowcount(result: Any) -> int:
    return int(result.rowcount)


def _blank_proxies(session: Session, now: datetime, which: Any) -> int:
    """Who collected a parcel for someone else: the name and ID digits go, the phone tail stays."""
    return _rowcount(
        session.execute(
            update(ProxyPickup)
            .where(col(ProxyPickup.purged_at).is_(None), which)
            .values(name="", id_last4=None, purged_at=now)
            .execution_options(synchronize_session=False)
        )
    )


def _blank_receipts(session: Session, now: datetime, which: Any) -> int:
    """Who took a parcel at the door, their signature, the photo and the note on a failed attempt."""
    return _rowcount(
        session.execute(
            update(DeliveryItem)
            .where(col(DeliveryItem.purged_at).is_(None), which)
            .values(received_by=None, signature_name=None, photo_ref=None, fail_note=None, purged_at=now)
            .execution_options(synchronize_session=False)
        )
    )


def _purge_prealerts(session: Session, now: datetime, cutoff: datetime) -> int:
    """Pre-alert phones whose parcel was checked in, or that waited `phone_purge_days` for nothing."""
    arrived = exists().where(
        col(Parcel.prealert_id) == col(PreAlert.id), col(Parcel.status) != ParcelStatus.CANCELLED
    )
    result = session.execute(
        update(PreAlert)
        .where(
            col(PreAlert.phone_full).is_not(None),
            or_(arrived, func.coalesce(PreAlert.closed_at, PreAlert.created_at) <= cutoff),
        )
        .values(phone_full=None, phone_purged_at=now)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result)


def purge_phones(station: Station, now: datetime | None = None) -> PurgeResult:
    """`purge_phones_in` as its own transaction (the `station privacy purge` command)."""
    return station.run(lambda session: purge_phones_in(session, station, now))


def full_number(phone: str) -> str:
    parsed = parse_phone(phone)
    if parsed.full is None:
        raise Refused(
            N_("Give the person's full phone number, not only its last digits."), code="phone_partial"
        )
    return parsed.full


def parcels_with_phone(session: Session, full: str) -> list[Parcel]:
    return list(session.exec(select(Parcel).where(Parcel.phone_full == full).order_by(col(Parcel.id))).all())


def _blank_prealerts(session: Session, full: str, now: datetime) -> int:
    result = session.execute(
        update(PreAlert)
        .where(col(PreAlert.phone_full) == full)
        .values(phone_full=None, masked_phone=None, phone_tail=None, recipient_name=None, phone_purged_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class DeleteResult:
    parcels: int
    notifications_cancelled: int
    recipients: int = 0  # directory entries deactivated and blanked
    senders: int = 0  # taken off the sender list
    sends: int = 0  # sends blanked (past the real-name period) or an addressee's number dropped
    sends_kept: int = 0  # their sends inside the real-name period: the purge takes them later

    def to_json(self) -> dict[str, Any]:
        return {
            "parcels": self.parcels,
            "notifications_cancelled": self.notifications_cancelled,
            "recipients": self.recipients,
            "senders": self.senders,
            "sends": self.sends,
            "sends_kept": self.sends_kept,
        }


def delete_person(station: Station, phone: str) -> DeleteResult:
    """On request, blank this person's phone (full, masked, tail), email and name on all their parcels
    and pre-alerts, who took those parcels (a door receipt, a proxy's name), and what names them on their
    sends and in the sender list as far as the real-name period allows (sendout/retention.py).

    Parcels on the shelf stay collectable by pickup code; their unsent messages are withdrawn (there
    is no one left to send them to). Manager only; one audit event with the count.
    """
    require_manager(station, "delete_person")
    full = full_number(phone)

    def work(session: Session) -> DeleteResult:
        parcels = parcels_with_phone(session, full)
        entries = [e.id for e in directory_privacy.with_phone(session, full) if e.id is not None]
        now = station.now()
        prealerts = _blank_prealerts(session, full, now)  # a pre-alerted person may have no parcel yet
        sent = retention.forget_in(session, full, now, station.settings().send_record_keep_days)
        if not parcels and not entries and not prealerts and not (sent.senders or sent.sends or sent.kept):
            raise NotFound(N_("No parcel holds that phone number."), code="no_person")
        ids = [p.id for p in parcels]
        if entries:
            session.execute(
                update(Recipient)
                .where(col(Recipient.id).in_(entries))
                .values(active=False, deactivated_at=now, version=directory.NEXT_VERSION)
                .execution_options(synchronize_session=False)
            )
            directory_privacy.blank(session, entries, now)
        session.execute(
            update(Parcel)
            .where(col(Parcel.id).in_(ids))
            .values(
                phone_full=None,
                masked_phone=None,
                phone_tail=None,
                email=None,
                recipient_name=None,
                phone_purged_at=now,
                version=Parcel.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        cancelled = session.execute(
            update(Notification)
            .where(
                col(Notification.parcel_id).in_(ids),
                or_(
                    col(Notification.status) == NotificationStatus.QUEUED,
                    col(Notification.status) == NotificationStatus.FAILED,
                ),
            )
            .values(status=NotificationStatus.CANCELLED)
            .execution_options(synchronize_session=False)
        )
        n_cancelled = int(cancelled.rowcount)  # type: ignore[attr-defined]
        # Their parcels' handovers name them (or who took the parcel for them) too.
        proxies = _blank_proxies(session, now, col(ProxyPickup.parcel_id).in_(ids))
        receipts = _blank_receipts(session, now, col(DeliveryItem.parcel_id).in_(ids))
        audit.record(
            session,
            station,
            EventKind.PERSON_DELETED,
            at=now,
            details={
                "parcels": len(ids),
                "parcel_ids": ids,
                "notifications_cancelled": n_cancelled,
                **({"proxies": proxies} if proxies else {}),
                **({"receipts": receipts} if receipts else {}),
                **({"recipients": entries} if entries else {}),
                "prealerts": prealerts,
                **({"senders": sent.senders} if sent.senders else {}),
                **({"sends": sent.sends} if sent.sends else {}),
                **({"sends_kept": sent.kept} if sent.kept else {}),
            },
        )
        return DeleteResult(
            parcels=len(ids),
            notifications_cancelled=n_cancelled,
            recipients=len(entries),
            senders=sent.senders,
            sends=sent.sends,
            sends_kept=sent.kept,
        )

    return station.run(work)
