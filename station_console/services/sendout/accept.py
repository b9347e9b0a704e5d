"""Accepting a send (收寄) in one transaction, or recording its refusal at inspection.

check the form (sender, ID, recipient, contents, inspection, weight) -> price on the carrier's current
tariff -> waybill number (entered, from stock, or the e-waybill asked for before the transaction) ->
sender row -> send row -> receipt (and waybill label) print jobs -> audit event. All of it commits
together or none of it does. A clerk's action: anyone signed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from db import fast
from db.models import Carrier, Send, SendEvent, SendStatus
from station_console import name_limit
from station_console.errors import NotFound, Refused, StationError
from station_console.i18n import N_, Later, _
from station_console.safe_text import cut, printable
from station_console.services.checkin.phones import Phone, parse_phone
from station_console.services.core import audit
from station_console.services.core.free_text import REASON, text_field
from station_console.services.core.money import LaterAmount, decimal_text
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.sendout import inspection, printouts, tariff, waybills
from station_console.services.sendout.identity import IdTrace, check_id
from station_console.services.sendout.payments import Payment
from station_console.services.sendout.providers import EWaybill, EWaybillOrder, Provider, ProviderFailed
from station_console.services.sendout.quote import Quote, price
from station_console.services.sendout.senders import save_sender, sender_phone
from station_console.services.sendout.weighing import Weight

MAX_DECLARED_CENTS = 100_000_000  # the most a send's declared value may be (1,000,000.00), typed or not


@dataclass(frozen=True)
class Party:
    """Who sends: name, phone, and (for real-name sending) the document checked at the counter."""

    name: str
    phone: str = field(repr=False)
    id_type: str | None = None
    id_number: str | None = field(default=None, repr=False)  # checked, then only its trace is kept
    id_seen: bool = False


@dataclass(frozen=True)
class Recipient:
    name: str
    phone: str = field(repr=False)
    destination: str
    address: str = ""


@dataclass(frozen=True)
class Parcel:
    contents: str
    item_count: int = 1
    declared_value_cents: int = 0
    insured: bool = False
    packaging: str | None = None
    dims_mm: tuple[int, int, int] | None = None


@dataclass(frozen=True)
class SendResult:
    send_id: int
    status: str
    carrier: str
    waybill: str | None
    waybill_source: str | None
    price_cents: int
    currency: str
    quote: dict[str, Any]
    weight_g: int | None
    weight_manual: bool
    payment_method: str | None
    sender_masked_phone: str
    recipient_masked_phone: str
    print_jobs: list[int]

    def to_json(self) -> dict[str, Any]:
        return {
            "send_id": self.send_id,
            "status": self.status,
            "carrier": self.carrier,
            "waybill": self.waybill,
            "waybill_source": self.waybill_source,
            "total": self.price_cents,
            "currency": self.currency,
            "quote": self.quote,
            "weight_g": self.weight_g,
            "weight_manual": self.weight_manual,
            "payment_method": self.payment_method,
            "sender": self.sender_masked_phone,
            "recipient": self.recipient_masked_phone,
            "print_jobs": self.print_jobs,
        }


@dataclass(frozen=True)
class _Checked:
    sender_name: str
    sender: Phone
    trace: IdTrace | None
    id_seen: bool
    recipient_name: str
    recipient: Phone
    address: str
    contents: str
    destination: str = ""  # as typed: a refused send has no quote to take it from


def check_party(station: Station, party: Party) -> tuple[str, Phone, IdTrace | None]:
    """The sender's name, phone and document trace; real-name stations need the document, seen."""
    name = text_field(party.name, _("Sender's name"), limit=name_limit.NAME_MAX)
    phone = sender_phone(party.phone)
    if party.id_number and party.id_number.strip() and not party.id_type:
        # A number typed with no kind of ID was dropped in silence (or refused as not typed at all).
        raise Refused(N_("Choose the kind of the sender's ID for the number typed."), code="id_type_missing")
    trace = (
        check_id(party.id_type, party.id_number, today=station.local_date())
        if party.id_type and party.id_number
        else None
    )
    if station.settings().send_real_name:
        if trace is None:
            raise Refused(
                N_("Real-name sending: check the sender's ID and enter its number."), code="id_required"
            )
        if not party.id_seen:
            raise Refused(N_("Real-name sending: confirm that you saw the sender's ID."), code="id_not_seen")
    return name, phone, trace


