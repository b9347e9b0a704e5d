"""`station sendout ...`: the send-out counter, headless, one command per step.

quote (anyone), sender, new, refuse, list, reprint, handover (clerk); refund, stock import, tariff set,
checklist set (manager). Money in JSON is integer cents; text output shows it as 12.50.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from typing import Any

import click

from station_console.cli_help import argument, group, option
from station_console.commands._support import CliApp, emit_json, fail, pass_app
from station_console.commands._typed_values import DAY
from station_console.errors import Refused, StationError
from station_console.i18n import N_, _, _n, label_of
from station_console.text_columns import pad, table_lines

PAYMENTS = click.Choice(["cash", "qr", "account"])
ID_TYPES = click.Choice(["resident", "passport", "hk_macau", "taiwan"])


def register(cli: click.Group) -> None:
    from station_console.commands import _sendout_admin, _sendout_handover

    _sendout_admin.register(sendout)
    _sendout_handover.register(sendout)
    cli.add_command(sendout)


@group()
def sendout() -> None:
    """The send-out counter: quote, accept, refuse, refund, hand over to the courier."""


def money(cents: int) -> str:
    from station_console.services.sendout.quote import money as fmt

    return fmt(cents)


def amount_text(cents: int, currency: str) -> str:
    """A sum in a sentence, in the console's language with its currency (`12.00 元`)."""
    from station_console.services.core.money import amount

    return amount(cents, currency)


def _dims(text: str | None) -> tuple[int, int, int] | None:
    from station_console.services.sendout.inputs import dims_mm

    return dims_mm(text) if text else None


def _declared(app: CliApp, text: str | None) -> int:
    """`--value` in cents, as the send-out form reads it; not given: 0."""
    from station_console.services.core.money import parse_cents
    from station_console.services.sendout.accept import MAX_DECLARED_CENTS

    currency = app.station.settings().currency
    return parse_cents(text or "", most=MAX_DECLARED_CENTS, currency=currency, blank=0)


def _expected(app: CliApp, text: str | None) -> int | None:
    """`--expect` in cents; not given: None (the price is not checked)."""
    from station_console.services.core.money import parse_cents

    return parse_cents(text, currency=app.station.settings().currency) if text else None


def show_quote(data: dict[str, Any]) -> None:
    for line in data["lines"]:
        amount = money(line["amount"]) if line["amount"] else ""
        click.echo(f"  {pad(line['text'], 70)} {amount:>10}")
    # The total with its currency after it, its figure under the figures above (`44.00 元`, `44.00 CNY`).
    total = amount_text(data["total"], data["currency"])
    click.echo(f"  {pad(_('Total'), 70)} {money(data['total']):>10}{total[len(money(data['total'])) :]}")


@sendout.command()
@option("--carrier", required=True, help="Carrier code, e.g. SF.")
@option("--to", "destination", required=True, help="Destination: a province (新疆, Xinjiang) or zone key.")
@option("--weight", required=True, help="Weight in kg, e.g. 1.2.")
@option("--dims", help="Sides in cm, LxWxH, e.g. 30x20x10 (volumetric weight).")
@option("--value", "declared", help="Declared value, e.g. 500 (with --insure: insurance).")
@option("--insure", is_flag=True, help="Insure the declared value.")
@option("--packaging", help="Packaging the station sells (a name from the tariff).")
@option("--json", "as_json", is_flag=True, help='Print {"total": cents, "currency": ..., "lines": [...]}.')
@pass_app
def quote(
    app: CliApp,
    carrier: str,
    destination: str,
    weight: str,
    dims: str | None,
    declared: str | None,
    insure: bool,
    packaging: str | None,
    as_json: bool,
) -> None:
    """Price a parcel on the carrier's current tariff, showing the working."""
    from station_console.services.sendout import inputs
    from station_console.services.sendout.quote import quote as price

    try:
        result = price(
            app.station,
            carrier,
            destination=destination,
            weight_g=inputs.grams_from_kg(weight),
            dims_mm=_dims(dims),
            declared_value_cents=_declared(app, declared),
            insured=insure,
            packaging=packaging,
        )
    except StationError as exc:
        fail(exc, as_json=as_json)
        return
    if as_json:
        emit_json(result.to_json())
    else:
        click.echo(
            _(
                "{carrier} to {destination}, tariff version {version}:",
                carrier=result.carrier,
                destination=result.destination,
                version=result.tariff_version,
            )
        )
        show_quote(result.to_json())


