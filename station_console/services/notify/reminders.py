"""Reminders for parcels left on the shelf: per carrier policy, one per parcel per day, a daily cap.

`reminder_policy` says when a parcel is overdue enough: `amber` (the carrier's `amber_hours`, default
48 h) or `red` (`red_hours`). Each business day an overdue parcel that has an address gets at most one
reminder: its outbox key is `reminder-<parcel>-<day>`, unique in the table, so even two counters running
this at once cannot queue a second one. At most `reminder_daily_cap` reminders are queued per business
day, oldest parcels first. A parcel whose message is still waiting to go out is not reminded, nor one
waiting for (or out on) a door delivery, nor one whose recipient opted out of reminders.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from db.models import (
    Carrier,
    DeliveryItem,
    DeliveryStatus,
    Notification,
    NotificationStatus,
    Parcel,
    ParcelStatus,
    Recipient,
)
from station_console.services.core.ageing import Policy
from station_console.services.core.station import Station, day_bounds
from station_console.services.notify import outbox

PENDING = (NotificationStatus.QUEUED, NotificationStatus.SENDING)
DOOR_PENDING = (DeliveryStatus.REQUESTED, DeliveryStatus.PLANNED, DeliveryStatus.OUT)


def queue_reminders(station: Station) -> int:
    """Queue today's reminders; returns how many were queued now."""
    settings = station.settings()
    if settings.reminder_policy == "off":
        return 0

    def to_remind(session: Session, now: datetime) -> tuple[date, list[tuple[Parcel, Carrier | None]]]:
        """The business day, and the parcels to remind now with their carrier, oldest first."""
        day = station.business_day(now, session=session)
        start, end = day_bounds(station, day, session)
        done_today = session.exec(
            select(func.count())
            .select_from(Notification)
            .where(
                Notification.kind == "reminder",
                col(Notification.created_at) >= start,
                col(Notification.created_at) < end,
            )
        ).one()
        room = settings.reminder_daily_cap - int(done_today)
        if room <= 0:
            return day, []
        reminded = select(Notification.parcel_id).where(
            Notification.kind == "reminder",
            col(Notification.created_at) >= start,
            col(Notification.created_at) < end,
        )
        waiting = select(Notification.parcel_id).where(col(Notification.status).in_(PENDING))
        opted_out = select(Recipient.id).where(col(Recipient.reminders_opt_out))
        to_the_door = select(DeliveryItem.parcel_id).where(col(DeliveryItem.status).in_(DOOR_PENDING))
        band = "amber" if settings.reminder_policy == "amber" else "red"
        carriers = {c.id: c for c in session.exec(select(Carrier)).all()}
        starts = {cid: Policy.of(c).hours_to(band) for cid, c in carriers.items()}
        candidates = session.exec(
            select(Parcel)
            .where(
                Parcel.status == ParcelStatus.ON_SHELF,
                or_(col(Parcel.phone_full).is_not(None), col(Parcel.email).is_not(None)),
                col(Parcel.id).not_in(reminded),
                col(Parcel.id).not_in(waiting),
                col(Parcel.id).not_in(to_the_door),
                or_(col(Parcel.recipient_id).is_(None), col(Parcel.recipient_id).not_in(opted_out)),
                # loose bound in SQL (the smallest carrier threshold); each carrier's own below
                col(Parcel.checked_in_at)
                <= now - timedelta(hours=min(starts.values(), default=Policy().hours_to(band))),
            )
            .order_by(col(Parcel.checked_in_at), col(Parcel.id))
        ).all()
        chosen: list[tuple[Parcel, Carrier | None]] = []
        for parcel in candidates:
            threshold = timedelta(hours=starts.get(parcel.carrier_id, Policy().hours_to(band)))
            if parcel.checked_in_at > now - threshold:
                continue
            chosen.append((parcel, carriers.get(parcel.carrier_id)))
            if len(chosen) >= room:
                break
        return day, chosen

    # Every notification pass asks; most find nothing (a day's reminders are queued once).
    if not station.finds(lambda s: to_remind(s, station.now())[1]):
        return 0

    def work(session: Session) -> int:
        day, chosen = to_remind(session, station.now())
        for parcel, carrier in chosen:
            outbox.queue(
                session,
                station,
                parcel,
                "reminder",
                outbox.parcel_payload(parcel, carrier=carrier.short_name if carrier else ""),
                key=f"reminder-{parcel.id}-{day.isoformat()}",
            )
        return len(chosen)

    return station.run(work)