def _check(station: Station, party: Party, recipient: Recipient, parcel: Parcel) -> _Checked:
    name, phone, trace = check_party(station, party)
    recipient_name = text_field(recipient.name, _("Recipient's name"), limit=name_limit.NAME_MAX)
    recipient_phone = parse_phone(recipient.phone)
    if recipient_phone.full is None:
        raise Refused(N_("The recipient's full phone number is needed."), code="phone_incomplete")
    address = text_field(recipient.address, _("Address"), limit=200, required=False)
    contents = text_field(parcel.contents, _("Contents"), limit=120)
    if not 1 <= parcel.item_count <= 999:
        raise Refused(N_("A count from 1 to 999: {text}."), code="bad_count", text=str(parcel.item_count))
    if parcel.declared_value_cents < 0:
        raise Refused(N_("The declared value cannot be negative."), code="bad_value")
    if parcel.declared_value_cents > MAX_DECLARED_CENTS:  # said as a typed one is (it read "negative")
        raise Refused(
            N_("An amount must be at most {most}: {text}."),
            code="bad_value",
            most=LaterAmount(MAX_DECLARED_CENTS, station.settings().currency),
            text=decimal_text(parcel.declared_value_cents),
        )
    if parcel.insured and parcel.declared_value_cents <= 0:
        raise Refused(N_("Insurance needs a declared value."), code="bad_value")
    return _Checked(name, phone, trace, party.id_seen, recipient_name, recipient_phone, address, contents)


def _carrier(session: Session, code: str) -> Carrier:
    row = session.exec(select(Carrier).where(Carrier.code == code, Carrier.active == True)).first()  # noqa: E712
    if row is None or row.id is None:
        raise NotFound(N_("Unknown carrier {carrier}."), code="unknown_carrier", carrier=code)
    return row


def order_for(
    party: Party, recipient: Recipient, parcel: Parcel, carrier: str, weight: Weight
) -> EWaybillOrder:
    """What the carrier's e-waybill service is asked for (the full phones: the carrier needs them)."""
    sender = sender_phone(party.phone)
    to = parse_phone(recipient.phone)
    return EWaybillOrder(
        carrier=carrier,
        sender_name=party.name.strip()[: name_limit.NAME_MAX],
        sender_phone=sender.full or "",
        recipient_name=recipient.name.strip()[: name_limit.NAME_MAX],
        recipient_phone=to.full or "",
        destination=recipient.destination.strip()[:32],
        address=recipient.address.strip()[:200],
        contents=parcel.contents.strip()[:120],
        item_count=parcel.item_count,
        weight_g=weight.grams,
        declared_value_cents=parcel.declared_value_cents,
    )


