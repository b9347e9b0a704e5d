"""How send-out printouts look, drawn at send time from the rows as they are then (a paper in the language
it was queued in, the waybill label in the console's): the sender's receipt, the waybill label, the handover manifest.

`receipt` and `manifest` print on ESC/POS rolls of 58 or 80 mm (by the printer's configured width) or
as PDF; `waybill` on the counter's waybill printer (TSPL, ZPL, PNG or PDF; 76x130 or 100x150 by its
configured size). Only masked phones and the document's last 4 reach paper. The print queue sits below
the send-out flow, so this module registers its renderer with it (`register_renderer`); whatever drains
the queue imports this module first.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from db.models import Carrier, HandoverBatch, PrintJob, Send, Sender
from hardware.printers.document import Document
from station_console.errors import NotFound, Refused
from station_console.i18n import N_, Translator
from station_console.services.core.later_steps import StepFailed, after_commit, command
from station_console.services.core.money import amount
from station_console.services.core.name_masking import mask_name
from station_console.services.core.paper_numbers import handover_batch_number
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.printing.carrier_names import carrier_named
from station_console.services.printing.render import needs_cjk_fallback, register_renderer
from station_console.services.sendout.handover import OPEN, batch_as_printed, batch_view
from station_console.services.sendout.identity import ID_TYPE_LABELS
from station_console.services.sendout.payments import METHOD_LABELS
from station_console.services.sendout.printouts import FLOW
from station_console.services.sendout.quote import QuoteLine, billed_grams, kg, money


@cache
def privacy_rules() -> dict[str, dict[str, str]]:
    text = (resources.files("station_console") / "data" / "waybill_privacy.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def mask_phone(masked: str, rule: str) -> str:
    """From the stored masked form (never the full number): `3+4` keeps it, `4` keeps the tail only."""
    return f"****{masked[-4:]}" if rule == "4" and masked else masked


def _load(session: Session, send_id: int) -> tuple[Send, Carrier | None, Sender | None]:
    send = session.get(Send, send_id)
    if send is None:
        raise NotFound(N_("No send with number or waybill {ref}."), code="send_not_found", ref=str(send_id))
    carrier = session.get(Carrier, send.carrier_id) if send.carrier_id else None
    return send, carrier, session.get(Sender, send.sender_id)


def waybill_data(station: Station, send_id: int, lang: str, sort_code: str | None = None) -> Any:
    from hardware.sendprint.layout import WaybillData

    t = Translator(lang)

    with station.read() as session:
        send, carrier, sender = _load(session, send_id)
    code = carrier.code if carrier else ""
    rules = privacy_rules().get(code) or privacy_rules()["default"]
    # Its unit in the document's language: "3.45 kg" beside "（计费 4 千克）" read as two languages.
    weight = t(N_("{weight} kg"), weight=kg(send.weight_g or 0))
    charged = billed_grams(send.quote, send.chargeable_g)
    if charged and charged != send.weight_g:
        # One message: Chinese sets no space before its own bracket.
        weight = t(
            N_("{weight} kg (chargeable {chargeable} kg)"),
            weight=kg(send.weight_g or 0),
            chargeable=kg(charged),
        )
    details = [t(N_("{n} pcs"), n=send.item_count), send.contents]
    if send.insured:
        details.append(t(N_("insured {value}"), value=amount(send.declared_value_cents, send.currency, lang)))
    return WaybillData(
        carrier=carrier_named(carrier, lang),
        waybill=send.waybill or "",
        sort_code=sort_code or _sort_text(send.destination),
        recipient_name=mask_name(send.recipient_name, rules["name"]),
        recipient_phone=mask_phone(send.recipient_masked_phone, rules["phone"]),
        address=send.address,
        sender_name=mask_name(sender.name if sender else "", rules["name"]),
        sender_phone=mask_phone(sender.masked_phone if sender else "", rules["phone"]),
        weight=weight,
        details=" · ".join(d for d in details if d),
        date=send.business_day.isoformat(),
        station=station.settings().name_shown(lang),
        captions={
            "to": t(N_("To")),
            "from": t(N_("From")),
            "weight": t(N_("Weight")),
            "sign": t(N_("Recipient's signature: ________")),
        },
    )


def _sort_text(destination: str) -> str:
    """The destination as sorters read it: the province and its code (the code survives a printer
    without Chinese glyphs)."""
    from station_console.services.sendout.regions import find_province

    province = find_province(destination)
    return f"{province.name} {province.code}" if province else destination


def name_and_phone(name: str, phone: str) -> str:
    """A person's name and phone, either left out when empty (a refusal with no phone typed, a name
    blanked past the real-name period) with its space: "Wang Wu , 新疆" had a stray one."""
    return " ".join(part for part in (name.strip(), phone.strip()) if part)


def _to_line(t: Translator, who: str, destination: str) -> str:
    """To whom and where, the separator only between two parts there."""
    if who and destination:
        return t(N_("To: {who}, {destination}"), who=who, destination=destination)
    return t(N_("To: {who}"), who=who or destination or "-")


def receipt_document(station: Station, send_id: int, lang: str) -> Document:
    t = Translator(lang)

    with station.read() as session:
        send, carrier, sender = _load(session, send_id)
    at = send.created_at.astimezone(station.zone())
    # One message with its bracket, not a bracket glued on: Chinese takes no space before "（".
    weight = t(
        N_("Weight: {weight} kg (typed in)") if send.weight_manual else N_("Weight: {weight} kg"),
        weight=kg(send.weight_g or 0),
    )
    meta = [
        station.settings().name_shown(lang),
        t(N_("Time: {at}"), at=at.strftime("%Y-%m-%d %H:%M")),
        t(N_("Counter: {counter}"), counter=send.counter),
        t(N_("Send number: {send}"), send=send_id),
        t(N_("Carrier: {carrier}"), carrier=carrier_named(carrier, lang, "-")),
        t(N_("Waybill: {waybill}"), waybill=send.waybill or "-"),
        t(
            N_("Sender: {who}"),
            who=(name_and_phone(sender.name, sender.masked_phone) if sender else "") or "-",
        ),
        _to_line(
            t, name_and_phone(send.recipient_name, send.recipient_masked_phone), send.destination.strip()
        ),
        t(N_("Contents: {contents} x {count}"), contents=send.contents, count=send.item_count),
        weight,
    ]
    if send.id_type:
        meta.append(
            t(
                N_("ID checked: {kind} ****{last4}"),
                kind=t(ID_TYPE_LABELS.get(send.id_type, send.id_type)),
                last4=send.id_last4 or "",
            )
        )
    rows = [
        [QuoteLine.from_json(line).text(lang), money(int(line["amount"])) if line["amount"] else ""]
        for line in send.quote.get("lines", [])
    ]
    footer = [
        t(N_("Total: {total}"), total=amount(send.price_cents, send.currency, lang)),
        t(
            N_("Paid by {method} ({ref})") if send.payment_ref else N_("Paid by {method}"),
            method=t(METHOD_LABELS.get(send.payment_method or "", send.payment_method or "-")),
            ref=send.payment_ref or "",
        ),
        t(N_("Keep this receipt until the parcel arrives.")),
    ]
    return Document(
        kind="receipt",
        title=t(N_("Send receipt")),
        meta=meta,
        columns=[t(N_("Charge")), t(N_("Amount"))],
        rows=rows,
        aligns=["L", "R"],  # the sums line up at the right, the heading over them
        footer=footer,
        barcode=send.waybill,
    )


def manifest_document(station: Station, batch_id: int, lang: str) -> Document:
    t = Translator(lang)

    view = batch_as_printed(station, batch_id)
    with station.read() as session:
        batch = session.get(HandoverBatch, batch_id)
        carrier = session.exec(select(Carrier).where(Carrier.code == view.carrier)).first()
        missing = session.exec(
            select(Send).where(col(Send.id).in_([m["send_id"] for m in view.summary.get("missing", [])]))
        ).all()
    assert batch is not None
    at = (batch.closed_at or batch.opened_at).astimezone(station.zone())
    name = handover_batch_number(batch_id)
    rows = [
        [str(n), r.waybill, kg(r.weight_g), str(r.item_count), r.destination]
        for n, r in enumerate(view.scanned, start=1)
    ]
    footer = [
        t(
            N_("Parcels: {count}, pieces: {items}"),
            count=len(view.scanned),
            items=view.summary.get("items", 0),
        ),
        t(
            N_("Total weight: {weight} kg (chargeable {chargeable} kg)"),
            weight=kg(view.summary.get("weight_g", 0)),
            chargeable=kg(view.summary.get("chargeable_g", 0)),
        ),
    ]
    if missing:
        footer.append(t(N_("NOT collected, still at the counter: {count}"), count=len(missing)))
        footer += [
            f"  ! {s.waybill}  {t(N_('{weight} kg'), weight=kg(s.weight_g or 0))}  {s.destination}"
            for s in missing
        ]
    footer += [
        t(N_("Courier: {name}"), name=view.courier_name or "____________"),
        t(N_("Courier signature: ____________")),
        t(N_("Clerk signature: ____________")),
    ]
    return Document(
        kind="manifest",
        title=t(N_("Handover manifest")),
        meta=[
            station.settings().name_shown(lang),
            t(N_("Batch: {batch}"), batch=name),
            t(N_("Carrier: {carrier}"), carrier=carrier_named(carrier, lang, view.carrier)),
            t(N_("Time: {at}"), at=at.strftime("%Y-%m-%d %H:%M")),
        ],
        # Its unit in the manifest's language, as its footer's weights are.
        columns=["#", t(N_("Waybill")), t(N_("kg")), t(N_("Pieces")), t(N_("Destination"))],
        rows=rows,
        aligns=["R", "L", "R", "R", "L"],
        footer=footer,
        barcode=name,
    )


def save_manifest_pdf(station: Station, batch_id: int, lang: str, path: Path | None = None) -> Path:
    """The manifest as a PDF file for the courier to sign where no printer here takes it: at `path`, or
    under `manifests/` in the user data folder. The console and `station sendout handover` both, and
    `station sendout manifest` again for a closed batch. An open batch has no manifest yet: the courier
    signs the one made at its close."""
    from station_console.services.printing.saved_pdfs import save_pdf

    require(station, "send_handover")
    if batch_view(station, batch_id).status == OPEN:
        raise Refused(
            N_("Handover batch {batch} is still open: its manifest is made when it closes."),
            code="batch_open",
            batch=handover_batch_number(batch_id),
        )
    return save_pdf(
        manifest_document(station, batch_id, lang), "manifests", handover_batch_number(batch_id), path
    )


def render_send_job(station: Station, job: PrintJob, printer: Any, lang: str) -> bytes:
    """The bytes of a send-out job in `printer`'s language (called by the print queue)."""
    from hardware.sendprint import waybill

    if needs_cjk_fallback(lang, printer):
        lang = "en"  # this machine cannot draw Chinese into a bitmap or PDF
    language = printer.language.name
    if job.kind == "waybill":
        data = waybill_data(station, int(job.payload["send_id"]), lang, job.payload.get("sort_code"))
        return waybill.render(language, str(printer.size), printer.dpi, data)
    if job.kind == "receipt":
        doc = receipt_document(station, int(job.payload["send_id"]), lang)
    elif job.kind == "manifest":
        doc = manifest_document(station, int(job.payload["batch_id"]), lang)
    else:
        raise ValueError(f"unknown send-out print job kind {job.kind!r}")
    # A roll (58 or 80 mm by its `paper_mm`) or PDF, by the renderer every receipt and manifest prints by.
    return bytes(printer.render_document(doc))


register_renderer(FLOW, render_send_job)


MANIFEST_NOT_SAVED = N_("Its manifest PDF was not saved: {reason}")


def manifest_pdf_after_close(
    station: Station, batch_id: int, lang: str, path: Path | None = None
) -> tuple[Path | None, StepFailed | None]:
    """`save_manifest_pdf` right after the close: the sends are handed over whatever becomes of the
    file, so a file not written is what failed after the close, with the command that saves it again."""
    from station_console.services.printing.saved_pdfs import pdf_path

    target = pdf_path("manifests", handover_batch_number(batch_id), path)
    again = command("station", "sendout", "manifest", handover_batch_number(batch_id), "--pdf", target)
    return after_commit(lambda: save_manifest_pdf(station, batch_id, lang, target), MANIFEST_NOT_SAVED, again)
