"""Delivery runs: plan one in walking order, scan each parcel out to the runner, close it when all are
back (scanning each back, delivered or failed: scan_back.py).

How a run fits the day's books (`opening + checked in - picked up - returned - written off = closing`):
a parcel scanned out stays `on_shelf` in the records, with `delivery_run_id` set: it is still the
station's, its slot and pickup code stay held for it, it is not missing at a stocktake and cannot be
handed over at the counter. Scanned back delivered, it leaves like a pickup: `picked_up` with method
`door` and a `picked_up` event, so the reconciliation counts it among the day's pickups. Scanned back
failed, it is simply on its shelf again (same slot, same code) and the recipient is told why. The day
report shows door deliveries made and failed, their fees, and how many were out at the close.

Storage fees end when the parcel leaves the shelf: a fee due is settled at the scan-out, in its
transaction, like a counter pickup's (refused as `fee_due` until the clerk records the payment or a
manager waives it). So the runner never collects storage money at a door, the amount is the one the
counter showed, and scanning a parcel back delivered is never refused for money.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlmodel import Session, col, select

from db import fast
from db.models import (
    Carrier,
    DeliveryItem,
    DeliveryRun,
    DeliveryStatus,
    EventKind,
    Parcel,
    ParcelStatus,
    RunStatus,
)
from hardware.messages import Message
from station_console import name_limit
from station_console.errors import NotFound, Refused
from station_console.i18n import N_, LaterText, _, _n, label_of, sentences
from station_console.phone_masking import mask_phones
from station_console.safe_text import cut
from station_console.services.core import audit
from station_console.services.core.free_text import says_something
from station_console.services.core.paper_numbers import run_number
from station_console.services.core.recalls import is_recalled
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.core.write_order import newest_event_id
from station_console.services.delivery import recalled
from station_console.services.delivery.off_run import OffRun, off_run, off_run_said
from station_console.services.delivery.requests import check_deliverable, waiting_held
from station_console.services.delivery.stops import Stop, stops_for, walking_key
from station_console.services.fees.ledger import Settlement, quotes_in, settle_in
from station_console.services.recipients.fields import clean
from station_console.services.shelves.moves import last_moves
from station_console.services.shelves.search import parcel_candidates

STATUS_LABELS = {
    "wanted": N_("wanted at the door"),
    "requested": N_("requested"),
    "planned": N_("on the sheet"),
    "out": N_("out for delivery"),
    "delivered": N_("delivered"),
    "failed": N_("not delivered"),
    "cancelled": N_("cancelled"),
    "undone": N_("delivery undone"),
}


def status_label(status: str) -> str:
    return label_of(STATUS_LABELS, status)


# A stop delivered though recalled, on a manager's override: its run says so, as the parcel's history does.
OVERRIDDEN = N_("{status} · recalled, manager's override")


def stop_status_label(stop: Stop) -> str:
    """A stop's status as its run lists it: "delivered · recalled, manager's override" for one a manager
    recorded delivered though recalled."""
    status = status_label(stop.status)
    return _(OVERRIDDEN, status=status) if stop.recall_overridden else status


def status_text(status: str) -> LaterText:
    """A stop's status as a refusal's parameter: its label as the run sheet shows it, in the language
    the refusal is shown in (the stored code read "is failed", in English on a Chinese console)."""
    return LaterText(Message(STATUS_LABELS.get(status, status)))


@dataclass(frozen=True)
class RunView:
    id: int
    status: str
    runner: str
    building: str | None
    business_day: date
    created_at: datetime
    stops: list[Stop] = field(default_factory=list)
    # Said by the close only (0 on any other read): its parcels never taken out, still on their
    # shelves, whose requests wait for the next run (the run lists them "cancelled").
    waiting_next_run: int = 0
    # Said by the close only: its sheet parcels that left the shelves or moved while they waited on it.
    gone: tuple[OffRun, ...] = ()

    @property
    def number(self) -> str:
        """What the run sheet prints and its barcode carries: DR000012."""
        return run_number(self.id)

    def count(self, status: str) -> int:
        return sum(1 for s in self.stops if s.status == status)

    def waiting_said(self) -> str:
        """The close's parcels never taken out, where they are and what next ("" when none): listed
        "cancelled" in the run, said so by the console and `station delivery close` alike."""
        if not self.waiting_next_run:
            return ""
        return _n(
            "{n} parcel never taken out stays on its shelf, for the next run.",
            "{n} parcels never taken out stay on their shelves, for the next run.",
            self.waiting_next_run,
            n=self.waiting_next_run,
        )

    def gone_said(self) -> str:
        """The close's sheet parcels no longer on the run, each with why ("" when none)."""
        return off_run_said(self.gone)

    def closing_said(self) -> str:
        """What the close says beyond its counts: the parcels that wait, those no longer on the run."""
        return sentences(*filter(None, (self.waiting_said(), self.gone_said())))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["stops"] = [s.to_json() for s in self.stops]
        data["number"] = self.number
        return data


