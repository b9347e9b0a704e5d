"""The customer's paper for storage-fee money, queued in the settlement's own transaction: a receipt for a
fee paid (cash, QR or account; at a handover, a door delivery's scan-out or `station fees pay`) and a
refund slip for one an undone pickup gives back in cash or by QR. An account credited back, and a
waiver or its withdrawal, hand the customer no money: they print nothing.

The job is a snapshot (what was paid, for which parcels, under which rule, by whom), drawn when it is
sent by `printing/fee_receipts.py` in the language it was queued in (`core/paper_language.py`); its
payload says `flow: fees`. It names no parcel (`parcel_id` None): a receipt paid before the handover must not be withdrawn with the
parcel's unsent label when the parcel leaves the shelf. Only the carrier and the waybill's last four
characters identify a parcel: no phone, and no pickup code, which is still live when the fee is paid
before the handover or given back by an undone one (a paper left at the printer must not release the
parcel). Its number is the first ledger entry it stands for (`FR000012`, `FF000013`), so a receipt
leads back to its payment; a refund slip names the receipts it reverses (`refund_of`). A reprint
(`reprint` by the parcel's last payment, `reprint_number` by the receipt's number) carries the same
number marked as a copy, and is audited (`fee_receipt_reprinted`). It is drawn from the job's
snapshot, which the day close keeps (`day/housekeeping.py`): the ledger holds no rule's free days,
rate or cap as they were paid by.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from db import fast
from db.models import Carrier, Clerk, EventKind, FeeEntry, FeeKind, FeeMethod, JobStatus, Parcel, PrintJob
from hardware.messages import Message
from station_console.errors import NotFound, Refused
from station_console.i18n import N_, LaterText
from station_console.safe_text import ascii_forms, cut
from station_console.services.core import audit
from station_console.services.core.paper_language import with_language
from station_console.services.core.paper_numbers import paper_number
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.fees.rules import FeeQuote

FLOW = "fees"
RECEIPT = "fee_receipt"
REFUND = "fee_refund"
NUMBER_PREFIX = {RECEIPT: "FR", REFUND: "FF"}
REFUND_METHODS = (FeeMethod.CASH, FeeMethod.QR)  # money the customer gets in the hand
# A payment, its event and its receipt's job carry one time, give or take how a database stores it.
MOMENT = timedelta(seconds=1)
# What a clerk is told of the receipt a payment queued, where a printer takes it (else `receipt_waits`).
FEE_RECEIPT_PRINTING = N_("Fee receipt printing.")
# After an AIM symbology prefix a scanner may send (`]C0`); 18 digits at most (SQLite's integers end at 19).
_RECEIPT_NUMBER = re.compile(r"(?:\][A-Za-z][0-9])?FR([0-9]{1,18})", re.IGNORECASE)
_REFUND_NUMBER = re.compile(r"(?:\][A-Za-z][0-9])?FF([0-9]{1,18})", re.IGNORECASE)
# A receipt that cannot be copied, and the parcel's receipt that stands and can.
STANDS = N_("{refusal} Receipt {standing} stands: `station fees receipt {standing}`.")


@dataclass(frozen=True)
class PaperLine:
    """One parcel on a fee paper: what it paid or gets back, and (a payment) the quote it paid by."""

    parcel: Parcel
    amount_cents: int
    quote: FeeQuote | None = None


def receipt_number(paper: str, entry_id: int) -> str:
    return paper_number(NUMBER_PREFIX[paper], entry_id)


def queue_paper(
    session: Session,
    station: Station,
    paper: str,
    lines: Sequence[PaperLine],
    *,
    method: str,
    entries: Sequence[int],
    at: datetime,
    refund_of: Sequence[str] = (),
) -> int:
    """Queue a receipt (`RECEIPT`) or refund slip (`REFUND`) for `lines` in the caller's transaction:
    the job's id. `entries`: the ledger's payment or refund entries it stands for, the first its number;
    `refund_of`: a refund slip's receipt numbers it reverses (`reversed_receipts`).
    On no printer in particular: the counter's first that prints receipts takes it."""
    carriers = _carriers(session, {line.parcel.carrier_id for line in lines})
    clerk = session.get(Clerk, station.clerk_id) if station.clerk_id is not None else None
    payload: dict[str, Any] = {
        "flow": FLOW,
        "paper": paper,
        "number": receipt_number(paper, entries[0]),
        "entries": list(entries),
        "at": at.isoformat(),
        "counter": station.counter,
        "clerk": clerk.name if clerk is not None else "",
        "method": method,
        "currency": station.settings().currency,
        "total_cents": sum(line.amount_cents for line in lines),
        "parcels": [_parcel(line, carriers.get(line.parcel.carrier_id)) for line in lines],
    }
    if refund_of:
        payload["refund_of"] = list(refund_of)
    return _job(session, station, payload, at)


