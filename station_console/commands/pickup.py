"""`station pickup QUERY [--confirm WAYBILL ...]` and `station undo-pickup WAYBILL`: pickup, headless."""

from __future__ import annotations

from typing import Any

import click

from station_console.cli_help import argument, command, option
from station_console.commands._support import CliApp, emit_json, fail, pass_app
from station_console.errors import StationError
from station_console.i18n import _, _n, label_of

# Services and hardware are imported inside each command, not here: cli.LazyGroup imports every
# command module for any `station` call, and a command should load only what it runs (CLI start-up).


def register(cli: click.Group) -> None:
    cli.add_command(pickup_command)
    cli.add_command(undo_pickup_command)


@command("pickup")
@argument("query")
@option(
    "--confirm",
    "confirm",
    multiple=True,
    metavar="WAYBILL",
    help="Hand over this parcel (repeat for each); all must be the query's, else none is.",
)
@option("--proxy-name", metavar="NAME", help="Someone collects for the recipient (a proxy): their name.")
@option("--proxy-phone", metavar="DIGITS", help="The proxy's phone (its last 4 digits are kept).")
@option("--proxy-id", metavar="LAST4", help="The last 4 of the proxy's ID card, where the station asks.")
@option("--pay", type=click.Choice(["cash", "qr", "account"]), help="The storage fee due was paid this way.")
@option("--waive", metavar="REASON", help="A manager waives the storage fee due, for this reason.")
@option(
    "--override-recall",
    "recall_reason",
    metavar="REASON",
    help="A manager hands over a recalled parcel anyway, for this reason.",
)
@option("--json", "as_json", is_flag=True, help="Print the parcels (or the handed-over waybills) as JSON.")
@pass_app
def pickup_command(
    app: CliApp,
    query: str,
    confirm: tuple[str, ...],
    proxy_name: str | None,
    proxy_phone: str | None,
    proxy_id: str | None,
    pay: str | None,
    waive: str | None,
    recall_reason: str | None,
    as_json: bool,
) -> None:
    """List a customer's parcels on the shelves (code, codes, phone tail, phone or waybill) and any
    storage fee due; with --confirm, mark those parcels picked up (--proxy-name and --proxy-phone: by
    a proxy; a fee due needs --pay or --waive). A recalled parcel goes back, not to the customer: only
    a manager's --override-recall hands it over."""
    from station_console.services.core.ageing import BAND_LABELS
    from station_console.services.core.recalls import day_of, is_recalled
    from station_console.services.exceptions.problem_kinds import KIND_LABELS
    from station_console.services.fees.ledger import WAIVE, Settlement
    from station_console.services.pickup import handover
    from station_console.services.pickup.lookup import CHECK_LABELS, lookup
    from station_console.services.pickup.proxy import Proxy
    from station_console.services.pickup.recalled import NOTICE

    station = app.station
    proxy = (
        Proxy(name=proxy_name or "", phone_tail=proxy_phone or "", id_last4=proxy_id)
        if proxy_name or proxy_phone or proxy_id
        else None
    )
    settlement = Settlement(WAIVE, reason=waive) if waive else Settlement(pay) if pay else None
    try:
        found = lookup(station, query)
        if confirm:
            # Every confirmed waybill must be one of the query's parcels; a stranger refuses them all.
            rows = [handover.check_scan(found, waybill, station) for waybill in confirm]
            done = handover.confirm_pickup(
                station,
                [r.parcel_id for r in rows],
                method=found.method,
                scanned=[r.waybill for r in rows],
                proxy=proxy,
                codes=found.codes,
                fee=settlement,
                recall_reason=recall_reason,
            )
    except StationError as exc:
        fail(exc, as_json=as_json)
        return
    if confirm:
        handed = [r.waybill for r in rows if r.parcel_id in done]
        if as_json:
            emit_json({"picked_up": handed})
        else:
            click.echo(_("Picked up: {waybills}", waybills=", ".join(handed)))
        return
    fees = _fees_due(station, [r.parcel_id for r in found.rows])
    if as_json:
        emit_json(
            {
                "parcels": [{**r.to_json(), "fee": _fee_json(fees.get(r.parcel_id))} for r in found.rows],
                "missing": list(found.missing),
                "moved": [{"old": old, "code": new} for old, new in found.moved],
                "needs_second_check": found.needs_second_check,
            }
        )
        return
    for group in found.groups:
        click.echo(
            _n(
                "Customer {phone}: {n} parcel",
                "Customer {phone}: {n} parcels",
                len(group),
                # A directory person's parcels may have come with different phones of theirs: each named.
                phone=" / ".join(dict.fromkeys(r.masked_phone or "-" for r in group)),
                n=len(group),
            )
        )
        for r in group:
            out = "  " + _("out for delivery") if r.out_for_delivery else ""
            flag = "  ! " + label_of(KIND_LABELS, r.problem_kind) if r.problem_kind else ""
            click.echo(
                f"  {r.pickup_code:<12} {r.location:<6} {r.carrier:<8} {r.waybill:<22} "
                f"{r.checked_in_at:%Y-%m-%d}  {label_of(BAND_LABELS, r.band)}{out}{flag}"
            )
    for r in found.rows:
        if is_recalled(r.problem_kind):
            click.echo(_(NOTICE, waybill=r.waybill, date=day_of(station, r.problem_at)), err=True)
    for old, new in found.moved:
        click.echo(_("{old} moved to {new}.", old=old, new=new), err=True)
    _echo_fees(station, fees)
    for code in found.missing:
        click.echo(_("Not found: {code}", code=code), err=True)
    if found.second_check:
        click.echo(_(CHECK_LABELS[found.second_check]), err=True)


def _fees_due(station: Any, parcel_ids: list[int]) -> dict[int, Any]:
    from station_console.services.fees.ledger import quotes

    return quotes(station, parcel_ids)


def _fee_json(fee: Any) -> dict[str, Any] | None:
    return fee.to_json() if fee is not None else None


def _echo_fees(station: Any, fees: dict[int, Any]) -> None:
    """The storage fee due before the handover, and when it started (the customer's question)."""
    from station_console.services.fees.rules import money

    owed = sum(fee.owed_cents for fee in fees.values())
    if owed:
        start = min(fee.fee_starts for fee in fees.values() if fee.owed_cents)
        click.echo(
            _(
                "Storage fee due: {amount} (charged since {start}); give --pay METHOD or --waive REASON",
                amount=money(owed, station.settings()),
                start=start.isoformat(),
            )
        )


@command("undo-pickup")
@argument("waybill")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def undo_pickup_command(app: CliApp, waybill: str, as_json: bool) -> None:
    """Put a parcel handed out by mistake back on the shelf (manager, within minutes of the pickup)."""
    from station_console.services.fees.ledger import give_back_lines
    from station_console.services.pickup import undo

    try:
        parcel_id = undo.picked_up_parcel(app.station, waybill)
        given = undo.undo_pickup(app.station, parcel_id)
    except StationError as exc:
        fail(exc, as_json=as_json)
        return
    if as_json:
        emit_json(
            {
                "undone": waybill.strip().upper(),
                "parcel_id": parcel_id,
                "fee_refunded_cents": given.refunded_cents,
                "fee_unwaived_cents": given.unwaived_cents,
            }
        )
    else:
        click.echo(_("Back on the shelf: {waybill}", waybill=waybill.strip().upper()))
        for line in give_back_lines(given, app.station.settings()):
            click.echo(line)
