"""The courier handover receipt: what a courier's batch came to, for the courier to sign.

Received count, the missing and extra waybills (extra only against a pre-alert: with nothing
pre-alerted the counts line says so once), the parcels flagged damaged while it was open, the
courier's name and a signature line; another carrier's parcels the courier brought in the bag are listed
apart, by carrier, and not counted as this carrier's received (the courier signs for what they handed
over, and this carrier's count is its own: its pre-alerts, its fees); a manifest job (the printers
that take manifests: PDF or ESC/POS). Drawn from the snapshot the batch stored at its close, so a
reprint says the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from hardware.printers.document import Document
from station_console.i18n import N_, Translator, get_language
from station_console.services.core.station import Station
from station_console.services.printing.carrier_names import carrier_on_paper

DOCUMENT = "handover"
JOB_KIND = "manifest"  # printed by the printers that take manifests


def handover_payload(result: dict[str, Any]) -> dict[str, Any]:
    """The print job's payload for a batch's stored result (`jobs.queue_document`)."""
    return {"document": DOCUMENT, **result}


def is_handover(payload: dict[str, Any]) -> bool:
    return payload.get("document") == DOCUMENT


def counts_line(tr: Translator, counts: dict[str, int]) -> str:
    """The batch's counts; with nothing pre-alerted, no pre-alert counts ("arrived 0 ... extra 2" read
    as if nothing came)."""
    if not counts.get("expected", 0):
        return tr(N_("Nothing pre-alerted · damaged {damaged}"), damaged=counts.get("damaged", 0))
    return tr(
        N_(
            "Pre-alerted {expected} · arrived {received} · missing {missing} · extra {extra} · damaged {damaged}"
        ),
        expected=counts.get("expected", 0),
        received=counts.get("received", 0),
        missing=counts.get("missing", 0),
        extra=counts.get("extra", 0),
        damaged=counts.get("damaged", 0),
    )


def other_carrier_lines(
    tr: Translator, carriers: Iterable[str], names: Mapping[str, Mapping[str, Any]] | None = None
) -> list[str]:
    """Another carrier's parcels in the batch (each one's carrier code), one line per carrier in the
    order they came, the carrier named in `tr`'s language from `names` (code -> names kept): "FedEx: 1
    parcel, another carrier's". The receipt, the screen and the command's."""
    return [
        tr.n(
            "{carrier}: {count} parcel, another carrier's",
            "{carrier}: {count} parcels, another carrier's",
            count,
            carrier=other_carrier_name(tr, names, code),
            count=count,
        )
        for code, count in other_carrier_counts(carriers).items()
    ]


def other_carrier_name(tr: Translator, names: Mapping[str, Mapping[str, Any]] | None, code: str) -> str:
    """Another carrier's name in `tr`'s language, as paper names carriers; its code where no names were
    kept (a receipt stored before they were: as it printed then)."""
    return carrier_on_paper((names or {}).get(code), tr.lang or get_language(), code)


def other_carrier_counts(carriers: Iterable[str]) -> dict[str, int]:
    """carrier code -> how many of its parcels, in the order they came."""
    by_carrier: dict[str, int] = {}
    for code in carriers:
        by_carrier[code] = by_carrier.get(code, 0) + 1
    return by_carrier


def received_line(tr: Translator, payload: dict[str, Any], carrier: str) -> str:
    """This carrier's parcels received (pre-alerted or not); with another carrier's parcels in the bag,
    named as this carrier's, those listed apart. A receipt closed before batches told them apart counted
    every parcel in the bag: it reads as it printed then."""
    counts = payload.get("counts", {})
    received = counts.get("received", 0) + counts.get("extra", 0)
    if payload.get("other_carrier"):
        return tr.n(
            "Received: {count} {carrier} parcel",
            "Received: {count} {carrier} parcels",
            received,
            count=received,
            carrier=carrier,
        )
    return tr.n("Received: {count} parcel", "Received: {count} parcels", received, count=received)


def handover_document(station: Station, payload: dict[str, Any], lang: str) -> Document:
    tr = Translator(lang)

    zone = station.zone()
    closed = datetime.fromisoformat(payload["closed_at"]).astimezone(zone)
    counts = payload.get("counts", {})
    others = payload.get("other_carrier", [])
    fallback = payload.get("carrier", "")
    if "carrier_names" not in payload:  # a batch closed before results kept names: as it printed then
        fallback = payload.get("carrier_name") or fallback
    carrier = carrier_on_paper(payload.get("carrier_names"), lang, fallback)
    rows = [[w, tr(N_("missing"))] for w in payload.get("missing", [])]
    if counts.get("expected", 0):
        # With nothing pre-alerted, every parcel is "extra": the counts line says that once, and a row
        # each ("extra: not pre-alerted" down the whole bag) said nothing the courier could check.
        rows += [[w, tr(N_("extra: not pre-alerted"))] for w in payload.get("extra", [])]
    names = {p["carrier"]: p["carrier_names"] for p in others if p.get("carrier_names")}
    rows += [
        [
            p["waybill"],
            tr(N_("{carrier}: another carrier's"), carrier=other_carrier_name(tr, names, p["carrier"])),
        ]
        for p in others
    ]
    rows += [
        [
            d["waybill"],
            tr(N_("damaged: {note}"), note=d.get("note", "")) if d.get("note") else tr(N_("damaged")),
        ]
        for d in payload.get("damaged", [])
    ]
    return Document(
        kind="manifest",
        title=tr(N_("Courier handover receipt")),
        meta=[
            station.settings().name_shown(lang),
            tr(N_("Batch: {batch}"), batch=payload.get("label", "")),
            tr(N_("Carrier: {carrier}"), carrier=carrier),
            tr(N_("Courier: {name}"), name=payload.get("courier") or ""),
            tr(N_("Time: {at}"), at=closed.strftime("%Y-%m-%d %H:%M")),
            tr(N_("Counter: {counter}"), counter=payload.get("counter", "")),
            received_line(tr, payload, carrier),
            *other_carrier_lines(tr, [p["carrier"] for p in others], names),
            counts_line(tr, counts),
        ],
        columns=[tr(N_("Waybill")), tr(N_("Note"))] if rows else [],
        rows=rows,
        footer=[
            tr(N_("Courier signature: ____________")),
            tr(N_("Clerk signature: ____________")),
        ],
        barcode=str(payload.get("label") or "") or None,
    )
