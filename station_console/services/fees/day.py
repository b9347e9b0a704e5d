"""A business day's storage fees: charged, paid by method, waived, what undone pickups reversed of
them (the cash given back by method), and whether they balance.

Only days with fee entries have these figures, so a day closed before fees existed keeps its hash.
`parcels` counts the parcels charged that day; those whose fee was reversed are counted with the
reversals (a day whose only entries are reversals charged no parcel).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select as columns
from sqlmodel import Session, col

from db.models import Carrier, Clerk, FeeEntry, FeeKind, Parcel


def fee_figures(session: Session, day: date, *, parcels_by_entry: bool = False) -> dict[str, Any] | None:
    """The day's fee entries summed; `balanced` when every charge, less its reversals, is settled by
    payments and waivers, less theirs. `charged_cents`, `paid_cents`, `waived_cents` stay gross.
    `parcels_by_entry`: count parcels as the console did before (every parcel with an entry, a
    reversal's too, and none with the reversals), to check the hash of a day it closed."""
    rows = session.execute(
        columns(
            col(FeeEntry.parcel_id),
            col(FeeEntry.kind),
            col(FeeEntry.amount_cents),
            col(FeeEntry.method),
            col(FeeEntry.reason),
            col(Parcel.waybill),
            col(Carrier.code),
            col(Clerk.name),
        )
        .join(Parcel, col(Parcel.id) == col(FeeEntry.parcel_id))
        .join(Carrier, col(Carrier.id) == col(Parcel.carrier_id))
        .outerjoin(Clerk, col(Clerk.id) == col(FeeEntry.clerk_id))
        .where(col(FeeEntry.business_day) == day)
        .order_by(col(FeeEntry.id))
    ).all()
    if not rows:
        return None
    charged = waived = reversed_ = unwaived = 0
    paid: dict[str, int] = defaultdict(int)
    refunded: dict[str, int] = defaultdict(int)
    per_parcel: dict[int, list[Any]] = {}  # parcel -> [waybill, carrier, charged, settled] (net)
    waivers = []
    charged_parcels: set[int] = set()
    reversed_parcels: set[int] = set()
    for pid, kind, amount, method, reason, waybill, carrier, clerk in rows:
        entry = per_parcel.setdefault(pid, [waybill, carrier, 0, 0])
        if kind == FeeKind.CHARGE:
            charged += amount
            entry[2] += amount
            charged_parcels.add(pid)
        elif kind == FeeKind.CHARGE_REVERSAL:
            reversed_ += amount
            entry[2] -= amount
            reversed_parcels.add(pid)
        elif kind == FeeKind.WAIVER:
            waived += amount
            entry[3] += amount
            waivers.append({"waybill": waybill, "amount_cents": amount, "reason": reason, "by": clerk})
        elif kind == FeeKind.WAIVER_REVERSAL:
            unwaived += amount
            entry[3] -= amount
        elif kind == FeeKind.REFUND:
            refunded[str(method)] += amount
            entry[3] -= amount
        else:
            paid[str(method)] += amount
            entry[3] += amount
    unsettled = [
        {
            "parcel_id": pid,
            "waybill": waybill,
            "carrier": carrier,
            "charged_cents": owed,
            "settled_cents": settled,
        }
        for pid, (waybill, carrier, owed, settled) in per_parcel.items()
        if owed != settled
    ]
    paid_total = sum(paid.values())
    refunded_total = sum(refunded.values())
    outstanding = (charged - reversed_) - (paid_total - refunded_total) - (waived - unwaived)
    figures: dict[str, Any] = {
        "charged_cents": charged,
        "paid_cents": dict(sorted(paid.items())),
        "paid_total_cents": paid_total,
        "waived_cents": waived,
        "waivers": waivers,
        "parcels": len(per_parcel) if parcels_by_entry else len(charged_parcels),
        "outstanding_cents": outstanding,
        "balanced": outstanding == 0 and not unsettled,
        "unsettled": unsettled,
    }
    if reversed_ or refunded or unwaived:
        # Undone pickups' fees, beside what was charged and paid (a day without any keeps its old
        # figures, and so the hash a close stored of them).
        figures["reversed"] = {
            "charged_cents": reversed_,
            "refunded_cents": dict(sorted(refunded.items())),
            "refunded_total_cents": refunded_total,
            "waived_cents": unwaived,
        }
        if not parcels_by_entry:
            figures["reversed"]["parcels"] = len(reversed_parcels)
    return figures