def _parcel(line: PaperLine, carrier: Carrier | None) -> dict[str, Any]:
    parcel, fee = line.parcel, line.quote
    item: dict[str, Any] = {
        "carrier_code": carrier.code if carrier else "",
        "carrier_names": {"en": carrier.name_en, "zh": carrier.name_zh} if carrier else {},
        "waybill_tail": parcel.waybill[-4:],
        "amount_cents": line.amount_cents,
    }
    if fee is not None:
        item.update(
            days_stored=fee.days_stored,
            chargeable_days=fee.chargeable_days,
            free_days=fee.free_days,
            per_day_cents=fee.per_day_cents,
            cap_cents=fee.cap_cents,
        )
        if fee.billed_cents:  # settled earlier: the paper says so, or its figures do not add up
            item["settled_before_cents"] = fee.billed_cents
    return item


def _carriers(session: Session, ids: set[int]) -> dict[int, Carrier]:
    rows = session.exec(select(Carrier).where(col(Carrier.id).in_(ids))).all()
    return {c.id: c for c in rows if c.id is not None}


def _job(session: Session, station: Station, payload: dict[str, Any], at: datetime) -> int:
    job = PrintJob(
        kind="receipt",
        printer=None,
        counter=station.counter,
        status=JobStatus.QUEUED,
        payload=with_language("receipt", payload),
        created_at=at,
    )
    return fast.insert(session, job)


def receipt_entry(text: str) -> int | None:
    """The payment a receipt's number names (`FR000012` as printed, as its barcode scans, or `fr12`):
    its ledger entry; None when `text` is no receipt number (a pickup code, a waybill)."""
    found = _RECEIPT_NUMBER.fullmatch(_cleaned(text))
    return int(found.group(1)) if found else None


def refund_slip_entry(text: str) -> int | None:
    """The refund a refund slip's number names (`FF000013`, as `receipt_entry` reads a receipt's): its
    ledger entry; None when `text` is not shaped as one."""
    found = _REFUND_NUMBER.fullmatch(_cleaned(text))
    return int(found.group(1)) if found else None


def refund_slip_refused(text: str) -> Refused:
    """The refusal of `text`, a refund slip's number (`FF000013`), where a receipt's is asked for: a
    slip is not printed again (it hands back money; a copy could be shown for it twice), and, no
    parcel's code or waybill, it would be said as "no parcel"."""
    return Refused(
        N_(
            "{number} is a refund slip's number: refund slips are not printed again, only fee "
            "receipts (numbered FR)."
        ),
        code="refund_slip",
        number=cut(text.strip(), 40),
    )


def _cleaned(text: str) -> str:
    """A paper's number as typed or scanned: a scanner's Enter, tab or GS, spaces and full-width forms
    are not the number's."""
    return "".join(ch for ch in ascii_forms(text) if ch.isprintable() and not ch.isspace())[:64]


