"""`station init --demo`: a realistic week of parcels, so a newcomer sees a living station.

Seven days ending now, run through the real services with a moving clock (`station.clock`), so
parcels, events, labels and messages agree exactly as they would in a real week: couriers arrive in
batches, clerks check in, customers come back mostly within two days (evening peak), a few parcels
stay overdue, one or two are damaged, one is written off, the oldest lot of the week goes back to its
courier (recalled by its sender: in a week none is yet past its carrier's seven days), a few parcels
left from before the week wait past their return deadline (Overdue's return candidates), and the first
two days are closed. Deterministic for a given seed.

Demo data stays demo: it goes only into a database with no parcels and no clerks of its own (a live
station's figures and closed days are never touched), and its backlog of labels and customer messages
is marked done as it is made, and its station settings send no customer messages (channel "none",
no reminders), so opening a demo database prints and sends nothing.
"""

from __future__ import annotations

import contextlib
import heapq
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from db.models import (
    Carrier,
    Clerk,
    JobStatus,
    Notification,
    NotificationStatus,
    Parcel,
    ParcelStatus,
    PrintJob,
    Role,
)
from station_console.errors import Refused, StationError
from station_console.i18n import N_, LaterCount, _
from station_console.services.admin.settings import save_station_settings
from station_console.services.checkin import transaction
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.day import close
from station_console.services.exceptions import problems, returns
from station_console.services.people.clerks import needs_first_manager, record_created
from station_console.services.people.pins import hash_pin
from station_console.services.pickup import handover

# Share of a day's parcels per carrier (a typical Chinese community station).
CARRIER_SHARE = {
    "ZTO": 25,
    "YTO": 18,
    "YUNDA": 15,
    "JT": 12,
    "STO": 10,
    "SF": 8,
    "JD": 6,
    "EMS": 4,
    "CAINIAO": 2,
}
WEEKDAY_FACTOR = (1.15, 1.05, 1.0, 0.95, 1.0, 0.8, 0.75)  # Monday first: weekend orders land on Monday
SIZES = (("S", 30), ("M", 50), ("L", 15), ("XL", 5))
OPEN_HOUR, CLOSE_HOUR = 8, 21
DEMO_CLERKS = (("demo-manager", Role.MANAGER), ("demo-clerk", Role.CLERK))
DEMO_PIN = "2468"  # demo clerks sign in with it: a demo database is for trying things out
# Left from before the week, never collected: past their carrier's return deadline (seven days), so
# Overdue lists return candidates; two carriers, as a return batch takes one carrier's parcels.
LEFT_OVER = ("ZTO", "ZTO", "YTO")
LEFT_OVER_DAYS = 10  # checked in this many days before today, in the morning


def waybill_for(carrier: str, rng: random.Random) -> str:
    """A waybill of the carrier's public shape (see the carrier table)."""

    def digits(n: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(n))

    shapes: dict[str, Callable[[], str]] = {
        "SF": lambda: "SF1" + digits(12),
        "ZTO": lambda: rng.choice("3456") + digits(12),
        "YTO": lambda: "YT" + digits(13),
        "JT": lambda: "JT" + digits(13),
        "STO": lambda: "77" + digits(12),
        "YUNDA": lambda: "3" + digits(14),
        "JD": lambda: "JDV" + digits(12),
        "EMS": lambda: "9" + digits(12),
        "CAINIAO": lambda: "621" + digits(12),
    }
    text = shapes[carrier]()
    return "7" + text if carrier == "ZTO" else text