def accept(
    station: Station,
    *,
    carrier: str,
    party: Party,
    recipient: Recipient,
    parcel: Parcel,
    checked: list[str],
    weight: Weight,
    payment: Payment,
    waybill: str | None = None,
    from_stock: bool = False,
    provider: Provider | None = None,
    expected_total_cents: int | None = None,
    label_printer: str | None = None,
    waybill_confirmed: bool = False,
) -> SendResult:
    """Record one accepted send. `waybill` is a typed or scanned number; else `from_stock` takes the
    next stock number, else `provider` issues one. `expected_total_cents` is the price the customer
    was shown: a tariff changed since then is refused, never charged silently. `waybill_confirmed`:
    the clerk confirmed a `waybill` shaped as a mobile is the carrier's (a DHL Express number)."""
    require(station, "send")
    carrier = carrier.strip().upper()
    checked_form = _check(station, party, recipient, parcel)
    weight.require_usable()
    payment.check()
    entered = (
        waybills.check_number(station, waybill, carrier, confirmed=waybill_confirmed) if waybill else None
    )
    if entered is None and not from_stock and provider is None:
        raise Refused(N_("Give the waybill number: scan, type, or take one from stock."), code="no_waybill")
    issued: EWaybill | None = None
    if entered is None and not from_stock and provider is not None:
        # Asked before the transaction: a slow carrier service never holds the database.
        issued = provider.request(order_for(party, recipient, parcel, carrier, weight))
        try:
            # The carrier's own service issued it: a DHL Express number shaped as a mobile is its word.
            entered = waybills.check_number(station, issued.waybill, carrier, confirmed=True)
        except StationError as exc:
            # The carrier's client answered nonsense: said as its answer (the clerk typed no number),
            # and its order cancelled like any number not used.
            _cancel_quietly(provider, issued)
            raise ProviderFailed(
                N_("The e-waybill service answered {waybill}, not a usable {carrier} number: {reason}"),
                # The client's text, said on the send screen and on a terminal: one short line of it,
                # as its sort code and its refusals are taken.
                waybill=cut(printable(issued.waybill), 40),
                carrier=carrier,
                reason=_Said(exc),
            ) from exc

    def work(session: Session) -> SendResult:
        carrier_row = _carrier(session, carrier)
        assert carrier_row.id is not None
        table = tariff.current(session, carrier)
        quote = price(
            station,
            table,
            destination=recipient.destination,
            weight_g=weight.grams,
            dims_mm=parcel.dims_mm,
            declared_value_cents=parcel.declared_value_cents,
            insured=parcel.insured,
            packaging=parcel.packaging,
        )
        if expected_total_cents is not None and quote.total_cents != expected_total_cents:
            raise Refused(
                N_("The price is now {total} (the tariff changed): quote again."),
                code="price_changed",
                total=LaterAmount(quote.total_cents, quote.currency),
            )
        record = inspection.verify(inspection.current_in(session), checked)
        stock_row = None
        if entered is not None:
            number, source = entered, (waybills.PROVIDER if issued else waybills.ENTERED)
        else:
            stock_row = waybills.take_from_stock(session, station, carrier_row.id, carrier)
            number, source = stock_row.waybill, waybills.POOL
        waybills.assert_unused(session, number)
        sender_row = save_sender(
            session, station, checked_form.sender, checked_form.sender_name, checked_form.trace
        )
        send = _send_row(station, carrier_row.id, sender_row.id, checked_form, parcel, quote, weight, payment)
        send.waybill, send.waybill_source, send.inspection = number, source, record
        fast.insert(session, send)
        assert send.id is not None
        if stock_row is not None:
            waybills.mark_used(session, stock_row, send.id, station)
        else:
            waybills.mark_stock_of(session, number, send.id, station)
        jobs = printouts.queue_for_send(
            session,
            station,
            send,
            label_printer=label_printer,
            sort_code=issued.sort_code if issued else None,
        )
        audit.record(
            session, station, SendEvent.SEND_ACCEPTED, at=send.created_at, details=_details(send, carrier)
        )
        return _result(send, carrier, quote, checked_form, jobs)

    try:
        return station.run(work)
    except BaseException:
        if issued is not None and provider is not None:
            _cancel_quietly(provider, issued)
        raise


def _send_row(
    station: Station,
    carrier_id: int | None,
    sender_id: int | None,
    form: _Checked,
    parcel: Parcel,
    quote: Quote | None,
    weight: Weight | None,
    payment: Payment | None,
) -> Send:
    assert sender_id is not None
    now = station.now()
    dims = parcel.dims_mm or (None, None, None)
    return Send(
        status=SendStatus.ACCEPTED if quote else SendStatus.REFUSED,
        carrier_id=carrier_id,
        sender_id=sender_id,
        id_type=form.trace.id_type if form.trace else None,
        id_last4=form.trace.last4 if form.trace else None,
        id_seen=form.id_seen,
        recipient_name=form.recipient_name,
        recipient_masked_phone=form.recipient.masked,
        recipient_phone_full=form.recipient.full if quote else None,
        destination=quote.destination if quote else form.destination,
        address=form.address,
        contents=form.contents,
        item_count=parcel.item_count,
        declared_value_cents=parcel.declared_value_cents,
        insured=parcel.insured,
        packaging=parcel.packaging,
        weight_g=weight.grams if weight else None,
        weight_manual=weight.manual if weight else False,
        weight_device=weight.device if weight else None,
        length_mm=dims[0],
        width_mm=dims[1],
        height_mm=dims[2],
        volumetric_g=quote.volumetric_g if quote else None,
        chargeable_g=quote.chargeable_g if quote else None,
        zone=quote.zone if quote else None,
        tariff_version=quote.tariff_version if quote else None,
        quote=quote.to_json("en") if quote else {},
        price_cents=quote.total_cents if quote else 0,
        currency=quote.currency if quote else station.settings().currency,
        payment_method=payment.method if payment else None,
        payment_ref=payment.clean_reference if payment else None,
        created_at=now,
        created_by=station.clerk_id,
        counter=station.counter,
        business_day=station.business_day(now),
    )


