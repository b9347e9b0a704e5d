"""`station checkin`, `station parcels`, `station undo-checkin`: the check-in service, headless."""

from __future__ import annotations

from typing import Any

import click

from station_console.cli_help import argument, command, option
from station_console.commands._paper_ids import COURIER_BATCH_ID
from station_console.commands._support import CliApp, emit_json, fail, pass_app
from station_console.errors import StationError
from station_console.i18n import N_, _, label_of

# Services and hardware are imported inside each command, not here: cli.LazyGroup imports every
# command module for any `station` call, and a command should load only what it runs (CLI start-up).

# A phone given as the waybill: the service's advice names the console's Phone field, which this has not.
PHONE_OPTION = N_("A phone goes with --phone: station checkin WAYBILL --phone PHONE.")
SIZE_CHOICES = click.Choice(["S", "M", "L", "XL"], case_sensitive=False)
STATUS_CHOICES = click.Choice(["on_shelf", "picked_up", "returned", "written_off", "cancelled"])


def register(cli: click.Group) -> None:
    cli.add_command(checkin)
    cli.add_command(parcels)
    cli.add_command(undo_checkin)


@command()
@argument("waybill")
@option("--carrier", help="Carrier code to use whatever the number looks like (e.g. ZTO).")
@option("--batch", help="Carrier being received; a number that looks like another one is refused.")
@option("--phone", help="Recipient phone: full, last 4 digits, 138****5678 or 17012345678-8462.")
@option("--size", type=SIZE_CHOICES, help="Size class (default: the pre-alert's, else the setting).")
@option("--recipient", metavar="REF", help="The directory entry (external id or #id): its phone and name.")
@option("--handover", type=COURIER_BATCH_ID, metavar="ID", help="The open courier batch it arrives in.")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def checkin(
    app: CliApp,
    waybill: str,
    carrier: str | None,
    batch: str | None,
    phone: str | None,
    size: str | None,
    recipient: str | None,
    handover: int | None,
    as_json: bool,
) -> None:
    """Check in one parcel: shelf location, pickup code, label job and notification, in one transaction.
    A pre-alerted waybill takes its phone (and name, size) from the pre-alert when none is given."""
    from station_console.services.checkin.recipient import consent_note
    from station_console.services.checkin.transaction import check_in

    try:
        recipient_id = None
        if recipient:
            from station_console.services.recipients import directory

            recipient_id = directory.get(app.station, recipient).id
        result = check_in(
            app.station,
            waybill,
            batch=batch.upper() if batch else None,
            carrier=carrier.upper() if carrier else None,
            phone=phone,
            size=size.upper() if size else None,
            recipient_id=recipient_id,
            courier_batch=handover,
        )
    except StationError as exc:
        if exc.code == "phone_not_waybill":
            exc.advice = PHONE_OPTION
            if exc.params.get("detected"):  # the console's Ctrl+Y is naming the carrier
                exc.params["key"] = f"--carrier {exc.params['detected']}"
        fail(exc, as_json=as_json)
        return
    if as_json:
        emit_json(result.to_json())
        return
    click.echo(
        _(
            "{code}  shelf {shelf} layer {layer}  {carrier} {waybill}",
            code=result.pickup_code,
            shelf=result.shelf,
            layer=result.layer,
            carrier=result.carrier,
            waybill=result.waybill,
        )
    )
    if result.prealerted:
        click.echo(_("Pre-alerted: phone {phone} from the pre-alert.", phone=result.masked_phone or "-"))
    if result.redelivery:
        click.echo(_("Re-delivery: this waybill was here before."))
    if result.overflow:
        click.echo(_("The shelves are full: this parcel went to the overflow zone."))
    if note := consent_note(result.consent, wants_door=result.wants_door):
        click.echo(note, err=True)
    if result.wants_door:
        click.echo(_("The recipient chose door delivery: it goes on the next run."))


def _parcel_json(row: Any) -> dict[str, Any]:
    """The read model's fields, with the location also as shelf and layer (as this command always gave)."""
    from station_console.services.shelves.locations import split_location  # lazily, as each command

    shelf, layer = split_location(row.location or "")
    return {**row.to_json(), "parcel_id": row.id, "shelf": shelf or None, "layer": layer or None}


@command()
@option("--status", type=STATUS_CHOICES, help="Only parcels with this status.")
@option(
    "--limit",
    type=click.IntRange(1, 100_000),
    default=100,
    show_default=True,
    help="How many parcels to show, newest first.",
)
@option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@pass_app
def parcels(app: CliApp, status: str | None, limit: int, as_json: bool) -> None:
    """List parcels, newest check-in first (phones masked)."""
    from station_console.services.shelves.lists import list_parcels
    from station_console.services.shelves.search import STATUS_LABELS

    rows = list_parcels(app.station, status=status, limit=limit)
    if as_json:
        emit_json({"parcels": [_parcel_json(row) for row in rows]})
        return
    for row in rows:
        click.echo(
            f"{row.pickup_code or '-':<14} {row.location or '-':<8} {row.carrier:<8} {row.waybill:<22} "
            f"{row.masked_phone or '-':<14} {label_of(STATUS_LABELS, row.status)}"
        )
    if not rows:
        click.echo(_("No parcels."))


@command("undo-checkin")
@option("--json", "as_json", is_flag=True, help="Print the undone parcel as JSON.")
@pass_app
def undo_checkin(app: CliApp, as_json: bool) -> None:
    """Undo this counter's last check-in still on the shelf (code held back, label and message withdrawn)."""
    from station_console.services.checkin.transaction import undo_last

    try:
        result = undo_last(app.station)
    except StationError as exc:
        fail(exc, as_json=as_json)
        return
    if as_json:
        emit_json(result.to_json())
        return
    click.echo(
        _(
            "Undone: {waybill} ({code}) is no longer checked in.",
            waybill=result.waybill,
            code=result.pickup_code,
        )
    )
