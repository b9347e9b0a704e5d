"""The day's sends in the day report and close: counts, weights and money per carrier and payment
method, balanced two ways.

The equation, per carrier and payment method: `opening + accepted = handed over + cancelled + at
the counter at close` (with nothing left from the day before it is the plain `accepted = handed over +
still at the counter + cancelled`). Each send's part in the day is worked out from its record's
timestamps and, independently, from the audit events (accepted, handed over, refunded) dated that
business day; every send where the two disagree is listed and the day does not balance.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from db.models import Carrier, ParcelEvent, Send, SendEvent, SendStatus
from station_console.services.core.station import Station, day_bounds
from station_console.services.sendout.quote import billed_grams

COUNTS = ("opening", "accepted", "handed_over", "cancelled", "closing")
# weight_g: as weighed; billed_g: the weight each price was computed on (its quote's), as every paper
# names the chargeable weight. Not the stored chargeable_g (greater of actual and volumetric), which a
# step of the tariff may round up from.
SUMS = ("weight_g", "billed_g", "manual_weights", "revenue_cents", "refunds_cents", "net_cents")
# How the console summed the weights before the billed weight: the greater of actual and volumetric,
# under that column's name; kept so a day closed then still matches its hash.
SUMS_BY_CHARGEABLE = tuple("chargeable_g" if key == "billed_g" else key for key in SUMS)
_EVENT_PART = {
    SendEvent.SEND_ACCEPTED: "accepted",
    SendEvent.SEND_HANDED_OVER: "handed_over",
    SendEvent.SEND_REFUNDED: "cancelled",
}
SEND_KINDS = frozenset(_EVENT_PART)  # the events the day's send figures count


def _zero(sums: tuple[str, ...] = SUMS) -> dict[str, int]:
    return dict.fromkeys(COUNTS + sums, 0)


def _within(at: datetime | None, start: datetime, end: datetime) -> bool:
    return at is not None and start <= at < end


def _parts(send: Send, start: datetime, end: datetime) -> dict[str, bool]:
    """This send's part in the day, from its record."""
    gone_before = (send.handed_over_at is not None and send.handed_over_at < start) or (
        send.cancelled_at is not None and send.cancelled_at < start
    )
    gone_by_end = (send.handed_over_at is not None and send.handed_over_at < end) or (
        send.cancelled_at is not None and send.cancelled_at < end
    )
    return {
        "opening": send.created_at < start and not gone_before,
        "accepted": _within(send.created_at, start, end),
        "handed_over": _within(send.handed_over_at, start, end),
        "cancelled": _within(send.cancelled_at, start, end),
        "closing": send.created_at < end and not gone_by_end,
    }


def day_sends(
    session: Session, station: Station, day: date, *, by_chargeable: bool = False
) -> dict[str, Any] | None:
    """The sends section of `day`'s figures; None when the day saw no sends at all. `by_chargeable`:
    weighed as the console did before the billed weight (to check a hash a close froze then)."""
    start, end = day_bounds(station, day, session)
    sends = session.exec(
        select(Send).where(
            or_(
                col(Send.status) == SendStatus.ACCEPTED,
                col(Send.handed_over_at) >= start,
                col(Send.cancelled_at) >= start,
                col(Send.business_day) == day,
            ),
            col(Send.created_at) < end,
        )
    ).all()
    codes = {c.id: c.code for c in session.exec(select(Carrier)).all()}
    refused: dict[str, int] = defaultdict(int)
    sums = SUMS_BY_CHARGEABLE if by_chargeable else SUMS
    rows: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: _zero(sums))
    parts_of: dict[int, dict[str, bool]] = {}
    for send in sends:
        code = codes.get(send.carrier_id, "-") if send.carrier_id else "-"
        if send.status == SendStatus.REFUSED:
            if _within(send.created_at, start, end):
                refused[code] += 1
            continue
        parts = _parts(send, start, end)
        if not any(parts.values()):
            continue
        assert send.id is not None
        parts_of[send.id] = parts
        row = rows[(code, send.payment_method or "-")]
        for key in COUNTS:
            row[key] += int(parts[key])
        if parts["accepted"]:
            row["weight_g"] += send.weight_g or 0
            if by_chargeable:
                row["chargeable_g"] += send.chargeable_g or 0
            else:
                row["billed_g"] += billed_grams(send.quote, send.chargeable_g)
            row["manual_weights"] += int(send.weight_manual)
            row["revenue_cents"] += send.price_cents
        if parts["cancelled"]:
            row["refunds_cents"] += send.refund_cents
        row["net_cents"] = row["revenue_cents"] - row["refunds_cents"]
    if not rows and not refused:
        return None
    differences = _differences(session, day, sends, parts_of, codes)
    for (code, method), row in sorted(rows.items()):
        if row["opening"] + row["accepted"] != row["handed_over"] + row["cancelled"] + row["closing"]:
            differences.append(
                {"send_id": None, "waybill": None, "carrier": code, "payment": method, "issue": "equation"}
            )
    table = [{"carrier": code, "payment": method, **row} for (code, method), row in sorted(rows.items())]
    return {
        "currency": station.settings().currency,
        "rows": table,
        "by_carrier": _totals(table, "carrier", sums),
        "by_payment": _totals(table, "payment", sums),
        "totals": _sum(table, sums),
        "refused": {"count": sum(refused.values()), "carriers": dict(sorted(refused.items()))},
        "balanced": not differences,
        "differences": differences,
    }


def _sum(rows: list[dict[str, Any]], sums: tuple[str, ...]) -> dict[str, int]:
    total = _zero(sums)
    for row in rows:
        for key in total:
            total[key] += row[key]
    return total


def _totals(rows: list[dict[str, Any]], by: str, sums: tuple[str, ...]) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row[by]].append(row)
    return [{by: key, **_sum(group, sums)} for key, group in sorted(groups.items())]


def _differences(
    session: Session,
    day: date,
    sends: Any,
    parts_of: dict[int, dict[str, bool]],
    codes: dict[int | None, str],
) -> list[dict[str, Any]]:
    """Sends whose record and whose events tell a different day."""
    events: dict[int, set[str]] = defaultdict(set)
    for kind, details in session.exec(
        select(ParcelEvent.kind, ParcelEvent.details).where(
            ParcelEvent.business_day == day, col(ParcelEvent.kind).in_(list(_EVENT_PART))
        )
    ).all():
        send_id = details.get("send_id") if isinstance(details, dict) else None
        if isinstance(send_id, int):
            events[send_id].add(_EVENT_PART[SendEvent(kind)])
    by_id = {s.id: s for s in sends}
    out = []
    for send_id in sorted(set(parts_of) | set(events)):
        recorded = {k for k, v in parts_of.get(send_id, {}).items() if v and k in _EVENT_PART.values()}
        if recorded != events.get(send_id, set()):
            send = by_id.get(send_id)
            out.append(
                {
                    "send_id": send_id,
                    "waybill": send.waybill if send else None,
                    "carrier": codes.get(send.carrier_id, "-") if send else "-",
                    "issue": "records_vs_events",
                    "records": sorted(recorded),
                    "events": sorted(events.get(send_id, set())),
                }
            )
    return out


def empty() -> dict[str, Any]:
    """The section of a day without sends (the report shows it; the close's hash leaves it out)."""
    return {
        "currency": "",
        "rows": [],
        "by_carrier": [],
        "by_payment": [],
        "totals": _zero(),
        "refused": {"count": 0, "carriers": {}},
        "balanced": True,
        "differences": [],
    }