def _details(send: Send, carrier: str) -> dict[str, Any]:
    """The audit record: masked phones, and of the document only its type and that it was seen. The
    chain is never edited, so the send-record purge could not clear ID digits written here."""
    return {
        "send_id": send.id,
        "status": send.status,
        "carrier": carrier,
        "waybill": send.waybill,
        "waybill_source": send.waybill_source,
        "sender_id": send.sender_id,
        "recipient": send.recipient_masked_phone,
        "destination": send.destination,
        "id_type": send.id_type,
        "id_seen": send.id_seen,
        "weight_g": send.weight_g,
        "weight_manual": send.weight_manual,
        "chargeable_g": send.chargeable_g,
        "price_cents": send.price_cents,
        "currency": send.currency,
        "payment": send.payment_method,
        "tariff_version": send.tariff_version,
        "checklist_version": send.inspection.get("checklist_version"),
    }


def _result(send: Send, carrier: str, quote: Quote | None, form: _Checked, jobs: list[int]) -> SendResult:
    assert send.id is not None
    return SendResult(
        send_id=send.id,
        status=send.status,
        carrier=carrier,
        waybill=send.waybill,
        waybill_source=send.waybill_source,
        price_cents=send.price_cents,
        currency=send.currency,
        quote=quote.to_json() if quote else {},
        weight_g=send.weight_g,
        weight_manual=send.weight_manual,
        payment_method=send.payment_method,
        sender_masked_phone=form.sender.masked,
        recipient_masked_phone=form.recipient.masked,
        print_jobs=jobs,
    )


@dataclass(frozen=True)
class _Said(Later):
    """A refusal inside another message, in the language that one is shown in."""

    error: StationError

    def message(self, lang: str | None = None) -> str:
        return self.error.message(lang)


def _cancel_quietly(provider: Provider, bill: EWaybill) -> None:
    import logging

    try:
        provider.cancel(bill)
    except Exception:  # the send was not recorded either way; the carrier voids unused numbers
        logging.getLogger("station.sendout").warning("could not cancel e-waybill %s", bill.waybill)


def refuse(
    station: Station,
    *,
    party: Party,
    recipient: Recipient,
    parcel: Parcel,
    reason: str = "",
    found: list[str] | None = None,
    carrier: str | None = None,
    weight: Weight | None = None,
) -> SendResult:
    """Record a parcel refused at inspection: the checklist items found, or a reason, or both (the
    destination and weight on the form are kept with it)."""
    require(station, "send")
    if not found and not reason.strip():
        raise Refused(N_("Tick what was found, or give the reason."), code="nothing_found")
    why = REASON.read(reason) if reason.strip() else None
    name, phone, trace = check_party(station, party)
    recipient_phone = parse_phone(recipient.phone) if recipient.phone.strip() else Phone("", "", None)
    form = _Checked(
        name,
        phone,
        trace,
        party.id_seen,
        text_field(recipient.name, _("Recipient's name"), limit=name_limit.NAME_MAX, required=False),
        recipient_phone,
        text_field(recipient.address, _("Address"), limit=200, required=False),
        text_field(parcel.contents, _("Contents"), limit=120, required=False),
        text_field(recipient.destination, _("Destination"), limit=32, required=False),
    )
    code = carrier.strip().upper() if carrier else None

    def work(session: Session) -> SendResult:
        carrier_id = _carrier(session, code).id if code else None
        checklist = inspection.current_in(session)
        unknown = [f for f in found or [] if f not in checklist.ids]
        if unknown:
            raise Refused(
                N_("Not on the checklist: {items}."), code="bad_checklist", items=cut(", ".join(unknown), 100)
            )
        sender_row = save_sender(session, station, phone, name, trace)
        send = _send_row(station, carrier_id, sender_row.id, form, parcel, None, weight, None)
        send.refused_reason = why
        send.inspection = {"checklist_version": checklist.version, "found": list(found or [])}
        fast.insert(session, send)
        audit.record(
            session,
            station,
            SendEvent.SEND_REFUSED,
            at=send.created_at,
            # The checklist items found, not the typed reason: that may name someone, and the purge
            # cannot clear the chain.
            details={**_details(send, code or ""), "found": send.inspection["found"]},
        )
        return _result(send, code or "", None, form, [])

    return station.run(work)