def phone_for(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return digits4(rng)  # privacy waybill: only the tail is printed
    return rng.choice(("138", "139", "150", "186", "177", "135")) + "".join(
        rng.choice("0123456789") for _ in range(8)
    )


def digits4(rng: random.Random) -> str:
    return f"{rng.randrange(10000):04d}"


@dataclass(order=True)
class _Task:
    at: datetime
    seq: int
    kind: str = field(compare=False)  # checkin | pickup
    data: dict[str, Any] = field(compare=False, default_factory=dict)


def _local(day: date, hours: float, zone: Any) -> datetime:
    return (datetime.combine(day, time(0), tzinfo=zone) + timedelta(hours=hours)).astimezone(UTC)


def _pickup_delay(rng: random.Random) -> float | None:
    """Hours until the customer comes: most the same evening or next day, a few late, some never (yet)."""
    r = rng.random()
    if r < 0.55:
        return rng.uniform(1, 12)
    if r < 0.85:
        return rng.uniform(12, 36)
    if r < 0.93:
        return rng.uniform(36, 60)
    if r < 0.97:
        return rng.uniform(60, 120)
    return None


def _into_opening_hours(at: datetime, zone: Any, rng: random.Random) -> datetime:
    local = at.astimezone(zone)
    if OPEN_HOUR <= local.hour < CLOSE_HOUR:
        return at
    day = local.date() + timedelta(days=1) if local.hour >= CLOSE_HOUR else local.date()
    return _local(day, OPEN_HOUR + rng.uniform(0, 3), zone)


def _ensure_clerks(station: Station) -> dict[str, tuple[int, str]]:
    def work(session: Session) -> dict[str, tuple[int, str]]:
        out: dict[str, tuple[int, str]] = {}
        for name, role in DEMO_CLERKS:
            clerk = session.exec(select(Clerk).where(Clerk.name == name)).first()
            if clerk is None:
                clerk = Clerk(name=name, role=role, created_at=station.now(), pin_hash=hash_pin(DEMO_PIN))
                session.add(clerk)
                session.flush()
                record_created(session, station, clerk, demo=True)
            assert clerk.id is not None
            out[name] = (clerk.id, clerk.role)
        return out

    return station.run(work)


def _plan(station: Station, days: list[date], scale: float, rng: random.Random) -> list[_Task]:
    zone = station.zone()
    tasks: list[_Task] = []
    seq = 0
    for day in days:
        volume = round(260 * WEEKDAY_FACTOR[day.weekday()] * rng.uniform(0.9, 1.1) * scale)
        carriers = rng.choices(list(CARRIER_SHARE), weights=list(CARRIER_SHARE.values()), k=volume)
        for carrier in sorted(set(carriers)):
            count = carriers.count(carrier)
            arrivals = sorted(rng.uniform(8.5, 17.5) for _ in range(1 + count // 40))
            for i in range(count):
                start = arrivals[i % len(arrivals)]
                at = _local(day, start + (i // len(arrivals)) * rng.uniform(4, 12) / 3600, zone)
                size = rng.choices([s for s, _ in SIZES], weights=[w for _, w in SIZES])[0]
                seq += 1
                tasks.append(
                    _Task(
                        at,
                        seq,
                        "checkin",
                        {
                            "carrier": carrier,
                            "size": size,
                            "waybill": waybill_for(carrier, rng),
                            "phone": phone_for(rng),
                        },
                    )
                )
    return tasks


def make_demo_week(station: Station, *, scale: float | None = None, seed: int = 8) -> dict[str, int]:
    """Fill the station with seven days of activity ending now; returns what was added.

    `scale` multiplies the volume (about 200-300 parcels a day at 1); default $STATION_DEMO_SCALE or 1.
    """
    if not needs_first_manager(station):
        # Demo clerks sign in with a PIN everyone knows: only a new station gets them without a manager.
        require(station, "demo")
    scale = scale if scale is not None else float(os.environ.get("STATION_DEMO_SCALE", "1"))
    refuse_live_data(station)

    rng = random.Random(seed)
    real_clock, real_clerk = station.clock, (station.clerk_id, station.clerk_role)
    end = real_clock()
    today = station.business_day(end)
    days = [today - timedelta(days=n) for n in range(6, -1, -1)]
    clerks = _ensure_clerks(station)
    zone = station.zone()
    added = {
        "demo_parcels": 0,
        "demo_pickups": 0,
        "demo_problems": 0,
        "demo_write_offs": 0,
        "demo_returns": 0,
        "demo_closed_days": 0,
        "demo_skipped": 0,
    }
    queue = [t for t in _plan(station, days, scale, rng) if t.at <= end]
    heapq.heapify(queue)
    seq = len(queue) + 1
    now = [end]
    station.clock = lambda: now[0]

    def act(name: str) -> None:
        station.clerk_id, station.clerk_role = clerks[name]

    unsettled = False  # labels and messages queued since the backlog was last marked done
    try:
        now[0] = _local(today - timedelta(days=LEFT_OVER_DAYS), OPEN_HOUR + 2, zone)
        act("demo-clerk")
        added["demo_parcels"] += _left_over(station, random.Random(seed + 1))
        while queue:
            task = heapq.heappop(queue)
            now[0] = task.at
            act("demo-clerk" if task.seq % 3 else "demo-manager")
            if task.kind != "checkin" and unsettled:
                # A counter's label prints, and its message goes, long before the customer comes: a
                # parcel leaving takes what is still unsent with it.
                _settle_backlog(station)
                unsettled = False
            try:
                if task.kind == "checkin":
                    d = task.data
                    result = transaction.check_in(
                        station, d["waybill"], batch=d["carrier"], phone=d["phone"], size=d["size"]
                    )
                    added["demo_parcels"] += 1
                    unsettled = True
                    delay = _pickup_delay(rng)
                    if delay is not None:
                        at = _into_opening_hours(task.at + timedelta(hours=delay), zone, rng)
                        if at <= end:
                            seq += 1
                            heapq.heappush(
                                queue,
                                _Task(at, seq, "pickup", {"id": result.parcel_id, "waybill": result.waybill}),
                            )
                else:
                    handover.confirm_pickup(
                        station, [task.data["id"]], method="code", scanned=[task.data["waybill"]]
                    )
                    added["demo_pickups"] += 1
            except StationError:
                added["demo_skipped"] += 1  # a full shelf or a taken waybill: a real clerk would move on
        now[0] = end
        _settle_backlog(station)  # before the exceptions take parcels off the shelves
        with contextlib.suppress(StationError):  # the week stands without its exceptions
            _exceptions(station, act, added, problems, returns, since=_local(days[0], 0, zone))
        act("demo-manager")
        for day in days[:2]:
            try:
                close.close_day(station, day)
                added["demo_closed_days"] += 1
            except StationError:
                pass
        # Made-up customers get no messages (reminders included) unless someone sets a channel.
        quiet = station.settings().model_copy(update={"notify_channel": "none", "reminder_policy": "off"})
        station.run(lambda session: save_station_settings(session, station, quiet))
    finally:
        station.clock = real_clock
        station.clerk_id, station.clerk_role = real_clerk
        _settle_backlog(station)
    return added


def _left_over(station: Station, rng: random.Random) -> int:
    """`LEFT_OVER`'s parcels checked in at the clock's time; how many went on a shelf."""
    count = 0
    for carrier in LEFT_OVER:
        with contextlib.suppress(StationError):  # a taken waybill: the week stands without it
            transaction.check_in(
                station, waybill_for(carrier, rng), batch=carrier, phone=phone_for(rng), size="M"
            )
            count += 1
    return count


def refuse_live_data(station: Station) -> None:
    """Refuse a database that holds parcels or clerks of its own: demo data never mixes with real data."""
    demo_names = [name for name, _role in DEMO_CLERKS]
    with station.read() as session:
        parcels = int(session.exec(select(func.count()).select_from(Parcel)).one())
        clerks = int(
            session.exec(
                select(func.count()).select_from(Clerk).where(col(Clerk.name).not_in(demo_names))
            ).one()
        )
    if parcels or clerks:
        raise Refused(
            N_(
                "This database already holds {parcels} and {clerks}: demo data would mix "
                "with them. Put the demo in a file of its own: station --db sqlite:///demo.sqlite3 "
                "init --demo"
            ),
            code="not_empty",
            parcels=LaterCount("{n} parcel", "{n} parcels", parcels),
            clerks=LaterCount("{n} clerk", "{n} clerks", clerks),
        )


# Kept as a message id: the outbox and the print queue show it in the language of whoever reads it.
DEMO_NOTE = N_("Demo data: never sent to a device")


def _settle_backlog(station: Station) -> None:
    """Mark the demo week's labels printed and its messages sent, without a printer or a customer.

    Private: it marks every waiting label and message of the database done, which only the demo's own
    (empty) database may have done, behind `make_demo_week`'s role and live-data checks."""

    def work(session: Session) -> None:
        session.execute(
            update(PrintJob)
            .where(col(PrintJob.status).in_((JobStatus.HELD, JobStatus.QUEUED, JobStatus.FAILED)))
            .values(status=JobStatus.PRINTED, printed_at=PrintJob.created_at, last_error=DEMO_NOTE)
        )
        session.execute(
            update(Notification)
            .where(
                col(Notification.status).in_(
                    (NotificationStatus.QUEUED, NotificationStatus.FAILED, NotificationStatus.SENDING)
                )
            )
            .values(
                status=NotificationStatus.SENT,
                sent_at=Notification.created_at,
                channel="demo",
                next_attempt_at=None,
                last_error=DEMO_NOTE,
            )
        )

    station.run(work)


def _exceptions(
    station: Station,
    act: Callable[[str], None],
    added: dict[str, int],
    problems: Any,
    returns: Any,
    *,
    since: datetime,
) -> None:
    """A damaged parcel or two, one written off, and the oldest lot of the week (checked in `since`)
    returned to its courier as recalled (a return batch takes only parcels due back, and none of a week
    is past seven days; the lot left from before it stays, for Overdue); the notes in the language the
    demo is made in, as a clerk there would write them."""
    with station.read() as session:
        rows = session.exec(
            select(Parcel.waybill, Carrier.code, Parcel.checked_in_at)
            .join(Carrier, col(Carrier.id) == col(Parcel.carrier_id))
            .where(col(Parcel.status) == ParcelStatus.ON_SHELF, col(Parcel.checked_in_at) >= since)
            .order_by(col(Parcel.checked_in_at))
        ).all()
    if len(rows) < 6:
        return
    act("demo-clerk")
    for waybill, _carrier, _at in rows[-3:-1]:
        problems.mark(station, waybill, "damaged", _("Box crushed on arrival"))
        added["demo_problems"] += 1
    act("demo-manager")
    problems.write_off(station, rows[-2][0], _("Contents destroyed, courier informed"))
    added["demo_write_offs"] += 1
    oldest_carrier = rows[0][1]
    lot = [w for w, c, _at in rows[:-3] if c == oldest_carrier][:3]
    batch = returns.open_batch_with(
        station, oldest_carrier, lot, recalled=True, note=_("The sender asked for them back")
    )
    returns.close(station, batch.id, _("Courier Wang"))
    added["demo_returns"] += len(lot)