def run_row(session: Session, run_id: int, *, writable: bool = True, closing: bool = False) -> DeliveryRun:
    # A write holds the run's row to its commit (PostgreSQL): a scan-out, delivery or failure shares it,
    # a close takes it alone, so a close waits for a scan-out at another counter and then finds the
    # parcel out (or the scan-out waits and finds the run closed), never a parcel out on a closed run.
    lock: bool | dict[str, bool] = (True if closing else {"read": True}) if writable else False
    run = session.get(DeliveryRun, run_id, with_for_update=lock)
    if run is None:
        raise NotFound(N_("There is no delivery run {run}."), code="no_run", run=run_number(run_id))
    if writable and run.status == RunStatus.CLOSED:
        raise Refused(N_("Delivery run {run} is closed."), code="run_closed", run=run_number(run_id))
    return run


def view_in(session: Session, run: DeliveryRun) -> RunView:
    rows = session.exec(
        select(Parcel, DeliveryItem)
        .join(DeliveryItem, col(DeliveryItem.parcel_id) == Parcel.id)
        .where(DeliveryItem.run_id == run.id)
    ).all()
    return RunView(
        id=run.id or 0,
        status=run.status,
        runner=run.runner,
        building=run.building,
        business_day=run.business_day,
        created_at=run.created_at,
        stops=stops_for(session, [p for p, _i in rows], {p.id or 0: i for p, i in rows}),
    )


def view(station: Station, run_id: int) -> RunView:
    require(station, "view")
    with station.read() as session:
        return view_in(session, run_row(session, run_id, writable=False))


def list_runs(station: Station, *, open_only: bool = False, limit: int = 50) -> list[RunView]:
    """Newest first."""
    require(station, "view")
    query = select(DeliveryRun).order_by(col(DeliveryRun.id).desc()).limit(limit)
    if open_only:
        query = query.where(DeliveryRun.status == RunStatus.OPEN)
    with station.read() as session:
        return [view_in(session, run) for run in session.exec(query).all()]


def typed_name(text: str | None, missing: str | None) -> str | None:
    """A typed name, checked; `missing` is the refusal when it is required and empty."""
    value = clean(text)
    if not says_something(value):  # `[/]` names nobody
        if missing is not None:
            raise Refused(missing, code="name_required")
        return None
    return name_limit.within_limit(value)


def runner_of(runner: str) -> str:
    """The runner's name as the run records it (the screen's form checks with it too)."""
    return typed_name(runner, N_("Type the runner's name.")) or ""


