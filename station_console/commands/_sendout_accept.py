"""`station sendout new|refuse`: one send accepted (checked, weighed, priced, numbered and paid) or
refused at inspection, each with the sender and parcel as the send-out form takes them.

The leading underscore keeps `station` from registering this module at the top level;
`sendout.register` adds these commands under `station sendout`.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from station_console.cli_help import command, option
from station_console.commands._sendout_amounts import amount_text, declared_cents, show_quote, typed_dims
from station_console.commands._support import CliApp, emit_json, fail, pass_app
from station_console.errors import Refused, StationError
from station_console.i18n import N_, _, label_of

# Services are imported inside each command, as in every command module (CLI start-up).

PAYMENTS = click.Choice(["cash", "qr", "account"])
ID_TYPES = click.Choice(["resident", "passport", "hk_macau", "taiwan"])
# A number shaped as a mobile that the send's carrier takes: the console's Ctrl+Y is this flag.
CONFIRM_OPTION = "--confirm-waybill"


def register(cli: click.Group) -> None:
    cli.add_command(new)
    cli.add_command(refuse)


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
        declared_value_cents=declared_cents(app, opts["declared"]),
        insured=opts["insure"],
        packaging=opts["packaging"],
        dims_mm=typed_dims(opts["dims"]),
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


def _expected(app: CliApp, text: str | None) -> int | None:
    """`--expect` in cents; not given: None (the price is not checked)."""
    from station_console.services.core.money import parse_cents

    return parse_cents(text, currency=app.station.settings().currency) if text else None


@command("new")
@sender_options
@option("--weight", help="Weight in kg, typed (recorded as a manual weight).")
@option("--scale", "use_scale", is_flag=True, help="Read a stable weight from the counter's scale.")
@option("--checked", multiple=True, metavar="ITEM", help="A checklist item checked; `all`: every item.")
@option("--waybill", help="The waybill number (scanned, typed or pasted).")
@option(
    "--confirm-waybill",
    is_flag=True,
    help="The --waybill, shaped like a mobile, is a real waybill of --carrier (DHL Express: 11 digits).",
)
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
            waybill_confirmed=opts["confirm_waybill"],
        )
    except StationError as exc:
        if exc.code == "phone_not_waybill" and exc.params.get("detected"):
            exc.params["key"], exc.advice = CONFIRM_OPTION, None  # its sentence says the flag
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


@command()
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