@sendout.command("sender")
@argument("phone")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def find_sender(app: CliApp, phone: str, as_json: bool) -> None:
    """Find a returning sender by phone number."""
    from station_console.services.sendout.identity import ID_TYPE_LABELS
    from station_console.services.sendout.senders import find_sender as find

    try:
        found = find(app.station, phone)
    except StationError as exc:
        fail(exc, as_json=as_json)
        return
    if as_json:
        emit_json({"sender": found.to_json() if found else None})
    elif found is None:
        click.echo(_("New sender"))
    else:
        id_text = f"{label_of(ID_TYPE_LABELS, found.id_type)} ****{found.id_last4}" if found.id_type else "-"
        click.echo(
            _n(
                "{name} {phone}, ID {id}, {sends} send",
                "{name} {phone}, ID {id}, {sends} sends",
                found.sends,
                name=found.name,
                phone=found.masked_phone,
                id=id_text,
                sends=found.sends,
            )
        )


def _id_number(id_type: str | None, given: str | None) -> str | None:
    """The document number: from --id-number or $STATION_SENDER_ID, else asked for without echo; with
    no --id-type, --id-number as given."""
    if not id_type:
        return given  # a number with no --id-type: the service says to choose its kind
    number = given or os.environ.get("STATION_SENDER_ID")
    if number:
        return number
    if sys.stdin.isatty():
        return str(click.prompt(_("ID number"), hide_input=True, err=True))
    raise Refused(N_("Real-name sending: check the sender's ID and enter its number."), code="id_required")


def _party(opts: dict[str, Any]) -> Any:
    from station_console.services.sendout.accept import Party

    return Party(
        name=opts["sender_name"],
        phone=opts["sender_phone"],
        id_type=opts["id_type"],
        id_number=_id_number(opts["id_type"], opts["id_number"]),
        id_seen=opts["id_seen"],
    )


def sender_options(func: Any) -> Any:
    for add in reversed(
        [
            option("--sender-name", required=True, help="The sender's name."),
            option("--sender-phone", required=True, help="The sender's full phone number."),
            option("--id-type", type=ID_TYPES, help="The sender's document (real-name sending)."),
            option(
                "--id-number",
                help="Its number (checked, only the last 4 kept). Better: $STATION_SENDER_ID, or typed when asked.",
            ),
            option("--id-seen", is_flag=True, help="The clerk saw the document."),
            option("--to-name", default="", help="The recipient's name."),
            option("--to-phone", default="", help="The recipient's full phone number."),
            option("--to", "destination", default="", help="Destination province or zone key."),
            option("--address", default="", help="The recipient's address."),
            option("--contents", default="", help="What is inside."),
            option(
                "--count",
                "item_count",
                type=click.IntRange(1, 999),
                default=1,
                show_default=True,
                help="How many pieces.",
            ),
            option("--value", "declared", default="", help="Declared value, e.g. 500."),
            option("--insure", is_flag=True, help="Insure the declared value."),
            option("--packaging", help="Packaging the station sells."),
            option("--dims", help="Sides in cm, LxWxH."),
            option("--carrier", help="Carrier code, e.g. SF."),
            option("--json", "as_json", is_flag=True, help="Print the result as JSON."),
        ]
    ):
        func = add(func)
    return func


def _parcel(app: CliApp, opts: dict[str, Any]) -> Any:
    from station_console.services.sendout.accept import Parcel

    return Parcel(
        contents=opts["contents"],
        item_count=opts["item_count"],
        declared_value_cents=_declared(app, opts["declared"]),
        insured=opts["insure"],
        packaging=opts["packaging"],
        dims_mm=_dims(opts["dims"]),
    )