def plan(station: Station, runner: str, *, building: str | None = None, limit: int | None = None) -> RunView:
    """A new run with every parcel waiting for the door (of one building, if given), in walking order."""
    require(station, "door_delivery")
    runner_name = runner_of(runner)

    def work(session: Session) -> RunView:
        seen = newest_event_id(session)  # before the parcels are read: a move in between counts as after
        waiting = waiting_held(session, building=building)
        # A recalled parcel goes back, not to a door: it keeps waiting, marked, until the recall is resolved.
        found = [(p, i) for p, i in waiting if not is_recalled(p.problem_kind)]
        if not found and waiting:
            raise recalled.everything_recalled(len(waiting))
        if not found:
            raise Refused(N_("No parcel is waiting for a door delivery."), code="nothing_waiting")
        now = station.now()
        stops = stops_for(session, [p for p, _i in found], {p.id or 0: i for p, i in found if i})
        stops.sort(key=walking_key)
        if limit:
            stops = stops[:limit]
        run = DeliveryRun(
            runner=runner_name,
            building=clean(building) or None,
            business_day=station.business_day(now),
            created_at=now,
            created_by=station.clerk_id,
            seen_event_id=seen,
        )
        session.add(run)
        session.flush()
        items = {i.parcel_id: i for _p, i in found if i is not None}
        for number, stop in enumerate(stops, start=1):
            item = items.get(stop.parcel_id)
            if item is None:  # wanted by the recipient's standing choice: requested now
                item = DeliveryItem(
                    parcel_id=stop.parcel_id,
                    source="preference",
                    requested_at=now,
                    requested_by=station.clerk_id,
                )
            item.run_id, item.status, item.stop = run.id, DeliveryStatus.PLANNED, number
            session.add(item)
        session.flush()
        audit.record(
            session,
            station,
            EventKind.DELIVERY_RUN_CHANGED,
            at=now,
            details={"run": run.id, "change": "planned", "count": len(stops)},
        )
        return view_in(session, run)

    return station.run(work)


def item_on_run(session: Session, run: DeliveryRun, raw: str) -> tuple[Parcel, DeliveryItem]:
    """The parcel a scan or typed pickup code names and its item on this run; a parcel not on this
    run's sheet is refused."""
    text, candidates = parcel_candidates(session, raw)
    rows = session.exec(
        select(Parcel, DeliveryItem)
        .join(DeliveryItem, col(DeliveryItem.parcel_id) == Parcel.id)
        .where(col(Parcel.id).in_([p.id for p in candidates]), DeliveryItem.run_id == run.id)
        .order_by(col(DeliveryItem.id).desc())
    ).all()
    if not rows:
        raise Refused(
            N_("{waybill} is not on delivery run {run}: keep it off the trolley."),
            code="not_on_run",
            waybill=candidates[0].waybill if candidates else cut(mask_phones(text), 40),
            run=run_number(run.id or 0),
        )
    return rows[0]


class FeeOwed(NamedTuple):
    """What a parcel of the run owes now, for the dialog that settles it before the scan-out: the
    cents, the first day it was charged, and whose account "account" puts it on (the name the parcel
    was recorded with, and the masked phone its stop on the run shows: one number for one parcel),
    and which parcel it is (its code, carrier and waybill): the question names it, so two scans close
    together are each asked as their own."""

    cents: int
    since: date | None
    recipient_name: str | None = None
    masked_phone: str | None = None
    pickup_code: str = ""
    carrier_name: str = ""
    waybill: str = ""


def fee_due(station: Station, run_id: int, raw: str) -> FeeOwed:
    """The storage fee this parcel of the run owes now (0 and no date when none)."""
    require(station, "door_delivery")
    with station.read() as session:
        parcel, item = item_on_run(session, run_row(session, run_id, writable=False), raw)
        quote = quotes_in(session, station, [parcel]).get(parcel.id or 0)
        carrier = session.get(Carrier, parcel.carrier_id)
        stop = stops_for(session, [parcel], {parcel.id or 0: item})[0]
    if quote is None or not quote.owed_cents:
        return FeeOwed(0, None)
    return FeeOwed(
        quote.owed_cents,
        quote.fee_starts,
        parcel.recipient_name,
        stop.masked_phone,
        parcel.pickup_code or "",
        carrier.short_name if carrier else "?",
        parcel.waybill,
    )


