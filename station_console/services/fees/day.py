"""A business day's storage fees: charged, paid by method, waived, and whether they balance.

Only days with fee entries have these figures, so a day closed before fees existed keeps its hash.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select as columns
from sqlmodel import Session, col

from db.models import Carrier, Clerk, FeeEntry, FeeKind, Parcel


def fee_figures(session: Session, day: date) -> dict[str, Any] | None:
    """The day's fee entries summed; `balanced` when every charge is settled by payments and waivers."""
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
    charged = waived = 0
    paid: dict[str, int] = defaultdict(int)
    per_parcel: dict[int, list[Any]] = {}  # parcel -> [waybill, carrier, charged, settled]
    waivers = []
    for pid, kind, amount, method, reason, waybill, carrier, clerk in rows:
        entry = per_parcel.setdefault(pid, [waybill, carrier, 0, 0])
        if kind == FeeKind.CHARGE:
            charged += amount
            entry[2] += amount
            continue
        entry[3] += amount
        if kind == FeeKind.WAIVER:
            waived += amount
            waivers.append({"waybill": waybill, "amount_cents": amount, "reason": reason, "by": clerk})
        else:
            paid[str(method)] += amount
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
    return {
        "charged_cents": charged,
        "paid_cents": dict(sorted(paid.items())),
        "paid_total_cents": paid_total,
        "waived_cents": waived,
        "waivers": waivers,
        "parcels": len(per_parcel),
        "outstanding_cents": charged - paid_total - waived,
        "balanced": charged == paid_total + waived and not unsettled,
        "unsettled": unsettled,
    }
