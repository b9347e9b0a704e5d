"""`station sendout ...`: the send-out counter, headless, one command per step.

quote (anyone), sender, new, refuse, list, reprint, handover (clerk); refund, stock import, tariff set,
checklist set (manager). Money in JSON is integer cents; text output shows it as 12.50.
"""

from __future__ import annotations

from datetime import date

import click

from station_console.cli_help import argument, group, option
from station_console.commands._sendout_amounts import (
    amount_text,
    declared_cents,
    money,
    show_quote,
    typed_dims,
)
from station_console.commands._support import CliApp, emit_json, fail, pass_app
from station_console.commands._typed_values import DAY
from station_console.errors import Refused, StationError
from station_console.i18n import N_, _, _n, label_of
from station_console.text_columns import table_lines


def register(cli: click.Group) -> None:
    from station_console.commands import _sendout_accept, _sendout_admin, _sendout_handover

    _sendout_accept.register(sendout)
    _sendout_admin.register(sendout)
    _sendout_handover.register(sendout)
    cli.add_command(sendout)


@group()
def sendout() -> None:
    """The send-out counter: quote, accept, refuse, refund, hand over to the courier."""


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
            dims_mm=typed_dims(dims),
            declared_value_cents=declared_cents(app, declared),
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
    from station_console.services.sendout.drawing import name_and_phone
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
        # Only the parts there are: a name blanked past the real-name period, or no ID on file, left a
        # stray space or "ID -" in the line (joined as the send receipt joins them).
        who = name_and_phone(found.name, found.masked_phone) or "-"
        if found.id_type:
            last4 = f" ****{found.id_last4}" if found.id_last4 else ""
            id_text = f"{label_of(ID_TYPE_LABELS, found.id_type)}{last4}"
            line = _n(
                "{who}, ID {id}, {sends} send",
                "{who}, ID {id}, {sends} sends",
                found.sends,
                who=who,
                id=id_text,
                sends=found.sends,
            )
        else:
            line = _n("{who}, {sends} send", "{who}, {sends} sends", found.sends, who=who, sends=found.sends)
        click.echo(line)


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