def scan_out(station: Station, run_id: int, raw: str, *, fee: Settlement | None = None) -> Stop:
    """The runner takes this parcel: out for delivery (still the station's; not on the shelf).

    A storage fee due is settled by `fee` in the same transaction (refused as `fee_due` without it).
    """
    require(station, "door_delivery")

    def work(session: Session) -> Stop:
        run = run_row(session, run_id)
        parcel, item = item_on_run(session, run, raw)
        if item.status == DeliveryStatus.OUT:
            raise Refused(
                N_("{waybill} is already out with the runner."), code="already_out", waybill=parcel.waybill
            )
        if item.status != DeliveryStatus.PLANNED:
            raise Refused(
                N_("{waybill} is {status} on run {run}."),
                code="not_planned",
                waybill=parcel.waybill,
                status=status_text(item.status),
                run=run_number(run.id or 0),
            )
        check_deliverable(session, parcel)
        recalled.check_scan_out(station, parcel, run.id or 0)
        settled = settle_in(session, station, [parcel], fee)
        now = station.now()
        item.status, item.out_at = DeliveryStatus.OUT, now
        parcel.delivery_run_id = run.id
        session.add_all([item, parcel])
        details: dict[str, Any] = {"waybill": parcel.waybill, "code": parcel.pickup_code, "run": run.id}
        if settled:
            details["storage_fee_cents"] = settled
        audit.record(
            session, station, EventKind.OUT_FOR_DELIVERY, parcel_id=parcel.id, at=now, details=details
        )
        return stops_for(session, [parcel], {parcel.id or 0: item})[0]

    return station.run(work)


def close(station: Station, run_id: int) -> RunView:
    """Close a run whose parcels are all back; ones never scanned out wait for the next run."""
    require(station, "door_delivery")

    def work(session: Session) -> RunView:
        run = run_row(session, run_id, closing=True)
        items = session.exec(select(DeliveryItem).where(DeliveryItem.run_id == run.id)).all()
        out = [i for i in items if i.status == DeliveryStatus.OUT]
        if out:
            raise Refused(
                N_("{count} parcels of run {run} are still out: scan each back as delivered or failed."),
                one="{count} parcel of run {run} is still out: scan it back as delivered or failed.",
                code="still_out",
                count=len(out),
                run=run_number(run.id or 0),
            )
        now = station.now()
        waiting = 0
        planned = [i.parcel_id for i in items if i.status == DeliveryStatus.PLANNED]
        moved, gone = set(last_moves(session, planned, run.created_at, after_event=run.seen_event_id)), []
        for item in items:
            if item.status == DeliveryStatus.PLANNED:
                parcel = session.get(Parcel, item.parcel_id)
                if parcel is not None and (off := off_run(session, parcel, moved)) is not None:
                    gone.append(off)
                if parcel is not None and parcel.status == ParcelStatus.ON_SHELF:
                    waiting += 1
                    fast.insert(
                        session,
                        DeliveryItem(
                            parcel_id=item.parcel_id,
                            source=item.source,
                            requested_at=item.requested_at,
                            requested_by=item.requested_by,
                        ),
                    )
                item.status, item.done_at = DeliveryStatus.CANCELLED, now
                session.add(item)
        run.status, run.closed_at, run.closed_by = RunStatus.CLOSED, now, station.clerk_id
        session.add(run)
        session.flush()
        view = replace(view_in(session, run), waiting_next_run=waiting, gone=tuple(gone))
        audit.record(
            session,
            station,
            EventKind.DELIVERY_RUN_CHANGED,
            at=now,
            details={
                "run": run.id,
                "change": "closed",
                "delivered": view.count(DeliveryStatus.DELIVERED),
                "failed": view.count(DeliveryStatus.FAILED),
                "waiting_next_run": waiting,
                **({"off_run": len(gone)} if gone else {}),
            },
        )
        return view

    return station.run(work)