def reprint(
    station: Station, parcel_id: int, *, printer: str | None = None, goes_to: str | None = None
) -> PrintJob:
    """Queue the parcel's last fee receipt again, the same paper marked as a copy (a clerk's action),
    audited as a label reprint is: who, when, which receipt, the printer it goes to. `printer`: the
    one it must print on; else `goes_to`, the counter's that takes receipts (the caller reads the
    counter's printers); neither: audited as queued with no printer set."""
    require(station, "reprint")

    def work(session: Session) -> PrintJob:
        paid = session.exec(
            select(FeeEntry)
            .where(col(FeeEntry.parcel_id) == parcel_id, col(FeeEntry.kind) == FeeKind.PAYMENT)
            .order_by(col(FeeEntry.id).desc())
            .limit(1)
        ).first()
        original = _receipt_of(session, paid) if paid is not None else None
        if original is None:
            raise NotFound(N_("No storage fee receipt for this parcel."), code="no_fee_receipt")
        try:
            return _copy(session, station, original, parcel_id, printer, goes_to)
        except Refused as refused:
            standing = _standing(session, parcel_id) if refused.code == "fee_given_back" else None
            if standing is None:
                raise
            # The last was given back, an earlier one stands: the clerk is told which to copy.
            raise Refused(
                STANDS,
                code=refused.code,
                refusal=LaterText(Message(refused.msgid, **refused.params)),
                standing=standing,
            ) from refused

    return station.run(work)


def _standing(session: Session, parcel_id: int) -> str | None:
    """The number of the parcel's last receipt none of whose money was given back, if any."""
    payments = session.exec(
        select(FeeEntry)
        .where(col(FeeEntry.parcel_id) == parcel_id, col(FeeEntry.kind) == FeeKind.PAYMENT)
        .order_by(col(FeeEntry.id).desc())
    ).all()
    for paid in payments:
        job = _receipt_of(session, paid)
        if job is not None and not _given_back(session, list(job.payload["entries"])):
            return str(job.payload["number"])
    return None


def find_receipt(station: Station, number: str) -> str:
    """The receipt numbered `number` as its paper prints it (`FR000012`): a `NotFound` where none is
    (checked before a printer is, as a parcel is)."""
    require(station, "view")
    with station.read() as session:
        _paid, original = _numbered(session, number)
        return str(original.payload["number"])


def refund_slip_exists(station: Station, number: str) -> bool:
    """Whether a refund slip is numbered `number` as its paper prints it (`FF000013`): a waybill of
    that shape names its parcel only where no slip does."""
    require(station, "view")
    entry = refund_slip_entry(number)
    with station.read() as session:
        refund = session.get(FeeEntry, entry) if entry is not None else None
        if refund is None or refund.kind != FeeKind.REFUND:
            return False
        slip = _receipt_of(session, refund, paper=REFUND)
        return slip is not None and slip.payload["number"] == receipt_number(REFUND, refund.id or 0)


def reprint_number(
    station: Station, number: str, *, printer: str | None = None, goes_to: str | None = None
) -> PrintJob:
    """Queue the receipt numbered `number` again (`reprint`'s copy): an earlier payment of a parcel
    whose last one was given back still stands, and its paper is named by its own number."""
    require(station, "reprint")

    def work(session: Session) -> PrintJob:
        paid, original = _numbered(session, number)
        return _copy(session, station, original, paid.parcel_id, printer, goes_to)

    return station.run(work)


def _numbered(session: Session, number: str) -> tuple[FeeEntry, PrintJob]:
    """The payment a receipt's number names and the receipt it was paid on; a `NotFound` otherwise."""
    entry = receipt_entry(number)
    paid = session.get(FeeEntry, entry) if entry is not None else None
    original = _receipt_of(session, paid) if paid is not None and paid.kind == FeeKind.PAYMENT else None
    # A payment on another's paper (a receipt's second parcel) names no paper by its own entry.
    if paid is None or original is None or original.payload["number"] != receipt_number(RECEIPT, entry or 0):
        raise NotFound(
            N_("No storage fee receipt is numbered {number}."),
            code="no_fee_receipt",
            number=cut(number.strip(), 40),
        )
    return paid, original