def _recipient(opts: dict[str, Any]) -> Any:
    from station_console.services.sendout.accept import Recipient

    return Recipient(
        name=opts["to_name"], phone=opts["to_phone"], destination=opts["destination"], address=opts["address"]
    )


def _weight(app: CliApp, opts: dict[str, Any]) -> Any:
    from station_console.services.sendout import inputs
    from station_console.services.sendout.weighing import Weight, read_scale

    if opts["use_scale"]:
        return read_scale(app.counter_settings.scale)
    if not opts["weight"]:
        raise Refused(N_("Weight in kg, e.g. 1.25: {text}."), code="bad_weight", text="")
    return Weight.typed(inputs.grams_from_kg(opts["weight"]))


@sendout.command("new")
@sender_options
@option("--weight", help="Weight in kg, typed (recorded as a manual weight).")
@option("--scale", "use_scale", is_flag=True, help="Read a stable weight from the counter's scale.")
@option("--checked", multiple=True, metavar="ITEM", help="A checklist item checked; `all`: every item.")
@option("--waybill", help="The waybill number (scanned, typed or pasted).")
@option("--from-stock", is_flag=True, help="Take the next number from the station's waybill stock.")
@option("--ewaybill", is_flag=True, help="Ask the counter's e-waybill provider for a number.")
@option("--pay", "method", type=PAYMENTS, required=True, help="cash, qr (paid by QR code) or account.")
@option("--ref", "reference", help="QR transaction number, or the account's name.")
@option("--expect", help="The total the customer was shown; a different price is refused.")
@pass_app
def new(app: CliApp, **opts: Any) -> None:
    """Accept one send: checked, weighed, priced, numbered and paid, in one transaction."""
    from station_console.services.core.money import PAYMENT_METHOD_LABELS
    from station_console.services.sendout import accept, inspection
    from station_console.services.sendout.payments import Payment
    from station_console.services.sendout.providers import make_provider

    as_json = opts["as_json"]
    station = app.station
    try:
        if not opts["carrier"]:
            raise Refused(N_("Choose the carrier."), code="no_carrier")
        checked = list(opts["checked"])
        if checked == ["all"]:
            checked = inspection.current(station).ids
        provider = make_provider(app.counter_settings.ewaybill) if opts["ewaybill"] else None
        if opts["ewaybill"] and provider is None:
            raise Refused(
                N_("This counter has no e-waybill provider (setting ewaybill)."), code="no_provider"
            )
        result = accept.accept(
            station,
            carrier=opts["carrier"],
            party=_party(opts),
            recipient=_recipient(opts),
            parcel=_parcel(app, opts),
            checked=checked,
            weight=_weight(app, opts),
            payment=Payment(opts["method"], opts["reference"]),
            waybill=opts["waybill"],
            from_stock=opts["from_stock"],
            provider=provider,
            expected_total_cents=_expected(app, opts["expect"]),
            label_printer=app.counter_settings.waybill_printer or None,
        )
    except StationError as exc:
        fail(exc, as_json=as_json)
        return
    if as_json:
        emit_json(result.to_json())
        return
    click.echo(
        _(
            "Send {send}: {carrier} {waybill}, {total} paid by {method}",
            send=result.send_id,
            carrier=result.carrier,
            waybill=result.waybill,
            total=amount_text(result.price_cents, result.currency),
            method=label_of(PAYMENT_METHOD_LABELS, result.payment_method or "-"),
        )
    )
    show_quote(result.quote)


@sendout.command()
@sender_options
@option("--reason", required=True, help="Why the parcel is refused.")
@option("--found", multiple=True, metavar="ITEM", help="A checklist item found in the parcel.")
@pass_app
def refuse(app: CliApp, **opts: Any) -> None:
    """Record a parcel refused at inspection, with its reason."""
    from station_console.services.sendout import accept

    try:
        result = accept.refuse(
            app.station,
            party=_party(opts),
            recipient=_recipient(opts),
            parcel=_parcel(app, opts),
            reason=opts["reason"],
            found=list(opts["found"]),
            carrier=opts["carrier"],
        )
    except StationError as exc:
        fail(exc, as_json=opts["as_json"])
        return
    if opts["as_json"]:
        emit_json(result.to_json())
    else:
        click.echo(_("Refused and recorded as send {send}", send=result.send_id))


