"""What a print job looks like on paper: label data from the parcel row, receipt, manifest and run sheet
documents.

Text is translated here, at send time: a label into the console's language, a paper into the one it was
queued in (`core/paper_language.py`); hardware/ only draws it. A job
whose payload names a `flow` (send-out) is drawn by the renderer that flow registered: the flows that
print sit above the print queue, which cannot import them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlmodel import col, select

from db.models import Carrier, Parcel, PrintJob, Recipient
from hardware.printers import fonts
from hardware.printers.document import Document
from hardware.printers.label import Captions, LabelData
from hardware.printers.textfit import clip_keeping_end, plain
from station_console.errors import NotFound
from station_console.i18n import LANGUAGES, N_, Translator, translate
from station_console.services.core.paper_language import LABEL_KINDS
from station_console.services.core.paper_numbers import return_batch_number, run_number
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.printing.carrier_names import carrier_on_paper
from station_console.services.printing.courier_receipt import handover_document, is_handover
from station_console.services.printing.fee_receipts import fee_document, is_fee_paper

log = logging.getLogger(__name__)

# (station, job, printer, lang) -> the bytes for the printer
Renderer = Callable[[Station, PrintJob, Any, str], bytes]
_renderers: dict[str, Renderer] = {}
_NOTE_COLUMNS = 80  # a manifest's problem note: 80 letters or 40 Chinese characters, who asked and why
# A run of letters, digits and signs (no space) longer than a common waybill: split after each 16.
_LONG_RUN = re.compile(r"[!-~]{16}(?=[!-~])")


def register_renderer(flow: str, renderer: Renderer) -> None:
    """Draw the print jobs whose payload says `flow` with `renderer` (called by that flow's module)."""
    _renderers[flow] = renderer


def captions(lang: str) -> Captions:
    return Captions(
        code=translate(N_("Pickup code"), lang),
        tail=translate(N_("Waybill {tail}"), lang),
        phone=translate(N_("Phone"), lang),
        code_short=translate(N_("Code"), lang),
    )


def masked_tail(tail: str | None) -> str | None:
    """Only the last four digits ever reach a label: `****5678`."""
    return f"****{tail}" if tail else None


def label_data_for(station: Station, parcel_id: int, lang: str) -> LabelData:
    """A parcel's label, for a person asking to see it (`station label`)."""
    require(station, "view")
    return _label_data(station, parcel_id, lang)


def _label_data(station: Station, parcel_id: int, lang: str) -> LabelData:
    """The label as the queue prints it: a background duty, which runs while the console is locked
    (the job was queued by a signed-in clerk; only the masked tail reaches the label)."""
    with station.read() as session:
        parcel = session.get(Parcel, parcel_id)
        if parcel is None:
            raise NotFound(N_("Parcel {parcel} not found."), parcel=parcel_id)
        carrier = session.get(Carrier, parcel.carrier_id)
        return LabelData(
            pickup_code=parcel.pickup_code or "",
            carrier=carrier.short_name if carrier else "",
            waybill=parcel.waybill,
            masked_phone=masked_tail(parcel.phone_tail),
            checked_in=parcel.business_day,
            lang=lang,
            captions=captions(lang),
        )


def sample_label(station: Station, lang: str) -> LabelData:
    return LabelData(
        pickup_code="8-8-8888",
        carrier="TEST",
        waybill="SF1234567890123",
        masked_phone="****5678",
        checked_in=station.business_day(),
        lang=lang,
        captions=captions(lang),
    )


def receipt_document(station: Station, payload: dict[str, Any], lang: str) -> Document:
    t = Translator(lang)

    at = datetime.fromisoformat(payload["at"]).astimezone(station.zone())
    parcels = payload.get("parcels", [])
    return Document(
        kind="receipt",
        title=t(N_("Pickup receipt")),
        meta=[
            station.settings().name_shown(lang),
            t(N_("Time: {at}"), at=at.strftime("%Y-%m-%d %H:%M")),
            t(N_("Counter: {counter}"), counter=payload.get("counter", "")),
        ],
        columns=[t(N_("Code")), t(N_("Carrier")), t(N_("Waybill"))],
        # Masked as a fee receipt shows it: a bare "Tail 0167" reads as the customer's phone.
        rows=[[p["code"] or "", _carrier(p, lang), f"****{p['waybill_tail']}"] for p in parcels],
        footer=[t(N_("Parcels: {count}"), count=len(parcels))],
    )


def _carrier(snapshot: dict[str, Any], lang: str) -> str:
    """The carrier a receipt's parcel or a manifest names: its name in `lang`, else its code (a job
    queued before jobs kept names: the short name it kept)."""
    fallback = snapshot.get("carrier_code") or snapshot.get("carrier") or ""
    return carrier_on_paper(snapshot.get("carrier_names"), lang, fallback)


def _return_reason(parcel: dict[str, Any], tr: Translator) -> str:
    """Why a parcel goes back, for the courier: its problem (refused, wrong address, damaged...) with
    its note where the job carries one ("recalled: the sender, by phone"), or the days it waited
    uncollected; "" for a job queued before manifests said it."""
    if parcel.get("problem"):
        note = _manifest_note(parcel.get("note") or "")
        label = tr(parcel["problem"])
        return tr(N_("{reason}: {note}"), reason=label, note=note) if note else label
    if "days" not in parcel:
        return ""
    days = int(parcel["days"])
    return tr.n("uncollected for {days} day", "uncollected for {days} days", days, days=days)


def _manifest_note(note: str) -> str:
    """A problem's note as its manifest cell holds it: one line of plain text (the job's data is text,
    however it was stored), shortened to `_NOTE_COLUMNS` so a long note does not take a page of
    lines in the narrow column of a 58 mm roll, and no run of letters longer than a waybill's, so it
    neither widens its column nor shrinks the PDF's type to fit it as it would a code. Shortened
    inside, so what a recall says after the clerk's words (the age, the problem it replaced) stays."""
    return clip_keeping_end(_LONG_RUN.sub(r"\g<0> ", " ".join(plain(note).split())), _NOTE_COLUMNS)


def manifest_document(station: Station, payload: dict[str, Any], lang: str) -> Document:
    t = Translator(lang)

    at = datetime.fromisoformat(payload["at"]).astimezone(station.zone())
    parcels = payload.get("parcels", [])
    batch = return_batch_number(int(payload["batch_id"]))
    return Document(
        kind="manifest",
        title=t(N_("Return manifest")),
        meta=[
            station.settings().name_shown(lang),
            t(N_("Batch: {batch}"), batch=batch),
            t(N_("Carrier: {carrier}"), carrier=_carrier(payload, lang)),
            t(N_("Time: {at}"), at=at.strftime("%Y-%m-%d %H:%M")),
            *([t(N_("Signed by: {name}"), name=payload["signed_by"])] if payload.get("signed_by") else []),
        ],
        columns=["#", t(N_("Waybill")), t(N_("Code")), t(N_("Check-in day")), t(N_("Why it goes back"))],
        rows=[
            [str(n), p["waybill"], p["code"], p["checked_in"], _return_reason(p, t)]
            for n, p in enumerate(parcels, 1)
        ],
        widths=[3, 12, 9, 9, 12],
        footer=[
            t(N_("Parcels: {count}"), count=len(parcels)),
            t(N_("Courier signature: ____________")),
            t(N_("Clerk signature: ____________")),
        ],
        barcode=batch,
    )


def run_sheet_document(station: Station, payload: dict[str, Any], lang: str) -> Document:
    """A door delivery run for the runner: stops in walking order, a line per building and floor.

    The payload holds no names (print jobs are kept); they are read from the directory when printed.
    """

    t = Translator(lang)

    at = datetime.fromisoformat(payload["at"]).astimezone(station.zone())
    stops = payload.get("stops", [])
    ids = {s["recipient_id"] for s in stops if s.get("recipient_id")}
    with station.read() as session:
        names = {
            r.id: r.preferred_name or r.name
            for r in session.exec(select(Recipient).where(col(Recipient.id).in_(ids))).all()
        }
    number = run_number(int(payload["run_id"]))
    recalled = sum(1 for stop in stops if stop.get("recalled"))
    rows: list[list[str]] = []
    group = None
    for stop in stops:
        here = (stop.get("building") or "", stop.get("floor"))
        if here != group:
            group = here
            floor = t(N_("floor {floor}"), floor=here[1]) if here[1] is not None else ""
            rows.append(["", f"[{' '.join(p for p in (here[0], floor) if p)}]", "", "", ""])
        rows.append(
            [
                str(stop["n"]),
                stop["code"],
                stop.get("address") or "",
                names.get(stop.get("recipient_id"), ""),
                stop.get("phone") or "",
            ]
        )
        if stop.get("recalled"):
            rows.append(["", t(N_("Recalled: it goes back, do not deliver it.")), "", "", ""])
    return Document(
        kind="manifest",
        title=t(N_("Door delivery run")),
        meta=[
            station.settings().name_shown(lang),
            t(N_("Run: {run}"), run=number),
            t(N_("Runner: {runner}"), runner=payload.get("runner", "")),
            t(N_("Time: {at}"), at=at.strftime("%Y-%m-%d %H:%M")),
        ],
        columns=["#", t(N_("Code")), t(N_("Address")), t(N_("Recipient")), t(N_("Phone"))],
        rows=rows,
        widths=[3, 10, 10, 12, 13],
        footer=[
            # The runner signs for the count: a stop recalled after the plan stays on the sheet, marked,
            # but is kept off the trolley (or brought back), so the count says how many are not to go.
            t(
                N_("Parcels: {count}, {recalled} of them recalled: not to be delivered"),
                count=len(stops),
                recalled=recalled,
            )
            if recalled
            else t(N_("Parcels: {count}"), count=len(stops)),
            t(N_("Scan each parcel back: delivered (who received it) or failed (why).")),
            t(N_("Runner signature: ____________")),
            t(N_("Clerk signature: ____________")),
        ],
        barcode=number,
    )


def needs_cjk_fallback(lang: str, printer: Any) -> bool:
    """Chinese text this printer would get drawn on this machine, which has no Chinese font."""
    return lang != "en" and printer.cjk_bitmap and fonts.cjk_font() is None


def label_for_printer(data: LabelData, printer: Any, *, warn: bool = True) -> LabelData:
    """`data` as `printer` can show it: English captions when Chinese cannot be drawn (and a warning)."""
    if not needs_cjk_fallback(data.lang, printer):
        return data

    if warn:
        log.warning(fonts.CJK_MISSING)
    return replace(data, lang="en", captions=captions("en"))


def render_job(station: Station, job: PrintJob, printer: Any, lang: str) -> bytes:
    """The bytes for `job`: a label in `lang`, the printer's (from the parcel row as it is now), a paper
    in the language it was queued in (`lang` for a job kept before jobs said it)."""
    if job.kind not in LABEL_KINDS and job.payload.get("lang") in LANGUAGES:
        lang = str(job.payload["lang"])
    if is_fee_paper(job.payload):  # a storage fee's receipt or refund slip (the fees flow sits below)
        return bytes(printer.render_document(fee_document(station, job.payload, lang)))
    flow = job.payload.get("flow")
    if flow is not None:
        renderer = _renderers.get(flow)
        if renderer is None:  # the job stays in the queue, failed, and prints once the flow is loaded
            raise ValueError(f"no renderer registered for {flow!r} print jobs")
        return renderer(station, job, printer, lang)
    if job.kind in ("label", "test"):
        if job.kind == "test" or job.parcel_id is None:
            data = sample_label(station, lang)
        else:
            data = _label_data(station, job.parcel_id, lang)
        return bytes(printer.render_label(label_for_printer(data, printer)))
    if job.kind == "receipt":
        return bytes(printer.render_document(receipt_document(station, job.payload, lang)))
    if job.kind == "manifest" and job.payload.get("sheet") == "delivery_run":
        return bytes(printer.render_document(run_sheet_document(station, job.payload, lang)))
    if job.kind == "manifest":
        if is_handover(job.payload):
            return bytes(printer.render_document(handover_document(station, job.payload, lang)))
        return bytes(printer.render_document(manifest_document(station, job.payload, lang)))
    raise ValueError(f"unknown print job kind {job.kind!r}")