def _copy(
    session: Session,
    station: Station,
    original: PrintJob,
    parcel_id: int,
    printer: str | None,
    goes_to: str | None,
) -> PrintJob:
    """The copy of `original` queued and audited, in the caller's transaction; refused, naming the
    receipt, where money on it was given back: a copy would read as paid for money the customer has
    back in hand."""
    number = original.payload["number"]
    entries = list(original.payload["entries"])
    given = _given_back(session, entries)
    if given and len(given) == len(entries):
        raise Refused(
            N_("The fee on receipt {number} was given back: no copy is printed."),
            code="fee_given_back",
            number=number,
        )
    if given:  # another parcel's on the same paper
        raise Refused(
            N_("Part of the fee on receipt {number} was given back (a pickup undone): no copy is printed."),
            code="fee_given_back",
            number=number,
        )
    job = PrintJob(
        kind="receipt",
        printer=printer,
        counter=station.counter,
        status=JobStatus.QUEUED,
        # A copy keeps the original's language; one queued before papers kept theirs takes this console's.
        payload=with_language(
            "receipt", {**original.payload, "parcels": _without_codes(original.payload), "copy": True}
        ),
        created_at=station.now(),
    )
    fast.insert(session, job)
    details: dict[str, Any] = {"receipt": number, "job_id": job.id}
    if printer or goes_to:
        details["printer"] = printer or goes_to
    else:  # it waits in the queue for a printer that takes receipts
        details["no_printer"] = True
    audit.record(session, station, EventKind.FEE_RECEIPT_REPRINTED, parcel_id=parcel_id, details=details)
    return job


def _without_codes(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """A stored receipt's parcels, without the pickup code one queued before codes were left out holds."""
    return [{k: v for k, v in p.items() if k != "code"} for p in payload.get("parcels", [])]


def reversed_receipts(session: Session, payments: Sequence[FeeEntry]) -> list[str]:
    """The numbers of the receipts `payments` were paid on, in order, each once: a refund slip names
    them. A payment whose receipt job is gone (or never was) is named by its own number."""
    numbers: list[str] = []
    for paid in payments:
        if paid.id is None:
            continue
        job = _receipt_of(session, paid)
        number = str(job.payload["number"]) if job is not None else receipt_number(RECEIPT, paid.id)
        if number not in numbers:
            numbers.append(number)
    return numbers


def _given_back(session: Session, entries: Sequence[int]) -> list[int]:
    """Which of the payments `entries` an undone handover gave back (cash, QR or the account). A
    refund gives back its parcel's latest payment not given back before it (an undo reverses the
    handover's payment, the parcel's last; one paid before the handover stays paid), so a parcel paid
    in two parts keeps the first standing when the second comes back."""
    payments = session.exec(select(FeeEntry).where(col(FeeEntry.id).in_(list(entries)))).all()
    given: list[int] = []
    for parcel_id in {paid.parcel_id for paid in payments}:
        ledger = session.exec(
            select(FeeEntry)
            .where(
                col(FeeEntry.parcel_id) == parcel_id,
                col(FeeEntry.kind).in_((FeeKind.PAYMENT, FeeKind.REFUND)),
            )
            .order_by(col(FeeEntry.id))
        ).all()
        standing: list[FeeEntry] = []
        for entry in ledger:
            if entry.kind == FeeKind.PAYMENT:
                standing.append(entry)
            elif standing:
                back = standing.pop().id
                if back is not None and back in entries:
                    given.append(back)
    return given


def _receipt_of(session: Session, paid: FeeEntry, *, paper: str = RECEIPT) -> PrintJob | None:
    """The receipt job queued with `paid` (`paper`: or the refund slip queued with a refund): one of its
    moment (the settlement's time, which its entries and its job carry, give or take how a database
    stores a time) that stands for this entry."""
    jobs = session.exec(
        select(PrintJob)
        .where(
            col(PrintJob.kind) == "receipt",
            col(PrintJob.created_at) >= paid.at - MOMENT,
            col(PrintJob.created_at) <= paid.at + MOMENT,
        )
        .order_by(col(PrintJob.id))
    ).all()
    for job in jobs:
        payload = job.payload
        if payload.get("flow") == FLOW and payload.get("paper") == paper and paid.id in payload["entries"]:
            return job
    return None