@sendout.command("list")
@option(
    "--day",
    type=DAY,
    metavar="YYYY-MM-DD",
    help="Business day (default: all, newest first).",
)
@option(
    "--status",
    type=click.Choice(["accepted", "handed_over", "cancelled", "refused"]),
    help="Only sends with this status.",
)
@option("--carrier", help="Only this carrier's (its code).")
@option(
    "--taken-at",
    metavar="NAME",
    help="Only the sends taken at this counter (default: every counter's, whichever --counter runs this).",
)
# `station --counter NAME` names the counter this process acts as; this list once took --counter for
# its filter too. Refused with the way to each, never read as either.
@option("--counter", "misplaced_counter", metavar="NAME", hidden=True)
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def list_command(
    app: CliApp,
    day: date | None,
    status: str | None,
    carrier: str | None,
    taken_at: str | None,
    misplaced_counter: str | None,
    as_json: bool,
) -> None:
    """The sends, newest first (masked phones only)."""
    from station_console.services.sendout.listing import list_sends
    from station_console.services.sendout.payments import METHOD_LABELS, STATUS_LABELS

    if misplaced_counter is not None:
        fail(
            Refused(
                N_(
                    "The sends taken at counter {name}: sendout list --taken-at {name}. "
                    "--counter names the counter this command acts as and goes before it: "
                    "station --counter {name} sendout list."
                ),
                code="counter_or_taken_at",
                name=misplaced_counter,
            ),
            as_json=as_json,
        )
    rows = list_sends(app.station, day=day, status=status, carrier=carrier, counter=taken_at)
    if as_json:
        emit_json({"sends": [r.to_json() for r in rows]})
        return
    if not rows:
        click.echo(_("No sends."))
        return
    zone = app.station.zone()
    table = [
        [
            str(r.send_id),
            f"{r.created_at.astimezone(zone):%m-%d %H:%M}",
            label_of(STATUS_LABELS, r.status),
            r.carrier,
            r.waybill or "-",
            r.destination,
            f"{(r.weight_g or 0) / 1000:.3f}" + ("*" if r.weight_manual else " "),
            money(r.price_cents),
            label_of(METHOD_LABELS, r.payment_method) if r.payment_method else "-",
            r.recipient,
        ]
        for r in rows
    ]
    for line in table_lines(table, right={0, 6, 7}):
        click.echo(line)
    if any(r.weight_manual for r in rows):
        click.echo(_("* weight typed in, not read from the scale"))


@sendout.command()
@argument("send")
@option("--reason", required=True, help="Why the money goes back.")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def refund(app: CliApp, send: str, reason: str, as_json: bool) -> None:
    """Refund a send still at the counter (manager); it is cancelled."""
    from station_console.services.sendout import payments

    try:
        done = payments.refund(app.station, send, reason)
    except StationError as exc:
        fail(exc, as_json=as_json)
        return
    if as_json:
        emit_json(done.to_json())
    else:
        click.echo(
            _(
                "Refunded {total} for send {send}",
                total=amount_text(done.refund_cents, done.currency),
                send=done.send_id,
            )
        )


@sendout.command()
@argument("send")
@option("--waybill", "label", is_flag=True, help="The waybill label instead of the receipt.")
@pass_app
def reprint(app: CliApp, send: str, label: bool) -> None:
    """Queue a send's receipt (or waybill label) again."""
    from station_console.services.sendout import payments, printouts

    try:
        job = printouts.reprint(
            app.station,
            payments.find_send_id(app.station, send),
            "waybill" if label else "receipt",
            label_printer=app.counter_settings.waybill_printer or None,
        )
    except StationError as exc:
        fail(exc)
        return
    click.echo(_("Queued print job {job}", job=job))
