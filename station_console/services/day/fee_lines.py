"""The day's storage fees in the report: their sentences (charged, paid by method, waived, what undone
pickups reversed, the drawer's cash of them) and their CSV figures."""

from __future__ import annotations

from typing import Any

from db.models import FeeMethod
from station_console.i18n import CURRENT, Translator, listed
from station_console.services.core.money import PAYMENT_METHOD_LABELS
from station_console.services.day.report_words import sum_text


def fee_rows(report: dict[str, Any]) -> list[tuple[str, Any]]:
    """The day's storage fees as CSV figures (cents), when the day has any; undone pickups' reversals
    beside what they reverse, on a day that has some."""
    fees = report.get("storage_fees")
    if not fees:
        return []
    back = fees.get("reversed")
    rows: list[tuple[str, Any]] = [("storage_fees_charged_cents", fees["charged_cents"])]
    if back:
        rows.append(("storage_fees_reversed_cents", back["charged_cents"]))
    rows += [(f"storage_fees_paid_{method}_cents", cents) for method, cents in fees["paid_cents"].items()]
    if back:
        rows += [(f"storage_fees_refunded_{m}_cents", cents) for m, cents in back["refunded_cents"].items()]
    cash = drawer_cash(fees)
    if cash is not None:
        rows.append(("storage_fees_cash_net_cents", cash[2]))
    rows.append(("storage_fees_waived_cents", fees["waived_cents"]))
    if back:
        rows.append(("storage_fees_unwaived_cents", back["waived_cents"]))
    rows += [
        ("storage_fees_outstanding_cents", fees["outstanding_cents"]),
        ("storage_fees_balanced", fees["balanced"]),
    ]
    return rows


def drawer_cash(fees: dict[str, Any]) -> tuple[int, int, int] | None:
    """The storage fees' cash of a day with reversals: (paid, given back, what the drawer holds of
    them); None on a day without reversals or without cash, where the cash paid is what it holds."""
    back = fees.get("reversed")
    if not back:
        return None
    paid = fees["paid_cents"].get(FeeMethod.CASH, 0)
    given = back["refunded_cents"].get(FeeMethod.CASH, 0)
    return (paid, given, paid - given) if paid or given else None


def by_method(report: dict[str, Any], cents_by_method: dict[str, int], tr: Translator = CURRENT) -> str:
    """Sums by how they were paid, listed as the report's language lists (`cash 2.00 CNY, account 1.00
    CNY`; `现金 2.00 元、月结 1.00 元`)."""
    return listed(
        (
            f"{tr(PAYMENT_METHOD_LABELS.get(method, method))} {sum_text(report, cents, tr)}"
            for method, cents in cents_by_method.items()
        ),
        tr.lang,
    )


def fee_lines(report: dict[str, Any], tr: Translator = CURRENT, *, waivers: bool = True) -> list[str]:
    """The day's storage fees: charged, paid by method, waived (each waiver with its reason, unless
    `waivers` is False: the day close's figures), what undone pickups reversed of them, and the cash
    the drawer holds of them once some was given back."""
    fees = report.get("storage_fees")
    if not fees:
        return []
    paid = by_method(report, fees["paid_cents"], tr)
    state = (
        tr("balanced")
        if fees["balanced"]
        else tr("{amount} not settled", amount=sum_text(report, fees["outstanding_cents"], tr))
    )
    back = fees.get("reversed")
    if not fees["parcels"] and back:
        # Only reversals of fees charged on an earlier day: they are said on the line below.
        lines = [tr("Storage fees: none charged this day; {state}", state=state)]
    else:
        lines = [
            tr.n(
                "Storage fees: {charged} charged on {parcels} parcel; paid {paid}; waived {waived}; {state}",
                "Storage fees: {charged} charged on {parcels} parcels; paid {paid}; waived {waived}; {state}",
                fees["parcels"],
                charged=sum_text(report, fees["charged_cents"], tr),
                parcels=fees["parcels"],
                paid=paid or sum_text(report, 0, tr),
                waived=sum_text(report, fees["waived_cents"], tr),
                state=state,
            )
        ]
    if back:
        given = by_method(report, back["refunded_cents"], tr)
        lines.append(
            tr.n(
                "Undone pickups: charges reversed {charged} on {parcels} parcel; given back {given}; "
                "waivers withdrawn {waived}",
                "Undone pickups: charges reversed {charged} on {parcels} parcels; given back {given}; "
                "waivers withdrawn {waived}",
                back["parcels"],
                charged=sum_text(report, back["charged_cents"], tr),
                parcels=back["parcels"],
                given=given or sum_text(report, 0, tr),
                waived=sum_text(report, back["waived_cents"], tr),
            )
        )
    cash = drawer_cash(fees)
    if cash is not None:
        lines.append(
            tr(
                "Storage fee cash in the drawer: {net} ({paid} paid, {given} given back)",
                net=sum_text(report, cash[2], tr),
                paid=sum_text(report, cash[0], tr),
                given=sum_text(report, cash[1], tr),
            )
        )
    for waiver in fees["waivers"][:20] if waivers else []:
        lines.append(
            tr(
                "Fee waived: {waybill} {amount} by {by}: {reason}",
                waybill=waiver["waybill"],
                amount=sum_text(report, waiver["amount_cents"], tr),
                by=waiver["by"] or "-",
                reason=waiver["reason"] or "",
            )
        )
    return lines
