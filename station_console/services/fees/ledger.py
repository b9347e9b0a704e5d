"""The fee due on parcels, and settling it: a charge fixes the amount, a payment or a waiver settles it.

A parcel's fee is settled at the handover, in the pickup's own transaction (`settle_in`, called by
`pickup/handover.py`): the clerk records a payment (cash, QR or account) or a manager waives it with a
reason. It can also be settled before (`settle`); the fee of the days after that is owed again. Every
entry is an audit event. Undoing a pickup reverses the fee settled at its handover, in the undo's own
transaction (`reverse_handover_in`): a reversal entry for each of its entries (the cash given back, the
account credited, the waiver withdrawn), so the next handover charges what is due then, once, and a
parcel that goes back to its sender was never paid for. A fee settled before the handover stays paid.
A door delivery's handover, for its fee, is its scan-out to the runner, where its fee was settled.
Money taken queues the customer's receipt in the same transaction, and money given back in cash or by
QR a refund slip (`receipts.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func
from sqlalchemy import select as columns
from sqlmodel import Session, col, select

from db import fast
from db.models import (
    Carrier,
    EventKind,
    FeeEntry,
    FeeKind,
    FeeMethod,
    Parcel,
    ParcelEvent,
    ParcelStatus,
    PickupMethod,
)
from station_console.errors import NotFound, Refused
from station_console.field_labels import Choices
from station_console.i18n import N_, _
from station_console.services.core import audit
from station_console.services.core.free_text import REASON
from station_console.services.core.money import PAYMENT_METHOD_LABELS, LaterAmount
from station_console.services.core.roles import require, require_manager
from station_console.services.core.station import Station
from station_console.services.fees import receipts
from station_console.services.fees.rules import FeeQuote, money, quote, rule_for
from station_console.settings import StationSettings

PAY_METHODS = tuple(m.value for m in FeeMethod)
WAIVE = "waive"


@dataclass(frozen=True)
class Settlement:
    """How the clerk settles the fee shown: a payment method, or `waive` (a manager, with a reason).

    `expected_cents` is the total the clerk saw; if the fee changed meanwhile (midnight passed), the
    handover is refused so the customer is never charged an amount nobody showed them.
    """

    method: str
    reason: str = ""
    expected_cents: int | None = None


def _carrier_codes(session: Session) -> dict[int, str]:
    rows = session.execute(columns(col(Carrier.id), col(Carrier.code))).all()
    return {int(cid): str(code) for cid, code in rows}


@dataclass(frozen=True)
class FeeGivenBack:
    """What undoing pickups gives back of their storage fees: by payment method (cash out of the
    drawer, a QR payment refunded, the customer's account credited), and waivers withdrawn."""

    refunded_cents: dict[str, int]
    unwaived_cents: int = 0

    def __bool__(self) -> bool:
        return bool(self.refunded_cents) or bool(self.unwaived_cents)

    def __add__(self, other: FeeGivenBack) -> FeeGivenBack:
        refunded = dict(self.refunded_cents)
        for method, cents in other.refunded_cents.items():
            refunded[method] = refunded.get(method, 0) + cents
        return FeeGivenBack(refunded, self.unwaived_cents + other.unwaived_cents)


NOTHING_GIVEN_BACK = FeeGivenBack({})

# What the counter does for each way the fee was paid, once the pickup is undone.
GIVE_BACK: dict[str, str] = {
    FeeMethod.CASH: N_("Give back {amount} cash from the drawer."),
    FeeMethod.QR: N_("Refund {amount} to the QR code payment."),
    FeeMethod.ACCOUNT: N_("{amount} is credited back to the customer's account."),
}


def give_back_lines(given: FeeGivenBack, settings: StationSettings) -> list[str]:
    """What the clerk tells and gives the customer for an undone pickup's fee, in the console's language."""
    lines = [
        _(
            GIVE_BACK.get(method, N_("Give back {amount} ({method}).")),
            amount=money(cents, settings),
            method=method,
        )
        for method, cents in sorted(given.refunded_cents.items())
    ]
    if given.unwaived_cents:
        lines.append(_("The waiver of {amount} is withdrawn.", amount=money(given.unwaived_cents, settings)))
    return lines


def _billed(session: Session, parcel_ids: list[int]) -> dict[int, int]:
    signed = case(
        (col(FeeEntry.kind) == FeeKind.CHARGE_REVERSAL, -col(FeeEntry.amount_cents)),
        else_=col(FeeEntry.amount_cents),
    )
    rows = session.execute(
        columns(col(FeeEntry.parcel_id), func.sum(signed))
        .where(
            col(FeeEntry.parcel_id).in_(parcel_ids),
            col(FeeEntry.kind).in_((FeeKind.CHARGE, FeeKind.CHARGE_REVERSAL)),
        )
        .group_by(col(FeeEntry.parcel_id))
    ).all()
    return {int(pid): int(total or 0) for pid, total in rows}


def quotes_in(
    session: Session, station: Station, parcels: Sequence[Parcel], at: datetime | None = None
) -> dict[int, FeeQuote]:
    """The fee of each parcel a rule prices, as of `at` (default now); parcels no rule prices are left out."""
    settings = station.settings()
    if not settings.storage_fee_rules or not parcels:
        return {}
    at = at or station.now()
    codes = _carrier_codes(session)
    billed = _billed(session, [p.id for p in parcels if p.id is not None])
    zone = station.zone()
    out: dict[int, FeeQuote] = {}
    for parcel in parcels:
        rule = rule_for(
            settings.storage_fee_rules,
            size=parcel.size,
            carrier=codes.get(parcel.carrier_id),
            recipient_type=parcel.recipient_type,
        )
        if rule is not None and parcel.id is not None:
            out[parcel.id] = quote(
                rule, parcel.checked_in_at, at, zone, billed_cents=billed.get(parcel.id, 0)
            )
    return out


def quotes(station: Station, parcel_ids: Sequence[int], at: datetime | None = None) -> dict[int, FeeQuote]:
    """`quotes_in` in a read of its own: what the pickup screen shows before the handover."""
    require(station, "view")
    if not station.settings().storage_fee_rules or not parcel_ids:
        return {}
    with station.read() as session:
        parcels = list(session.exec(select(Parcel).where(col(Parcel.id).in_(list(parcel_ids)))).all())
        return quotes_in(session, station, parcels, at)


def owed_total(found: dict[int, FeeQuote]) -> int:
    return sum(q.owed_cents for q in found.values())


def settle_in(
    session: Session,
    station: Station,
    parcels: Sequence[Parcel],
    settlement: Settlement | None,
    *,
    at: datetime | None = None,
) -> int:
    """Settle what `parcels` owe now, in the caller's transaction; returns the amount settled. `at`: the
    handover's own time, which its entries carry (default now).

    Refused (and nothing written) when something is owed and no settlement is given, when the total is
    not the one the clerk saw, for an unknown method, and for a waiver without a manager or a reason.
    """
    if settlement is not None and settlement.method == WAIVE:
        require_manager(station, "waive_fee")  # whether or not anything turns out to be owed
    now = at or station.now()
    owed = {pid: q for pid, q in quotes_in(session, station, parcels, now).items() if q.owed_cents > 0}
    total = owed_total(owed)
    if not owed:
        return 0
    settings = station.settings()
    if settlement is None:
        raise Refused(
            N_("A storage fee of {amount} is due: record the payment, or a manager waives it."),
            code="fee_due",
            amount=LaterAmount(total, settings.currency),
            cents=total,
        )
    if settlement.expected_cents is not None and settlement.expected_cents != total:
        raise Refused(
            N_("The storage fee is now {amount}, not {shown}: show the customer the new amount."),
            code="fee_changed",
            amount=LaterAmount(total, settings.currency),
            shown=LaterAmount(settlement.expected_cents, settings.currency),
            cents=total,
        )
    reason = REASON.read(settlement.reason) if settlement.method == WAIVE else ""
    if settlement.method != WAIVE and settlement.method not in PAY_METHODS:
        raise Refused(
            N_("Pay by {methods}."),
            code="bad_fee_method",
            methods=Choices(PAY_METHODS, PAYMENT_METHOD_LABELS),
        )
    day = station.business_day(now)
    by_id = {p.id: p for p in parcels}
    waived = settlement.method == WAIVE
    payments: list[int] = []
    for pid, fee in owed.items():
        entry = {"parcel_id": pid, "amount_cents": fee.owed_cents, "at": now, "business_day": day}
        _insert(session, station, FeeKind.CHARGE, entry, rule=fee.rule[:64], days=fee.chargeable_days)
        if waived:
            _insert(session, station, FeeKind.WAIVER, entry, reason=reason)
        else:
            payments.append(_insert(session, station, FeeKind.PAYMENT, entry, method=settlement.method))
        details = {
            "waybill": by_id[pid].waybill,
            "amount_cents": fee.owed_cents,
            "rule": fee.rule,
            "days": fee.chargeable_days,
        }
        details.update({"reason": reason} if waived else {"method": settlement.method})
        audit.record(
            session,
            station,
            EventKind.FEE_WAIVED if waived else EventKind.FEE_PAID,
            parcel_id=pid,
            at=now,
            details=details,
        )
    if payments:  # money taken: the customer's receipt, with it (a waiver takes none)
        lines = [receipts.PaperLine(by_id[pid], fee.owed_cents, fee) for pid, fee in owed.items()]
        receipts.queue_paper(
            session, station, receipts.RECEIPT, lines, method=settlement.method, entries=payments, at=now
        )
    return total


def _insert(session: Session, station: Station, kind: str, entry: dict[str, Any], **extra: Any) -> int:
    row = FeeEntry.model_validate(
        {**entry, **extra, "kind": kind, "clerk_id": station.clerk_id, "counter": station.counter}
    )
    return fast.insert(session, row)


def settle(station: Station, parcel_id: int, settlement: Settlement) -> int:
    """Settle a parcel's fee before its handover (the customer pays now, or a manager waives it)."""
    require(station, "fees")

    def work(session: Session) -> int:
        # The parcel's row held to the commit (PostgreSQL): another counter's handover or settlement of
        # it waits, then finds this charge, so the days are charged once and never after it left.
        parcel = session.get(Parcel, parcel_id, with_for_update=True)
        if parcel is None or parcel.status != ParcelStatus.ON_SHELF:
            raise NotFound(N_("That parcel is not on the shelf."), code="not_on_shelf")
        settled = settle_in(session, station, [parcel], settlement)
        if not settled:
            raise Refused(N_("{waybill} owes no storage fee."), code="no_fee_due", waybill=parcel.waybill)
        return settled

    return station.run(work)


def _handover_fee_events(session: Session, parcel: Parcel) -> list[ParcelEvent]:
    """The fee the parcel's handover settled, as its audit events: those after its last `picked_up`
    event (the handover writes that first, then its fee, in one transaction). A fee settled before the
    handover is older, and a picked-up parcel gets no other (a fee is settled only on the shelf).

    A door delivery settled its fee when it left the shelf, at the scan-out to the runner of the run it
    was delivered on: that scan-out wrote its one fee event just before its `out_for_delivery` event
    (which says `storage_fee_cents`). An earlier run's scan-out, back undelivered, settled the days
    before it, which stay paid."""
    if parcel.id is None:
        return []
    events = session.exec(
        select(ParcelEvent)
        .where(
            col(ParcelEvent.parcel_id) == parcel.id,
            col(ParcelEvent.kind).in_(
                (EventKind.PICKED_UP, EventKind.OUT_FOR_DELIVERY, EventKind.FEE_PAID, EventKind.FEE_WAIVED)
            ),
        )
        .order_by(col(ParcelEvent.id))
    ).all()
    handed = [i for i, e in enumerate(events) if e.kind == EventKind.PICKED_UP]
    if not handed:
        return []
    handover = events[handed[-1]]
    first = handed[-1] + 1
    if handover.details.get("method") == PickupMethod.DOOR:
        run = handover.details.get("run")
        out = [
            i
            for i, e in enumerate(events[: handed[-1]])
            if e.kind == EventKind.OUT_FOR_DELIVERY and e.details.get("run") == run
        ]
        if out:
            first = out[-1] - 1 if events[out[-1]].details.get("storage_fee_cents") else out[-1] + 1
    return [e for e in events[max(first, 0) :] if e.kind in (EventKind.FEE_PAID, EventKind.FEE_WAIVED)]


def _given_back(events: Sequence[ParcelEvent]) -> FeeGivenBack:
    refunded: dict[str, int] = {}
    unwaived = 0
    for event in events:
        cents = int(event.details.get("amount_cents", 0))
        if event.kind == EventKind.FEE_PAID:
            method = str(event.details.get("method", ""))
            refunded[method] = refunded.get(method, 0) + cents
        else:
            unwaived += cents
    return FeeGivenBack(refunded, unwaived)


def handover_fee_in(session: Session, parcel: Parcel) -> FeeGivenBack:
    """What undoing this parcel's pickup would give back of the fee settled at its handover."""
    return _given_back(_handover_fee_events(session, parcel))


def reverse_handover_in(session: Session, station: Station, parcel: Parcel, now: datetime) -> FeeGivenBack:
    """Reverse the fee settled at the parcel's handover, in the undo's transaction (before its own
    `pickup_undone` event): its charge and its payment or waiver, each by a reversal entry dated now
    (the ledger keeps both), and a `fee_reversed` event."""
    events = _handover_fee_events(session, parcel)
    if not events or parcel.id is None:
        return NOTHING_GIVEN_BACK
    day = station.business_day(now)
    refunds: list[int] = []
    for event in events:
        details = event.details
        entry = {
            "parcel_id": parcel.id,
            "amount_cents": int(details["amount_cents"]),
            "at": now,
            "business_day": day,
        }
        _insert(
            session,
            station,
            FeeKind.CHARGE_REVERSAL,
            entry,
            rule=str(details.get("rule", ""))[:64] or None,
            days=details.get("days"),
        )
        if event.kind == EventKind.FEE_PAID:
            refund = _insert(session, station, FeeKind.REFUND, entry, method=details.get("method"))
            if details.get("method") in receipts.REFUND_METHODS:
                refunds.append(refund)
        else:
            _insert(session, station, FeeKind.WAIVER_REVERSAL, entry)
    given = _given_back(events)
    charged = sum(int(e.details["amount_cents"]) for e in events)
    record: dict[str, Any] = {"waybill": parcel.waybill, "amount_cents": charged}
    if given.refunded_cents:  # one handover, one settlement: one method
        record["refund_cents"] = sum(given.refunded_cents.values())
        record["method"] = ", ".join(sorted(given.refunded_cents))
    if given.unwaived_cents:
        record["unwaived_cents"] = given.unwaived_cents
    audit.record(session, station, EventKind.FEE_REVERSED, parcel_id=parcel.id, at=now, details=record)
    if refunds:  # money back in the customer's hand, cash or QR: a slip for it (an account credit: none)
        back = sum(given.refunded_cents.get(m, 0) for m in receipts.REFUND_METHODS)
        method = next(m for m in receipts.REFUND_METHODS if given.refunded_cents.get(m))
        line = receipts.PaperLine(parcel, back)
        receipts.queue_paper(
            session,
            station,
            receipts.REFUND,
            [line],
            method=method,
            entries=refunds,
            at=now,
            refund_of=receipts.reversed_receipts(session, _payments_of(session, parcel.id, events)),
        )
    return given


def _payments_of(session: Session, parcel_id: int, events: Sequence[ParcelEvent]) -> list[FeeEntry]:
    """The ledger's payment entries of `events` given back in the hand (cash, QR): each `fee_paid`
    event was written with its payment, at its moment and for its amount."""
    found: list[FeeEntry] = []
    for event in events:
        if event.kind != EventKind.FEE_PAID or event.details.get("method") not in receipts.REFUND_METHODS:
            continue
        paid = session.exec(
            select(FeeEntry)
            .where(
                col(FeeEntry.parcel_id) == parcel_id,
                col(FeeEntry.kind) == FeeKind.PAYMENT,
                col(FeeEntry.amount_cents) == int(event.details["amount_cents"]),
                col(FeeEntry.at) >= event.at - receipts.MOMENT,
                col(FeeEntry.at) <= event.at + receipts.MOMENT,
            )
            .order_by(col(FeeEntry.id).desc())
            .limit(1)
        ).first()
        if paid is not None:
            found.append(paid)
    return found
