"""How a storage-fee receipt and refund slip look on paper (`fees/receipts.py` queues them), drawn at send
time in the language it was queued in, from the job's snapshot: the station, when, the counter and the clerk,
each parcel (carrier, the waybill's last four), its days on the shelf and the rule's free days and rate,
what was settled before this payment, the amount and how it was paid or given back, the receipt a
refund slip reverses, and the paper's number, its barcode too. A roll (58 or 80 mm) or a PDF page, as
every receipt.

Never a pickup code: it is still live when the fee is paid before the handover, or given back by an
undone one, and a paper left at the printer must not release the parcel. A job stored before codes
were left out still holds one (`code`): it is not drawn either.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hardware.printers.document import Document
from station_console.i18n import N_, Translator
from station_console.services.core.money import PAYMENT_METHOD_LABELS, amount
from station_console.services.core.station import Station
from station_console.services.fees.receipts import FLOW, REFUND
from station_console.services.printing.carrier_names import carrier_on_paper

__all__ = ["FLOW", "fee_document", "is_fee_paper"]


def is_fee_paper(payload: dict[str, Any]) -> bool:
    return payload.get("flow") == FLOW


def fee_document(station: Station, payload: dict[str, Any], lang: str) -> Document:
    t = Translator(lang)
    refund = payload.get("paper") == REFUND
    currency = str(payload.get("currency") or station.settings().currency)

    def money(cents: Any) -> str:
        return amount(int(cents), currency, lang)

    at = datetime.fromisoformat(payload["at"]).astimezone(station.zone())
    parcels = payload.get("parcels", [])
    meta = [
        station.settings().name_shown(lang),
        t(N_("Time: {at}"), at=at.strftime("%Y-%m-%d %H:%M")),
        t(N_("Counter: {counter}"), counter=payload.get("counter", "")),
        t(N_("Clerk: {clerk}"), clerk=payload.get("clerk") or "-"),
        t(N_("Receipt number: {number}"), number=payload.get("number", "")),
    ]
    meta.extend(t(N_("Refund of receipt {number}"), number=n) for n in payload.get("refund_of", []))
    if payload.get("copy"):
        meta.append(t(N_("Copy")))
    rows = [[_carrier(p, lang), _waybill(p), money(p["amount_cents"])] for p in parcels]
    terms = [line for p in parcels for line in _terms(t, p, money, lang, len(parcels) > 1)]
    method = t(PAYMENT_METHOD_LABELS.get(payload.get("method", ""), payload.get("method", "-")))
    footer = [
        *terms,
        t(N_("Total: {total}"), total=money(payload.get("total_cents", 0))),
        t(N_("Given back by {method}"), method=method)
        if refund
        else t(N_("Paid by {method}"), method=method),
        t(N_("Keep this slip.")) if refund else t(N_("Keep this receipt.")),
    ]
    return Document(
        kind="receipt",
        title=t(N_("Storage fee refund")) if refund else t(N_("Storage fee receipt")),
        meta=meta,
        columns=[t(N_("Carrier")), t(N_("Waybill")), t(N_("Amount"))],
        rows=rows,
        aligns=["L", "L", "R"],
        footer=footer,
        barcode=str(payload.get("number") or "") or None,
    )


def _terms(tr: Translator, parcel: dict[str, Any], money: Any, lang: str, named: bool) -> list[str]:
    """How a paid parcel's fee came about: its days on the shelf, the rule's free days and rate (and
    cap), and what of it was settled before (paid or waived), so the whole time at the rate less that
    is the amount; the parcel named by its carrier and waybill where the paper holds several. None for
    a refund's parcel."""
    if "days_stored" not in parcel:
        return []
    days = int(parcel["days_stored"])
    stored = tr.n("{n} day on the shelf", "{n} days on the shelf", days, n=days)
    if named:
        stored = tr(
            N_("{parcel}: {days}"), parcel=f"{_carrier(parcel, lang)} {_waybill(parcel)}", days=stored
        )
    free = int(parcel.get("free_days", 0))
    rate = money(parcel.get("per_day_cents", 0))
    rule = tr.n(
        "Free for {n} day, then {rate} a day", "Free for {n} days, then {rate} a day", free, n=free, rate=rate
    )
    if parcel.get("cap_cents") is not None:
        rule = tr(N_("{rule}, at most {cap}"), rule=rule, cap=money(parcel["cap_cents"]))
    before = int(parcel.get("settled_before_cents", 0))
    if before:
        return [stored, rule, tr(N_("Settled before: {amount}"), amount=money(before))]
    return [stored, rule]


def _waybill(parcel: dict[str, Any]) -> str:
    return f"****{parcel.get('waybill_tail', '')}"


def _carrier(parcel: dict[str, Any], lang: str) -> str:
    return carrier_on_paper(parcel.get("carrier_names"), lang, parcel.get("carrier_code") or "")
